/**
 * One scripted response, streamed with the GA event sequence: `response.created`, `rate_limits.updated`, its output
 * items in order (audio faster than real time, text, function calls; see realtime-response-output.ts), cancellation
 * with late deltas, and `response.done` with the final `status` / `status_details` (`RealtimeResponseStatus`) and usage.
 */
import type {
  RateLimitsUpdatedEvent,
  RealtimeResponse,
  RealtimeResponseStatus,
  RealtimeResponseUsage,
  RealtimeServerEvent,
} from 'openai/resources/realtime/realtime';
import type { Conversation } from './realtime-conversation.js';
import type { IdSource } from './realtime-ids.js';
import type { PromptTokens } from './realtime-prompt-cache.js';
import { ResponseOutput, type OpenAudio } from './realtime-response-output.js';
import { bytesPerMs } from './realtime-session-config.js';
import { speechMs } from './realtime-responder.js';
import { wireNull, type EffectiveSession, type ResponseRecord, type ScriptedItem, type ScriptedResponse } from './realtime-types.js';

export interface ResponsePacing {
  /** ×real time; Infinity = one delta per event-loop turn. */
  speed: number;
  tickMs: number;
  latencyMs: number;
  chunkBytes: readonly number[];
  lateDeltas: number;
}

export interface ResponseRunDeps {
  ids: IdSource;
  conversation: Conversation;
  pacing: ResponsePacing;
  /** null for an out-of-band response. */
  conversationId: string | null;
  emit(event: RealtimeServerEvent): void;
  /** Runs `fn` after `delayMs` (0 = next event-loop turn); returns a canceller. */
  schedule(fn: () => void, delayMs: number): () => void;
  finished(run: ResponseRun): void;
}

/** What the response was asked for: the session's settings with the request's overrides applied. */
export interface ResponseSettings {
  output: EffectiveSession['audio']['output'];
  maxOutputTokens: number | 'inf';
}

const PLENTY: RateLimitsUpdatedEvent.RateLimit[] = [
  { name: 'requests', limit: 5000, remaining: 4999, reset_seconds: 0.012 },
  { name: 'tokens', limit: 40_000, remaining: 39_000, reset_seconds: 1.5 },
];

export class ResponseRun {
  private readonly output: ResponseOutput;
  private script: ScriptedItem[] = [];
  private ending: Pick<ScriptedResponse, 'failure' | 'incomplete'> = {};
  private nextItem = 0;
  private open: OpenAudio | undefined;
  private cancelTimer: (() => void) | undefined;
  private done = false;

  constructor(
    private readonly deps: ResponseRunDeps,
    readonly record: ResponseRecord,
    private readonly settings: ResponseSettings,
    private readonly input: PromptTokens,
  ) {
    this.output = new ResponseOutput(
      {
        ids: deps.ids,
        conversation: deps.conversation,
        emit: deps.emit,
        inConversation: !record.outOfBand,
        format: settings.output.format,
        bytesPerMs: bytesPerMs(settings.output.format),
        defaultChunkBytes: deps.pacing.chunkBytes,
      },
      record,
    );
  }

  get active(): boolean {
    return !this.done;
  }

  start(): void {
    this.deps.emit({ type: 'response.created', event_id: this.deps.ids.event(), response: this.responseObject() });
  }

  /** Starts streaming once the responder has produced the script (ignored if already cancelled). */
  play(script: ScriptedResponse): void {
    if (this.done) return;
    this.deps.emit({ type: 'rate_limits.updated', event_id: this.deps.ids.event(), rate_limits: script.rateLimits ?? PLENTY });
    this.script = script.items ?? [];
    this.ending = { failure: script.failure, incomplete: script.incomplete };
    this.cancelTimer = this.deps.schedule(this.tick, this.deps.pacing.latencyMs);
  }

  /** Stops without sending anything (the socket is gone). */
  abandon(): void {
    this.done = true;
    this.cancelTimer?.();
  }

  cancel(reason: 'turn_detected' | 'client_cancelled'): void {
    if (this.done) return;
    this.cancelTimer?.();
    const open = this.open;
    if (open) {
      for (let i = 0; i < this.deps.pacing.lateDeltas && open.record.audioBytes < open.targetBytes; i++) this.output.audioDelta(open);
      this.closeAudio(open, 'incomplete');
    }
    this.record.cancelReason = reason;
    this.finish('cancelled', { type: 'cancelled', reason });
  }

