/**
 * Per-call accumulator for the one structured record logged when a call ends: duration, end reason, turn latency,
 * barge-ins, tokens by modality and an estimated cost (from `response.done` usage, `RealtimeResponseUsage` in the
 * `openai` package). Pure: no clock, no I/O.
 */
import type { RealtimeResponseUsage } from 'openai/resources/realtime/realtime';
import type { CallChannel } from '../call/call-types.js';

/** Tokens of one modality. `input` is the *uncached* input: `cached_tokens` is a subset of `input_tokens`. */
export interface ModalityTokens {
  input: number;
  inputCached: number;
  output: number;
}

export interface TokenCounts {
  text: ModalityTokens;
  audio: ModalityTokens;
}

/** USD per 1M tokens, per modality, for uncached input, cached input and output. */
export type RateTable = Record<keyof TokenCounts, ModalityTokens>;

export interface CallReportStart {
  callSid: string;
  /** Default `phone`. */
  channel?: CallChannel;
  streamSid?: string;
  orgId?: string;
  model?: string;
  startedAtMs: number;
  /** The Realtime model's prices (`ops/prices.ts` `realtimeRates`); without them the cost counts only transcription. */
  rates?: RateTable;
  /** USD per minute of caller audio transcribed (for models priced by duration). */
  transcriptionUsdPerMinute?: number;
}

/** Transcription billed for the caller's audio, from `conversation.item.input_audio_transcription.completed` usage. */
export interface TranscriptionUsage {
  seconds: number;
  inputTokens: number;
  outputTokens: number;
}

export interface LatencySummary {
  p50: number | null;
  p95: number | null;
  max: number | null;
}

/** The record logged once per finished call. */
export interface CallRecord {
  callSid: string;
  channel: CallChannel;
  streamSid: string | null;
  orgId: string | null;
  model: string | null;
  durationMs: number;
  endReason: string;
  /** Caller turns answered with measured latency (one `addTurnLatency` each). */
  turns: number;
  /** `response.done` events whose usage was added. */
  responses: number;
  turnLatencyMs: LatencySummary;
  greetingLatencyMs: number | null;
  bargeIns: number;
  modelReconnects: number;
  tokens: TokenCounts;
  /** Raw `input_tokens` / `output_tokens` sums, which also count image tokens (not priced). */
  tokenTotals: { input: number; output: number };
  /** Share of the input that came from the model's prompt cache (0 to 1), or null before any input. */
  cachedInputShare: number | null;
  transcription: TranscriptionUsage;
  estimatedCostUsd: number;
  orderId: string | null;
}

export function emptyTokenCounts(): TokenCounts {
  return { text: { input: 0, inputCached: 0, output: 0 }, audio: { input: 0, inputCached: 0, output: 0 } };
}

/** Splits one `response.done` usage into uncached/cached/output × text/audio; every missing field counts as 0. */
export function tokenBreakdown(usage: RealtimeResponseUsage | undefined): TokenCounts {
  const input = usage?.input_token_details;
  const cached = input?.cached_tokens_details;
  const output = usage?.output_token_details;
  const modality = (inputTokens?: number, cachedTokens?: number, outputTokens?: number): ModalityTokens => {
    const cachedCount = count(cachedTokens);
    return { input: Math.max(0, count(inputTokens) - cachedCount), inputCached: cachedCount, output: count(outputTokens) };
  };
  return {
    text: modality(input?.text_tokens, cached?.text_tokens, output?.text_tokens),
    audio: modality(input?.audio_tokens, cached?.audio_tokens, output?.audio_tokens),
  };
}

export function estimateCostUsd(tokens: TokenCounts, rates: RateTable): number {
  let microUsd = 0;
  for (const modality of ['text', 'audio'] as const) {
    const t = tokens[modality];
    const r = rates[modality];
    microUsd += t.input * r.input + t.inputCached * r.inputCached + t.output * r.output;
  }
  return Math.round(microUsd) / 1e6;
}

