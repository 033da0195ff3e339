/**
 * The output items of one response and their events, in GA order (`response.output_item.added` /
 * `conversation.item.added`, content parts, deltas, `.done`s): spoken items (`response.output_audio.*` with transcript
 * deltas), text items (`response.output_text.*`) and function calls. An out-of-band response (`conversation: "none"`)
 * adds nothing to the conversation and sends no `conversation.item.*` events.
 */
import type {
  RealtimeConversationItemAssistantMessage,
  RealtimeConversationItemFunctionCall,
  RealtimeServerEvent,
} from 'openai/resources/realtime/realtime';
import type { Conversation } from './realtime-conversation.js';
import type { IdSource } from './realtime-ids.js';
import { audioPayload } from './realtime-output-audio.js';
import { textTokens } from './realtime-prompt-cache.js';
import type { EffectiveSession, ResponseItemRecord, ResponseRecord, ScriptedAudioItem } from './realtime-types.js';

type OutputItem = RealtimeConversationItemAssistantMessage | RealtimeConversationItemFunctionCall;
/** A server event before its `event_id` is assigned. */
type Unnumbered<E> = E extends unknown ? Omit<E, 'event_id'> : never;
type ItemStatus = 'completed' | 'incomplete';

export interface OutputDeps {
  ids: IdSource;
  conversation: Conversation;
  emit(event: RealtimeServerEvent): void;
  /** False for out-of-band responses. */
  inConversation: boolean;
  format: EffectiveSession['audio']['output']['format'];
  bytesPerMs: number;
  defaultChunkBytes: readonly number[];
}

export interface OpenAudio {
  spec: ScriptedAudioItem;
  chunkBytes: readonly number[];
  record: ResponseItemRecord;
  outputIndex: number;
  targetBytes: number;
  chunkCursor: number;
  words: string[];
  wordsSent: number;
}

export class ResponseOutput {
  readonly items: OutputItem[] = [];
  textTokens = 0;
  audioMs = 0;

  constructor(
    private readonly deps: OutputDeps,
    private readonly record: ResponseRecord,
  ) {}

  get bytesPerMs(): number {
    return this.deps.bytesPerMs;
  }

  openAudio(spec: ScriptedAudioItem): OpenAudio {
    const item = this.message('in_progress', []);
    const record = this.track(item.id, 'audio');
    const outputIndex = this.add(item, { bytes: 0, bytesPerMs: this.deps.bytesPerMs });
    this.event({ type: 'response.content_part.added', ...this.ref(outputIndex, item.id), content_index: 0, part: { type: 'audio', transcript: '' } });
    const chunks = spec.chunkBytes ?? this.deps.defaultChunkBytes;
    return {
      spec,
      chunkBytes: typeof chunks === 'number' ? [chunks] : chunks,
      record,
      outputIndex,
      targetBytes: Math.max(1, Math.round(spec.ms * this.deps.bytesPerMs)),
      chunkCursor: 0,
      words: spec.transcript.split(/\s+/).filter(Boolean),
      wordsSent: 0,
    };
  }

  /** Sends one audio delta and the transcript words it covers; returns the bytes sent. */
  audioDelta(open: OpenAudio): number {
    const sizes = open.chunkBytes;
    const size = Math.min(Math.max(1, sizes[open.chunkCursor++ % sizes.length] ?? 1), open.targetBytes - open.record.audioBytes);
    const base = { ...this.ref(open.outputIndex, open.record.id), content_index: 0 };
    this.event({ type: 'response.output_audio.delta', ...base, delta: audioPayload(this.deps.format, size) });
    open.record.audioBytes += size;
    const entry = this.deps.conversation.get(open.record.id);
    if (entry?.assistantAudio) entry.assistantAudio.bytes = open.record.audioBytes;
    this.deps.conversation.assistantAudioSent = true;
    const wordsDue = Math.ceil((open.record.audioBytes / open.targetBytes) * open.words.length);
    if (wordsDue > open.wordsSent) {
      const text = open.words.slice(open.wordsSent, wordsDue).join(' ');
      const delta = open.wordsSent === 0 ? text : ` ${text}`;
      open.wordsSent = wordsDue;
      open.record.transcript += delta;
      this.event({ type: 'response.output_audio_transcript.delta', ...base, delta });
    }
    return size;
  }

  closeAudio(open: OpenAudio, status: ItemStatus): void {
    open.record.status = status;
    const transcript = open.record.transcript;
    const item = this.message(status, [{ type: 'output_audio', transcript }], open.record.id);
    this.audioMs += open.record.audioBytes / this.deps.bytesPerMs;
    this.textTokens += textTokens(transcript);
    const base = { ...this.ref(open.outputIndex, item.id), content_index: 0 };
    this.event({ type: 'response.output_audio.done', ...base });
    this.event({ type: 'response.output_audio_transcript.done', ...base, transcript });
    this.event({ type: 'response.content_part.done', ...base, part: { type: 'audio', transcript } });
    this.done(open.outputIndex, item);
  }

