/**
 * One scripted response, streamed with the GA event sequence (protocols.md §B6.2, §B6.4): output items in order,
 * audio deltas faster than real time with transcript deltas interleaved, cancellation with late deltas, and
 * `response.done` with usage.
 */
import type {
  RealtimeConversationItemAssistantMessage,
  RealtimeConversationItemFunctionCall,
  RealtimeResponse,
  RealtimeResponseStatus,
  RealtimeResponseUsage,
  RealtimeServerEvent,
} from 'openai/resources/realtime/realtime';
import type { Conversation } from './realtime-conversation.js';
import type { IdSource } from './realtime-ids.js';
import { audioPayload } from './realtime-output-audio.js';
import { bytesPerMs } from './realtime-session-config.js';
import {
  wireNull,
  type EffectiveSession,
  type ResponseItemRecord,
  type ResponseRecord,
  type ScriptedAudioItem,
  type ScriptedItem,
  type ScriptedResponse,
} from './realtime-types.js';

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
  conversationId: string;
  emit(event: RealtimeServerEvent): void;
  /** Runs `fn` after `delayMs` (0 = next event-loop turn); returns a canceller. */
  schedule(fn: () => void, delayMs: number): () => void;
  /** Tokens of the conversation so far, for usage. */
  contextTokens(): { text: number; audio: number };
  finished(run: ResponseRun): void;
}

interface OpenAudio {
  spec: ScriptedAudioItem;
  record: ResponseItemRecord;
  outputIndex: number;
  targetBytes: number;
  chunkCursor: number;
  words: string[];
  wordsSent: number;
}

export class ResponseRun {
  private readonly bytesPerMs: number;
  private readonly output: Array<RealtimeConversationItemAssistantMessage | RealtimeConversationItemFunctionCall> = [];
  private script: ScriptedItem[] = [];
  private failure: ScriptedResponse['failure'];
  private nextItem = 0;
  private open: OpenAudio | undefined;
  private cancelTimer: (() => void) | undefined;
  private done = false;
  private outputTextTokens = 0;
  private outputAudioMs = 0;

  constructor(
    private readonly deps: ResponseRunDeps,
    readonly record: ResponseRecord,
    private readonly session: Readonly<EffectiveSession>,
    private readonly metadata: Record<string, string> | null,
  ) {
    this.bytesPerMs = bytesPerMs(session.audio.output.format);
  }

  get active(): boolean {
    return !this.done;
  }

  start(): void {
    this.deps.emit({ type: 'response.created', event_id: this.deps.ids.event(), response: this.responseObject() });
    this.deps.emit({
      type: 'rate_limits.updated',
      event_id: this.deps.ids.event(),
      rate_limits: [
        { name: 'requests', limit: 5000, remaining: 4999, reset_seconds: 0.012 },
        { name: 'tokens', limit: 40_000, remaining: 39_000, reset_seconds: 1.5 },
      ],
    });
  }

