import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { parseTwilioMessage, TwilioEncoder, type TwilioInbound } from '../twilio/messages.js';
import { AssistantAudio } from './assistant-audio.js';
import { CallActions } from './call-actions.js';
import { CallTimers } from './call-timers.js';
import type { CallContext, CallProfile, CallSessionOptions, CallSetup, CallStatus, EndReason } from './call-types.js';
import { CallerAudio } from './caller-audio.js';
import { Conversation } from './conversation.js';
import { ModelLeg } from './model-leg.js';
import { DEFAULT_APOLOGY, PROMPTS } from './spoken-prompts.js';
import { Transcript } from './transcript.js';
import { TurnTimer } from './turn-timer.js';

export type { CallContext, CallControl, CallProfile, CallSetup, EndReason, TwilioPort } from './call-types.js';

/**
 * One phone call: owns the Twilio stream and its model session, pipes audio between them, and ends
 * the call. The model side is the Conversation, its session over time the ModelLeg, call control
 * the CallActions.
 */
export class CallSession implements CallStatus {
  readonly context: CallContext;
  readonly log: Logger;
  readonly transcript = new Transcript();
  private readonly clock: Clock;
  private readonly callerAudio = new CallerAudio();
  private readonly turns: TurnTimer;
  private readonly timers: CallTimers | undefined;
  private readonly conversation: Conversation;
  private readonly leg: ModelLeg;
  private readonly actions: CallActions;
  private profile: CallProfile = {};
  private endedReason: EndReason | undefined;
  private closingReason: EndReason | undefined;
  private badMessages = 0;

  constructor(private readonly opts: CallSessionOptions) {
    this.context = opts.context;
    this.clock = opts.clock;
    this.log = opts.logger;
    this.turns = new TurnTimer(opts.clock, opts.observer);
    this.timers = opts.timers ? this.startTimers(opts.timers) : undefined;
    this.conversation = new Conversation({
      call: this,
      clock: opts.clock,
      log: this.log,
      transcript: this.transcript,
      turns: this.turns,
      assistantAudio: new AssistantAudio((text) => opts.twilio.send(text), new TwilioEncoder(opts.context.streamSid)),
      callerAudio: this.callerAudio,
      timers: this.timers,
      observer: opts.observer,
      toolTimeoutMs: opts.toolTimeoutMs ?? 10_000,
      goodbyeTimeoutMs: opts.goodbyeTimeoutMs ?? 10_000,
      onCallerTurn: () => this.leg.atTurnBoundary(),
      acceptsCallAction: (action) => this.actions.accepts(action),
      onCallAction: (action, spoke) => void this.actions.run(action, spoke),
      onSessionExpired: () => this.leg.expired(),
    });
    this.leg = new ModelLeg({
      call: this,
      conversation: this.conversation,
      callerAudio: this.callerAudio,
      transcript: this.transcript,
      clock: opts.clock,
      log: this.log,
      observer: opts.observer,
      recycleAfterMs: opts.recycleAfterMs,
    });
    this.actions = new CallActions({
      call: this,
      beginClosing: (reason) => this.beginClosing(reason),
      cancelClosing: () => {
        this.closingReason = undefined;
      },
      conversation: this.conversation,
      control: opts.control,
      callSid: opts.context.callSid,
      transferNumber: () => this.profile.transferNumber,
      log: this.log,
    });
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
        this.conversation.markEchoed(msg.mark.name);
        return;
      case 'stop':
        void this.end(this.closingReason ?? 'caller-hung-up', { streamGone: true });
        return;
      case 'dtmf':
        this.actions.keypad(msg.dtmf.digit);
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
  wrapUp(reason: EndReason, instructions: string): Promise<void> {
    return this.actions.wrapUp(reason, instructions);
  }

  /** Hands the caller to staff: announcement, then a REST update to `<Dial>` (the stream then ends). */
  transferToStaff(announce = true): Promise<void> {
    return this.actions.transferToStaff(announce);
  }

  /** Idempotent teardown of both legs; ends the phone call when the bridge is the one ending it. */
  async end(reason: EndReason, opts: { apology?: boolean; streamGone?: boolean } = {}): Promise<void> {
    if (this.endedReason) return;
    this.endedReason = reason;
    this.timers?.stop();
    this.conversation.abortTools();
    this.leg.close();
    this.callerAudio.disconnect();
    const orderId = this.orderId();
    if (orderId) this.opts.observer?.orderSubmitted?.(orderId);
    this.log.info({ reason, ...this.turns.summary(), orderId, transcript: this.transcript.compact(4000) }, 'call ended');
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

  private startTimers(settings: NonNullable<CallSessionOptions['timers']>): CallTimers {
    const timers = new CallTimers(this.clock, settings, {
      reprompt: () => this.conversation.requestResponse({ purpose: 'reprompt', response: { instructions: PROMPTS.reprompt } }),
      silenceGoodbye: () => void this.wrapUp('silence', PROMPTS.silenceGoodbye),
      wrapUpWarning: () => this.conversation.requestResponse({ purpose: 'wrap-up-warning', response: { instructions: PROMPTS.wrapUpWarning } }),
      maxDurationReached: () => void this.wrapUp('max-duration', PROMPTS.maxDuration),
    });
    timers.start();
    return timers;
  }

  private modelReady(setup: CallSetup): void {
    if (this.ended) {
      setup.link.close(1000, 'call already ended');
      return;
    }
    this.profile = setup.profile;
    this.leg.start(setup);
    this.conversation.requestResponse({ purpose: 'greeting', dropIfPreempted: true, response: { instructions: setup.profile.greetingInstructions ?? PROMPTS.greetingFallback } });
  }

  private beginClosing(reason: EndReason): void {
    this.closingReason = reason;
    this.timers?.stop();
  }

  private rejectMessage(error: string): void {
    if (++this.badMessages <= 20) this.log.warn({ error }, 'invalid Twilio message dropped');
  }
}
