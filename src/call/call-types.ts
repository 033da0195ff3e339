import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { CallTimerSettings } from './call-timers.js';
import type { ModelConnector, ModelPort } from './model-port.js';

/** Where a call is in its life; only the Call changes it, forward only. */
export type CallPhase = 'connecting' | 'live' | 'closing' | 'ended';

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
  | 'stream-silent'
  | 'shutdown';

/** A phone call through Twilio, or a call placed from the operator console in a browser (same protocol, no REST). */
export type CallChannel = 'phone' | 'browser';

export interface CallContext {
  callSid: string;
  streamSid: string;
  accountSid: string;
  orgId: string;
  from?: string | undefined;
  to?: string | undefined;
  /** Default `phone`. */
  channel?: CallChannel;
  /** The org's default language, as the webhook knew it (for what the bridge itself says); absent: English. */
  language?: string | undefined;
}

/** A text message for the media stream: a string, or its UTF-8 bytes (sent as a text frame, never changed after). */
export type OutboundFrame = string | Buffer;

/** The call's media stream (a Twilio Media Streams socket). */
export interface TwilioPort {
  send(frame: OutboundFrame): void;
  close(code: number, reason: string): void;
}

/** Ends or redirects the phone call itself (Twilio REST). */
export interface CallControl {
  /** `language` (a code such as `es`) is the language `apology` is in. */
  endCall(callSid: string, opts: { apology?: string | undefined; language?: string | undefined }): Promise<void>;
  /** The fallback said when nobody answers is in `language` (default English). */
  transfer(callSid: string, number: string, language?: string): Promise<void>;
  /** Starts a dual-channel recording of the call; its sid. Rejects when it did not start. */
  startRecording?(callSid: string): Promise<string>;
}

/** The caller's side of a call: its media stream, and control of the call itself where there is any. */
export interface CallLine {
  /** Hot path: a frame for the media stream (media, mark, clear). */
  send(frame: OutboundFrame): void;
  /** Ends the call from our side: the phone hangs up (after `apology` is spoken, when given), then the stream closes. Never rejects. */
  hangUp(reason: EndReason, apology?: string): Promise<void>;
  /** Closes the stream only: the call itself goes on elsewhere (transferred). */
  close(reason: EndReason): void;
  /** Redirects the caller to `number` (the stream then ends); absent when this line cannot. Rejects when it failed. */
  transfer?(number: string): Promise<void>;
  /** Starts recording both sides of the call; its sid. Absent when this line cannot record. */
  startRecording?(): Promise<string>;
}

/** Tools the call itself carries out (not the cart): hang up, and hand over to a person. */
export type CallAction = 'end_call' | 'transfer_to_staff';

/** What a tool answers: the output for the model, and a call action to carry out once the response is done. */
export interface ToolOutcome {
  output: object;
  action?: CallAction | undefined;
}

/** Every tool the model can call on this call (ordering tools and call actions alike): one dispatch path. */
export interface ToolBox {
  /** Never throws: refusals and bad arguments come back as `{ ok: false, … }` outputs. */
  run(name: string, argumentsJson: string, signal: AbortSignal): Promise<ToolOutcome>;
}

/** A call's cart as the operator console shows it. */
export interface CartView {
  lines: Array<{ line: number; name: string; quantity: number; description: string; lineTotalCents: number }>;
  subtotalCents: number;
}

/** What is known of a call once it ended, for its record at the app. */
export interface AfterCall {
  /** Both sides, in conversation order, with times since the call started. */
  transcript: ReadonlyArray<{ role: 'caller' | 'agent'; text: string; atMs: number }>;
  /** Written by the model after the call, never spoken; none when nothing was said or it took too long. */
  summary: string | undefined;
  recordingSid: string | undefined;
  /** An order was placed (accepted by the app, or queued for it). */
  orderSent: boolean;
}

/** A live call as the operator console shows it. */
export interface CallSnapshot {
  callSid: string;
  orgId: string;
  channel: CallChannel;
  /** ISO 8601. */
  startedAt: string;
  transcript: Array<{ role: 'caller' | 'agent'; text: string }>;
  cart: CartView;
}

/** The ordering tools of one call, as the call sees them. */
export interface OrderingSession {
  cartView(): CartView;
  /** Runs one ordering tool; never throws (refusals come back as `{ ok: false, … }`). */
  run(name: string, argumentsJson: string, signal: AbortSignal): Promise<object>;
  /** The order so far as text, for a replacement model session. */
  cartSnapshot(): string;
  /** The order placed in this call, if any. */
  submittedOrder(): { outcome: { kind: string; orderId?: string | null } } | undefined;
  /** Lines in the cart not sent to the restaurant. */
  unsentLines(): number;
}

export interface CallProfile {
  /** What changes per call (time of day, the caller): the first message of every model session of the call. */
  contextNote: string;
  /** What the agent is asked to say when it picks up (the AI speaks first). */
  greetingPrompt: string;
  ordering?: OrderingSession | undefined;
  /** E.164 number for "talk to a person"; without it (or without call control) transfer is not offered. */
  transferNumber?: string | undefined;
  /** Record the call once the consent line (said with the greeting) was heard. */
  record?: boolean | undefined;
}

export interface CallSetup {
  port: ModelPort;
  profile: CallProfile;
  /** Opens a replacement session (reconnect, expiry, recycle); the call then restores its conversation on it. */
  reconnect?: ModelConnector;
}

/** Where a call reports what happens in it (metrics, the call record); every method is optional. */
export interface CallObserver {
  greetingLatency?(ms: number): void;
  /** `first_audio`: caller's end of speech → first audio sent to Twilio; `playout`: → first mark echo. */
  turnLatency?(stage: 'first_audio' | 'playout', ms: number): void;
  bargeIn?(): void;
  modelError?(code: string): void;
  modelReconnected?(): void;
  /** The model session stayed open but stopped answering (`no-pong`, `no-response`), or a handshake hung (`handshake`). */
  modelUnresponsive?(why: 'no-pong' | 'no-response' | 'handshake'): void;
  orderSubmitted?(orderId: string): void;
  toolFinished?(name: string, outcome: string, ms: number): void;
  usage?(usage: unknown): void;
  /** Transcription billed for the caller's audio (tokens or seconds). */
  transcriptionUsage?(usage: unknown): void;
  /** A finished line of the conversation (in conversation order once all have arrived). */
  transcript?(line: { role: 'caller' | 'agent'; text: string; atMs: number }): void;
  /** A note from staff (operator console) given to the agent. */
  staffNote?(text: string): void;
  ended?(reason: EndReason): void;
}

export interface CallSettings {
  /** Silence reprompts and maximum length; none when absent. */
  timers: CallTimerSettings | undefined;
  /** Replace the model session after this long, at a turn boundary (sessions expire at 60 minutes). */
  recycleAfterMs: number | undefined;
  /** Longest a tool may run before the model is told it failed. */
  toolTimeoutMs: number;
  /** Longest a last line (goodbye, announcement) may take to play before the call goes on without it. */
  goodbyeTimeoutMs: number;
}

export interface CallOptions {
  context: CallContext;
  line: CallLine;
  setup: Promise<CallSetup>;
  clock: Clock;
  logger: Logger;
  observer?: CallObserver | undefined;
  settings?: Partial<CallSettings>;
}
