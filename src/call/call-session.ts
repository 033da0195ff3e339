import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { parseModelEvent, type ModelEvent } from '../realtime/events.js';
import { FATAL_MODEL_ERRORS, type ModelLink } from '../realtime/model-link.js';
import { parseTwilioMessage, TwilioEncoder, type TwilioInbound } from '../twilio/messages.js';
import { AssistantAudio } from './assistant-audio.js';
import { CallerAudio } from './caller-audio.js';
import { ResponseSequencer, type ResponseRequest } from './response-sequencer.js';
import { ToolCalls, type ToolRunner } from './tool-calls.js';
import { TurnTimer, type CallObserver } from './turn-timer.js';

export interface CallContext {
  callSid: string;
  streamSid: string;
  accountSid: string;
  orgId: string;
  from?: string | undefined;
  to?: string | undefined;
}

export interface CallProfile {
  /** `response.create` instructions for the first words (the AI speaks first). */
  greetingInstructions?: string | undefined;
  tools?: ToolRunner | undefined;
}

export interface CallSetup {
  link: ModelLink;
  profile: CallProfile;
}

export type EndReason =
  | 'caller-hung-up'
  | 'twilio-socket-closed'
  | 'setup-failed'
  | 'model-closed'
  | 'model-error'
  | 'agent-hung-up'
  | 'transferred'
  | 'silence'
  | 'max-duration'
  | 'shutdown';

export interface TwilioPort {
  send(text: string): void;
  close(code: number, reason: string): void;
}

/** Ends the phone call itself (REST), falling back to closing the stream. */
export interface CallControl {
  endCall(callSid: string, opts: { apology?: string | undefined }): Promise<void>;
}

export interface CallSessionOptions {
  context: CallContext;
  twilio: TwilioPort;
  setup: Promise<CallSetup>;
  clock: Clock;
  logger: Logger;
  control?: CallControl | undefined;
  observer?: CallObserver | undefined;
  onEnded?: (session: CallSession, reason: EndReason) => void;
  toolTimeoutMs?: number;
  apology?: string;
}

const BENIGN_MODEL_ERRORS = new Set(['response_cancel_not_active', 'conversation_already_has_active_response']);
const DEFAULT_APOLOGY = "I'm sorry, we're having trouble with this call. Please call back in a moment. Goodbye.";

/** One phone call: owns the Twilio stream and its model session, and pipes audio between them. */
export class CallSession {
  readonly context: CallContext;
  readonly log: Logger;
  private readonly twilio: TwilioPort;
  private readonly clock: Clock;
  private readonly callerAudio = new CallerAudio();
  private readonly assistantAudio: AssistantAudio;
  private readonly sequencer = new ResponseSequencer();
  private readonly turns: TurnTimer;
  private link: ModelLink | undefined;
  private profile: CallProfile = {};
  private tools: ToolCalls | undefined;
  private endedReason: EndReason | undefined;
  private closingReason: EndReason | undefined;
  private readonly purposeById = new Map<string, string>();
  private readonly doneWaiters = new Map<string, Array<() => void>>();
  private badMessages = 0;

  constructor(private readonly opts: CallSessionOptions) {
    this.context = opts.context;
    this.twilio = opts.twilio;
    this.clock = opts.clock;
    this.log = opts.logger;
    this.assistantAudio = new AssistantAudio((text) => this.twilio.send(text), new TwilioEncoder(opts.context.streamSid));
    this.turns = new TurnTimer(opts.clock, opts.observer);
    opts.setup.then(
      (setup) => this.modelReady(setup),
      (err: Error & { code?: string }) => {
        this.log.error({ err: err.message, code: err.code }, 'could not open the model session');
        void this.end('setup-failed', { apology: true });
      },
    );
  }

  get ended(): boolean {
    return this.endedReason !== undefined;
  }

  /** Every text frame from Twilio after `start`. */
  handleTwilioText(text: string): void {
    const parsed = parseTwilioMessage(text);
    if (!parsed.ok) {
      this.rejectMessage(parsed.error);
      return;
    }
    this.handleTwilioMessage(parsed.message);
  }

  handleTwilioMessage(msg: TwilioInbound): void {
    if (msg.event !== 'connected' && msg.streamSid !== this.context.streamSid) {
      this.rejectMessage(`${msg.event}: streamSid does not match this stream`);
      return;
    }
    switch (msg.event) {
      case 'media':
        this.callerAudio.push(msg.payload);
        return;
      case 'mark':
        this.markEchoed(msg.mark.name);
        return;
      case 'stop':
        void this.end('caller-hung-up');
        return;
      case 'dtmf':
        this.log.info({ digit: msg.dtmf.digit }, 'keypad press');
        return;
      case 'start':
      case 'connected':
        this.rejectMessage(`${msg.event}: unexpected after start`);
        return;
    }
  }

