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

/** When a tool has run this long with nothing playing, the caller hears a soft cue instead of dead air. */
export const HOLD_CUE_AFTER_MS = 1500;
export const HOLD_CUE_EVERY_MS = 2500;

export type CallTimer = 'reprompt' | 'silence-goodbye' | 'wrap-up-warning' | 'max-duration' | 'hold-cue';

/**
 * The timers of a call, on an injected clock: silence reprompts, the maximum length with its warning, and the hold
 * cue while tools run. Each one that falls due is reported to `fire`.
 * The silence timer runs only while nobody talks: it starts when the agent finished speaking and stops when the
 * caller speaks or the agent starts again (or a tool runs).
 */
export class CallTimers {
  private silenceTimer: TimerHandle | undefined;
  private warningTimer: TimerHandle | undefined;
  private maxTimer: TimerHandle | undefined;
  private holdTimer: TimerHandle | undefined;
  private toolsRunning = 0;
  private reprompts = 0;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly settings: CallTimerSettings | undefined,
    private readonly fire: (timer: CallTimer) => void,
  ) {}

  start(): void {
    if (!this.settings) return;
    const { maxCallMs, wrapUpWarningMs } = this.settings;
    if (wrapUpWarningMs > 0 && wrapUpWarningMs < maxCallMs) {
      this.warningTimer = this.clock.setTimeout(() => this.fire('wrap-up-warning'), maxCallMs - wrapUpWarningMs);
    }
    this.maxTimer = this.clock.setTimeout(() => {
      this.stopSilence();
      this.fire('max-duration');
    }, maxCallMs);
  }

  /** How many reprompts were made since the caller last spoke. */
  get repromptCount(): number {
    return this.reprompts;
  }

  /** The agent's audio has played out and no response is running: the caller's turn. True when the silence timer starts now. */
  agentFinishedSpeaking(): boolean {
    if (!this.settings || this.stopped || this.silenceTimer) return false;
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

  /** A tool runs: nobody waits on the caller, and after a while the caller hears the hold cue. */
  toolStarted(): void {
    this.stopSilence();
    if (this.toolsRunning++ === 0) this.scheduleHoldCue(HOLD_CUE_AFTER_MS);
  }

  toolFinished(): void {
    this.toolsRunning = Math.max(0, this.toolsRunning - 1);
    if (this.toolsRunning === 0) this.stopHoldCue();
  }

  stop(): void {
    this.stopped = true;
    this.stopSilence();
    this.stopHoldCue();
    this.clock.clearTimeout(this.warningTimer);
    this.clock.clearTimeout(this.maxTimer);
  }

  private silenceElapsed(): void {
    this.silenceTimer = undefined;
    if (this.stopped) return;
    if (this.reprompts >= this.settings!.maxReprompts) {
      this.stopped = true;
      this.fire('silence-goodbye');
      return;
    }
    this.reprompts++;
    this.fire('reprompt');
  }

  private stopSilence(): void {
    this.clock.clearTimeout(this.silenceTimer);
    this.silenceTimer = undefined;
  }

  private scheduleHoldCue(ms: number): void {
    this.holdTimer = this.clock.setTimeout(() => {
      this.fire('hold-cue');
      this.scheduleHoldCue(HOLD_CUE_EVERY_MS);
    }, ms);
  }

  private stopHoldCue(): void {
    this.clock.clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
  }
}
