import type { Clock, TimerHandle } from '../clock.js';
import type { Logger } from '../logger.js';
import { parseModelEvent, type ModelEvent } from '../realtime/events.js';
import { FATAL_MODEL_ERRORS, type ModelLink } from '../realtime/model-link.js';
import { parseTwilioMessage, TwilioEncoder, type TwilioInbound } from '../twilio/messages.js';
import { AssistantAudio } from './assistant-audio.js';
import { isCallAction, TRANSFER_TO_STAFF, type CallAction } from './call-tools.js';
import { CallTimers } from './call-timers.js';
import type { CallContext, CallProfile, CallSessionOptions, CallSetup, EndReason } from './call-types.js';
import { CallerAudio } from './caller-audio.js';
import { reconnectModel } from './model-recovery.js';
import { ResponseSequencer, type ResponseRequest } from './response-sequencer.js';
import { DEFAULT_APOLOGY, keypadText, PROMPTS } from './spoken-prompts.js';
import { ToolCalls } from './tool-calls.js';
import { Transcript } from './transcript.js';
import { TurnTimer } from './turn-timer.js';

export type { CallContext, CallControl, CallProfile, CallSetup, EndReason, TwilioPort } from './call-types.js';

const BENIGN_MODEL_ERRORS = new Set(['response_cancel_not_active', 'conversation_already_has_active_response']);

/** One phone call: owns the Twilio stream and its model session, pipes audio between them, runs tools and call control. */
export class CallSession {
  readonly context: CallContext;
  readonly log: Logger;
  readonly transcript = new Transcript();
  private readonly clock: Clock;
  private readonly callerAudio = new CallerAudio();
  private readonly assistantAudio: AssistantAudio;
  private readonly sequencer = new ResponseSequencer();
  private readonly turns: TurnTimer;
  private readonly timers: CallTimers | undefined;
  private setup: CallSetup | undefined;
  private link: ModelLink | undefined;
  private profile: CallProfile = {};
  private tools: ToolCalls | undefined;
  private endedReason: EndReason | undefined;
  private closingReason: EndReason | undefined;
  private pendingAction: { action: CallAction; responseId: string; callId: string } | undefined;
  private readonly purposeById = new Map<string, string>();
  private readonly doneWaiters = new Map<string, Array<() => void>>();
  private readonly spokenResponses = new Set<string>();
  private lastSpokenResponse: string | undefined;
  private recycleDue = false;
  private recycleTimer: TimerHandle | undefined;
  private sessionExpired = false;
  private badMessages = 0;

  constructor(private readonly opts: CallSessionOptions) {
    this.context = opts.context;
    this.clock = opts.clock;
    this.log = opts.logger;
    this.assistantAudio = new AssistantAudio((text) => opts.twilio.send(text), new TwilioEncoder(opts.context.streamSid));
    this.turns = new TurnTimer(opts.clock, opts.observer);
    if (opts.timers) {
      this.timers = new CallTimers(opts.clock, opts.timers, {
        reprompt: () => this.requestResponse({ purpose: 'reprompt', response: { instructions: PROMPTS.reprompt } }),
        silenceGoodbye: () => void this.wrapUp('silence', PROMPTS.silenceGoodbye),
        wrapUpWarning: () => this.requestResponse({ purpose: 'wrap-up-warning', response: { instructions: PROMPTS.wrapUpWarning } }),
        maxDurationReached: () => void this.wrapUp('max-duration', PROMPTS.maxDuration),
      });
      this.timers.start();
    }
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

  /** True once the call is ending (a goodbye may still be playing). */
  get closing(): boolean {
    return this.closingReason !== undefined || this.ended;
  }

  /** Every text frame from Twilio after `start`. */
  handleTwilioText(text: string): void {
    const parsed = parseTwilioMessage(text);
    if (parsed.ok) this.handleTwilioMessage(parsed.message);
    else this.rejectMessage(parsed.error);
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
        void this.end(this.closingReason ?? 'caller-hung-up', { streamGone: true });
        return;
      case 'dtmf':
        this.keypad(msg.dtmf.digit);
        return;
      default:
        this.rejectMessage(`${msg.event}: unexpected after start`);
    }
  }

  /** The Twilio socket closed (with or without `stop`). */
  twilioClosed(): void {
    void this.end(this.closingReason ?? 'twilio-socket-closed', { streamGone: true });
  }

