import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { systemClock, type Clock } from '../clock.js';
import { parseJson } from '../lib/parse.js';
import { sleep } from '../lib/timing.js';
import type { Logger } from '../logger.js';
import { MAX_REST_TWIML_CHARS } from './twiml.js';
import { messageLookupResult, messageSendResult, type MessageLookupResult, type MessageSendResult, type OutgoingMessage } from './message-answers.js';

/**
 * Twilio REST call control (Twilio's "Update a Call resource"): hang up (`Status=completed`) or replace the running
 * TwiML (`Twiml=`) with `POST {base}/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json`.
 * - HTTP 400 with code 21220 ("Call is not in-progress"): the call already ended. Not a failure, never retried.
 * - HTTP 404 with code 20404: this host does not know the call. For a call whose stream is still open that means the
 *   account lives in another region (IE1, AU1…) and must be reached through `api.<edge>.<region>.twilio.com`
 *   (`twilioApiBaseUrl`); told apart so a transfer is never silently skipped.
 * 5xx, 429, network errors and timeouts are retried briefly with backoff.
 *
 * Messages (Twilio's "Message resource"): one attempt per `sendMessage`, never retried here; the answer says whether
 * a retry could double the text (message-answers.ts).
 */
export type CallUpdateOutcome = 'already-ended' | 'unknown-call';
export type HangUpResult = 'completed' | CallUpdateOutcome;
export type UpdateTwimlResult = 'updated' | CallUpdateOutcome;

/** The REST host for a region and edge, as the `twilio` package builds it (`api.<edge>.<region>.twilio.com`; us1 when only an edge is given). */
export function twilioApiBaseUrl(region?: string, edge?: string): string {
  const regionPart = region ?? (edge ? 'us1' : undefined);
  return `https://${['api', regionPart && edge, regionPart, 'twilio.com'].filter(Boolean).join('.')}`;
}

export interface TwilioRestClient {
  hangUp(callSid: string): Promise<HangUpResult>;
  /** Replaces the call's TwiML (e.g. `<Dial>` for a transfer); this also ends its media stream. */
  updateTwiml(callSid: string, twiml: string): Promise<UpdateTwimlResult>;
  /**
   * Starts a dual-channel recording of the live call (Twilio's "Create a Recording resource":
   * `POST …/Calls/{CallSid}/Recordings.json`, `RecordingChannels=dual`): the caller and the agent on separate
   * channels. Its sid, or the call's outcome when it is no longer there.
   */
  startRecording(callSid: string): Promise<{ sid: string } | CallUpdateOutcome>;
  /** Creates one outgoing SMS (`To`, `From`, `Body`): one attempt. */
  sendMessage(message: OutgoingMessage, signal?: AbortSignal): Promise<MessageSendResult>;
  /** Looks for a message already created with the same To, From and body (in the newest page of the list). */
  findMessage(message: OutgoingMessage, signal?: AbortSignal): Promise<MessageLookupResult>;
}

export interface TwilioRestClientOptions {
  /** e.g. `https://api.twilio.com` (config `TWILIO_API_BASE_URL`). */
  baseUrl: string;
  accountSid: string;
  authToken: string;
  /** Per attempt. */
  timeoutMs?: number;
  /** Extra attempts after the first for retryable failures. */
  retries?: number;
  retryBaseDelayMs?: number;
  logger?: Logger;
  clock?: Clock;
  dispatcher?: Dispatcher;
}

/** A call update failed. `twilioCode` is Twilio's error code when the answer carried one (e.g. 20003 bad credentials). */
export class TwilioRestError extends Error {
  override name = 'TwilioRestError';
  constructor(
    message: string,
    readonly httpStatus: number | undefined,
    readonly twilioCode: number | undefined,
    readonly retryable = false,
  ) {
    super(message);
  }
}

/** A message is created within a call's minutes of its lookup: the newest page is enough. */
const LOOKUP_PAGE_SIZE = 50;
/** Errors that mean the connection was never made, so the request cannot have reached Twilio. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const NOT_IN_PROGRESS = 21220;
const NOT_FOUND = 20404;
const SAFE_SID = /^[A-Za-z0-9]{1,64}$/;

const callResourceSchema = z.object({ sid: z.string(), status: z.string() });
const recordingResourceSchema = z.object({ sid: z.string().regex(/^RE[0-9a-fA-F]{32}$/), status: z.string() });
type Resource = z.output<typeof callResourceSchema>;
const errorBodySchema = z.object({ code: z.number().int(), message: z.string(), more_info: z.string().optional() });

/** One HTTP exchange: the answer, or why there was none and whether the request may have reached Twilio. */
type Exchange = { kind: 'answer'; status: number; text: string } | { kind: 'no-answer'; reason: string; mayHaveArrived: boolean };

type Attempt =
  | { kind: 'ok'; resource: Resource }
  | { kind: CallUpdateOutcome }
  | { kind: 'retry'; error: TwilioRestError }
  | { kind: 'fail'; error: TwilioRestError };

