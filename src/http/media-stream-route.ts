import type {} from '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { CallContext, CallSession } from '../call/call-session.js';
import { parseTwilioMessage, type TwilioStart } from '../twilio/messages.js';
import { startSession } from './call-start.js';
import type { AppDeps } from './deps.js';
import { CALL_TOKEN_PARAMETER, checkCallToken, twilioSignatureHook } from './twilio-auth.js';
import { MEDIA_STREAM_PATH } from './twiml-route.js';

/** A WebSocket that has not sent a valid `start` by then is closed (no model session is ever opened for it). */
export const START_TIMEOUT_MS = 5000;
/** Twilio sends 20 ms frames (216 base64 characters); anything near this is not Twilio. */
export const MAX_FRAME_BYTES = 64 * 1024;

/** Close codes: policy violation (no/bad start or token), try again later (over capacity). */
const CLOSE_POLICY = 1008;
const CLOSE_TRY_AGAIN = 1013;

export function mediaStreamRoutes(app: FastifyInstance, deps: AppDeps): void {
  const signature = twilioSignatureHook(deps, 'upgrade_signature');
  app.get(
    MEDIA_STREAM_PATH,
    {
      websocket: true,
      // Runs before the upgrade completes: a refused request gets a plain HTTP answer and never becomes a WebSocket.
      preValidation: async (req: FastifyRequest, reply: FastifyReply) => {
        if (deps.lifecycle.draining) {
          deps.logger.info('draining: WebSocket upgrade refused');
          deps.metrics.rejections('admission', 'draining').inc();
          return reply.code(503).header('retry-after', '5').type('text/plain').send('Draining');
        }
        await signature(req, reply);
      },
    },
    (socket, req) => acceptStream(socket, req, deps),
  );
}

function acceptStream(socket: WebSocket, req: FastifyRequest, deps: AppDeps): void {
  const { clock } = deps;
  let log = deps.logger.child({ component: 'media-stream' });
  let session: CallSession | undefined;
  let refusedBinary = false;
  let refused = false;
  const startTimer = clock.setTimeout(() => {
    log.warn('no valid start message in time; closing the stream');
    socket.close(CLOSE_POLICY, 'no start');
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
    if (refused) return;
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
      refused = true;
      socket.close(CLOSE_POLICY, 'missing orgId');
      return;
    }
    log = deps.logger.child({ callSid: context.callSid, streamSid: context.streamSid, orgId: context.orgId });
    const refusal = startRefusal(msg, context, deps, log);
    if (refusal) {
      refused = true;
      socket.close(refusal.code, refusal.reason);
      return;
    }
    session = startSession(context, socket, deps, log);
  });
  socket.on('close', () => {
    clock.clearTimeout(startTimer);
    session?.twilioClosed();
  });
  socket.on('error', (err) => log.warn({ err: err.message }, 'Twilio socket error'));
}

/**
 * The checks a `start` must pass before any model session is opened or a pre-warmed one handed over: the stream
 * token minted by the webhook, then the global cap (a backstop for streams whose webhook this replica did not admit).
 */
function startRefusal(msg: TwilioStart, context: CallContext, deps: AppDeps, log: AppDeps['logger']): { code: number; reason: string } | undefined {
  const token = msg.start.customParameters[CALL_TOKEN_PARAMETER];
  const check = checkCallToken(deps.auth, token, context.callSid, context.orgId, deps.clock.wallNow().getTime());
  if (!check.ok) {
    deps.metrics.rejections('stream_token', check.reason).inc();
    log.warn({ reason: check.reason }, 'stream refused: bad stream token');
    return { code: CLOSE_POLICY, reason: 'invalid token' };
  }
  if (deps.admission.claimStream(context.callSid) === 'over-capacity') {
    log.warn({ liveCalls: deps.calls.size, maxCalls: deps.config.MAX_CONCURRENT_CALLS }, 'stream refused: global call cap reached');
    deps.metrics.rejections('admission', 'stream_over_capacity').inc();
    return { code: CLOSE_TRY_AGAIN, reason: 'over capacity' };
  }
  return undefined;
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
