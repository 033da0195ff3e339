import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OrgConfigResult } from '../main-app/app-client.js';
import { withDeadline } from '../lib/timing.js';
import type { Logger } from '../logger.js';
import { publicWsUrl } from '../twilio/public-url.js';
import { connectStreamTwiml, sayAndHangupTwiml } from '../twilio/twiml.js';
import type { BridgeDeps } from '../bridge/deps.js';
import { refusedCallRecord, type RefusalReason } from '../bridge/call-record-body.js';
import { modelForOrg } from '../config.js';
import type { OrgConfig } from '../main-app/org-config.js';
import { orgLanguage, phrase, sayLanguage } from '../phrases/phrases.js';
import { CALL_TOKEN_PARAMETER, mintCallToken, twilioSignatureHook } from './twilio-auth.js';

export const MEDIA_STREAM_PATH = '/ws/twilio';
const ORG_LOOKUP_WAIT_MS = 2500;

/** The `<Parameter>` carrying the org's default language, for what the bridge itself says later in the call. */
export const LANGUAGE_PARAMETER = 'language';

export const APOLOGY_NO_ORG = phrase('en', 'apologyNoOrg');
export const APOLOGY_UNAVAILABLE = phrase('en', 'apologyUnavailable');
export const APOLOGY_STREAM_LOST = phrase('en', 'apologyStreamLost');
export const APOLOGY_BUSY = phrase('en', 'apologyBusy');

type Apology = 'apologyNoOrg' | 'apologyUnavailable' | 'apologyBusy';

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
  if (!orgId) {
    log.warn('webhook without orgId; answering with an apology');
    return sayAndHangupTwiml(APOLOGY_NO_ORG, { language: sayLanguage('en') });
  }
  const refuse = (reason: RefusalReason, apology: Apology, org = deps.orgs.peek?.(orgId)) => refusal(deps, params, orgId, reason, apology, org);
  if (deps.lifecycle.draining) {
    log.info('draining: answering busy');
    deps.metrics.rejections('admission', 'draining').inc();
    return refuse('draining', 'apologyBusy');
  }
  if (callSid && deps.ledger.streamUsed(callSid)) {
    // Twilio asks once per call; a webhook for a call whose stream was used is a replay (signatures never expire).
    // No record either: the call's own record carries this CallSid.
    log.warn('webhook for a call that already had its stream; refused (replay?)');
    deps.metrics.rejections('replay', 'webhook_for_used_stream').inc();
    return sayAndHangupTwiml(APOLOGY_UNAVAILABLE, { language: sayLanguage('en') });
  }
  const admitted = callSid ? deps.admission.reserve(callSid, orgId) : deps.admission.hasRoom();
  if (!admitted) {
    log.warn({ liveCalls: deps.calls.size, maxCalls: deps.config.MAX_CONCURRENT_CALLS }, 'global call cap reached; answering busy');
    deps.metrics.rejections('admission', 'global_cap').inc();
    return refuse('busy', 'apologyBusy');
  }
  let refused = true;
  try {
    const twiml = await connectOrRefuse(req, deps, params, orgId, log, refuse);
    refused = twiml.refused;
    return twiml.body;
  } finally {
    if (refused && callSid) deps.admission.release(callSid);
  }
}

/** The apology in the org's language (English when the org is unknown), and the call's record at the app. */
function refusal(deps: BridgeDeps, params: Params, orgId: string, reason: RefusalReason, apology: Apology, org: OrgConfig | undefined): string {
  const language = org ? orgLanguage(org) : 'en';
  if (params.CallSid) {
    const at = deps.clock.wallNow();
    const model = modelForOrg(deps.config, orgId);
    deps.records?.add(Promise.resolve(refusedCallRecord({ callSid: params.CallSid, orgId, from: params.From, to: params.To, at, reason, language, model })));
  }
  return sayAndHangupTwiml(phrase(language, apology), { language: sayLanguage(language) });
}

async function connectOrRefuse(
  req: FastifyRequest,
  deps: BridgeDeps,
  params: Params,
  orgId: string,
  log: Logger,
  refusal: (reason: RefusalReason, apology: Apology, org?: OrgConfig) => string,
): Promise<{ body: string; refused: boolean }> {
  const refuse = (reason: RefusalReason, apology: Apology, org?: OrgConfig) => ({ body: refusal(reason, apology, org), refused: true });
  const callSid = params.CallSid;
  // Who is calling is asked alongside the org lookup, so it is usually known by the time the stream starts.
  if (callSid) deps.callers?.begin(callSid, orgId, params.From);
  const lookup = await orgWithin(deps, orgId, ORG_LOOKUP_WAIT_MS);
  if (lookup?.kind === 'not-found') {
    log.warn('unknown org; answering with an apology');
    return refuse('org-not-found', 'apologyNoOrg');
  }
  if (lookup?.kind === 'unavailable') {
    log.error({ reason: lookup.reason }, 'org config unavailable; answering with an apology');
    return refuse('org-unavailable', 'apologyUnavailable');
  }
  const org = lookup?.kind === 'ok' ? lookup.config : undefined;
  if (!deps.admission.withinOrgCap(orgId, org?.maxConcurrentCalls)) {
    log.warn({ orgCap: org?.maxConcurrentCalls }, "org's call cap reached; answering busy");
    deps.metrics.rejections('admission', 'org_cap').inc();
    return refuse('org-cap', 'apologyBusy', org);
  }
  const language = org ? orgLanguage(org) : 'en';
  const parameters: Record<string, string> = { orgId };
  if (callSid) parameters.callSid = callSid;
  if (params.From) parameters.from = params.From;
  if (params.To) parameters.to = params.To;
  if (org) parameters[LANGUAGE_PARAMETER] = language;
  if (deps.auth.streamTokenSecret !== undefined) {
    if (!callSid) {
      log.warn('webhook without CallSid: no stream token can be minted; answering with an apology');
      return { body: sayAndHangupTwiml(phrase(language, 'apologyUnavailable'), { language: sayLanguage(language) }), refused: true };
    }
    parameters[CALL_TOKEN_PARAMETER] = mintCallToken(deps.auth, callSid, orgId, deps.clock.wallNow().getTime())!;
  }
  const body = connectStreamTwiml({
    streamUrl: publicWsUrl(MEDIA_STREAM_PATH, req, deps.config.PUBLIC_URL),
    parameters,
    // Runs only if the stream dies without the bridge ending the call over REST (crash, redeploy).
    afterStream: deps.control ? { say: phrase(language, 'apologyStreamLost'), language: sayLanguage(language) } : undefined,
  });
  if (org && callSid) deps.prewarm.add(callSid, () => deps.setup.openFor(org, log));
  log.info({ prewarm: Boolean(org && callSid) }, 'call answered with a media stream');
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
