import type { Clock } from '../src/clock.js';
import type { FrameSource } from './twilio-caller-script.js';
import type { MediaFormat } from './twilio-inbound.js';

/** Options of `startTwilioCall` and what a call's close looked like. */
export interface TwilioCallOptions {
  /** The bridge's stream endpoint, e.g. `ws://127.0.0.1:PORT/ws/twilio`. */
  url: string;
  /** Extra upgrade headers, e.g. `X-Twilio-Signature` computed by the test. */
  headers?: Record<string, string>;
  accountSid?: string;
  callSid?: string;
  streamSid?: string;
  customParameters?: Record<string, string>;
  tracks?: string[];
  mediaFormat?: MediaFormat;
  /** false: connect and send `connected` only; call `sendStart()` later (or never, for pre-start timeouts). */
  sendStart?: boolean;
  /** Speak from the very first frame for this many ms, before the bridge has had a chance to greet. */
  speakFirstMs?: number;
  /** Deliver each frame up to this many ms late (random, order kept), like a jittery network path. */
  jitterMs?: number;
  /** Caller audio when no script step is queued (default: silence). Return null to skip a frame. */
  frameSource?: FrameSource;
  /** Called with every valid outbound media payload (base64), e.g. for timestamps hidden in audio. */
  onOutboundMedia?: (payloadB64: string, receivedAt: number) => void;
  /** Keep a per-message log of received media (default true; the benchmark turns it off). */
  recordMedia?: boolean;
  /** Keep the received μ-law bytes for `receivedAudio()` (default false). */
  keepAudio?: boolean;
  /** Echo marks at their exact playout time with a one-off timer (default true) rather than on the next 20 ms tick. */
  exactMarkTiming?: boolean;
  clock?: Clock;
  connectTimeoutMs?: number;
}

export interface CloseInfo {
  code: number;
  reason: string;
  /** bridge: the bridge closed first (Twilio logs 31921, or 31903 if the socket just dropped). */
  by: 'bridge' | 'caller' | 'twilio';
  twilioCode?: 31903 | 31921;
  at: number;
}
