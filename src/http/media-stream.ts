import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { startCall } from '../bridge/call-start.js';
import type { BridgeDeps } from '../bridge/deps.js';
import type { Call } from '../call/call.js';
import type { CallChannel, CallContext, CallLine, TwilioPort } from '../call/call-types.js';
import type { Logger } from '../logger.js';
import { boundedTwilioPort } from '../ops/bounded-twilio-port.js';
import { frameText } from '../twilio/json-bytes.js';
import { TwilioMediaReader } from '../twilio/media-frame.js';
import { parseTwilioMessage, type TwilioStart } from '../twilio/messages.js';
import { PeerWatch } from '../lib/peer-watch.js';

/** A WebSocket that has not sent a valid `start` by then is closed (no model session is ever opened for it). */
export const START_TIMEOUT_MS = 5000;
/** After our close frame, a peer that does not complete the close is cut. */
export const CLOSE_GRACE_MS = 2000;
/** Twilio sends 20 ms frames (216 base64 characters); anything near this is not Twilio. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Invalid messages logged per stream; past that they are only dropped. */
const MAX_LOGGED_BAD_MESSAGES = 20;

/** Close codes: policy violation (no/bad start, token or stream), try again later (over capacity). */
export const CLOSE_POLICY = 1008;
export const CLOSE_TRY_AGAIN = 1013;

export interface Refusal {
  code: number;
  reason: string;
}

/** What differs between a phone call's stream (Twilio) and a browser call's (the operator console): same protocol. */
export interface StreamChannel {
  readonly name: CallChannel;
  /** The call's context from a valid `start`; undefined when it names no org. */
  context(msg: TwilioStart, req: FastifyRequest): CallContext | undefined;
  /** Checks of the channel's own (the stream token) before the caps; undefined when the stream may go on. */
  refusal(msg: TwilioStart, context: CallContext, deps: BridgeDeps, log: Logger): Refusal | undefined;
  /** The call's line over this stream. */
  line(stream: TwilioPort, context: CallContext, deps: BridgeDeps, log: Logger): CallLine;
}

/**
 * One media stream socket, speaking Twilio's Media Streams protocol: `connected`, then `start` within 5 s (checked
 * before any model session opens), then the call's messages. A socket only counts while it is open; one that
 * never starts is closed, and cut if it does not finish closing.
 */
export function acceptMediaStream(socket: WebSocket, req: FastifyRequest, deps: BridgeDeps, channel: StreamChannel): void {
  const { clock, streamGate } = deps;
  let log = deps.logger.child({ component: 'media-stream', channel: channel.name });
  if (!streamGate.enter()) {
    deps.metrics.rejections('admission', 'streams_waiting_for_start').inc();
    warnBeforeStart(deps, log, { waiting: streamGate.waitingForStart }, 'too many streams waiting for start; refused');
    return closeFirmly(socket, deps, CLOSE_TRY_AGAIN, 'too many streams waiting');
  }
  let waiting = true;
  const stopWaiting = () => waiting && ((waiting = false), streamGate.leave());
  let call: Call | undefined;
  /** This call's media frames in Twilio's own form, read from the bytes (the hot path); set with the call. */
  let media: TwilioMediaReader | undefined;
  let watch: PeerWatch | undefined;
  let done = false;
  let refusedBinary = false;
  let badMessages = 0;
  const dropped = (error: string) => {
    if (!call) return warnBeforeStart(deps, log, { error }, 'invalid Twilio message before start dropped');
    if (++badMessages <= MAX_LOGGED_BAD_MESSAGES) log.warn({ error }, 'invalid Twilio message dropped');
  };
  const refuse = (code: number, reason: string) => {
    done = true;
    stopWaiting();
    closeFirmly(socket, deps, code, reason);
  };
  const startTimer = clock.setTimeout(() => {
    warnBeforeStart(deps, log, {}, 'no valid start message in time; closing the stream');
    refuse(CLOSE_POLICY, 'no start');
  }, START_TIMEOUT_MS);

  socket.on('message', (data: Buffer, isBinary: boolean) => {
    // ws may still deliver frames that were in flight when we closed: a closing socket takes nothing more.
    if (done || socket.readyState !== socket.OPEN) return;
    watch?.heardFrom();
    if (isBinary) {
      if (!refusedBinary) log.warn('binary frame refused (Twilio sends text only)');
      refusedBinary = true;
      return;
    }
    if (call && media) {
      const frame = media.read(data);
      if (frame) return call.handleTwilioMessage(frame);
    }
    const text = frameText(data);
    if (text === undefined) return dropped('not UTF-8');
    const parsed = parseTwilioMessage(text);
    if (!parsed.ok) return dropped(parsed.error);
    const msg = parsed.message;
    if (call) {
      if (msg.event !== 'connected' && msg.streamSid !== call.context.streamSid) return dropped(`${msg.event}: streamSid does not match this stream`);
      if (msg.event === 'connected' || msg.event === 'start') return dropped(`${msg.event}: unexpected after start`);
      return call.handleTwilioMessage(msg);
    }
    if (msg.event === 'connected') return;
    if (msg.event !== 'start') return dropped(`${msg.event}: before start`);
    clock.clearTimeout(startTimer);
    const context = channel.context(msg, req);
    if (!context) {
      warnBeforeStart(deps, log, { callSid: msg.start.callSid }, 'start without an orgId; closing the stream');
      return refuse(CLOSE_POLICY, 'missing orgId');
    }
    log = deps.logger.child({ callSid: context.callSid, streamSid: context.streamSid, orgId: context.orgId, ...(channel.name === 'phone' ? {} : { channel: channel.name }) });
    const refusal = channel.refusal(msg, context, deps, log) ?? startRefusal(context, deps, log);
    if (refusal) return refuse(refusal.code, refusal.reason);
    stopWaiting();
    const line = channel.line(boundedTwilioPort(socket, log, deps.maxTwilioBufferedBytes), context, deps, log);
    call = startCall(context, line, deps, log);
    media = new TwilioMediaReader(context.streamSid);
    watch = watchStream(socket, call, deps, log);
  });
  socket.on('close', () => {
    clock.clearTimeout(startTimer);
    stopWaiting();
    watch?.stop();
    call?.streamClosed();
  });
  socket.on('error', (err) => log.warn({ err: err.message }, 'media stream socket error'));
}

