/**
 * The server side of one Realtime GA conversation: session config, the input buffer and VAD turns, responses and
 * their one-at-a-time rule, cancellation and idle re-prompts (protocols.md §B3–§B8). No socket here: events go out
 * through `emit` / `error`, time through `schedule`.
 */
import type { RealtimeResponseCreateParams, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { Conversation } from './realtime-conversation.js';
import { simErrors, type SimError } from './realtime-errors.js';
import type { IdSource } from './realtime-ids.js';
import { InputAudio } from './realtime-input-audio.js';
import { createItem, deleteItem, retrieveItem, truncateItem, type ItemEventContext } from './realtime-item-events.js';
import type { ResolvedOptions } from './realtime-options.js';
import { failResponse, toScriptedResponse } from './realtime-responder.js';
import { ResponseRun } from './realtime-response.js';
import { applySessionUpdate, bytesPerMs, defaultSession } from './realtime-session-config.js';
import {
  wireNull,
  type EffectiveSession,
  type FunctionOutputRecord,
  type ReceivedEvent,
  type ResponseRecord,
  type ResponseTrigger,
  type TruncationRecord,
} from './realtime-types.js';

export type SessionEvent = { type: 'session.created' | 'session.updated'; event_id: string; session: EffectiveSession };

export interface ProtocolDeps {
  options: ResolvedOptions;
  ids: IdSource;
  sessionIndex: number;
  emit(event: RealtimeServerEvent | SessionEvent): void;
  error(error: SimError, clientEventId: string | undefined): void;
  /** A beta-shaped event arrived: the session must answer `beta_api_shape_disabled` and close 4000. */
  betaShape(): void;
  schedule(fn: () => void, delayMs: number): () => void;
}

export class SessionProtocol {
  effective: EffectiveSession;
  readonly conversation = new Conversation();
  readonly input: InputAudio;
  readonly responses: ResponseRecord[] = [];
  readonly truncations: TruncationRecord[] = [];
  readonly functionOutputs: FunctionOutputRecord[] = [];
  private active: ResponseRun | undefined;
  private turnIndex = 0;
  private lastUserTranscript: string | null = null;
  private outputsSeenByResponses = 0;
  private pendingSpeechItemId: string | undefined;
  private contextText = 0;
  private contextAudio = 0;
  private readonly itemContext: ItemEventContext;

  constructor(
    private readonly deps: ProtocolDeps,
    model: string,
  ) {
    const expiresAt = Math.floor(deps.options.clock.wallNow().getTime() / 1000) + 3600;
    this.effective = defaultSession(`sess_${deps.ids.item().slice(5)}`, model, expiresAt);
    this.input = new InputAudio({
      speechStarted: (ms) => this.speechStarted(ms),
      speechStopped: (ms) => this.speechStopped(ms),
      idleTimeout: (startMs, endMs) => this.idleTimeout(startMs, endMs),
    });
    this.input.configure(this.effective);
    this.itemContext = {
      conversation: this.conversation,
      ids: deps.ids,
      emit: deps.emit,
      truncations: this.truncations,
      functionOutputs: this.functionOutputs,
      addedText: (chars) => (this.contextText += Math.ceil(chars / 4)),
    };
  }

  get activeResponseId(): string | undefined {
    return this.active?.record.id;
  }

  sendCreated(): void {
    this.deps.emit({ type: 'session.created', event_id: this.deps.ids.event(), session: this.effective });
  }

  append(audio: Buffer): void {
    this.input.append(audio);
  }

  handle(event: ReceivedEvent): void {
    const error = this.dispatch(event);
    if (error) this.deps.error(error, typeof event.event_id === 'string' ? event.event_id : undefined);
  }

  /** Cancels the active response as the client would (`response.cancel`); false if none is active. */
  cancelActive(reason: 'turn_detected' | 'client_cancelled'): boolean {
    if (!this.active) return false;
    this.active.cancel(reason);
    return true;
  }

  abandon(): void {
    this.active?.abandon();
    this.active = undefined;
  }

  private dispatch(event: ReceivedEvent): SimError | undefined {
    switch (event.type) {
      case 'session.update':
        return this.updateSession(event.session);
      case 'input_audio_buffer.commit':
        return this.commitManually();
      case 'input_audio_buffer.clear':
        this.input.clear();
        this.pendingSpeechItemId = undefined;
        this.deps.emit({ type: 'input_audio_buffer.cleared', event_id: this.deps.ids.event() });
        return undefined;
      case 'conversation.item.create':
        return createItem(this.itemContext, event);
      case 'conversation.item.truncate':
        return truncateItem(this.itemContext, event);
      case 'conversation.item.delete':
        return deleteItem(this.itemContext, event);
      case 'conversation.item.retrieve':
        return retrieveItem(this.itemContext, event);
      case 'response.create':
        return this.createResponse(event.response);
      case 'response.cancel':
        if (!this.active || (typeof event.response_id === 'string' && event.response_id !== this.active.record.id)) {
          return simErrors.cancelNotActive();
        }
        this.active.cancel('client_cancelled');
        return undefined;
      case 'transcription_session.update':
        this.deps.betaShape();
        return undefined;
      default:
        // Includes output_audio_buffer.clear, which exists for WebRTC/SIP only.
        return simErrors.unknownEventType(event.type);
    }
  }

  private updateSession(update: unknown): SimError | undefined {
    const result = applySessionUpdate(this.effective, update, { assistantAudioSent: this.conversation.assistantAudioSent, now: this.deps.options.clock.wallNow() });
    if ('error' in result) return result.error;
    this.effective = result.session;
    this.input.configure(this.effective);
    const snapshot = this.effective;
    const delay = this.deps.options.sessionUpdatedDelay(this.deps.sessionIndex);
    const send = () => this.deps.emit({ type: 'session.updated', event_id: this.deps.ids.event(), session: snapshot });
    if (delay === 0) send();
    else if (delay !== 'never') this.deps.schedule(send, delay);
    return undefined;
  }

  private commitManually(): SimError | undefined {
    const bufferedMs = this.input.bufferedMs;
    if (bufferedMs < 100) return simErrors.commitEmpty(bufferedMs);
    const itemId = this.pendingSpeechItemId ?? this.deps.ids.item();
    this.pendingSpeechItemId = undefined;
    this.input.clear();
    this.commitUserTurn(itemId, bufferedMs, true);
    return undefined;
  }

  private createResponse(request: unknown): SimError | undefined {
    if (this.active) return simErrors.activeResponse(this.active.record.id);
    if (request !== undefined && (typeof request !== 'object' || request === null || Array.isArray(request))) {
      return simErrors.invalidType('response', 'an object', request);
    }
    this.startResponse('client', request as RealtimeResponseCreateParams | undefined);
    return undefined;
  }

  private speechStarted(audioStartMs: number): void {
    const itemId = this.deps.ids.item();
    this.pendingSpeechItemId = itemId;
    this.deps.emit({ type: 'input_audio_buffer.speech_started', event_id: this.deps.ids.event(), audio_start_ms: Math.round(audioStartMs), item_id: itemId });
    if (this.effective.audio.input.turn_detection?.interrupt_response) this.active?.cancel('turn_detected');
  }

  private speechStopped(audioEndMs: number): void {
    const itemId = this.pendingSpeechItemId ?? this.deps.ids.item();
    this.pendingSpeechItemId = undefined;
    this.deps.emit({ type: 'input_audio_buffer.speech_stopped', event_id: this.deps.ids.event(), audio_end_ms: Math.round(audioEndMs), item_id: itemId });
    this.commitUserTurn(itemId, this.input.take(audioEndMs), true);
    // With interrupt_response off, an automatic response "may fail to create" while one is active: it is skipped.
    if (this.effective.audio.input.turn_detection?.create_response && !this.active) this.startResponse('vad', undefined);
  }

  private idleTimeout(audioStartMs: number, audioEndMs: number): void {
    const itemId = this.deps.ids.item();
    this.deps.emit({
      type: 'input_audio_buffer.timeout_triggered',
      event_id: this.deps.ids.event(),
      audio_start_ms: Math.round(audioStartMs),
      audio_end_ms: Math.round(audioEndMs),
      item_id: itemId,
    });
    this.commitUserTurn(itemId, this.input.take(), false);
    if (!this.active) this.startResponse('idle', undefined);
  }

  private commitUserTurn(itemId: string, audioMs: number, spoken: boolean): void {
    const { emit, ids, options, sessionIndex } = this.deps;
    const item = { id: itemId, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: wireNull }] } as const;
    const previous = this.conversation.add({ id: itemId, item: { ...item, content: [...item.content] } });
    emit({ type: 'input_audio_buffer.committed', event_id: ids.event(), previous_item_id: previous, item_id: itemId });
    emit({ type: 'conversation.item.added', event_id: ids.event(), previous_item_id: previous, item: { ...item, content: [...item.content] } });
    emit({ type: 'conversation.item.done', event_id: ids.event(), previous_item_id: previous, item: { ...item, content: [...item.content] } });
    this.contextAudio += Math.ceil(audioMs / 100);
    if (!spoken) return;
    const transcript = options.transcribe({ sessionIndex, turnIndex: this.turnIndex++, audioMs });
    this.lastUserTranscript = transcript;
    this.contextText += Math.ceil(transcript.length / 4);
    if (!this.effective.audio.input.transcription) return;
    this.deps.schedule(() => {
      emit({ type: 'conversation.item.input_audio_transcription.delta', event_id: ids.event(), item_id: itemId, content_index: 0, delta: transcript });
      const tokens = Math.ceil(transcript.length / 4);
      emit({
        type: 'conversation.item.input_audio_transcription.completed',
        event_id: ids.event(),
        item_id: itemId,
        content_index: 0,
        transcript,
        usage: { type: 'tokens', input_tokens: Math.ceil(audioMs / 100), output_tokens: tokens, total_tokens: Math.ceil(audioMs / 100) + tokens },
      });
    }, options.transcriptionDelayMs);
  }

  private startResponse(trigger: ResponseTrigger, request: RealtimeResponseCreateParams | undefined): void {
    const { options, ids, sessionIndex } = this.deps;
    this.input.disarmIdle();
    const record: ResponseRecord = { id: ids.response(), trigger, status: 'in_progress', items: [] };
    const instructions = request?.instructions ?? this.effective.instructions;
    if (instructions) record.instructions = instructions;
    const session = { ...this.effective, instructions };
    const run = new ResponseRun(
      {
        ids,
        conversation: this.conversation,
        conversationId: `conv_${this.effective.id.slice(5)}`,
        pacing: {
          speed: options.generationSpeed,
          tickMs: options.generationTickMs,
          latencyMs: options.responseLatencyMs,
          chunkBytes: options.audioChunkBytes,
          lateDeltas: options.lateDeltasOnCancel,
        },
        emit: this.deps.emit,
        schedule: this.deps.schedule,
        contextTokens: () => ({ text: this.contextText, audio: this.contextAudio }),
        finished: (done) => this.responseFinished(done),
      },
      record,
      session,
      request?.metadata ?? null,
    );
    this.active = run;
    this.responses.push(record);
    run.start();
    const ctx = {
      trigger,
      request,
      session: this.effective,
      userTranscript: this.lastUserTranscript,
      functionOutputs: [...this.functionOutputs],
      newFunctionOutputs: this.functionOutputs.slice(this.outputsSeenByResponses),
      sessionIndex,
      responseIndex: this.responses.length - 1,
      turnIndex: this.turnIndex,
    };
    this.outputsSeenByResponses = this.functionOutputs.length;
    Promise.resolve()
      .then(() => options.responder(ctx))
      .then(
        (result) => run.play(toScriptedResponse(result)),
        (err: unknown) => {
          options.logger?.error({ err, responseId: record.id }, 'realtime sim responder threw');
          run.play(failResponse('server_error', 'The responder failed.', 'server_error'));
        },
      );
  }

  private responseFinished(run: ResponseRun): void {
    if (this.active === run) this.active = undefined;
    const outBytesPerMs = bytesPerMs(this.effective.audio.output.format);
    let playbackMs = 0;
    for (const item of run.record.items) {
      playbackMs += item.audioBytes / outBytesPerMs;
      this.contextText += Math.ceil((item.transcript.length + (item.arguments?.length ?? 0)) / 4);
    }
    this.contextAudio += Math.round(playbackMs / 50);
    this.input.armIdle(playbackMs);
  }
}
