import type { ModelLink } from '../realtime/model-link.js';
import type { CallTimerSettings } from './call-timers.js';
import type { ToolRunner } from './tool-calls.js';
import type { CallObserver } from './turn-timer.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { CallSession } from './call-session.js';

export interface CallContext {
  callSid: string;
  streamSid: string;
  accountSid: string;
  orgId: string;
  from?: string | undefined;
  to?: string | undefined;
}

/** The ordering tools as the call sees them: a runner, plus the cart as text and the order placed, if any. */
export interface OrderingRunner extends ToolRunner {
  cartSnapshot?(): string;
  submittedOrder?(): { outcome: { kind: string; orderId?: string | null } } | undefined;
}

export interface CallProfile {
  /** `response.create` instructions for the first words (the AI speaks first). */
  greetingInstructions?: string | undefined;
  tools?: OrderingRunner | undefined;
  /** E.164 number for "talk to a person"; without it (or without call control) transfer is not offered. */
  transferNumber?: string | undefined;
}

/** What a restored model session is told about the call so far (tool calls are not replayed). */
export interface RestoreContext {
  transcript: string;
  cartSnapshot?: string | undefined;
}

export interface CallSetup {
  link: ModelLink;
  profile: CallProfile;
  /** Opens a replacement model session carrying the call so far (reconnect, expiry, recycle). */
  reopen?: (restore: RestoreContext) => Promise<ModelLink>;
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

/** The call as its parts see it (CallSession fits). */
export interface CallStatus {
  readonly ended: boolean;
  /** Ending (a goodbye may still be playing) or ended. */
  readonly closing: boolean;
  end(reason: EndReason, opts?: { apology?: boolean }): Promise<void>;
}

export interface TwilioPort {
  send(text: string): void;
  close(code: number, reason: string): void;
}

/** Ends or redirects the phone call itself (Twilio REST). */
export interface CallControl {
  endCall(callSid: string, opts: { apology?: string | undefined }): Promise<void>;
  transfer(callSid: string, number: string): Promise<void>;
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
  /** Silence reprompts and maximum length; none when absent. */
  timers?: CallTimerSettings | undefined;
  /** Replace the model session proactively after this long, at a turn boundary (sessions expire at 60 min). */
  recycleAfterMs?: number;
  /** How long a goodbye may take to play before the call is cut anyway. */
  goodbyeTimeoutMs?: number;
}
