import type { RealtimeResponseUsage } from 'openai/resources/realtime/realtime';
import { CallReport, tokenBreakdown, type CallRecord } from './call-report.js';
import type { CallObserver } from '../call/call-types.js';
import type { Metrics } from '../metrics.js';

const SUBMIT_TOOL = 'submit_order';
/** End reasons where the bridge or the model failed the caller. */
export const ERROR_REASONS: ReadonlySet<string> = new Set(['setup-failed', 'model-error', 'model-closed']);

/**
 * Feeds one call's events to the process metrics and to the call's own record (the `call record` log line).
 * Beyond `CallObserver` it takes `modelReconnected` and `orderSubmitted`, for when the session reports them.
 */
export class CallMetricsObserver implements CallObserver {
  private anOrderWasPlaced = false;

  constructor(
    private readonly metrics: Metrics,
    readonly report: CallReport,
  ) {}

  greetingLatency(ms: number): void {
    this.metrics.greetingLatency.observe(ms / 1000);
    this.report.setGreetingLatency(ms);
  }

  turnLatency(stage: 'first_audio' | 'playout', ms: number): void {
    if (stage === 'first_audio') {
      this.metrics.turnLatencyFirstAudio.observe(ms / 1000);
      return;
    }
    this.metrics.turnLatencyPlayout.observe(ms / 1000);
    this.report.addTurnLatency(ms);
  }

  bargeIn(): void {
    this.metrics.bargeIns.inc();
    this.report.addBargeIn();
  }

  modelError(code: string): void {
    this.metrics.modelErrors(code).inc();
  }

  modelUnresponsive(why: 'no-pong' | 'no-response' | 'handshake'): void {
    this.metrics.watchdog('model', why).inc();
  }

  modelReconnected(): void {
    this.metrics.modelReconnects.inc();
    this.report.addModelReconnect();
  }

  toolFinished(name: string, outcome: string, ms: number): void {
    this.metrics.toolDuration(name, outcome).observe(ms / 1000);
    if (name !== SUBMIT_TOOL) return;
    this.metrics.orderSubmissions(outcome).inc();
    if (outcome === 'ok') this.anOrderWasPlaced = true;
  }

  orderSubmitted(orderId: string): void {
    this.anOrderWasPlaced = true;
    this.report.setOrderId(orderId);
  }

  transcriptionUsage(usage: unknown): void {
    this.report.addTranscription(usage);
    const seconds = (usage as { type?: unknown; seconds?: unknown } | undefined)?.type === 'duration' ? (usage as { seconds: unknown }).seconds : undefined;
    if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0) this.metrics.transcriptionSeconds.inc(seconds);
  }

  usage(usage: unknown): void {
    // tokenBreakdown counts only finite non-negative numbers, so a malformed usage object adds nothing.
    const typed = usage as RealtimeResponseUsage | undefined;
    this.report.addUsage(typed);
    this.metrics.recordTokens(tokenBreakdown(typed));
  }

  /** Closes the record and counts the outcome; call once, when the call ended. */
  finish(reason: string, nowMs: number): CallRecord {
    this.report.setEndReason(reason);
    const record = this.report.finish(nowMs);
    this.metrics.callsByOutcome(callOutcome(reason, this.anOrderWasPlaced || record.orderId !== null), record.channel).inc();
    return record;
  }
}

/** The `outcome` label of a finished call. */
export function callOutcome(reason: string, orderPlaced: boolean): string {
  if (reason === 'transferred') return 'transferred';
  if (orderPlaced) return 'order_submitted';
  if (ERROR_REASONS.has(reason)) return 'error';
  if (reason === 'shutdown') return 'shutdown';
  return 'no_order';
}
