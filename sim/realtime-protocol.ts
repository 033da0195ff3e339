/**
 * The server side of one Realtime GA conversation: session config, the input buffer and VAD turns, and the dispatch of
 * client events to items (realtime-item-events.ts), caller turns (realtime-user-turns.ts) and responses
 * (realtime-responses.ts). No socket here: events go out through `emit` / `error`, time through `schedule`.
 */
import type { RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { clientEventId } from './realtime-client-events.js';
import { Conversation } from './realtime-conversation.js';
import { simErrors, type SimError } from './realtime-errors.js';
import type { IdSource } from './realtime-ids.js';
import { InputAudio } from './realtime-input-audio.js';
import { createItem, deleteItem, retrieveItem, truncateItem, type ItemEventContext } from './realtime-item-events.js';
import type { ResolvedOptions } from './realtime-options.js';
import { Responses } from './realtime-responses.js';
import { applySessionUpdate, defaultSession } from './realtime-session-config.js';
import type { EffectiveSession, FunctionOutputRecord, ReceivedEvent, ResponseRecord, TruncationRecord } from './realtime-types.js';
import { UserTurns } from './realtime-user-turns.js';

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
  readonly truncations: TruncationRecord[] = [];
  readonly functionOutputs: FunctionOutputRecord[] = [];
  readonly responses: Responses;
  private readonly turns: UserTurns;
  private pendingSpeechItemId: string | undefined;
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
    const { options, ids, sessionIndex, emit, schedule } = deps;
    this.itemContext = { conversation: this.conversation, ids, emit, truncations: this.truncations, functionOutputs: this.functionOutputs };
    this.turns = new UserTurns({ options, ids, sessionIndex, conversation: this.conversation, emit, schedule });
    this.responses = new Responses({
      options,
      ids,
      sessionIndex,
      conversation: this.conversation,
      functionOutputs: this.functionOutputs,
      emit,
      schedule,
      session: () => this.effective,
      turns: () => this.turns,
      endCallerTurn: () => this.commitUserTurn(this.pendingSpeechItemId ?? ids.item(), this.input.take(), true),
      started: () => this.input.disarmIdle(),
      finished: (playbackMs) => {
        this.input.armIdle(playbackMs);
        this.turns.releaseLate();
      },
    });
  }

  get records(): readonly ResponseRecord[] {
    return this.responses.records;
  }

  get activeResponseId(): string | undefined {
    return this.responses.activeResponseId;
  }

  sendCreated(): void {
    this.deps.emit({ type: 'session.created', event_id: this.deps.ids.event(), session: this.effective });
  }

  append(audio: Buffer): void {
    this.input.append(audio);
  }

  handle(event: ReceivedEvent): void {
    const error = this.dispatch(event);
    if (error) this.deps.error(error, clientEventId(event));
  }

  /** Cancels the active response as the client would (`response.cancel`); false if none is active. */
  cancelActive(reason: 'turn_detected' | 'client_cancelled'): boolean {
    return this.responses.cancel(undefined, reason);
  }

  abandon(): void {
    this.responses.abandon();
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
        return this.responses.create(event.response, clientEventId(event));
      case 'response.cancel':
        return this.responses.cancel(event.response_id, 'client_cancelled') ? undefined : simErrors.cancelNotActive();
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

  private speechStarted(audioStartMs: number): void {
    const itemId = this.deps.ids.item();
    this.pendingSpeechItemId = itemId;
    this.deps.emit({ type: 'input_audio_buffer.speech_started', event_id: this.deps.ids.event(), audio_start_ms: Math.round(audioStartMs), item_id: itemId });
    if (this.effective.audio.input.turn_detection?.interrupt_response) this.responses.cancel(undefined, 'turn_detected');
  }

  private speechStopped(audioEndMs: number): void {
    const itemId = this.pendingSpeechItemId ?? this.deps.ids.item();
    this.pendingSpeechItemId = undefined;
    this.deps.emit({ type: 'input_audio_buffer.speech_stopped', event_id: this.deps.ids.event(), audio_end_ms: Math.round(audioEndMs), item_id: itemId });
    this.commitUserTurn(itemId, this.input.take(audioEndMs), true);
    // With interrupt_response off, an automatic response "may fail to create" while one is active: it is skipped.
    if (this.effective.audio.input.turn_detection?.create_response) this.responses.startAutomatic('vad');
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
    this.responses.startAutomatic('idle');
  }

  private commitUserTurn(itemId: string, audioMs: number, spoken: boolean): void {
    this.pendingSpeechItemId = undefined;
    this.turns.commit(itemId, audioMs, spoken, this.effective);
  }
}
