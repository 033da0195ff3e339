/**
 * The responses of one session. "Only one Response can write to the default Conversation at a time, but otherwise
 * multiple Responses can be created in parallel" (the `response.create` docs of the openai 7.x types): a second
 * in-conversation `response.create` gets `conversation_already_has_active_response`, while out-of-band ones
 * (`conversation: "none"`) run alongside. Each response records what the model saw (`ResponseRecord.context`).
 */
import type { RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import type { Conversation } from './realtime-conversation.js';
import { simErrors, type SimError } from './realtime-errors.js';
import type { IdSource } from './realtime-ids.js';
import type { ResolvedOptions } from './realtime-options.js';
import { failResponse, toScriptedResponse } from './realtime-responder.js';
import { ResponseRun } from './realtime-response.js';
import { readResponseCreate, type ResponseRequest } from './realtime-response-create.js';
import { bytesPerMs } from './realtime-session-config.js';
import type { EffectiveSession, FunctionOutputRecord, ResponseRecord, ResponseTrigger } from './realtime-types.js';

export interface ResponsesDeps {
  options: ResolvedOptions;
  ids: IdSource;
  sessionIndex: number;
  conversation: Conversation;
  functionOutputs: readonly FunctionOutputRecord[];
  emit(event: RealtimeServerEvent): void;
  schedule(fn: () => void, delayMs: number): () => void;
  session(): Readonly<EffectiveSession>;
  /** The caller's latest transcript and how many turns were spoken, for responders. */
  turns(): { lastTranscript: string | null; count: number };
  /** A caller turn ends now, as server VAD would end it (for the collision fault). */
  endCallerTurn(): void;
  /** A response of any kind starts (the idle countdown stops). */
  started(): void;
  /** An in-conversation response is over; `playbackMs` of its audio is still to play at the caller's end. */
  finished(playbackMs: number): void;
}

export class Responses {
  readonly records: ResponseRecord[] = [];
  private active: ResponseRun | undefined;
  private readonly outOfBand = new Set<ResponseRun>();
  private outputsSeen = 0;
  private collisions = 0;

  constructor(private readonly deps: ResponsesDeps) {}

  /** The response writing to the default conversation, if any. */
  get activeResponseId(): string | undefined {
    return this.active?.record.id;
  }

  /**
   * The next `count` in-conversation `response.create`s that would start a response instead meet one server VAD
   * started a moment earlier: the caller's turn ends, the VAD response is created, then the client's create is
   * refused (`conversation_already_has_active_response`, with its `event_id`).
   */
  collideNext(count: number): void {
    this.collisions += count;
  }

  /** A client `response.create`: starts a response, or answers the error the API would send. */
  create(raw: unknown, eventId: string | undefined): SimError | undefined {
    const request = this.read(raw);
    if (!('params' in request)) return request;
    if (!request.outOfBand && !this.active && this.collisions > 0) {
      this.collisions--;
      this.deps.endCallerTurn();
      if (!this.active) this.start('vad', this.read(undefined) as ResponseRequest, undefined);
    }
    if (!request.outOfBand && this.active) return simErrors.activeResponse(this.active.record.id);
    this.start('client', request, eventId);
    return undefined;
  }

  /** A response the server starts itself (VAD turn end, idle timeout), unless one is already active. */
  startAutomatic(trigger: 'vad' | 'idle'): void {
    if (!this.active) this.start(trigger, this.read(undefined) as ResponseRequest, undefined);
  }

  /** `response.cancel`: the active response, or the named one (out-of-band ones included). */
  cancel(responseId: unknown, reason: 'turn_detected' | 'client_cancelled'): boolean {
    const run = typeof responseId === 'string' ? [this.active, ...this.outOfBand].find((r) => r?.record.id === responseId) : this.active;
    if (!run) return false;
    run.cancel(reason);
    return true;
  }

  abandon(): void {
    for (const run of [this.active, ...this.outOfBand]) run?.abandon();
    this.active = undefined;
    this.outOfBand.clear();
  }

  private read(raw: unknown): ResponseRequest | SimError {
    return readResponseCreate(raw, this.deps.session(), this.deps.conversation, this.deps.options.clock.wallNow());
  }

  private start(trigger: ResponseTrigger, request: ResponseRequest, eventId: string | undefined): void {
    const { options, ids, sessionIndex, conversation } = this.deps;
    const session = this.deps.session();
    const { params, context, outOfBand } = request;
    this.deps.started();
    const record: ResponseRecord = {
      id: ids.response(),
      trigger,
      status: 'in_progress',
      items: [],
      context,
      outOfBand,
      modality: (params.output_modalities ?? session.output_modalities)[0] ?? 'audio',
      metadata: params.metadata ?? null,
      ...(context.instructions ? { instructions: context.instructions } : {}),
      ...(eventId === undefined ? {} : { eventId }),
    };
    const run = new ResponseRun(
      {
        ids,
        conversation,
        conversationId: outOfBand ? null : `conv_${session.id.slice(5)}`,
        pacing: {
          speed: options.generationSpeed,
          tickMs: options.generationTickMs,
          latencyMs: options.responseLatencyMs,
          chunkBytes: options.audioChunkBytes,
          lateDeltas: options.lateDeltasOnCancel,
        },
        emit: this.deps.emit,
        schedule: this.deps.schedule,
        finished: (done) => this.finished(done),
      },
      record,
      { output: { ...session.audio.output, ...params.audio?.output }, maxOutputTokens: params.max_output_tokens ?? session.max_output_tokens },
      options.promptCache.read(session.model, context),
    );
    if (outOfBand) this.outOfBand.add(run);
    else this.active = run;
    this.records.push(record);
    run.start();
    const newFunctionOutputs = this.deps.functionOutputs.slice(this.outputsSeen);
    if (!outOfBand) this.outputsSeen = this.deps.functionOutputs.length;
    const turns = this.deps.turns();
    const ctx = {
      trigger,
      request: trigger === 'client' ? params : undefined,
      session,
      context,
      outOfBand,
      userTranscript: turns.lastTranscript,
      functionOutputs: [...this.deps.functionOutputs],
      newFunctionOutputs,
      sessionIndex,
      responseIndex: this.records.length - 1,
      turnIndex: turns.count,
    };
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

  private finished(run: ResponseRun): void {
    this.outOfBand.delete(run);
    if (this.active !== run) return;
    this.active = undefined;
    const outBytesPerMs = bytesPerMs(this.deps.session().audio.output.format);
    const playbackMs = run.record.items.reduce((ms, item) => ms + item.audioBytes / outBytesPerMs, 0);
    this.deps.finished(playbackMs);
  }
}