/** Nearest-rank percentile of the samples, or null when there are none. */
export function percentile(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export class CallReport {
  private readonly tokens = emptyTokenCounts();
  private readonly tokenTotals = { input: 0, output: 0 };
  private readonly turnLatencies: number[] = [];
  private readonly transcription: TranscriptionUsage = { seconds: 0, inputTokens: 0, outputTokens: 0 };
  private responses = 0;
  private bargeIns = 0;
  private modelReconnects = 0;
  private greetingLatencyMs: number | null = null;
  private endReason: string | null = null;
  private orderId: string | null = null;

  constructor(private readonly start: CallReportStart) {}

  /** Adds the usage of one `response.done` (`response.usage`, possibly absent). */
  addUsage(usage: RealtimeResponseUsage | undefined): void {
    this.responses += 1;
    const add = tokenBreakdown(usage);
    for (const modality of ['text', 'audio'] as const) {
      for (const kind of ['input', 'inputCached', 'output'] as const) this.tokens[modality][kind] += add[modality][kind];
    }
    this.tokenTotals.input += count(usage?.input_tokens);
    this.tokenTotals.output += count(usage?.output_tokens);
  }

  /** Adds one transcription's usage: `{ type: "duration", seconds }` or `{ type: "tokens", input_tokens, output_tokens }`. */
  addTranscription(usage: unknown): void {
    const u = (usage ?? {}) as { type?: unknown; seconds?: number; input_tokens?: number; output_tokens?: number };
    if (u.type === 'duration') this.transcription.seconds += count(u.seconds);
    if (u.type === 'tokens') {
      this.transcription.inputTokens += count(u.input_tokens);
      this.transcription.outputTokens += count(u.output_tokens);
    }
  }

  /** One answered caller turn: end of caller speech to playout, in ms. Non-finite or negative values are ignored. */
  addTurnLatency(ms: number): void {
    if (Number.isFinite(ms) && ms >= 0) this.turnLatencies.push(ms);
  }

  setGreetingLatency(ms: number): void {
    if (Number.isFinite(ms) && ms >= 0) this.greetingLatencyMs = ms;
  }

  addBargeIn(): void {
    this.bargeIns += 1;
  }

  addModelReconnect(): void {
    this.modelReconnects += 1;
  }

  setOrderId(orderId: string): void {
    this.orderId = orderId;
  }

  /** The first reason given is kept: later ones (e.g. "socket closed" after a bot hang-up) are consequences. */
  setEndReason(reason: string): void {
    this.endReason ??= reason;
  }

  private estimatedCost(tokens: TokenCounts): number {
    const model = this.start.rates ? estimateCostUsd(tokens, this.start.rates) : 0;
    const transcription = (this.transcription.seconds / 60) * (this.start.transcriptionUsdPerMinute ?? 0);
    return Math.round((model + transcription) * 1e6) / 1e6;
  }

  finish(nowMs: number): CallRecord {
    const tokens: TokenCounts = { text: { ...this.tokens.text }, audio: { ...this.tokens.audio } };
    return {
      callSid: this.start.callSid,
      channel: this.start.channel ?? 'phone',
      streamSid: this.start.streamSid ?? null,
      orgId: this.start.orgId ?? null,
      model: this.start.model ?? null,
      durationMs: Math.max(0, Math.round(nowMs - this.start.startedAtMs)),
      endReason: this.endReason ?? 'unknown',
      turns: this.turnLatencies.length,
      responses: this.responses,
      turnLatencyMs: {
        p50: percentile(this.turnLatencies, 50),
        p95: percentile(this.turnLatencies, 95),
        max: this.turnLatencies.length === 0 ? null : Math.max(...this.turnLatencies),
      },
      greetingLatencyMs: this.greetingLatencyMs,
      bargeIns: this.bargeIns,
      modelReconnects: this.modelReconnects,
      tokens,
      tokenTotals: { ...this.tokenTotals },
      cachedInputShare: cachedShare(tokens),
      transcription: { ...this.transcription },
      estimatedCostUsd: this.estimatedCost(tokens),
      orderId: this.orderId,
    };
  }
}

function cachedShare(tokens: TokenCounts): number | null {
  const cached = tokens.text.inputCached + tokens.audio.inputCached;
  const all = cached + tokens.text.input + tokens.audio.input;
  return all === 0 ? null : Math.round((cached / all) * 1000) / 1000;
}

function count(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