/**
 * The checks every stream's `start` passes after its channel's: one stream per call (a second one, or a replayed
 * token, never opens a model session), then the global and per-org caps.
 */
function startRefusal(context: CallContext, deps: BridgeDeps, log: Logger): Refusal | undefined {
  if (!deps.ledger.claimStream(context.callSid)) {
    deps.metrics.rejections('replay', 'stream_already_used').inc();
    log.warn('stream refused: this call already had its stream');
    return { code: CLOSE_POLICY, reason: 'stream already used' };
  }
  const orgCap = deps.orgs.peek?.(context.orgId)?.maxConcurrentCalls;
  const admission = deps.admission.claimStream(context.callSid, context.orgId, orgCap);
  if (admission === 'admitted') return undefined;
  const global = admission === 'over-capacity';
  log.warn({ liveCalls: deps.calls.size, maxCalls: deps.config.MAX_CONCURRENT_CALLS, orgCap }, global ? 'stream refused: global call cap reached' : "stream refused: the org's call cap reached");
  deps.metrics.rejections('admission', global ? 'stream_over_capacity' : 'stream_org_cap').inc();
  return { code: CLOSE_TRY_AGAIN, reason: 'over capacity' };
}

/** Ends a call whose stream went quiet without closing (half-open): the slot, the model session and the Twilio call are freed. */
function watchStream(socket: WebSocket, call: Call, deps: BridgeDeps, log: Logger): PeerWatch {
  const { config } = deps;
  return new PeerWatch(socket, {
    clock: deps.watchdogClock,
    silenceMs: config.STREAM_SILENCE_SECONDS * 1000,
    pingEveryMs: config.STREAM_PING_SECONDS * 1000,
    onDead: (why) => {
      log.warn({ why }, why === 'silence' ? `no message on the media stream for ${config.STREAM_SILENCE_SECONDS} s; ending the call` : 'the media stream did not answer a ping; ending the call');
      deps.metrics.watchdog('stream', why).inc();
      void call.end('stream-silent').finally(() => socket.terminate());
    },
  });
}

function warnBeforeStart(deps: BridgeDeps, log: Logger, fields: Record<string, unknown>, msg: string): void {
  const { allowed, suppressed } = deps.streamGate.warnings.take();
  if (allowed) log.warn({ ...fields, ...(suppressed > 0 ? { suppressedWarnings: suppressed } : {}) }, msg);
}

function closeFirmly(socket: WebSocket, deps: BridgeDeps, code: number, reason: string): void {
  socket.close(code, reason);
  deps.clock.setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
}
