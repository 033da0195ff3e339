import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OrgConfigResult } from '../main-app/app-client.js';
import { withDeadline } from '../lib/timing.js';
import type { Logger } from '../logger.js';
import { publicWsUrl } from '../twilio/public-url.js';
import { connectStreamTwiml, sayAndHangupTwiml } from '../twilio/twiml.js';
import type { BridgeDeps } from '../bridge/deps.js';
import { CALL_TOKEN_PARAMETER, mintCallToken, twilioSignatureHook } from './twilio-auth.js';

export const MEDIA_STREAM_PATH = '/ws/twilio';
const ORG_LOOKUP_WAIT_MS = 2500;

export const APOLOGY_NO_ORG = "Sorry, this number is not set up to take calls right now. Please try again later. Goodbye.";
export const APOLOGY_UNAVAILABLE = "Sorry, we can't take your call right now. Please try again in a few minutes. Goodbye.";
export const APOLOGY_STREAM_LOST = "Sorry, we lost the connection. Please call us back. Goodbye.";
export const APOLOGY_BUSY = 'Sorry, all our lines are busy right now. Please call back in a few minutes. Goodbye.';

type Params = Record<string, string | undefined>;

/**
 * Twilio's voice webhook. Answers TwiML that connects the call to our media stream, with the call's
 * context and stream token in `<Parameter>`s (the Stream url takes no query string). The signature is
 * checked first (preValidation); then the caps; then the org lookup (which warms the cache) and the
 * pre-warm of the model session while the phone still rings.
 */
export async function twimlRoutes(app: FastifyInstance, { deps }: { deps: BridgeDeps }): Promise<void> {
  app.route({
    method: ['GET', 'POST'],
    url: '/twiml/start',
    // Twilio posts a form (or asks with GET): anything else is refused before its body is even parsed.
    onRequest: async (req, reply) => {
      if (req.method !== 'POST' || isForm(req.headers['content-type'])) return;
      deps.metrics.rejections('webhook_input', 'unsupported_media_type').inc();
      deps.logger.warn({ contentType: req.headers['content-type'], ip: req.ip }, 'webhook refused: not a form');
      await reply.code(415).type('text/plain').send('Expected application/x-www-form-urlencoded');
    },
    preValidation: [twilioSignatureHook(deps, 'webhook_signature'), rejectNonStringParams(deps)],
    handler: async (req, reply) => sendTwiml(reply, await answer(req, deps)),
  });
}

function isForm(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/** Every webhook value is one string: a repeated name (an array) is not something Twilio sends. */
function rejectNonStringParams(deps: BridgeDeps) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const bad = [req.query, req.method === 'POST' ? req.body : undefined].flatMap((params) =>
      Object.entries((params ?? {}) as Record<string, unknown>).filter(([, value]) => typeof value !== 'string').map(([name]) => name),
    );
    if (bad.length === 0) return;
    deps.metrics.rejections('webhook_input', 'not_a_string').inc();
    deps.logger.warn({ params: bad.slice(0, 10), ip: req.ip }, 'webhook refused: a parameter is not a single string');
    await reply.code(400).type('text/plain').send(`Each parameter must be given once: ${bad.slice(0, 10).join(', ')}`);
  };
}

async function answer(req: FastifyRequest, deps: BridgeDeps): Promise<string> {
  const params = webhookParams(req);
  const orgId = params.orgId?.trim();
  const callSid = params.CallSid;
  const log = deps.logger.child({ callSid, orgId });
  if (deps.lifecycle.draining) {
    log.info('draining: answering busy');
    deps.metrics.rejections('admission', 'draining').inc();
    return sayAndHangupTwiml(APOLOGY_BUSY);
  }
  if (!orgId) {
    log.warn('webhook without orgId; answering with an apology');
    return sayAndHangupTwiml(APOLOGY_NO_ORG);
  }
  if (callSid && deps.ledger.streamUsed(callSid)) {
    // Twilio asks once per call; a webhook for a call whose stream was used is a replay (signatures never expire).
    log.warn('webhook for a call that already had its stream; refused (replay?)');
    deps.metrics.rejections('replay', 'webhook_for_used_stream').inc();
    return sayAndHangupTwiml(APOLOGY_UNAVAILABLE);
  }
  const admitted = callSid ? deps.admission.reserve(callSid, orgId) : deps.admission.hasRoom();
  if (!admitted) {
    log.warn({ liveCalls: deps.calls.size, maxCalls: deps.config.MAX_CONCURRENT_CALLS }, 'global call cap reached; answering busy');
    deps.metrics.rejections('admission', 'global_cap').inc();
    return sayAndHangupTwiml(APOLOGY_BUSY);
  }
  let refused = true;
  try {
    const twiml = await connectOrRefuse(req, deps, params, orgId, log);
    refused = twiml.refused;
    return twiml.body;
  } finally {
    if (refused && callSid) deps.admission.release(callSid);
  }
}