  private readonly tick = (): void => {
    this.cancelTimer = undefined;
    const { speed, tickMs } = this.deps.pacing;
    let budgetMs = Number.isFinite(speed) ? speed * tickMs : 0;
    do {
      if (!this.open && !this.startNextItem()) return this.finishScripted();
      const open = this.open;
      if (open) {
        budgetMs -= this.output.audioDelta(open) / this.output.bytesPerMs;
        const cutShort = this.isLastItem() && this.ending.incomplete !== undefined && open.record.audioBytes * 2 >= open.targetBytes;
        if (cutShort) this.closeAudio(open, 'incomplete');
        else if (open.record.audioBytes >= open.targetBytes) this.closeAudio(open, 'completed');
      }
      if (!this.open && this.nextItem >= this.script.length) return this.finishScripted();
    } while (budgetMs > 0);
    this.cancelTimer = this.deps.schedule(this.tick, Number.isFinite(speed) ? tickMs : 0);
  };

  /** Sends the next item whole (text, function call) or opens it for streaming (audio); false when none is left. */
  private startNextItem(): boolean {
    const spec = this.script[this.nextItem++];
    if (!spec) return false;
    const status = this.isLastItem() && this.ending.incomplete !== undefined ? 'incomplete' : 'completed';
    const spoken = this.record.modality === 'audio';
    if (spec.kind === 'function_call') this.output.functionCall(spec.name, spec.arguments, spec.callId, status);
    else if (!spoken) this.output.text(spec.kind === 'text' ? spec.text : spec.transcript, status);
    else this.open = this.output.openAudio(spec.kind === 'audio' ? spec : { kind: 'audio', ms: speechMs(spec.text), transcript: spec.text });
    return true;
  }

  private isLastItem(): boolean {
    return this.nextItem >= this.script.length;
  }

  private closeAudio(open: OpenAudio, status: 'completed' | 'incomplete'): void {
    this.open = undefined;
    this.output.closeAudio(open, status);
  }

  private finishScripted(): void {
    const { failure, incomplete } = this.ending;
    if (incomplete) return this.finish('incomplete', { type: 'incomplete', reason: incomplete });
    if (!failure) return this.finish('completed', undefined);
    const error = { type: failure.type ?? 'invalid_request_error', code: failure.code, ...(failure.message ? { message: failure.message } : {}) };
    this.finish('failed', { type: 'failed', error });
  }

  private finish(status: 'completed' | 'cancelled' | 'failed' | 'incomplete', details: RealtimeResponseStatus | undefined): void {
    this.done = true;
    this.record.status = status;
    this.deps.emit({ type: 'response.done', event_id: this.deps.ids.event(), response: this.responseObject(status, details, this.usage()) });
    this.deps.finished(this);
  }

  private usage(): RealtimeResponseUsage {
    const { text, audio, cachedText, cachedAudio } = this.input;
    const outputAudio = Math.round(this.output.audioMs / 50);
    const input = text + audio;
    const output = this.output.textTokens + outputAudio;
    return {
      total_tokens: input + output,
      input_tokens: input,
      output_tokens: output,
      input_token_details: {
        text_tokens: text,
        audio_tokens: audio,
        image_tokens: 0,
        cached_tokens: cachedText + cachedAudio,
        cached_tokens_details: { text_tokens: cachedText, audio_tokens: cachedAudio, image_tokens: 0 },
      },
      output_token_details: { text_tokens: this.output.textTokens, audio_tokens: outputAudio },
    };
  }

  private responseObject(status: RealtimeResponse['status'] = 'in_progress', details?: RealtimeResponseStatus, usage?: RealtimeResponseUsage): RealtimeResponse {
    const { format, voice } = this.settings.output;
    return {
      object: 'realtime.response',
      id: this.record.id,
      status,
      status_details: details ?? wireNull,
      output: status === 'in_progress' ? [] : [...this.output.items],
      conversation_id: this.deps.conversationId ?? wireNull,
      output_modalities: [this.record.modality],
      max_output_tokens: this.settings.maxOutputTokens,
      audio: { output: { format, voice: typeof voice === 'string' ? voice : voice.id } },
      usage: usage ?? wireNull,
      metadata: this.record.metadata,
    };
  }
}
