import type {} from '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BridgeDeps } from '../bridge/deps.js';
import type { CallContext } from '../call/call-types.js';
import type { TwilioStart } from '../twilio/messages.js';
import { phoneLine } from '../twilio/phone-line.js';
import { acceptMediaStream, CLOSE_POLICY, type StreamChannel } from './media-stream.js';
import { CALL_TOKEN_PARAMETER, checkCallToken, twilioSignatureHook } from './twilio-auth.js';
import { LANGUAGE_PARAMETER, MEDIA_STREAM_PATH } from './twiml-route.js';

export { MAX_FRAME_BYTES, START_TIMEOUT_MS } from './media-stream.js';

/** Twilio's media streams: signed upgrades, the webhook's stream token on `start`, REST call control. */
export const phoneChannel: StreamChannel = {
  name: 'phone',
  context: callContext,
  refusal(msg, context, deps, log) {
    const token = msg.start.customParameters[CALL_TOKEN_PARAMETER];
    const check = checkCallToken(deps.auth, token, context.callSid, context.orgId, deps.clock.wallNow().getTime());
    if (check.ok) return undefined;
    deps.metrics.rejections('stream_token', check.reason).inc();
    log.warn({ reason: check.reason }, 'stream refused: bad stream token');
    return { code: CLOSE_POLICY, reason: 'invalid token' };
  },
  line: (stream, context, deps, log) => phoneLine({ stream, control: deps.control, callSid: context.callSid, language: context.language, log }),
};

/** `WS /ws/twilio`: Twilio Media Streams, one call per socket. */
export async function mediaStreamRoutes(app: FastifyInstance, { deps }: { deps: BridgeDeps }): Promise<void> {
  const signature = twilioSignatureHook(deps, 'upgrade_signature');
  app.get(
    MEDIA_STREAM_PATH,
    {
      websocket: true,
      // Runs before the upgrade completes: a refused request gets a plain HTTP answer and never becomes a WebSocket.
      preValidation: async (req: FastifyRequest, reply: FastifyReply) => {
        if (deps.lifecycle.draining) return refuseWhileDraining(deps, reply);
        await signature(req, reply);
      },
    },
    (socket, req) => acceptMediaStream(socket, req, deps, phoneChannel),
  );
}

/** A WebSocket upgrade while the server drains: a plain 503 (try again, elsewhere), never a stream. */
export function refuseWhileDraining(deps: BridgeDeps, reply: FastifyReply): FastifyReply {
  deps.logger.info('draining: WebSocket upgrade refused');
  deps.metrics.rejections('admission', 'draining').inc();
  return reply.code(503).header('retry-after', '5').type('text/plain').send('Draining');
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
    channel: 'phone',
    language: languageParameter(params[LANGUAGE_PARAMETER]),
  };
}

/** A language code as the webhook sets it (e.g. `en`, `es-MX`); anything else is ignored. */
function languageParameter(value: string | undefined): string | undefined {
  return value !== undefined && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/.test(value) ? value : undefined;
}
