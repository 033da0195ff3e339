import { HOLD_CUE_AUDIO } from '../audio.js';
import type { Clock, TimerHandle } from '../clock.js';
import { Waiters } from '../lib/waiters.js';
import type { Logger } from '../logger.js';
import type { TwilioInbound } from '../twilio/messages.js';
import { CallTimers } from './call-timers.js';
import { apology, DEFAULT_SETTINGS, onKeypad, onResponseFailed, onRoundEnd, onTimer, PROMPTS, shutdownPrompt, SUMMARY_TIMEOUT_MS, type CallDecision } from './call-policy.js';
import { callToolBox, TRANSFER_TO_STAFF } from './call-tools.js';
import type { AfterCall, CallAction, CallContext, CallSnapshot, CallObserver, CallOptions, CallPhase, CallSettings, CallSetup, EndReason } from './call-types.js';
import { Conversation, type Turn } from './conversation.js';
import { ModelSession } from './model-session.js';
import type { ModelPortEvent } from './model-port.js';
import { ToolRound } from './tool-round.js';

/**
 * One call, and the one owner of its state: its phase, its setup, how and why it ends. What arrives (Twilio
 * messages, model events, timers, tool rounds) comes here; the leaves it drives (the conversation on the model
 * session, the timers, the line to the caller) hold no call-level state and answer with values, never by calling
 * back.
 */
export class Call {
  readonly context: CallContext;
  readonly log: Logger;
  private currentPhase: CallPhase = 'connecting';
  private reason: EndReason | undefined;
  private readonly settings: CallSettings;
  private readonly clock: Clock;
  private readonly observer: CallObserver | undefined;
  private readonly conversation: Conversation;
  private readonly timers: CallTimers;
  private readonly stopped = new AbortController();
  private readonly session: ModelSession;
  private readonly endWaiters = new Waiters<EndReason>();
  private setup: CallSetup | undefined;
  private readonly startedAt: Date;
  private recycleTimer: TimerHandle | undefined;
  private recycleDue = false;
  private summaryWritten: Promise<string | undefined> = Promise.resolve(undefined);
  private recordingSid: string | undefined;
  private failuresInARow = 0;

  constructor(private readonly opts: CallOptions) {
    this.context = opts.context;
    this.log = opts.logger;
    this.clock = opts.clock;
    this.observer = opts.observer;
    this.settings = { ...DEFAULT_SETTINGS, ...opts.settings };
    this.startedAt = opts.clock.wallNow();
    this.conversation = new Conversation({ twilio: opts.line, streamSid: opts.context.streamSid, clock: opts.clock, log: opts.logger, observer: opts.observer });
    this.timers = new CallTimers(opts.clock, this.settings.timers, (timer) => this.act(onTimer(timer)));
    const listener = (event: ModelPortEvent) => this.modelEvent(event);
    this.session = new ModelSession({ conversation: this.conversation, clock: opts.clock, log: opts.logger, signal: this.stopped.signal, listener, observer: opts.observer });
    this.timers.start();
    opts.setup.then(
      (setup) => this.modelReady(setup),
      (err: Error & { code?: string }) => {
        this.log.error({ err: err.message, code: err.code }, 'could not open the model session');
        void this.end('setup-failed', { apology: true });
      },
    );
  }

  get phase(): CallPhase {
    return this.currentPhase;
  }

  get ended(): boolean {
    return this.currentPhase === 'ended';
  }

  /** Ending (a goodbye may still be playing) or ended. */
  get closing(): boolean {
    return this.currentPhase === 'closing' || this.currentPhase === 'ended';
  }

  /** Resolves with the reason once the call has ended. */
  whenEnded(): Promise<EndReason> {
    return this.ended ? Promise.resolve(this.reason!) : this.endWaiters.wait();
  }

  /** What the call record needs once the call ended: the transcript, the model's summary, the recording. */
  async afterCall(): Promise<AfterCall> {
    const orderSent = this.setup?.profile.ordering?.submittedOrder() !== undefined;
    return { transcript: this.conversation.transcript.all(), summary: await this.summaryWritten, recordingSid: this.recordingSid, orderSent };
  }

  /** What the operator console shows of a live call. */
  snapshot(): CallSnapshot {
    const { callSid, orgId, channel = 'phone' } = this.context;
    const transcript = this.conversation.transcript.all().map(({ role, text }) => ({ role, text }));
    return { callSid, orgId, channel, startedAt: this.startedAt.toISOString(), transcript, cart: this.setup?.profile.ordering?.cartView() ?? { lines: [], subtotalCents: 0 } };
  }

  /** Staff steer the agent for the rest of the call; false once the call is ending. */
  whisper(text: string): boolean {
    if (this.closing) return false;
    this.log.info({ staffNote: text }, 'staff note given to the agent');
    this.conversation.staffNote(text);
    return true;
  }

