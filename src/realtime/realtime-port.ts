import type { Base64Audio, MessageRole, ModelPort, ModelPortListener, ResponsePurpose } from '../call/model-port.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { Logger } from '../logger.js';
import { appendAudio, encode, functionOutput, message, outOfBandText, responseCancel, responseCreate, truncate } from './client-events.js';
import { base64Size, frameText } from '../twilio/json-bytes.js';
import { AppendFrameBuilder } from './append-frame.js';
import { AudioDeltaReader } from './audio-delta-frame.js';
import { parseModelEvent, type ModelEvent } from './events.js';
import type { ModelLink } from './model-link.js';
import { ServerEventTranslator, type SentRequest } from './server-events.js';

const SUMMARY_PURPOSE = 'summary';
/** Every client event's id is this and a number, appends included, so an `error` names exactly one. */
const EVENT_ID_PREFIX = 'b';
const NOT_UTF8: ModelEvent = { type: 'invalid', error: 'not UTF-8' };

/** The close code the API uses when it will not take this client again (bad configuration). */
const CLOSE_FATAL = 4000;

/** How the port notices a model that stays connected but stops answering (on real time, see BridgeDeps.watchdogClock). */
export interface LivenessSettings {
  clock: Clock;
  pingEveryMs: number;
  /** A `response.create` with no `response.created` (or refusal) within this is a model that stopped answering. */
  responseTimeoutMs: number;
}

/**
 * The OpenAI Realtime GA WebSocket as a `ModelPort`: server events become the call's events
 * (`server-events.ts`), the call's requests become client events (`client-events.ts`), each with an `event_id` of
 * its own so errors can be matched to what caused them.
 */
export class RealtimePort implements ModelPort {
  private listener: ModelPortListener | undefined;
  private readonly events: ServerEventTranslator;
  private readonly deltas = new AudioDeltaReader();
  private readonly appends = new AppendFrameBuilder(EVENT_ID_PREFIX);
  private nextId = 0;
  private responseDeadline: TimerHandle | undefined;
  private summary: { responseId?: string; resolve(text: string | undefined): void } | undefined;

  constructor(
    private readonly link: ModelLink,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly liveness?: LivenessSettings,
  ) {
    this.events = new ServerEventTranslator(clock, log);
  }

  get cancelsOnBargeIn(): boolean {
    return this.link.interruptResponse;
  }

  get isOpen(): boolean {
    return this.link.isOpen;
  }

  attach(listener: ModelPortListener): void {
    this.listener = listener;
    this.link.attach({
      onMessage: (frame) => this.serverEvent(frame),
      onClose: (code, reason) => {
        this.stopDeadline();
        listener({ type: 'closed', code, reason, fatal: code === CLOSE_FATAL, expired: this.events.expired, unresponsive: this.link.unresponsive });
      },
    });
    if (this.liveness) this.link.watchPings(this.liveness.clock, this.liveness.pingEveryMs, this.log);
  }

  /** The hot path: bytes go out as a frame built from bytes (`AppendFrameBuilder`), a string as before. */
  appendAudio(audio: Base64Audio): void {
    const n = ++this.nextId;
    const sent = typeof audio === 'string' ? this.link.send(appendAudio(EVENT_ID_PREFIX + n, audio)) : this.link.sendBytes(this.appends.build(audio, n));
    if (sent) this.events.appendedBytes += base64Size(audio);
  }

  requestResponse(purpose: ResponsePurpose, prompt?: string): void {
    if (prompt !== undefined) this.addMessage('system', prompt);
    this.send(responseCreate(purpose), { type: 'response.create', purpose });
    const liveness = this.liveness;
    if (liveness && !this.responseDeadline) {
      this.responseDeadline = liveness.clock.setTimeout(() => this.link.cut('no-response', this.log), liveness.responseTimeoutMs);
    }
  }

  cancelResponse(responseId: string): void {
    this.send(responseCancel(responseId), { type: 'response.cancel' });
  }

  truncate(itemId: string, contentIndex: number, audioEndMs: number): void {
    this.send(truncate(itemId, contentIndex, audioEndMs), { type: 'conversation.item.truncate' });
  }

  sendToolResult(callId: string, output: string): void {
    this.send(functionOutput(callId, output), { type: 'function_call_output' });
  }

  addMessage(role: MessageRole, text: string): void {
    this.send(message(role, text), { type: `${role} message` });
  }

  summarize(instructions: string, timeoutMs: number): Promise<string | undefined> {
    if (!this.link.isOpen || this.summary) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => done(undefined), timeoutMs);
      const done = (text: string | undefined) => {
        this.clock.clearTimeout(timer);
        this.summary = undefined;
        resolve(text?.trim() || undefined);
      };
      this.summary = { resolve: done };
      this.send(outOfBandText(instructions, SUMMARY_PURPOSE), { type: 'response.create (summary)' });
    });
  }

  close(reason = 'call ended'): void {
    this.listener = undefined;
    this.stopDeadline();
    this.link.close(1000, reason);
  }

  /** Events of the summary response: taken here, never passed to the call. */
  private summaryEvent(event: ModelEvent): boolean {
    const summary = this.summary!;
    if (event.type === 'response.created' && event.response.metadata?.purpose === SUMMARY_PURPOSE) {
      summary.responseId = event.response.id;
      return true;
    }
    if (summary.responseId === undefined) return false;
    if (event.type === 'response.output_text.done' && event.response_id === summary.responseId) summary.resolve(event.text);
    else if (event.type === 'response.done' && event.response.id === summary.responseId) summary.resolve(undefined);
    else return false;
    return true;
  }

  private stopDeadline(): void {
    this.liveness?.clock.clearTimeout(this.responseDeadline);
    this.responseDeadline = undefined;
  }

  private send(event: Parameters<typeof encode>[0], request: SentRequest): void {
    const id = this.eventId();
    this.events.sent(id, request);
    this.link.send(encode(event, id));
  }

  private eventId(): string {
    return EVENT_ID_PREFIX + ++this.nextId;
  }

  /**
   * Every text frame from the model. Audio deltas are the hot path: read from the bytes (`AudioDeltaReader`) and
   * passed on with no other work; anything it does not take (other events, and deltas in any other form) goes
   * through `frameText` and the full parser. A summary response is text only, so no delta is ever its.
   */
  private serverEvent(frame: Buffer): void {
    const emit = this.listener;
    if (!emit) return;
    const delta = this.deltas.read(frame);
    if (delta) {
      emit({ type: 'audio', responseId: delta.responseId, itemId: delta.itemId, contentIndex: delta.contentIndex, audio: delta.delta });
      return;
    }
    const text = frameText(frame);
    const event = text === undefined ? NOT_UTF8 : parseModelEvent(text);
    if (this.summary && this.summaryEvent(event)) return;
    if (event.type === 'response.output_audio.delta') {
      emit({ type: 'audio', responseId: event.response_id, itemId: event.item_id, contentIndex: event.content_index, audio: event.delta });
      return;
    }
    for (const translated of this.events.translate(event)) {
      if (this.listener !== emit) return;
      // The model answered our request (started a response, or refused it because one runs): it is alive.
      if (translated.type === 'response-started' || translated.type === 'request-refused') this.stopDeadline();
      emit(translated);
    }
  }
}