/** Maps one HTTP answer to an outcome. */
function classify(statusCode: number, text: string, what: string, resourceSchema: z.ZodType<Resource>): Attempt {
  const json = parseJson(text);
  if (statusCode >= 200 && statusCode < 300) {
    const resource = resourceSchema.safeParse(json);
    if (resource.success) return { kind: 'ok', resource: resource.data };
    return { kind: 'fail', error: new TwilioRestError(`${what}: HTTP ${statusCode} without the expected resource`, statusCode, undefined) };
  }
  const parsed = errorBodySchema.safeParse(json);
  const code = parsed.success ? parsed.data.code : undefined;
  if (statusCode === 400 && code === NOT_IN_PROGRESS) return { kind: 'already-ended' };
  if (statusCode === 404 && code === NOT_FOUND) return { kind: 'unknown-call' };
  const detail = parsed.success ? `, Twilio code ${code} (${parsed.data.message})` : '';
  const retryable = statusCode >= 500 || statusCode === 429;
  const error = new TwilioRestError(`${what}: HTTP ${statusCode}${detail}`, statusCode, code, retryable);
  return retryable ? { kind: 'retry', error } : { kind: 'fail', error };
}

export function createTwilioRestClient(options: TwilioRestClientOptions): TwilioRestClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 5000;
  const retries = options.retries ?? 2;
  const retryBaseDelayMs = options.retryBaseDelayMs ?? 250;
  const clock = options.clock ?? systemClock;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  const log = options.logger?.child({ component: 'twilio-rest' });

  async function exchange(method: 'GET' | 'POST', url: string, body: string | undefined, signal?: AbortSignal): Promise<Exchange> {
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const res = await request(url, {
        method,
        headers: { authorization, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) },
        body,
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
        dispatcher: options.dispatcher,
      });
      return { kind: 'answer', status: res.statusCode, text: await res.body.text() };
    } catch (err) {
      const reason = err instanceof Error && err.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : (err as Error).message;
      return { kind: 'no-answer', reason, mayHaveArrived: !NOT_CONNECTED.has((err as NodeJS.ErrnoException).code ?? '') };
    }
  }

  async function attempt(url: string, body: string, what: string, resourceSchema: z.ZodType<Resource>): Promise<Attempt> {
    const result = await exchange('POST', url, body);
    if (result.kind === 'answer') return classify(result.status, result.text, what, resourceSchema);
    return { kind: 'retry', error: new TwilioRestError(`${what}: ${result.reason}`, undefined, undefined, true) };
  }

  const messagesUrl = `${baseUrl}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;

  /** POSTs `form` to the call's resource (`/Calls/{CallSid}{path}`), retrying what may be retried. */
  async function postToCall(callSid: string, path: string, form: Record<string, string>, action: string, resourceSchema: z.ZodType<Resource> = callResourceSchema): Promise<Resource | CallUpdateOutcome> {
    const what = `Twilio ${action} of ${callSid}`;
    if (!SAFE_SID.test(callSid)) throw new TwilioRestError(`${what}: not a valid CallSid`, undefined, undefined);
    const url = `${baseUrl}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Calls/${callSid}${path}`;
    const body = new URLSearchParams(form).toString();
    for (let attemptNo = 1; ; attemptNo++) {
      const outcome = await attempt(url, body, what, resourceSchema);
      if (!('error' in outcome)) {
        log?.info({ callSid, action, attempt: attemptNo, outcome: outcome.kind }, 'twilio call update done');
        return outcome.kind === 'ok' ? outcome.resource : outcome.kind;
      }
      const { error } = outcome;
      const context = { callSid, action, attempt: attemptNo, httpStatus: error.httpStatus, twilioCode: error.twilioCode };
      if (outcome.kind === 'fail' || attemptNo > retries) {
        log?.error({ ...context, err: error.message }, 'twilio call update failed');
        throw error;
      }
      const delay = retryBaseDelayMs * 2 ** (attemptNo - 1) * (0.75 + Math.random() / 2);
      log?.warn({ ...context, err: error.message, retryInMs: Math.round(delay) }, 'twilio call update will be retried');
      await sleep(clock, delay);
    }
  }

  return {
    async hangUp(callSid) {
      const result = await postToCall(callSid, '.json', { Status: 'completed' }, 'hang-up');
      return typeof result === 'string' ? result : 'completed';
    },
    async updateTwiml(callSid, twiml) {
      if (twiml.length > MAX_REST_TWIML_CHARS) {
        throw new TwilioRestError(
          `Twilio TwiML update of ${callSid}: TwiML is ${twiml.length} characters, over Twilio's ${MAX_REST_TWIML_CHARS} (code 32018)`,
          undefined,
          32018,
        );
      }
      const result = await postToCall(callSid, '.json', { Twiml: twiml }, 'TwiML update');
      return typeof result === 'string' ? result : 'updated';
    },
    async startRecording(callSid) {
      const result = await postToCall(callSid, '/Recordings.json', { RecordingChannels: 'dual' }, 'recording start', recordingResourceSchema);
      return typeof result === 'string' ? result : { sid: result.sid };
    },
    async sendMessage({ to, from, body }, signal) {
      const result = await exchange('POST', messagesUrl, new URLSearchParams({ To: to, From: from, Body: body }).toString(), signal);
      if (result.kind === 'answer') return messageSendResult(result.status, result.text);
      return { kind: 'retryable', reason: result.reason, maybeSent: result.mayHaveArrived };
    },
    async findMessage(message, signal) {
      const query = new URLSearchParams({ To: message.to, From: message.from, PageSize: String(LOOKUP_PAGE_SIZE) });
      const result = await exchange('GET', `${messagesUrl}?${query}`, undefined, signal);
      return result.kind === 'answer' ? messageLookupResult(result.status, result.text, message) : { kind: 'retryable', reason: result.reason };
    },
  };
}