  /** Staff take the call: it is transferred as with keypad 0. False when it cannot be (no number, no call control, ending). */
  takeOver(): boolean {
    if (this.closing || !this.canTransfer()) return false;
    this.act({ do: 'transfer', announce: true, interrupt: true });
    return true;
  }

  /** A message of this call's stream, after `start` (already checked to belong to it). */
  handleTwilioMessage(msg: TwilioInbound): void {
    switch (msg.event) {
      case 'media':
        return this.conversation.callerAudio(msg.payload, msg.timestampMs);
      case 'mark':
        return this.after(this.conversation.markEchoed(msg.mark.name));
      case 'stop':
        return void this.end(this.reason ?? 'caller-hung-up', { streamGone: true });
      case 'dtmf':
        this.log.info({ digit: msg.dtmf.digit }, 'keypad press');
        return this.act(this.closing ? undefined : onKeypad(msg.dtmf.digit, this.canTransfer()));
      default:
        return;
    }
  }

  /** The stream closed (with or without `stop`). */
  streamClosed(): void {
    void this.end(this.reason ?? 'twilio-socket-closed', { streamGone: true });
  }

  /**
   * Ends the call politely: the model says a last line (per `prompt`; without one, what it already said), the caller
   * hears it (bounded), tools in flight settle (a confirmed order must reach the app or the outbox), then it ends.
   */
  async wrapUp(reason: EndReason, prompt?: string): Promise<void> {
    if (!this.beginClosing(reason)) return;
    const { goodbyeTimeoutMs, toolTimeoutMs } = this.settings;
    await (prompt === undefined ? this.conversation.playedOut(goodbyeTimeoutMs) : this.conversation.say(reason === 'agent-hung-up' ? 'goodbye' : 'wrap-up', prompt, goodbyeTimeoutMs));
    await this.conversation.toolsSettled(toolTimeoutMs);
    await this.end(reason);
  }

  /** The bridge must end the call (a restart): the caller hears what became of their order, then the call ends. */
  shutDown(): Promise<void> {
    const ordering = this.setup?.profile.ordering;
    return this.wrapUp('shutdown', shutdownPrompt({ sent: ordering?.submittedOrder()?.outcome, unsentLines: ordering?.unsentLines() ?? 0 }));
  }