  /** A text item (`output_modalities: ["text"]`), streamed as word deltas; cut short when `incomplete`. */
  text(full: string, status: ItemStatus): void {
    const text = status === 'completed' ? full : full.slice(0, Math.ceil(full.length / 2));
    const item = this.message('in_progress', []);
    const record = this.track(item.id, 'text');
    const outputIndex = this.add(item, undefined);
    const base = { ...this.ref(outputIndex, item.id), content_index: 0 };
    this.event({ type: 'response.content_part.added', ...base, part: { type: 'text', text: '' } });
    for (const delta of text.match(/\S+\s*/g) ?? []) this.event({ type: 'response.output_text.delta', ...base, delta });
    this.event({ type: 'response.output_text.done', ...base, text });
    this.event({ type: 'response.content_part.done', ...base, part: { type: 'text', text } });
    record.transcript = text;
    record.status = status;
    this.textTokens += textTokens(text);
    this.done(outputIndex, this.message(status, [{ type: 'output_text', text }], item.id));
  }

  functionCall(name: string, args: string | Record<string, unknown>, callId: string | undefined, status: ItemStatus): void {
    const full = typeof args === 'string' ? args : JSON.stringify(args);
    const argumentsText = status === 'completed' ? full : full.slice(0, Math.ceil(full.length / 2));
    const base = { id: this.deps.ids.item(), object: 'realtime.item', type: 'function_call', name, call_id: callId ?? this.deps.ids.call() } as const;
    const record = this.track(base.id, 'function_call');
    Object.assign(record, { status, name, callId: base.call_id, arguments: argumentsText });
    const outputIndex = this.add({ ...base, status: 'in_progress', arguments: '' } satisfies RealtimeConversationItemFunctionCall, undefined);
    const ref = { ...this.ref(outputIndex, base.id), call_id: base.call_id };
    const half = Math.ceil(argumentsText.length / 2);
    for (const delta of [argumentsText.slice(0, half), argumentsText.slice(half)]) {
      if (delta) this.event({ type: 'response.function_call_arguments.delta', ...ref, delta });
    }
    this.event({ type: 'response.function_call_arguments.done', ...ref, name, arguments: argumentsText });
    this.textTokens += textTokens(argumentsText) + 5;
    this.done(outputIndex, { ...base, status, arguments: argumentsText } satisfies RealtimeConversationItemFunctionCall);
  }

  private message(status: RealtimeConversationItemAssistantMessage['status'], content: RealtimeConversationItemAssistantMessage['content'], id = this.deps.ids.item()) {
    return { id, object: 'realtime.item', type: 'message', status, role: 'assistant', content } satisfies RealtimeConversationItemAssistantMessage;
  }

  private track(id: string, kind: ResponseItemRecord['kind']): ResponseItemRecord {
    const record: ResponseItemRecord = { id, kind, status: 'in_progress', audioBytes: 0, transcript: '' };
    this.record.items.push(record);
    return record;
  }

  private ref(outputIndex: number, itemId: string) {
    return { response_id: this.record.id, item_id: itemId, output_index: outputIndex };
  }

  /** `response.output_item.added`, and the item joins the conversation (`conversation.item.added`). */
  private add(item: OutputItem & { id: string }, assistantAudio: { bytes: number; bytesPerMs: number } | undefined): number {
    const outputIndex = this.items.length;
    this.items.push(item);
    this.event({ type: 'response.output_item.added', response_id: this.record.id, output_index: outputIndex, item });
    if (!this.deps.inConversation) return outputIndex;
    const previous = this.deps.conversation.add(assistantAudio ? { id: item.id, item, assistantAudio } : { id: item.id, item });
    this.event({ type: 'conversation.item.added', previous_item_id: previous, item });
    return outputIndex;
  }

  private done(outputIndex: number, item: OutputItem & { id: string }): void {
    this.items[outputIndex] = item;
    const entry = this.deps.conversation.get(item.id);
    if (entry && this.deps.inConversation) entry.item = item;
    this.event({ type: 'response.output_item.done', response_id: this.record.id, output_index: outputIndex, item });
    if (this.deps.inConversation) this.event({ type: 'conversation.item.done', item });
  }

  private event(event: Unnumbered<RealtimeServerEvent>): void {
    const { type, ...rest } = event;
    this.deps.emit({ type, event_id: this.deps.ids.event(), ...rest } as RealtimeServerEvent);
  }
}