  /** The Twilio socket closed (with or without `stop`). */
  twilioClosed(): void {
    void this.end(this.endedReason ?? 'twilio-socket-closed');
  }

  /** True once the call is ending (a goodbye may still be playing). */
  get closing(): boolean {
    return this.closingReason !== undefined || this.ended;
  }

  /**
   * Ends the call politely: the model says a last line (per `instructions`), the bridge waits until
   * the caller has heard it (its marks echoed; at most `timeoutMs`), then hangs up.
   */
  async wrapUp(reason: EndReason, instructions: string, timeoutMs = 10_000): Promise<void> {
    if (this.closing) return;
    this.closingReason = reason;
    if (!this.link?.isOpen) return this.end(reason);
    const spoken = this.responseDoneFor('wrap-up').then(() => this.assistantAudio.whenPlayedOut());
    this.requestResponse({ purpose: 'wrap-up', response: { instructions } });
    await this.withTimeout(spoken, timeoutMs);
    await this.end(reason);
  }

  /** Idempotent teardown of both legs; ends the phone call when the bridge is the one ending it. */
  async end(reason: EndReason, opts: { apology?: boolean } = {}): Promise<void> {
    if (this.endedReason) return;
    this.endedReason = reason;
    this.tools?.abortAll();
    this.link?.close(1000, 'call ended');
    this.callerAudio.disconnect();
    const callerGone = reason === 'caller-hung-up' || reason === 'twilio-socket-closed';
    this.log.info({ reason, ...this.turns.summary() }, 'call ended');
    this.opts.onEnded?.(this, reason);
    if (callerGone) return;
    const apology = opts.apology ? (this.opts.apology ?? DEFAULT_APOLOGY) : undefined;
    try {
      if (this.opts.control) await this.opts.control.endCall(this.context.callSid, { apology });
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'ending the call over REST failed; closing the stream');
    } finally {
      this.twilio.close(1000, reason);
    }
  }

  private modelReady({ link, profile }: CallSetup): void {
    if (this.ended) {
      link.close(1000, 'call already ended');
      return;
    }
    this.link = link;
    this.profile = profile;
    if (profile.tools) {
      this.tools = new ToolCalls(profile.tools, {
        sendOutput: (callId, output) => link.sendEvent({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callId, output } }),
        requestFollowUp: () => this.requestResponse({ purpose: 'tool-followup' }),
        logger: this.log,
        timeoutMs: this.opts.toolTimeoutMs ?? 8000,
        clock: this.clock,
        onToolFinished: (name, outcome, ms) => this.opts.observer?.toolFinished?.(name, outcome, ms),
      });
    }
    link.attach({
      onMessage: (text) => this.handleModelText(text),
      onClose: (code, reason) => this.modelClosed(code, reason),
    });
    this.callerAudio.connect((text) => link.send(text));
    this.log.info({ bufferedFrames: this.callerAudio.droppedFrames }, 'model session attached');
    this.requestResponse({
      purpose: 'greeting',
      dropIfPreempted: true,
      response: { instructions: profile.greetingInstructions ?? 'You just answered the phone. Greet the caller briefly and ask how you can help.' },
    });
  }

  private handleModelText(text: string): void {
    const event = parseModelEvent(text);
    if (event.type === 'response.output_audio.delta') {
      const bytes = this.assistantAudio.delta(event.response_id, event.item_id, event.content_index, event.delta);
      if (bytes > 0) this.turns.audioForwarded(event.response_id);
      return;
    }
    this.handleModelEvent(event);
  }

  private handleModelEvent(event: ModelEvent): void {
    switch (event.type) {
      case 'response.output_audio.done':
        this.assistantAudio.audioDone(event.response_id, event.item_id, event.content_index);
        return;
      case 'input_audio_buffer.speech_started':
        this.bargeIn();
        return;
      case 'input_audio_buffer.speech_stopped':
        this.turns.callerStopped(Math.max(0, this.callerAudio.appendedBytes / 8 - event.audio_end_ms));
        return;
      case 'response.created': {
        const ours = this.sequencer.responseCreated(event.response.id);
        if (ours) this.purposeById.set(event.response.id, ours.purpose);
        this.turns.responseStarted(event.response.id);
        return;
      }
      case 'response.output_item.done':
        if (event.item.type === 'function_call' && event.item.status === 'completed') this.functionCall(event.response_id, event.item);
        return;
      case 'response.done':
        this.responseDone(event.response.id, event.response.status);
        this.opts.observer?.usage?.(event.response.usage ?? undefined);
        return;
      case 'conversation.item.input_audio_transcription.completed':
        this.log.info({ caller: event.transcript }, 'caller said');
        return;
      case 'response.output_audio_transcript.done':
        this.log.info({ agent: event.transcript }, 'agent said');
        return;
      case 'error':
        this.modelError(event.error.code ?? event.error.type ?? 'unknown', event.error.message ?? '');
        return;
      case 'invalid':
        this.log.warn({ error: event.error }, 'invalid model event dropped');
        return;
      default:
        return;
    }
  }

  private functionCall(responseId: string, item: { call_id?: string | undefined; name?: string | undefined; arguments?: string | undefined }): void {
    if (!this.tools || !item.call_id || !item.name) {
      this.log.warn({ tool: item.name }, 'function call without a tool runner or call id');
      return;
    }
    this.tools.callCompleted(responseId, item.call_id, item.name, item.arguments ?? '{}');
  }

  private responseDone(responseId: string, status: string): void {
    this.assistantAudio.responseFinished(responseId);
    const purpose = this.purposeById.get(responseId);
    if (purpose !== undefined) {
      this.purposeById.delete(responseId);
      for (const w of this.doneWaiters.get(purpose)?.splice(0) ?? []) w();
    }
    this.tools?.responseDone(responseId);
    const next = this.sequencer.responseDone(responseId);
    if (status === 'failed') this.log.warn({ responseId }, 'model response failed');
    if (next) this.sendResponseCreate(next);
  }

  /**
   * Barge-in in the fixed order of field note 2: snapshot + discard + clear (AssistantAudio),
   * then cancel only when the server will not, then one truncate per queued item.
   */
  private bargeIn(): void {
    const active = this.sequencer.activeResponseId;
    if (!this.assistantAudio.playing && !active) return;
    const truncations = this.assistantAudio.interrupt(active);
    const link = this.link;
    if (!link) return;
    if (active && !link.interruptResponse) link.sendEvent({ type: 'response.cancel', response_id: active });
    for (const t of truncations) {
      link.sendEvent({ type: 'conversation.item.truncate', item_id: t.itemId, content_index: t.contentIndex, audio_end_ms: t.audioEndMs });
    }
    this.opts.observer?.bargeIn?.();
    this.turns.bargeIn();
    this.log.info({ truncations }, 'barge-in');
  }

  private markEchoed(name: string): void {
    const echo = this.assistantAudio.markEchoed(name);
    if (echo.kind === 'played' && echo.firstForItem) this.turns.playoutStarted(echo.item.responseId);
  }

  private requestResponse(req: ResponseRequest): void {
    const now = this.sequencer.request(req);
    if (now) this.sendResponseCreate(now);
  }

  private sendResponseCreate(req: ResponseRequest): void {
    this.turns.responseRequested(req.purpose);
    this.link?.sendEvent(req.response ? { type: 'response.create', response: req.response } : { type: 'response.create' });
  }

  private modelError(code: string, message: string): void {
    this.opts.observer?.modelError?.(code);
    if (code === 'conversation_already_has_active_response') this.sequencer.createRejected();
    if (BENIGN_MODEL_ERRORS.has(code)) {
      this.log.debug({ code }, 'benign model error');
      return;
    }
    if (FATAL_MODEL_ERRORS.has(code)) {
      this.log.error({ code, message }, 'fatal model error');
      void this.end('model-error', { apology: true });
      return;
    }
    this.log.warn({ code, message }, 'model error');
  }

  private modelClosed(code: number, reason: string): void {
    if (this.ended) return;
    this.log.error({ code, reason }, 'model socket closed');
    this.sequencer.reset();
    this.callerAudio.disconnect();
    void this.end('model-closed', { apology: true });
  }

  /** Resolves when a response we requested for `purpose` is done. */
  private responseDoneFor(purpose: string): Promise<void> {
    return new Promise((resolve) => {
      const list = this.doneWaiters.get(purpose) ?? [];
      list.push(resolve);
      this.doneWaiters.set(purpose, list);
    });
  }

  private withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(resolve, ms);
      void promise.then(() => {
        this.clock.clearTimeout(timer);
        resolve();
      });
    });
  }

  private rejectMessage(error: string): void {
    if (++this.badMessages <= 20) this.log.warn({ error }, 'invalid Twilio message dropped');
  }
}