  /** Starts streaming once the responder has produced the script (ignored if already cancelled). */
  play(script: ScriptedResponse): void {
    if (this.done) return;
    this.script = script.items ?? [];
    this.failure = script.failure;
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
      for (let i = 0; i < this.deps.pacing.lateDeltas && open.record.audioBytes < open.targetBytes; i++) this.sendAudioDelta(open);
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
      if (!this.open) {
        const spec = this.script[this.nextItem++];
        if (!spec) return this.finishScripted();
        if (spec.kind === 'function_call') this.sendFunctionCall(spec.name, spec.arguments, spec.callId);
        else this.open = this.openAudio(spec);
      }
      if (this.open) {
        budgetMs -= this.sendAudioDelta(this.open) / this.bytesPerMs;
        if (this.open.record.audioBytes >= this.open.targetBytes) this.closeAudio(this.open, 'completed');
      }
      if (!this.open && this.nextItem >= this.script.length) return this.finishScripted();
    } while (budgetMs > 0);
    this.cancelTimer = this.deps.schedule(this.tick, Number.isFinite(speed) ? tickMs : 0);
  };

  private base(outputIndex: number, itemId: string) {
    return { response_id: this.record.id, item_id: itemId, output_index: outputIndex, content_index: 0 };
  }

  private openAudio(spec: ScriptedAudioItem): OpenAudio {
    const item = { id: this.deps.ids.item(), object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] } satisfies RealtimeConversationItemAssistantMessage;
    const record: ResponseItemRecord = { id: item.id, kind: 'audio', status: 'in_progress', audioBytes: 0, transcript: '' };
    this.record.items.push(record);
    const outputIndex = this.output.length;
    this.output.push(item);
    const previous = this.deps.conversation.add({ id: item.id, item, assistantAudio: { bytes: 0, bytesPerMs: this.bytesPerMs } });
    const { emit, ids } = this.deps;
    emit({ type: 'response.output_item.added', event_id: ids.event(), response_id: this.record.id, output_index: outputIndex, item });
    emit({ type: 'conversation.item.added', event_id: ids.event(), previous_item_id: previous, item });
    emit({ type: 'response.content_part.added', event_id: ids.event(), ...this.base(outputIndex, item.id), part: { type: 'audio', transcript: '' } });
    const chunks = spec.chunkBytes ?? this.deps.pacing.chunkBytes;
    return {
      spec: { ...spec, chunkBytes: typeof chunks === 'number' ? [chunks] : chunks },
      record,
      outputIndex,
      targetBytes: Math.max(1, Math.round(spec.ms * this.bytesPerMs)),
      chunkCursor: 0,
      words: spec.transcript.split(/\s+/).filter(Boolean),
      wordsSent: 0,
    };
  }

  /** Sends one audio delta and the transcript words it covers; returns the bytes sent. */
  private sendAudioDelta(open: OpenAudio): number {
    const sizes = open.spec.chunkBytes as readonly number[];
    const size = Math.min(Math.max(1, sizes[open.chunkCursor++ % sizes.length] ?? 1), open.targetBytes - open.record.audioBytes);
    const { emit, ids, conversation } = this.deps;
    const base = this.base(open.outputIndex, open.record.id);
    emit({ type: 'response.output_audio.delta', event_id: ids.event(), ...base, delta: audioPayload(this.session.audio.output.format, size) });
    open.record.audioBytes += size;
    conversation.get(open.record.id)!.assistantAudio!.bytes = open.record.audioBytes;
    conversation.assistantAudioSent = true;
    const wordsDue = Math.ceil((open.record.audioBytes / open.targetBytes) * open.words.length);
    if (wordsDue > open.wordsSent) {
      const text = open.words.slice(open.wordsSent, wordsDue).join(' ');
      const delta = open.wordsSent === 0 ? text : ` ${text}`;
      open.wordsSent = wordsDue;
      open.record.transcript += delta;
      emit({ type: 'response.output_audio_transcript.delta', event_id: ids.event(), ...base, delta });
    }
    return size;
  }

  private closeAudio(open: OpenAudio, status: 'completed' | 'incomplete'): void {
    this.open = undefined;
    open.record.status = status;
    const transcript = open.record.transcript;
    const item = { id: open.record.id, object: 'realtime.item', type: 'message', status, role: 'assistant', content: [{ type: 'output_audio', transcript }] } satisfies RealtimeConversationItemAssistantMessage;
    this.output[open.outputIndex] = item;
    const entry = this.deps.conversation.get(item.id);
    if (entry) entry.item = item;
    this.outputAudioMs += open.record.audioBytes / this.bytesPerMs;
    this.outputTextTokens += Math.ceil(transcript.length / 4);
    const { emit, ids } = this.deps;
    const base = this.base(open.outputIndex, item.id);
    emit({ type: 'response.output_audio.done', event_id: ids.event(), ...base });
    emit({ type: 'response.output_audio_transcript.done', event_id: ids.event(), ...base, transcript });
    emit({ type: 'response.content_part.done', event_id: ids.event(), ...base, part: { type: 'audio', transcript } });
    emit({ type: 'response.output_item.done', event_id: ids.event(), response_id: this.record.id, output_index: open.outputIndex, item });
    emit({ type: 'conversation.item.done', event_id: ids.event(), item });
  }

  private sendFunctionCall(name: string, args: string | Record<string, unknown>, callId?: string): void {
    const argumentsText = typeof args === 'string' ? args : JSON.stringify(args);
    const { emit, ids, conversation } = this.deps;
    const base = { id: ids.item(), object: 'realtime.item', type: 'function_call', name, call_id: callId ?? ids.call() } as const;
    const added = { ...base, status: 'in_progress', arguments: '' } satisfies RealtimeConversationItemFunctionCall;
    const done = { ...base, status: 'completed', arguments: argumentsText } satisfies RealtimeConversationItemFunctionCall;
    const outputIndex = this.output.length;
    this.output.push(done);
    this.record.items.push({ id: base.id, kind: 'function_call', status: 'completed', audioBytes: 0, transcript: '', name, callId: base.call_id, arguments: argumentsText });
    const previous = conversation.add({ id: base.id, item: done });
    const ref = { response_id: this.record.id, item_id: base.id, output_index: outputIndex, call_id: base.call_id };
    emit({ type: 'response.output_item.added', event_id: ids.event(), response_id: this.record.id, output_index: outputIndex, item: added });
    emit({ type: 'conversation.item.added', event_id: ids.event(), previous_item_id: previous, item: added });
    const half = Math.ceil(argumentsText.length / 2);
    for (const delta of [argumentsText.slice(0, half), argumentsText.slice(half)]) {
      if (delta) emit({ type: 'response.function_call_arguments.delta', event_id: ids.event(), ...ref, delta });
    }
    emit({ type: 'response.function_call_arguments.done', event_id: ids.event(), ...ref, name, arguments: argumentsText });
    emit({ type: 'response.output_item.done', event_id: ids.event(), response_id: this.record.id, output_index: outputIndex, item: done });
    emit({ type: 'conversation.item.done', event_id: ids.event(), item: done });
    this.outputTextTokens += Math.ceil(argumentsText.length / 4) + 5;
  }

  private finishScripted(): void {
    const failure = this.failure;
    if (!failure) return this.finish('completed', undefined);
    const error = { type: failure.type ?? 'invalid_request_error', code: failure.code, ...(failure.message ? { message: failure.message } : {}) };
    this.finish('failed', { type: 'failed', error });
  }

  private finish(status: 'completed' | 'cancelled' | 'failed', details: RealtimeResponseStatus | undefined): void {
    this.done = true;
    this.record.status = status;
    const response = this.responseObject(status, details, this.usage());
    this.deps.emit({ type: 'response.done', event_id: this.deps.ids.event(), response });
    this.deps.finished(this);
  }

  private usage(): RealtimeResponseUsage {
    const context = this.deps.contextTokens();
    const instructions = Math.ceil(this.session.instructions.length / 4) + Math.ceil(JSON.stringify(this.session.tools).length / 4);
    const inputText = instructions + context.text;
    // Instructions are cached from the second response on: a prefix of the previous input.
    const cachedText = context.text > 0 ? Math.floor(instructions / 64) * 64 : 0;
    const outputAudio = Math.round(this.outputAudioMs / 50);
    const input = inputText + context.audio;
    const output = this.outputTextTokens + outputAudio;
    return {
      total_tokens: input + output,
      input_tokens: input,
      output_tokens: output,
      input_token_details: {
        text_tokens: inputText,
        audio_tokens: context.audio,
        image_tokens: 0,
        cached_tokens: cachedText,
        cached_tokens_details: { text_tokens: cachedText, audio_tokens: 0, image_tokens: 0 },
      },
      output_token_details: { text_tokens: this.outputTextTokens, audio_tokens: outputAudio },
    };
  }

  private responseObject(status: RealtimeResponse['status'] = 'in_progress', details?: RealtimeResponseStatus, usage?: RealtimeResponseUsage): RealtimeResponse {
    const { format, voice } = this.session.audio.output;
    return {
      object: 'realtime.response',
      id: this.record.id,
      status,
      status_details: details ?? wireNull,
      output: status === 'in_progress' ? [] : [...this.output],
      conversation_id: this.deps.conversationId,
      output_modalities: this.session.output_modalities,
      max_output_tokens: this.session.max_output_tokens,
      audio: { output: { format, voice: typeof voice === 'string' ? voice : voice.id } },
      usage: usage ?? wireNull,
      metadata: this.metadata,
    };
  }
}