  /**
   * Ends the call politely: the model says a last line (per `instructions`), the bridge waits until
   * the caller has heard it (its marks echoed; at most `goodbyeTimeoutMs`), then hangs up.
   */
  async wrapUp(reason: EndReason, instructions: string): Promise<void> {
    if (this.closing) return;
    this.closingReason = reason;
    this.timers?.stop();
    if (this.link?.isOpen) await this.say('wrap-up', instructions);
    await this.end(reason);
  }

  /** Hands the caller to staff: announcement, then a REST update to `<Dial>` (the stream then ends). */
  async transferToStaff(announce = true): Promise<void> {
    const number = this.profile.transferNumber;
    const control = this.opts.control;
    if (!number || !control || this.closing) return;
    this.closingReason = 'transferred';
    this.timers?.stop();
    if (announce && this.link?.isOpen) await this.say('transfer', PROMPTS.transferAnnouncement);
    await this.settleTools();
    try {
      await control.transfer(this.context.callSid, number);
      await this.end('transferred');
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'transfer failed');
      this.closingReason = undefined;
      await this.end('model-error', { apology: true });
    }
  }

  /** Idempotent teardown of both legs; ends the phone call when the bridge is the one ending it. */
  async end(reason: EndReason, opts: { apology?: boolean; streamGone?: boolean } = {}): Promise<void> {
    if (this.endedReason) return;
    this.endedReason = reason;
    this.timers?.stop();
    this.clock.clearTimeout(this.recycleTimer);
    this.tools?.abortAll();
    this.link?.close(1000, 'call ended');
    this.callerAudio.disconnect();
    const order = this.profile.tools?.submittedOrder?.();
    this.log.info({ reason, ...this.turns.summary(), orderId: order?.outcome.orderId ?? undefined, transcript: this.transcript.compact(4000) }, 'call ended');
    this.opts.onEnded?.(this, reason);
    if (opts.streamGone) return;
    try {
      if (this.opts.control && reason !== 'transferred') {
        await this.opts.control.endCall(this.context.callSid, { apology: opts.apology ? DEFAULT_APOLOGY : undefined });
      }
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'ending the call over REST failed; closing the stream');
    } finally {
      this.opts.twilio.close(1000, reason);
    }
  }

  /** The order placed in this call, if any (for the end-of-call record). */
  orderId(): string | undefined {
    return this.profile.tools?.submittedOrder?.()?.outcome.orderId ?? undefined;
  }

  private modelReady(setup: CallSetup): void {
    if (this.ended) {
      setup.link.close(1000, 'call already ended');
      return;
    }
    this.setup = setup;
    this.profile = setup.profile;
    this.attach(setup.link);
    this.requestResponse({ purpose: 'greeting', dropIfPreempted: true, response: { instructions: setup.profile.greetingInstructions ?? PROMPTS.greetingFallback } });
    if (this.opts.recycleAfterMs) this.recycleTimer = this.clock.setTimeout(() => this.recycleWhenIdle(), this.opts.recycleAfterMs);
  }

  private attach(link: ModelLink): void {
    this.link = link;
    const runner = this.profile.tools;
    if (runner) {
      this.tools = new ToolCalls(runner, {
        sendOutput: (callId, output) => link.sendEvent({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callId, output } }),
        requestFollowUp: () => this.requestResponse({ purpose: 'tool-followup' }),
        logger: this.log,
        timeoutMs: this.opts.toolTimeoutMs ?? 10_000,
        clock: this.clock,
        onToolFinished: (name, outcome, ms) => this.opts.observer?.toolFinished?.(name, outcome, ms),
      });
    }
    link.attach({
      onMessage: (text) => this.handleModelText(text),
      onClose: (code, reason) => {
        if (this.link === link) void this.modelLost(code, reason);
      },
    });
    this.callerAudio.connect((text) => link.send(text));
    this.log.info({ droppedFrames: this.callerAudio.droppedFrames }, 'model session attached');
  }

  private handleModelText(text: string): void {
    const event = parseModelEvent(text);
    if (event.type === 'response.output_audio.delta') {
      const bytes = this.assistantAudio.delta(event.response_id, event.item_id, event.content_index, event.delta);
      if (bytes > 0 && event.response_id !== this.lastSpokenResponse) this.firstAudioOf(event.response_id);
      return;
    }
    this.handleModelEvent(event);
  }

  private firstAudioOf(responseId: string): void {
    this.lastSpokenResponse = responseId;
    this.spokenResponses.add(responseId);
    this.turns.audioForwarded(responseId);
  }

  private handleModelEvent(event: ModelEvent): void {
    switch (event.type) {
      case 'response.output_audio.done':
        this.assistantAudio.audioDone(event.response_id, event.item_id, event.content_index);
        return;
      case 'input_audio_buffer.speech_started':
        this.timers?.callerActive();
        this.bargeIn();
        return;
      case 'input_audio_buffer.speech_stopped':
        this.turns.callerStopped(Math.max(0, this.callerAudio.appendedBytes / 8 - event.audio_end_ms));
        return;
      case 'response.created': {
        const ours = this.sequencer.responseCreated(event.response.id);
        if (ours) this.purposeById.set(event.response.id, ours.purpose);
        this.turns.responseStarted(event.response.id);
        this.timers?.agentBusy();
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
        this.transcript.add('caller', event.transcript);
        this.log.info({ caller: event.transcript }, 'caller said');
        return;
      case 'response.output_audio_transcript.done':
        this.transcript.add('agent', event.transcript);
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
    if (!item.call_id || !item.name) return;
    if (isCallAction(item.name)) {
      this.pendingAction ??= { action: item.name, responseId, callId: item.call_id };
      return;
    }
    if (!this.tools) {
      this.log.warn({ tool: item.name }, 'function call but this call has no tools');
      return;
    }
    this.timers?.agentBusy();
    this.tools.callCompleted(responseId, item.call_id, item.name, item.arguments ?? '{}');
  }

  private responseDone(responseId: string, status: string): void {
    this.assistantAudio.responseFinished(responseId);
    this.tools?.responseDone(responseId);
    const purpose = this.purposeById.get(responseId);
    if (purpose !== undefined) {
      this.purposeById.delete(responseId);
      for (const w of this.doneWaiters.get(purpose)?.splice(0) ?? []) w();
    }
    if (status === 'failed') this.log.warn({ responseId }, 'model response failed');
    const next = this.sequencer.responseDone(responseId);
    if (next) this.sendResponseCreate(next);
    const action = this.pendingAction;
    if (action?.responseId === responseId) void this.runCallAction(action.action, action.callId, this.spokenResponses.has(responseId));
    this.spokenResponses.delete(responseId);
    this.maybeCallerTurn();
  }

  /** end_call / transfer_to_staff: once the response that asked for it is done and its words have played. */
  private async runCallAction(action: CallAction, callId: string, spoke: boolean): Promise<void> {
    this.link?.sendEvent({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callId, output: JSON.stringify({ ok: true }) } });
    if (action === TRANSFER_TO_STAFF) {
      if (!this.profile.transferNumber || !this.opts.control) return;
      if (spoke) await this.untilPlayedOut();
      await this.transferToStaff(!spoke);
      return;
    }
    if (this.closing) return;
    this.closingReason = 'agent-hung-up';
    this.timers?.stop();
    if (spoke) await this.untilPlayedOut();
    else if (this.link?.isOpen) await this.say('goodbye', PROMPTS.goodbye);
    await this.settleTools();
    await this.end('agent-hung-up');
  }

  private keypad(digit: string): void {
    this.log.info({ digit }, 'keypad press');
    if (digit === '0' && this.profile.transferNumber && this.opts.control) {
      this.bargeIn();
      void this.transferToStaff();
      return;
    }
    if (!this.link || this.closing) return;
    this.link.sendEvent({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: keypadText(digit) }] } });
    this.requestResponse({ purpose: `keypad-${digit}` });
  }

  /**
   * Barge-in in the fixed order of field note 2: snapshot + discard + clear (AssistantAudio),
   * then cancel only when the server will not, then one truncate per queued item.
   */
  private bargeIn(): void {
    const active = this.sequencer.activeResponseId;
    if (!this.assistantAudio.playing && !active) return;
    const truncations = this.assistantAudio.interrupt(active);
    this.transcript.markAgentInterrupted();
    const link = this.link;
    if (link) {
      if (active && !link.interruptResponse) link.sendEvent({ type: 'response.cancel', response_id: active });
      for (const t of truncations) link.sendEvent({ type: 'conversation.item.truncate', item_id: t.itemId, content_index: t.contentIndex, audio_end_ms: t.audioEndMs });
    }
    this.opts.observer?.bargeIn?.();
    this.turns.bargeIn();
    this.log.info({ truncations }, 'barge-in');
  }

  private markEchoed(name: string): void {
    const echo = this.assistantAudio.markEchoed(name);
    if (echo.kind === 'played' && echo.firstForItem) this.turns.playoutStarted(echo.item.responseId);
    if (echo.kind === 'item-finished') this.maybeCallerTurn();
  }

  /** Nobody talks and nothing runs: the caller's turn (silence timer, and a due session recycle). */
  private maybeCallerTurn(): void {
    if (this.assistantAudio.playing || this.sequencer.busy || this.tools?.running || this.closing) return;
    if (this.timers?.agentFinishedSpeaking()) this.log.debug('waiting for the caller');
    if (this.recycleDue) void this.recycle();
  }

  private requestResponse(req: ResponseRequest): void {
    if (this.ended) return;
    const now = this.sequencer.request(req);
    if (now) this.sendResponseCreate(now);
  }

  private sendResponseCreate(req: ResponseRequest): void {
    this.turns.responseRequested(req.purpose);
    this.link?.sendEvent(req.response ? { type: 'response.create', response: req.response } : { type: 'response.create' });
  }

  /** Asks the model to say something and waits until the caller heard it (bounded). */
  private async say(purpose: string, instructions: string): Promise<void> {
    const spoken = this.responseDoneFor(purpose).then(() => this.assistantAudio.whenPlayedOut());
    this.requestResponse({ purpose, response: { instructions } });
    await this.withTimeout(spoken, this.opts.goodbyeTimeoutMs ?? 10_000);
  }

  private untilPlayedOut(): Promise<void> {
    return this.withTimeout(this.assistantAudio.whenPlayedOut(), this.opts.goodbyeTimeoutMs ?? 10_000);
  }

  /** A confirmed order being submitted must finish (or reach the outbox) before the line is cut. */
  private settleTools(): Promise<void> {
    return this.withTimeout(this.tools?.whenIdle() ?? Promise.resolve(), this.opts.toolTimeoutMs ?? 10_000);
  }

  private modelError(code: string, message: string): void {
    this.opts.observer?.modelError?.(code);
    if (code === 'conversation_already_has_active_response') this.sequencer.createRejected();
    if (BENIGN_MODEL_ERRORS.has(code)) {
      this.log.debug({ code }, 'benign model error');
    } else if (code === 'session_expired') {
      this.sessionExpired = true;
      this.log.warn({ code }, 'model session expired; reconnecting');
    } else if (FATAL_MODEL_ERRORS.has(code)) {
      this.log.error({ code, message }, 'fatal model error');
      void this.end('model-error', { apology: true });
    } else {
      this.log.warn({ code, message }, 'model error');
    }
  }

  /** The model socket closed under the call: reconnect with the call so far, or apologise and end. */
  private async modelLost(code: number, reason: string): Promise<void> {
    if (this.ended) return;
    this.log.warn({ code, reason, expired: this.sessionExpired }, 'model socket closed');
    const callerWaiting = this.sequencer.busy || this.transcript.all().at(-1)?.role === 'caller';
    this.detachModel();
    const link = this.setup?.reopen && code !== 4000 ? await this.reopen() : undefined;
    if (!link) {
      await this.end('model-closed', { apology: true });
      return;
    }
    this.opts.observer?.modelReconnect?.();
    this.attach(link);
    if (callerWaiting || this.closingReason) this.requestResponse({ purpose: 'resume', response: { instructions: PROMPTS.resume } });
  }

  private detachModel(): void {
    this.link = undefined;
    this.sessionExpired = false;
    this.sequencer.reset();
    this.callerAudio.disconnect();
    this.assistantAudio.forgetModelItems();
    this.purposeById.clear();
    this.pendingAction = undefined;
  }

  private reopen(): Promise<ModelLink | undefined> {
    const reopen = this.setup!.reopen!;
    const restore = { transcript: this.transcript.compact(), cartSnapshot: this.profile.tools?.cartSnapshot?.() };
    return reconnectModel({ open: () => reopen(restore), clock: this.clock, logger: this.log, cancelled: () => this.ended });
  }

  private recycleWhenIdle(): void {
    this.recycleDue = true;
    this.maybeCallerTurn();
  }

  /** Proactive replacement before the 60-minute limit, at a turn boundary. */
  private async recycle(): Promise<void> {
    this.recycleDue = false;
    const old = this.link;
    if (!old || !this.setup?.reopen) return;
    this.log.info('recycling the model session before it expires');
    const link = await this.reopen();
    if (!link || this.ended) return link?.close(1000, 'call ended');
    this.detachModel();
    old.close(1000, 'recycled');
    this.attach(link);
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
