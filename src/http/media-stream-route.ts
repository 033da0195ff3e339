import type {} from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { CallSession, type CallContext } from '../call/call-session.js';
import { callSessionSettings } from '../call/call-settings.js';
import { parseTwilioMessage, type TwilioStart } from '../twilio/messages.js';
import type { AppDeps } from './deps.js';
import { MEDIA_STREAM_PATH } from './twiml-route.js';

/** A WebSocket that has not sent a valid `start` by then is closed (no model session is ever opened for it). */
export const START_TIMEOUT_MS = 5000;
/** Twilio sends 20 ms frames (216 base64 characters); anything near this is not Twilio. */
export const MAX_FRAME_BYTES = 64 * 1024;

export function mediaStreamRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get(MEDIA_STREAM_PATH, { websocket: true }, (socket, req) => acceptStream(socket, req, deps));
}

function acceptStream(socket: WebSocket, req: FastifyRequest, deps: AppDeps): void {
  const { clock } = deps;
  let log = deps.logger.child({ component: 'media-stream' });
  let session: CallSession | undefined;
  let refusedBinary = false;
  const startTimer = clock.setTimeout(() => {
    log.warn('no valid start message in time; closing the stream');
    socket.close(1008, 'no start');
  }, START_TIMEOUT_MS);

  socket.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) {
      if (!refusedBinary) log.warn('binary frame refused (Twilio sends text only)');
      refusedBinary = true;
      return;
    }
    const text = data.toString();
    if (session) {
      session.handleTwilioText(text);
      return;
    }
    const parsed = parseTwilioMessage(text);
    if (!parsed.ok) {
      log.warn({ error: parsed.error }, 'invalid Twilio message before start dropped');
      return;
    }
    const msg = parsed.message;
    if (msg.event === 'connected') return;
    if (msg.event !== 'start') {
      log.warn({ event: msg.event }, 'message before start dropped');
      return;
    }
    clock.clearTimeout(startTimer);
    const context = callContext(msg, req);
    if (!context) {
      log.warn({ callSid: msg.start.callSid }, 'start without an orgId; closing the stream');
      socket.close(1008, 'missing orgId');
      return;
    }
    log = deps.logger.child({ callSid: context.callSid, streamSid: context.streamSid, orgId: context.orgId });
    session = startSession(context, socket, deps, log);
  });
  socket.on('close', () => {
    clock.clearTimeout(startTimer);
    session?.twilioClosed();
  });
  socket.on('error', (err) => log.warn({ err: err.message }, 'Twilio socket error'));
}

/** Call context from `start.customParameters`, or (older setups) the upgrade's query string. */
export function callContext(msg: TwilioStart, req: Pick<FastifyRequest, 'query'>): CallContext | undefined {
  const params = msg.start.customParameters;
  const query = (req.query ?? {}) as Record<string, string | undefined>;
  const orgId = params.orgId ?? query.orgId;
  if (!orgId) return undefined;
  return {
    callSid: msg.start.callSid,
    streamSid: msg.streamSid,
    accountSid: msg.start.accountSid,
    orgId,
    from: params.from ?? query.from,
    to: params.to ?? query.to,
  };
}

function startSession(context: CallContext, socket: WebSocket, deps: AppDeps, log: AppDeps['logger']): CallSession {
  const warm = deps.prewarm.claim(context.callSid);
  const session = new CallSession({
    context,
    twilio: {
      send: (text) => {
        if (socket.readyState === socket.OPEN) socket.send(text);
      },
      close: (code, reason) => socket.close(code, reason),
    },
    setup: deps.setup.setupFor(context, log, warm),
    clock: deps.clock,
    logger: log,
    control: deps.control,
    ...callSessionSettings(deps.config),
    onEnded: (s) => deps.calls.remove(s),
  });
  deps.calls.add(session);
  log.info({ prewarmed: warm !== undefined }, 'call stream started');
  return session;
}
