import type { Clock, TimerHandle } from '../clock.js';

export interface CallTimerSettings {
  /** Caller silence after the agent finished speaking before a reprompt. */
  silenceRepromptMs: number;
  /** Reprompts before the polite goodbye. */
  maxReprompts: number;
  maxCallMs: number;
  /** How long before `maxCallMs` the caller hears the wrap-up warning. */
  wrapUpWarningMs: number;
}

export interface CallTimerActions {
  reprompt(count: number): void;
  silenceGoodbye(): void;
  wrapUpWarning(): void;
  maxDurationReached(): void;
}

/**
 * Silence reprompts and the maximum call length, on an injected clock (field note 19).
 * The silence timer runs only while nobody talks: it starts when the agent finished speaking and
 * stops when the caller speaks or the agent starts again (or a tool runs).
 */
export class CallTimers {
  private silenceTimer: TimerHandle | undefined;
  private warningTimer: TimerHandle | undefined;
  private maxTimer: TimerHandle | undefined;
  private reprompts = 0;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly settings: CallTimerSettings,
    private readonly actions: CallTimerActions,
  ) {}

  start(): void {
    const { maxCallMs, wrapUpWarningMs } = this.settings;
    if (wrapUpWarningMs > 0 && wrapUpWarningMs < maxCallMs) {
      this.warningTimer = this.clock.setTimeout(() => this.actions.wrapUpWarning(), maxCallMs - wrapUpWarningMs);
    }
    this.maxTimer = this.clock.setTimeout(() => {
      this.stopSilence();
      this.actions.maxDurationReached();
    }, maxCallMs);
  }

  /** The agent's audio has played out and no response is running: the caller's turn. True when the silence timer starts now. */
  agentFinishedSpeaking(): boolean {
    if (this.stopped || this.silenceTimer) return false;
    this.silenceTimer = this.clock.setTimeout(() => this.silenceElapsed(), this.settings.silenceRepromptMs);
    return true;
  }

  /** The caller spoke: they are here, so the reprompt count starts over. */
  callerActive(): void {
    this.reprompts = 0;
    this.stopSilence();
  }

  /** The agent is answering or a tool runs: nobody is waiting on the caller. */
  agentBusy(): void {
    this.stopSilence();
  }

  stop(): void {
    this.stopped = true;
    this.stopSilence();
    this.clock.clearTimeout(this.warningTimer);
    this.clock.clearTimeout(this.maxTimer);
  }

  private silenceElapsed(): void {
    this.silenceTimer = undefined;
    if (this.stopped) return;
    if (this.reprompts >= this.settings.maxReprompts) {
      this.stopped = true;
      this.actions.silenceGoodbye();
      return;
    }
    this.reprompts++;
    this.actions.reprompt(this.reprompts);
  }

  private stopSilence(): void {
    this.clock.clearTimeout(this.silenceTimer);
    this.silenceTimer = undefined;
  }
}
