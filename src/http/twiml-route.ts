import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OrgConfigResult } from '../app/app-client.js';
import { publicWsUrl } from '../twilio/public-url.js';
import { connectStreamTwiml, sayAndHangupTwiml } from '../twilio/twiml.js';
import type { AppDeps } from './deps.js';

export const MEDIA_STREAM_PATH = '/ws/twilio';
const ORG_LOOKUP_WAIT_MS = 2500;

export const APOLOGY_NO_ORG = "Sorry, this number is not set up to take calls right now. Please try again later. Goodbye.";
export const APOLOGY_UNAVAILABLE = "Sorry, we can't take your call right now. Please try again in a few minutes. Goodbye.";
export const APOLOGY_STREAM_LOST = "Sorry, we lost the connection. Please call us back. Goodbye.";

type Params = Record<string, string | undefined>;

/**
 * Twilio's voice webhook. Answers TwiML that connects the call to our media stream, with the call's
 * context in `<Parameter>`s (the Stream url takes no query string). Looks the org up (and so warms
 * the cache) and pre-warms the model session while the phone still rings.
 */
export function twimlRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.route({
    method: ['GET', 'POST'],
    url: '/twiml/start',
    handler: async (req, reply) => {
      const params = webhookParams(req);
      const orgId = params.orgId?.trim();
      const callSid = params.CallSid;
      const log = deps.logger.child({ callSid, orgId });
      if (!orgId) {
        log.warn('webhook without orgId; answering with an apology');
        return sendTwiml(reply, sayAndHangupTwiml(APOLOGY_NO_ORG));
      }
      const lookup = await orgWithin(deps, orgId, ORG_LOOKUP_WAIT_MS);
      if (lookup?.kind === 'not-found') {
        log.warn('unknown org; answering with an apology');
        return sendTwiml(reply, sayAndHangupTwiml(APOLOGY_NO_ORG));
      }
      if (lookup?.kind === 'unavailable') {
        log.error({ reason: lookup.reason }, 'org config unavailable; answering with an apology');
        return sendTwiml(reply, sayAndHangupTwiml(APOLOGY_UNAVAILABLE));
      }
      if (lookup?.kind === 'ok' && callSid) {
        const org = lookup.config;
        deps.prewarm.add(callSid, () => deps.setup.openFor(org, log));
      }
      const parameters: Record<string, string> = { orgId };
      if (callSid) parameters.callSid = callSid;
      if (params.From) parameters.from = params.From;
      if (params.To) parameters.to = params.To;
      const twiml = connectStreamTwiml({
        streamUrl: publicWsUrl(MEDIA_STREAM_PATH, req, deps.config.PUBLIC_URL),
        parameters,
        // Runs only if the stream dies without the bridge ending the call over REST (crash, redeploy).
        afterStream: deps.control ? { say: APOLOGY_STREAM_LOST } : undefined,
      });
      log.info({ prewarm: lookup?.kind === 'ok' && Boolean(callSid) }, 'call answered with a media stream');
      return sendTwiml(reply, twiml);
    },
  });
}

function webhookParams(req: FastifyRequest): Params {
  const query = (req.query ?? {}) as Params;
  const body = req.method === 'POST' && typeof req.body === 'object' && req.body !== null ? (req.body as Params) : {};
  return { ...query, ...body, orgId: query.orgId ?? body.orgId };
}

/** The org lookup, or undefined if it takes longer than `ms` (the stream start waits for it then). */
async function orgWithin(deps: AppDeps, orgId: string, ms: number): Promise<OrgConfigResult | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([deps.orgs.get(orgId), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function sendTwiml(reply: FastifyReply, twiml: string): FastifyReply {
  return reply.code(200).type('text/xml').send(twiml);
}