async function connectOrRefuse(
  req: FastifyRequest,
  deps: BridgeDeps,
  params: Params,
  orgId: string,
  log: Logger,
): Promise<{ body: string; refused: boolean }> {
  const refuse = (text: string) => ({ body: sayAndHangupTwiml(text), refused: true });
  const callSid = params.CallSid;
  const lookup = await orgWithin(deps, orgId, ORG_LOOKUP_WAIT_MS);
  if (lookup?.kind === 'not-found') {
    log.warn('unknown org; answering with an apology');
    return refuse(APOLOGY_NO_ORG);
  }
  if (lookup?.kind === 'unavailable') {
    log.error({ reason: lookup.reason }, 'org config unavailable; answering with an apology');
    return refuse(APOLOGY_UNAVAILABLE);
  }
  const orgCap = lookup?.kind === 'ok' ? lookup.config.maxConcurrentCalls : undefined;
  if (!deps.admission.withinOrgCap(orgId, orgCap)) {
    log.warn({ orgCap }, "org's call cap reached; answering busy");
    deps.metrics.rejections('admission', 'org_cap').inc();
    return refuse(APOLOGY_BUSY);
  }
  const parameters: Record<string, string> = { orgId };
  if (callSid) parameters.callSid = callSid;
  if (params.From) parameters.from = params.From;
  if (params.To) parameters.to = params.To;
  if (deps.auth.streamTokenSecret !== undefined) {
    if (!callSid) {
      log.warn('webhook without CallSid: no stream token can be minted; answering with an apology');
      return refuse(APOLOGY_UNAVAILABLE);
    }
    parameters[CALL_TOKEN_PARAMETER] = mintCallToken(deps.auth, callSid, orgId, deps.clock.wallNow().getTime())!;
  }
  const body = connectStreamTwiml({
    streamUrl: publicWsUrl(MEDIA_STREAM_PATH, req, deps.config.PUBLIC_URL),
    parameters,
    // Runs only if the stream dies without the bridge ending the call over REST (crash, redeploy).
    afterStream: deps.control ? { say: APOLOGY_STREAM_LOST } : undefined,
  });
  const prewarm = lookup?.kind === 'ok' && Boolean(callSid);
  if (lookup?.kind === 'ok' && callSid) {
    const org = lookup.config;
    deps.prewarm.add(callSid, () => deps.setup.openFor(org, log));
  }
  log.info({ prewarm }, 'call answered with a media stream');
  return { body, refused: false };
}

function webhookParams(req: FastifyRequest): Params {
  const query = (req.query ?? {}) as Params;
  const body = req.method === 'POST' && typeof req.body === 'object' && req.body !== null ? (req.body as Params) : {};
  return { ...query, ...body, orgId: query.orgId ?? body.orgId };
}

/** The org lookup, or undefined if it takes longer than `ms` (the stream start waits for it then). */
function orgWithin(deps: BridgeDeps, orgId: string, ms: number): Promise<OrgConfigResult | undefined> {
  return withDeadline(deps.clock, deps.orgs.get(orgId), ms, () => undefined);
}

function sendTwiml(reply: FastifyReply, twiml: string): FastifyReply {
  return reply.code(200).type('text/xml').send(twiml);
}