  /** Hands the caller to staff: an announcement, then the line redirects the call (the stream then ends). */
  async transferToStaff(announce = true): Promise<void> {
    const number = this.setup?.profile.transferNumber;
    const { line } = this.opts;
    if (!number || !line.transfer || !this.beginClosing('transferred')) return;
    if (announce) await this.conversation.say('transfer', PROMPTS.transferAnnouncement, this.settings.goodbyeTimeoutMs);
    await this.conversation.toolsSettled(this.settings.toolTimeoutMs);
    try {
      await line.transfer(number);
      await this.end('transferred');
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'transfer failed');
      await this.end('model-error', { apology: true });
    }
  }

  /** Idempotent teardown of both legs; hangs up when the bridge is the one ending the call. */
  async end(reason: EndReason, opts: { apology?: boolean; streamGone?: boolean } = {}): Promise<void> {
    if (this.ended) return;
    this.currentPhase = 'ended';
    this.reason = reason;
    this.stopped.abort();
    this.timers.stop();
    this.clock.clearTimeout(this.recycleTimer);
    this.summaryWritten = this.conversation.finish(PROMPTS.summary, SUMMARY_TIMEOUT_MS);
    const orderId = this.setup?.profile.ordering?.submittedOrder()?.outcome.orderId ?? undefined;
    if (orderId) this.observer?.orderSubmitted?.(orderId);
    this.log.info({ reason, ...this.conversation.summary(), orderId, transcript: this.conversation.transcript.compact(4000) }, 'call ended');
    this.observer?.ended?.(reason);
    this.endWaiters.wake(reason);
    if (opts.streamGone) return;
    if (reason === 'transferred') return this.opts.line.close(reason);
    await this.opts.line.hangUp(reason, opts.apology ? apology(this.context.language) : undefined);
  }

  /** A recording starts only once the caller heard the whole greeting with its consent line; a cut one means none. */
  private async recordAfterConsent(): Promise<void> {
    const heard = await this.conversation.heardInFull('greeting');
    if (!heard) this.log.info('the consent line was not heard in full: the call is not recorded');
    if (!heard || this.closing) return;
    this.recordingSid = await this.opts.line.startRecording?.().catch((err: Error) => void this.log.error({ err: err.message }, 'recording did not start'));
  }

  private modelReady(setup: CallSetup): void {
    if (this.ended) return setup.port.close();
    this.setup = setup;
    this.currentPhase = 'live';
    this.conversation.useTools(new ToolRound(callToolBox(setup.profile.ordering, (action) => this.canDo(action)), this.clock, this.settings.toolTimeoutMs, this.log));
    this.session.start(setup);
    const { recycleAfterMs } = this.settings;
    if (recycleAfterMs) this.recycleTimer = this.clock.setTimeout(() => ((this.recycleDue = true), this.maybeCallerTurn()), recycleAfterMs);
    this.conversation.request({ purpose: 'greeting', prompt: setup.profile.greetingPrompt, dropIfPreempted: true });
    if (setup.profile.record) void this.recordAfterConsent();
  }

  private modelEvent(event: ModelPortEvent): void {
    if (event.type === 'error') return this.modelError(event);
    if (event.type === 'closed') return void this.modelClosed(event);
    if (event.type === 'speech-started') this.timers.callerActive();
    else if (event.type === 'response-started') this.timers.agentBusy();
    else if (event.type === 'tool-call') this.timers.toolStarted();
    this.after(this.conversation.handle(event));
  }

  /** Acts on what the conversation answered. */
  private after(turn: Turn): void {
    if (turn === undefined) return;
    if (turn.kind === 'tool') {
      void turn.done.then((round) => {
        this.timers.toolFinished();
        if (round) this.act(onRoundEnd(round));
      });
      return;
    }
    if (turn.kind === 'failed') return this.act(onResponseFailed(turn.problem, turn.purpose, ++this.failuresInARow, this.canTransfer()));
    this.failuresInARow = 0;
    if (turn.kind === 'round') this.act(onRoundEnd(turn.round));
    this.maybeCallerTurn();
  }

  /** Carries out a decision of the call policy. */
  private act(decision: CallDecision): void {
    if (!decision || this.ended) return;
    switch (decision.do) {
      case 'say': {
        const req = { purpose: decision.purpose, prompt: decision.prompt };
        if (decision.afterMs) this.clock.setTimeout(() => !this.ended && this.conversation.request(req), decision.afterMs);
        else this.conversation.request(req);
        return;
      }
      case 'wrap-up':
        return void this.wrapUp(decision.reason, decision.prompt);
      case 'transfer':
        if (decision.interrupt) this.conversation.bargeIn();
        return void this.conversation.playedOut(this.settings.goodbyeTimeoutMs).then(() => this.transferToStaff(decision.announce));
      case 'end':
        return void this.end(decision.reason, { apology: decision.apology });
      case 'tell':
        return this.conversation.userText(decision.text);
      case 'hold-cue':
        return this.conversation.cue(HOLD_CUE_AUDIO);
    }
  }

  private canDo(action: CallAction): boolean {
    return !this.closing && (action !== TRANSFER_TO_STAFF || this.canTransfer());
  }

  private canTransfer(): boolean {
    return Boolean(this.setup?.profile.transferNumber && this.opts.line.transfer);
  }

  private modelError(error: Extract<ModelPortEvent, { type: 'error' }>): void {
    this.observer?.modelError?.(error.code);
    if (error.fatal) void this.end('model-error', { apology: true });
  }

  /** The model session ended under the call: carry on in a new one with the call so far, or apologise and end. */
  private async modelClosed(closed: Extract<ModelPortEvent, { type: 'closed' }>): Promise<void> {
    if (this.ended) return;
    this.log.warn({ code: closed.code, reason: closed.reason, expired: closed.expired }, 'model socket closed');
    if (closed.unresponsive) this.observer?.modelUnresponsive?.(closed.unresponsive);
    const agentOwesAnswer = this.conversation.agentOwesAnswer;
    this.conversation.drop();
    const replaced = !closed.fatal && (await this.session.replace('lost'));
    if (this.ended) return;
    if (!replaced) return this.end('model-closed', { apology: true });
    this.observer?.modelReconnected?.();
    if (!this.conversation.hasSpoken) this.conversation.request({ purpose: 'greeting', prompt: this.setup!.profile.greetingPrompt, dropIfPreempted: true });
    else if (agentOwesAnswer || this.closing) this.conversation.request({ purpose: 'resume', prompt: PROMPTS.resume });
  }

  /** Nobody talks and nothing runs: the caller's turn (the silence timer starts, a due recycle happens). */
  private maybeCallerTurn(): void {
    if (!this.conversation.idle || this.closing) return;
    if (this.timers.agentFinishedSpeaking()) this.log.debug('waiting for the caller');
    if (this.recycleDue) {
      this.recycleDue = false;
      void this.session.replace('recycle');
    }
  }

  /** Marks the call as ending for `reason`; false when it already is. */
  private beginClosing(reason: EndReason): boolean {
    if (this.closing) return false;
    this.currentPhase = 'closing';
    this.reason = reason;
    this.timers.stop();
    return true;
  }
}
