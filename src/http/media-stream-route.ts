import type {} from '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { BridgeDeps } from '../bridge/deps.js';
import { startCall } from '../bridge/call-start.js';
import type { Call } from '../call/call.js';
import type { CallContext } from '../call/call-types.js';
import type { Logger } from '../logger.js';
import { parseTwilioMessage, type TwilioStart } from '../twilio/messages.js';
import { CALL_TOKEN_PARAMETER, checkCallToken, twilioSignatureHook } from './twilio-auth.js';
import { MEDIA_STREAM_PATH } from './twiml-route.js';

/** A WebSocket that has not sent a valid `start` by then is closed (no model session is ever opened for it). */
export const START_TIMEOUT_MS = 5000;
/** Twilio sends 20 ms frames (216 base64 characters); anything near this is not Twilio. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Invalid messages logged per stream; past that they are only dropped. */
const MAX_LOGGED_BAD_MESSAGES = 20;

/** Close codes: policy violation (no/bad start or token), try again later (over capacity). */
const CLOSE_POLICY = 1008;
const CLOSE_TRY_AGAIN = 1013;

/** `WS /ws/twilio`: Twilio Media Streams, one call per socket. */
export async function mediaStreamRoutes(app: FastifyInstance, { deps }: { deps: BridgeDeps }): Promise<void> {
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

function acceptStream(socket: WebSocket, req: FastifyRequest, deps: BridgeDeps): void {
  const { clock } = deps;
  let log = deps.logger.child({ component: 'media-stream' });
  let call: Call | undefined;
  let refused = false;
  let refusedBinary = false;
  let badMessages = 0;
  const dropped = (error: string) => {
    if (++badMessages <= MAX_LOGGED_BAD_MESSAGES) log.warn({ error }, call ? 'invalid Twilio message dropped' : 'invalid Twilio message before start dropped');
  };
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
    if (refused) return;
    const parsed = parseTwilioMessage(data.toString());
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
    const context = callContext(msg, req);
    if (!context) {
      log.warn({ callSid: msg.start.callSid }, 'start without an orgId; closing the stream');
      refused = true;
      return socket.close(CLOSE_POLICY, 'missing orgId');
    }
    log = deps.logger.child({ callSid: context.callSid, streamSid: context.streamSid, orgId: context.orgId });
    const refusal = startRefusal(msg, context, deps, log);
    if (refusal) {
      refused = true;
      return socket.close(refusal.code, refusal.reason);
    }
    call = startCall(context, socket, deps, log);
  });
  socket.on('close', () => {
    clock.clearTimeout(startTimer);
    call?.streamClosed();
  });
  socket.on('error', (err) => log.warn({ err: err.message }, 'Twilio socket error'));
}

/**
 * The checks a `start` must pass before any model session is opened or a pre-warmed one handed over: the stream
 * token minted by the webhook, then the global cap (a backstop for streams whose webhook this replica did not admit).
 */
function startRefusal(msg: TwilioStart, context: CallContext, deps: BridgeDeps, log: Logger): { code: number; reason: string } | undefined {
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
