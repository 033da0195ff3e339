/**
 * Caller turns: a committed stretch of input audio becomes a user audio item (`input_audio_buffer.committed`,
 * `conversation.item.added` / `.done`), and, when transcription is on, its transcript follows asynchronously
 * (`…input_audio_transcription.delta` / `.completed` with `usage`, per
 * `ConversationItemInputAudioTranscriptionCompletedEvent`: "may come before or after the Response events").
 * With `lateTranscripts` a transcript is held until the response to its turn is done.
 */
import type {
  ConversationItemInputAudioTranscriptionCompletedEvent,
  RealtimeConversationItemUserMessage,
  RealtimeServerEvent,
} from 'openai/resources/realtime/realtime';
import type { Conversation } from './realtime-conversation.js';
import type { IdSource } from './realtime-ids.js';
import { liveModel } from './realtime-models.js';
import type { ResolvedOptions } from './realtime-options.js';
import { textTokens } from './realtime-prompt-cache.js';
import { wireNull, type EffectiveSession } from './realtime-types.js';

export interface UserTurnDeps {
  options: ResolvedOptions;
  ids: IdSource;
  sessionIndex: number;
  conversation: Conversation;
  emit(event: RealtimeServerEvent): void;
  schedule(fn: () => void, delayMs: number): () => void;
}

type TranscriptionUsage = ConversationItemInputAudioTranscriptionCompletedEvent['usage'];

export class UserTurns {
  /** Spoken turns committed so far. */
  count = 0;
  lastTranscript: string | null = null;
  private held: Array<() => void> = [];

  constructor(private readonly deps: UserTurnDeps) {}

  /** Commits `audioMs` of caller audio as item `itemId`; `spoken` turns get a scripted transcript. */
  commit(itemId: string, audioMs: number, spoken: boolean, session: Readonly<EffectiveSession>): void {
    const { emit, ids, options, sessionIndex, conversation } = this.deps;
    const said = spoken ? options.transcribe({ sessionIndex, turnIndex: this.count++, audioMs }) : null;
    const wire = (): RealtimeConversationItemUserMessage => ({
      id: itemId,
      object: 'realtime.item',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio', transcript: wireNull }],
    });
    const previous = conversation.add({ id: itemId, item: wire(), callerAudio: { ms: audioMs, said } });
    emit({ type: 'input_audio_buffer.committed', event_id: ids.event(), previous_item_id: previous, item_id: itemId });
    emit({ type: 'conversation.item.added', event_id: ids.event(), previous_item_id: previous, item: wire() });
    emit({ type: 'conversation.item.done', event_id: ids.event(), previous_item_id: previous, item: wire() });
    if (said === null) return;
    this.lastTranscript = said;
    const transcription = session.audio.input.transcription;
    if (!transcription) return;
    const deliver = () => this.deliver(itemId, said, audioMs, transcription.model);
    if (options.lateTranscripts) this.held.push(deliver);
    else this.deps.schedule(deliver, options.transcriptionDelayMs);
  }

  /** A response finished: transcripts held back for it go out now. */
  releaseLate(): void {
    for (const deliver of this.held.splice(0)) deliver();
  }

  private deliver(itemId: string, transcript: string, audioMs: number, model: string | undefined): void {
    const { emit, ids, conversation } = this.deps;
    const entry = conversation.get(itemId);
    if (entry?.item.type === 'message' && entry.item.role === 'user') entry.item = { ...entry.item, content: [{ type: 'input_audio', transcript }] };
    emit({ type: 'conversation.item.input_audio_transcription.delta', event_id: ids.event(), item_id: itemId, content_index: 0, delta: transcript });
    emit({
      type: 'conversation.item.input_audio_transcription.completed',
      event_id: ids.event(),
      item_id: itemId,
      content_index: 0,
      transcript,
      usage: this.usage(audioMs, transcript, model),
    });
  }

  /** Token-billed models report audio in and text out; duration-billed ones (whisper) the seconds of audio. */
  private usage(audioMs: number, transcript: string, model: string | undefined): TranscriptionUsage {
    const kind = this.deps.options.transcriptionUsage ?? (model && liveModel(model, this.deps.options.clock.wallNow())?.usage) ?? 'tokens';
    if (kind === 'duration') return { type: 'duration', seconds: Math.round(audioMs / 100) / 10 };
    const audio = Math.ceil(audioMs / 100);
    const text = textTokens(transcript);
    return { type: 'tokens', input_tokens: audio, output_tokens: text, total_tokens: audio + text, input_token_details: { audio_tokens: audio, text_tokens: 0 } };
  }
}
