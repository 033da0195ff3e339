/**
 * The Call resource of the REST stand-in: `POST …/Calls/{CallSid}.json` updates (Twilio's "Update a Call resource":
 * `Status=completed` hangs up, `Twiml=` or `Url=` replaces the running TwiML and so ends the media stream).
 * A call that is no longer in progress answers 400 / 21220 ("Call is not in-progress. Cannot redirect.", Twilio's
 * error page 21220); a call that lives in another region is not found through this host (404 / 20404), which is how
 * updating an IE1 or AU1 call through the default US1 host looks.
 */
import type { Clock } from '../src/clock.js';
import type { SimCall } from './twilio-caller.js';
import { notFound, rfc2822, twilioError, type Answer, type CallWire } from './twilio-rest-answers.js';
import type { StandInRecording } from './twilio-rest-recordings.js';

/** The region this stand-in plays: Twilio's default, US1 (`api.twilio.com`). */
export const HOST_REGION = 'us1';
export const MAX_TWIML_CHARS = 4000;

export interface StandInCall {
  callSid: string;
  status: 'in-progress' | 'completed';
  /** Where the call lives (`us1`, `ie1`, `au1`); only `us1` calls can be reached through this host. */
  region: string;
  from: string;
  to: string;
  /** TwiML installed by REST updates, oldest first (e.g. a `<Dial>` for a transfer). */
  twimlUpdates: string[];
  /** `Url=` updates, oldest first. */
  redirects: string[];
  /** Recordings started over REST, oldest first. */
  recordings: StandInRecording[];
  attached: SimCall | undefined;
  startedAt: Date;
}

export interface CallOptions {
  /** Default `us1`. A call in another region answers 404 / 20404 here while it is live. */
  region?: string;
  /** Default `+15005550006` (Twilio's magic test number). */
  from?: string;
  /** The Twilio number that was called; default `+15005550001`. */
  to?: string;
}

export function newCall(callSid: string, options: CallOptions, now: Date): StandInCall {
  return {
    callSid,
    status: 'in-progress',
    region: (options.region ?? HOST_REGION).toLowerCase(),
    from: options.from ?? '+15005550006',
    to: options.to ?? '+15005550001',
    twimlUpdates: [],
    redirects: [],
    recordings: [],
    attached: undefined,
    startedAt: now,
  };
}

/** The call a request names, if this host can see it: unknown and other-region calls are 404 / 20404. */
export function reachableCall(call: StandInCall | undefined, path: string): StandInCall | Answer {
  return call && call.region === HOST_REGION ? call : notFound(path);
}

/** Applies a call update; answers an error, or undefined when it was applied. */
export function updateCall(call: StandInCall, params: Record<string, string>): Answer | undefined {
  if (call.status !== 'in-progress') return twilioError(400, 21220, 'Call is not in-progress. Cannot redirect.');
  if (params.Twiml !== undefined && params.Twiml.length > MAX_TWIML_CHARS) {
    return twilioError(400, 32018, `Twiml is ${params.Twiml.length} characters long; the maximum is ${MAX_TWIML_CHARS}`);
  }
  if (params.Status === 'completed') {
    call.status = 'completed';
    void call.attached?.endByTwilio();
  } else if (params.Status !== undefined && params.Status !== 'canceled') {
    return twilioError(400, 20001, `Invalid Status: ${params.Status}`);
  } else if (params.Twiml !== undefined) {
    call.twimlUpdates.push(params.Twiml);
    void call.attached?.endByTwilio();
  } else if (params.Url !== undefined) {
    call.redirects.push(params.Url);
    void call.attached?.endByTwilio();
  }
  return undefined;
}

export function callResource(call: StandInCall, accountSid: string, clock: Clock): Answer {
  const base = `/2010-04-01/Accounts/${accountSid}/Calls/${call.callSid}`;
  const body = {
    sid: call.callSid,
    date_created: rfc2822(call.startedAt),
    date_updated: rfc2822(clock.wallNow()),
    parent_call_sid: null,
    account_sid: accountSid,
    to: call.to,
    to_formatted: call.to,
    from: call.from,
    from_formatted: call.from,
    phone_number_sid: null,
    status: call.status,
    start_time: rfc2822(call.startedAt),
    end_time: call.status === 'completed' ? rfc2822(clock.wallNow()) : null,
    duration: call.status === 'completed' ? String(Math.round((clock.wallNow().getTime() - call.startedAt.getTime()) / 1000)) : null,
    price: null,
    price_unit: 'USD',
    direction: 'inbound',
    answered_by: null,
    api_version: '2010-04-01',
    forwarded_from: null,
    group_sid: null,
    caller_name: null,
    queue_time: '0',
    trunk_sid: null,
    stir_verstat: null,
    uri: `${base}.json`,
    subresource_uris: { recordings: `${base}/Recordings.json`, streams: `${base}/Streams.json` },
  } satisfies CallWire;
  return { status: 200, body };
}
