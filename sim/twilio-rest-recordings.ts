/**
 * The call Recording resource of the REST stand-in: `POST …/Calls/{CallSid}/Recordings.json` (Twilio's "Create a
 * Recording resource" for a live call). Takes exactly the parameters of the `twilio` package's
 * `RecordingListInstanceCreateOptions`, with the values their docs list; anything else is refused (400 / 20001).
 * A call that is no longer in progress cannot be recorded (400 / 21220). Answers 201 with the Recording resource
 * (`RE…`, status `in-progress`, source `StartCallRecordingAPI`).
 */
import type { Clock } from '../src/clock.js';
import { fakeSid } from './twilio-inbound.js';
import { rfc2822, twilioError, unknownParameter, type Answer, type RecordingWire } from './twilio-rest-answers.js';
import type { StandInCall } from './twilio-rest-calls.js';

export interface StandInRecording {
  sid: string;
  channels: 'mono' | 'dual';
  track: 'inbound' | 'outbound' | 'both';
  trim: 'trim-silence' | 'do-not-trim';
  statusCallback: string | undefined;
  statusCallbackEvents: string[];
  createdAt: Date;
}

const ALLOWED: Record<string, readonly string[] | 'url' | 'any'> = {
  RecordingStatusCallbackEvent: ['in-progress', 'completed', 'absent'],
  RecordingStatusCallback: 'url',
  RecordingStatusCallbackMethod: ['GET', 'POST'],
  Trim: ['trim-silence', 'do-not-trim'],
  RecordingChannels: ['mono', 'dual'],
  RecordingTrack: ['inbound', 'outbound', 'both'],
  RecordingConfigurationId: 'any',
};

/** Form values by name; a repeated name (the package sends `RecordingStatusCallbackEvent` once per event) keeps all. */
function refusal(form: URLSearchParams): Answer | undefined {
  const unknown = unknownParameter(form.keys(), new Set(Object.keys(ALLOWED)));
  if (unknown) return unknown;
  for (const [name, value] of form) {
    const allowed = ALLOWED[name]!;
    if (allowed === 'url' && !/^https?:\/\/\S+$/.test(value)) return twilioError(400, 20001, `Invalid ${name}: ${value} is not an http(s) URL`);
    if (Array.isArray(allowed)) {
      // Twilio's docs also allow several events in one value, separated by spaces.
      const bad = value.split(' ').find((v) => !allowed.includes(v));
      if (bad !== undefined) return twilioError(400, 20001, `Invalid ${name}: ${bad}. Allowed values: ${allowed.join(', ')}`);
    }
  }
  return undefined;
}

export function createRecording(call: StandInCall, form: URLSearchParams, accountSid: string, clock: Clock): Answer {
  if (call.status !== 'in-progress') return twilioError(400, 21220, 'Call is not in-progress. Cannot create a recording.');
  const refused = refusal(form);
  if (refused) return refused;
  const now = clock.wallNow();
  const recording: StandInRecording = {
    sid: fakeSid('RE'),
    channels: (form.get('RecordingChannels') ?? 'mono') as StandInRecording['channels'],
    track: (form.get('RecordingTrack') ?? 'both') as StandInRecording['track'],
    trim: (form.get('Trim') ?? 'do-not-trim') as StandInRecording['trim'],
    statusCallback: form.get('RecordingStatusCallback') ?? undefined,
    statusCallbackEvents: form.getAll('RecordingStatusCallbackEvent').flatMap((v) => v.split(' ')),
    createdAt: now,
  };
  call.recordings.push(recording);
  const body = {
    account_sid: accountSid,
    api_version: '2010-04-01',
    call_sid: call.callSid,
    conference_sid: null,
    date_created: rfc2822(now),
    date_updated: rfc2822(now),
    start_time: rfc2822(now),
    duration: null,
    sid: recording.sid,
    price: null,
    uri: `/2010-04-01/Accounts/${accountSid}/Calls/${call.callSid}/Recordings/${recording.sid}.json`,
    encryption_details: null,
    price_unit: 'USD',
    status: 'in-progress',
    channels: recording.channels === 'dual' ? 2 : 1,
    source: 'StartCallRecordingAPI',
    error_code: null,
    track: recording.track,
  } satisfies RecordingWire;
  return { status: 201, body };
}
