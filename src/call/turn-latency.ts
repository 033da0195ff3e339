import type { Clock } from '../clock.js';
import type { CallObserver } from './call-types.js';

export interface TurnSummary {
  turns: number;
  bargeIns: number;
  greetingMs: number | undefined;
  latencyP50Ms: number | undefined;
  latencyP95Ms: number | undefined;
}

/**
 * Voice-to-voice latency per turn: from the caller's end of speech to the first
 * audio forwarded to Twilio, and to the first mark echo (playout). Also greeting latency.
 */
export class TurnLatency {
  private readonly startedAt: number;
  private userEndAt: number | undefined;
  private greetingRequested = false;
  private greetingResponse: string | undefined;
  private greetingMs: number | undefined;
  private turnResponse: string | undefined;
  private lastForwarded: string | undefined;
  private awaitingPlayout: { responseId: string; from: number } | undefined;
  private readonly playoutLatencies: number[] = [];
  private bargeIns = 0;
  private turns = 0;

  constructor(
    private readonly clock: Clock,
    private readonly observer: CallObserver | undefined,
  ) {
    this.startedAt = clock.now();
  }

  /** `lagMs`: how long ago, on the appended-audio clock, the caller actually stopped. */
  callerStopped(lagMs: number): void {
    this.userEndAt = this.clock.now() - lagMs;
    this.turns++;
  }

  responseRequested(purpose: string): void {
    if (purpose === 'greeting' && this.greetingMs === undefined) this.greetingRequested = true;
  }

  responseStarted(responseId: string): void {
    if (this.greetingRequested && this.greetingResponse === undefined && this.userEndAt === undefined) {
      this.greetingResponse = responseId;
    } else if (this.userEndAt !== undefined) {
      this.turnResponse = responseId;
    }
  }

  /** Hot path: called for every forwarded delta, so the common case is one comparison. */
  audioForwarded(responseId: string): void {
    if (responseId === this.lastForwarded) return;
    this.lastForwarded = responseId;
    const now = this.clock.now();
    if (responseId === this.greetingResponse && this.greetingMs === undefined) {
      this.greetingMs = now - this.startedAt;
      this.observer?.greetingLatency?.(this.greetingMs);
    }
    if (responseId === this.turnResponse && this.userEndAt !== undefined) {
      this.observer?.turnLatency?.('first_audio', now - this.userEndAt);
      this.awaitingPlayout = { responseId, from: this.userEndAt };
      this.userEndAt = undefined;
      this.turnResponse = undefined;
    }
  }

  playoutStarted(responseId: string): void {
    if (this.awaitingPlayout?.responseId !== responseId) return;
    const ms = this.clock.now() - this.awaitingPlayout.from;
    this.awaitingPlayout = undefined;
    this.playoutLatencies.push(ms);
    this.observer?.turnLatency?.('playout', ms);
  }

  bargeIn(): void {
    this.bargeIns++;
  }

  summary(): TurnSummary {
    const sorted = [...this.playoutLatencies].sort((a, b) => a - b);
    const pick = (q: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!) : undefined);
    return { turns: this.turns, bargeIns: this.bargeIns, greetingMs: this.greetingMs === undefined ? undefined : Math.round(this.greetingMs), latencyP50Ms: pick(0.5), latencyP95Ms: pick(0.95) };
  }
}
