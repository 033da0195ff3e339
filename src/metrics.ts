/**
 * Prometheus metrics on a registry of their own (never prom-client's global one), so tests can build many servers.
 * Label sets are bounded: no per-call labels, and each free-form label keeps at most MAX_LABEL_VALUES distinct values
 * (later ones count as `other`). Labelled children are cached per value, because `.labels()` lookups cost on hot paths.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallChannel } from './call/call-types.js';
import type { TokenCounts } from './ops/call-report.js';

const PREFIX = 'voice_bridge_';
export const MAX_LABEL_VALUES = 32;
const MAX_LABEL_CHARS = 64;
const OVERFLOW_LABEL = 'other';

/** Voice-to-voice latencies: targets are p50 ≤ 0.8 s and p95 ≤ 1.2 s. */
export const LATENCY_BUCKETS_SECONDS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.2, 1.5, 2, 2.5, 3, 5];
export const TOOL_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Token counter directions. `input` counts *uncached* input only and `input_cached` the cached part, so the two add
 * up to the billed input (the API's `cached_tokens` is a subset of `input_tokens`).
 */
export type TokenDirection = 'input' | 'input_cached' | 'output';
export type TokenModality = 'text' | 'audio';
/** `admission`: refused for capacity or shutdown (reasons `global_cap`, `org_cap`, `draining`, `stream_over_capacity`). */
export type RejectedCheck = 'webhook_signature' | 'upgrade_signature' | 'stream_token' | 'admission' | 'webhook_input' | 'replay';

export interface MetricsOptions {
  /** Process and Node.js defaults (CPU, memory, GC, `nodejs_eventloop_lag_*`). Default true. */
  defaultMetrics?: boolean;
}

export interface Metrics {
  readonly registry: Registry;
  readonly activeCalls: Gauge;
  /** Finished calls by outcome (e.g. `order_submitted`, `no_order`, `transferred`, `error`) and channel (`phone`, `browser`). */
  callsByOutcome(outcome: string, channel: CallChannel): Counter.Internal;
  /** Seconds from the caller's end of speech to the first audio frame sent to Twilio. */
  readonly turnLatencyFirstAudio: Histogram;
  /** Seconds from the caller's end of speech to the echo of the first mark (≈ playout start). */
  readonly turnLatencyPlayout: Histogram;
  /** Seconds from the stream `start` to the first greeting audio sent to Twilio. */
  readonly greetingLatency: Histogram;
  readonly bargeIns: Counter;
  modelErrors(code: string): Counter.Internal;
  readonly modelReconnects: Counter;
  /** Tool execution time in seconds by tool name and outcome (`ok` / `error`, …). */
  toolDuration(tool: string, outcome: string): Histogram.Internal<'tool' | 'outcome'>;
  orderSubmissions(outcome: string): Counter.Internal;
  tokens(direction: TokenDirection, modality: TokenModality): Counter.Internal;
  /** Adds one response's tokens (from `tokenBreakdown(usage)`) to the token counters. */
  recordTokens(tokens: TokenCounts): void;
  /** Seconds of caller audio billed for transcription (models priced by duration). */
  readonly transcriptionSeconds: Counter;
  /** A peer found quiet without closing: `stream` (silence, no-pong) or `model` (no-pong, no-response, handshake). */
  watchdog(peer: 'stream' | 'model', why: string): Counter.Internal;
  rejections(check: RejectedCheck, reason: string): Counter.Internal;
  /** SMS order confirmations: `sent`, `failed` (reason `twilio_<code>`, `refused`, `expired`) or `skipped` (reason why). */
  sms(result: 'sent' | 'failed' | 'skipped', reason: string): Counter.Internal;
  render(): Promise<{ contentType: string; body: string }>;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name: PREFIX + name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []) =>
    new Histogram<L>({ name: PREFIX + name, help, buckets, labelNames, registers });

  const activeCalls = new Gauge({ name: `${PREFIX}active_calls`, help: 'Calls with an open media stream.', registers });
  const calls = counter('calls_total', 'Finished calls by outcome and channel (phone, or browser from the operator console).', ['outcome', 'channel']);
  const modelErrors = counter('model_errors_total', 'OpenAI Realtime error events by code.', ['code']);
  const orders = counter('order_submissions_total', 'Order submissions to the main app by outcome.', ['outcome']);
  const tools = histogram('tool_duration_seconds', 'Tool call duration by tool and outcome.', TOOL_BUCKETS_SECONDS, ['tool', 'outcome']);
  const rejections = counter('rejections_total', 'Calls or requests refused: by a signature or stream-token check, or for capacity or shutdown (admission).', ['check', 'reason']);
  const tokens = counter(
    'tokens_total',
    'Realtime tokens by direction and modality. input = uncached input only; input_cached = cached input; their sum is the billed input.',
    ['direction', 'modality'],
  );
  const tokenChildren = new Map<string, Counter.Internal>();
  for (const direction of ['input', 'input_cached', 'output'] as const) {
    for (const modality of ['text', 'audio'] as const) {
      const child = tokens.labels(direction, modality);
      child.inc(0); // every series exists from the start, so rates over it are never gaps
      tokenChildren.set(`${direction}/${modality}`, child);
    }
  }
  const tokenChild = (direction: TokenDirection, modality: TokenModality) => tokenChildren.get(`${direction}/${modality}`)!;

  const sms = counter('sms_total', 'SMS order confirmations by result (sent, failed, skipped) and reason.', ['result', 'reason']);
  const watchdogs = counter('watchdog_total', 'Peers found quiet without closing, by peer (stream, model) and why (silence, no-pong, no-response, handshake).', ['peer', 'why']);
  return {
    registry,
    activeCalls,
    callsByOutcome: boundedPairChildren((outcome, channel) => calls.labels(outcome, channel)),
    turnLatencyFirstAudio: histogram(
      'turn_latency_first_audio_seconds',
      'Caller end of speech to first audio sent to Twilio.',
      LATENCY_BUCKETS_SECONDS,
    ),
    turnLatencyPlayout: histogram(
      'turn_latency_playout_seconds',
      'Caller end of speech to first mark echo from Twilio (playout start).',
      LATENCY_BUCKETS_SECONDS,
    ),
    greetingLatency: histogram('greeting_latency_seconds', 'Stream start to first greeting audio sent to Twilio.', LATENCY_BUCKETS_SECONDS),
    bargeIns: counter('barge_ins_total', 'Caller interruptions of bot audio.'),
    modelErrors: boundedChildren((code) => modelErrors.labels(code)),
    modelReconnects: counter('model_reconnects_total', 'Reconnections to the OpenAI Realtime API during a call.'),
    toolDuration: boundedPairChildren((tool, outcome) => tools.labels(tool, outcome)),
    orderSubmissions: boundedChildren((outcome) => orders.labels(outcome)),
    tokens: tokenChild,
    recordTokens(counts: TokenCounts): void {
      for (const modality of ['text', 'audio'] as const) {
        const t = counts[modality];
        if (t.input > 0) tokenChild('input', modality).inc(t.input);
        if (t.inputCached > 0) tokenChild('input_cached', modality).inc(t.inputCached);
        if (t.output > 0) tokenChild('output', modality).inc(t.output);
      }
    },
    watchdog: boundedPairChildren((peer, why) => watchdogs.labels(peer, why)),
    transcriptionSeconds: counter('transcription_seconds_total', 'Seconds of caller audio billed for transcription (models priced by duration).'),
    rejections: boundedPairChildren((check, reason) => rejections.labels(check, reason)),
    sms: boundedPairChildren((result, reason) => sms.labels(result, reason)),
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** Caches one child per label value; past MAX_LABEL_VALUES distinct values, new ones map to `other`. */
function boundedChildren<C>(make: (value: string) => C): (value: string) => C {
  const children = new Map<string, C>();
  return (raw) => {
    const value = labelValue(raw);
    let child = children.get(value);
    if (child === undefined) {
      const key = children.size < MAX_LABEL_VALUES ? value : OVERFLOW_LABEL;
      child = children.get(key) ?? make(key);
      children.set(key, child);
    }
    return child;
  };
}

/** As boundedChildren, for two labels: each label is bounded separately. */
function boundedPairChildren<C>(make: (a: string, b: string) => C): (a: string, b: string) => C {
  const first = boundedChildren((a) => boundedChildren((b) => make(a, b)));
  return (a, b) => first(a)(b);
}

function labelValue(raw: string): string {
  const value = String(raw).trim().slice(0, MAX_LABEL_CHARS);
  return value === '' ? 'unknown' : value;
}
