import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { startTwilioRestServer, type TwilioRestStandIn } from '../../sim/twilio-rest.js';

const ACCOUNT = 'AC' + 'a'.repeat(32);
const CALL = 'CA' + 'b'.repeat(32);
const TOKEN = 'test_auth_token';
const ACCOUNT_PATH = `/2010-04-01/Accounts/${ACCOUNT}`;

let rest: TwilioRestStandIn;

beforeEach(async () => {
  rest = await startTwilioRestServer({ accountSid: ACCOUNT, authToken: TOKEN, clock: new ManualClock(new Date('2026-12-03T18:30:00Z')) });
});

afterEach(async () => {
  await rest.close();
});

/** A form POST as the `twilio` package sends it: repeated names for list parameters, Basic auth. */
async function submit(path: string, fields: Array<[string, string]>, token = TOKEN) {
  const res = await fetch(rest.baseUrl + ACCOUNT_PATH + path, {
    method: 'POST',
    headers: {
      authorization: 'Basic ' + Buffer.from(`${ACCOUNT}:${token}`).toString('base64'),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(fields),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const sms = (fields: Record<string, string>, token?: string) => submit('/Messages.json', Object.entries(fields), token);
const record = (fields: Array<[string, string]>, callSid = CALL) => submit(`/Calls/${callSid}/Recordings.json`, fields);

describe('Twilio REST stand-in: calls in other regions', () => {
  it('cannot reach a live IE1 call through the US1 host (404 / 20404), for updates and recordings alike', async () => {
    const call = rest.addCall(CALL, { region: 'ie1' });
    expect((await submit(`/Calls/${CALL}.json`, [['Status', 'completed']])).body.code).toBe(20404);
    expect((await record([])).body.code).toBe(20404);
    expect(call.status).toBe('in-progress');
  });

  it('answers a live US1 call with the full Call resource the twilio package reads', async () => {
    rest.addCall(CALL, { from: '+15551230001', to: '+15559870002' });
    const { status, body } = await submit(`/Calls/${CALL}.json`, [['Url', 'https://example.com/transfer']]);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      sid: CALL,
      account_sid: ACCOUNT,
      from: '+15551230001',
      to: '+15559870002',
      status: 'in-progress',
      date_created: 'Thu, 03 Dec 2026 18:30:00 +0000',
      uri: `${ACCOUNT_PATH}/Calls/${CALL}.json`,
      subresource_uris: { recordings: `${ACCOUNT_PATH}/Calls/${CALL}/Recordings.json` },
    });
    expect(rest.call(CALL)!.redirects).toEqual(['https://example.com/transfer']);
  });
});

describe('Twilio REST stand-in: Messages', () => {
  it('creates a message: 201 with an SM… Message resource, status queued', async () => {
    const { status, body } = await sms({ To: '+15551230001', From: '+15559870002', Body: 'Order 42 is ready at 7:15 pm.' });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      account_sid: ACCOUNT,
      to: '+15551230001',
      from: '+15559870002',
      body: 'Order 42 is ready at 7:15 pm.',
      status: 'queued',
      direction: 'outbound-api',
      num_segments: '1',
      num_media: '0',
      error_code: null,
      api_version: '2010-04-01',
    });
    expect(body.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(body.uri).toBe(`${ACCOUNT_PATH}/Messages/${body.sid as string}.json`);
    expect(rest.messages).toMatchObject([{ sid: body.sid, to: '+15551230001', body: 'Order 42 is ready at 7:15 pm.', segments: 1 }]);
    expect(rest.requests[0]).toMatchObject({ resource: 'message', status: 201, callSid: undefined });
  });

  it.each([
    [{ From: '+15559870002', Body: 'hi' }, 21604],
    [{ To: '+15551230001', Body: 'hi' }, 21603],
    [{ To: '+15551230001', From: '+15559870002' }, 21602],
    [{ To: '555-123-0001', From: '+15559870002', Body: 'hi' }, 21211],
    [{ To: '+15551230001', From: 'Luigis', Body: 'hi' }, 21212],
    [{ To: '+15551230001', From: '+15559870002', Body: 'x'.repeat(1601) }, 21617],
    [{ To: 'anonymous', From: '+15559870002', Body: 'hi' }, 21211],
    [{ To: '+15559870002', From: '+15559870002', Body: 'hi' }, 21266],
    [{ To: '+15551230001', From: '+15559870002', Body: 'hi', Message: 'hi' }, 20001],
  ])('refuses %j with 400 / %i and sends nothing', async (fields, code) => {
    const { status, body } = await sms(fields);
    expect(status).toBe(400);
    expect(body).toMatchObject({ code, status: 400, more_info: `https://www.twilio.com/docs/errors/${code}` });
    expect(rest.messages).toEqual([]);
  });

  it('counts segments: 160 GSM-7 characters fit in one, 161 take two, non-GSM text splits at 70', async () => {
    const segments = async (text: string) => (await sms({ To: '+15551230001', From: '+15559870002', Body: text })).body.num_segments;
    expect(await segments('a'.repeat(160))).toBe('1');
    expect(await segments('a'.repeat(161))).toBe('2');
    expect(await segments('ü'.repeat(160))).toBe('1');
    expect(await segments('日'.repeat(71))).toBe('2');
  });

  it('accepts 1600 characters, refuses a From outside the account\'s numbers when they are known, and needs auth', async () => {
    expect((await sms({ To: '+15551230001', From: '+15559870002', Body: 'x'.repeat(1600) })).status).toBe(201);
    await rest.close();
    rest = await startTwilioRestServer({ accountSid: ACCOUNT, authToken: TOKEN, phoneNumbers: ['+15559870002'] });
    expect((await sms({ To: '+15551230001', From: '+15550000000', Body: 'hi' })).body.code).toBe(21606);
    expect((await sms({ To: '+15551230001', From: '+15559870002', Body: 'hi' })).status).toBe(201);
    expect((await sms({ To: '+15551230001', From: '+15559870002', Body: 'hi' }, 'wrong')).body.code).toBe(20003);
  });
});

describe('Twilio REST stand-in: who can be texted', () => {
  it('refuses a landline (21614) and a recipient who replied STOP (21610), and sends nothing', async () => {
    await rest.close();
    rest = await startTwilioRestServer({ accountSid: ACCOUNT, authToken: TOKEN, landlines: ['+15551230003'], unsubscribed: ['+15551230004'] });
    expect((await sms({ To: '+15551230003', From: '+15559870002', Body: 'hi' })).body).toMatchObject({ code: 21614, status: 400 });
    expect((await sms({ To: '+15551230004', From: '+15559870002', Body: 'hi' })).body).toMatchObject({ code: 21610, status: 400 });
    expect(rest.messages).toEqual([]);
  });

  it('tells onMessage about each message it accepted, as it accepts it', async () => {
    await rest.close();
    const told: string[] = [];
    rest = await startTwilioRestServer({ accountSid: ACCOUNT, authToken: TOKEN, onMessage: (m) => told.push(`${m.to} ${m.body}`) });
    await sms({ To: '+15551230001', From: '+15559870002', Body: 'first' });
    await sms({ To: '+15551230001', From: '+15559870002' });
    expect(told).toEqual(['+15551230001 first']);
  });
});

describe('Twilio REST stand-in: listing Messages', () => {
  async function list(query: string, token = TOKEN) {
    const res = await fetch(`${rest.baseUrl}${ACCOUNT_PATH}/Messages.json?${query}`, {
      headers: { authorization: 'Basic ' + Buffer.from(`${ACCOUNT}:${token}`).toString('base64') },
    });
    return { status: res.status, body: (await res.json()) as { messages?: Array<Record<string, unknown>>; code?: number; page_size?: number; next_page_uri?: unknown } };
  }

  it('lists the messages between two numbers, newest first, one page as the twilio package reads it', async () => {
    await sms({ To: '+15551230001', From: '+15559870002', Body: 'one' });
    await sms({ To: '+15551230009', From: '+15559870002', Body: 'elsewhere' });
    await sms({ To: '+15551230001', From: '+15559870002', Body: 'two' });
    const { status, body } = await list('To=%2B15551230001&From=%2B15559870002&PageSize=20');
    expect(status).toBe(200);
    expect(body.messages!.map((m) => m.body)).toEqual(['two', 'one']);
    expect(body.messages![0]).toMatchObject({ to: '+15551230001', from: '+15559870002', status: 'queued', direction: 'outbound-api' });
    expect(body).toMatchObject({ page_size: 20, next_page_uri: null, page: 0 });
    expect(rest.requests.at(-1)).toMatchObject({ method: 'GET', resource: 'message', status: 200, params: { To: '+15551230001', PageSize: '20' } });
  });

  it('needs auth, and refuses an unknown filter or a page size over 1000 (400 / 20001)', async () => {
    expect((await list('To=%2B15551230001', 'wrong')).body.code).toBe(20003);
    expect((await list('Body=one')).body.code).toBe(20001);
    expect((await list('PageSize=1001')).body.code).toBe(20001);
  });
});

describe('Twilio REST stand-in: faults after the work is done', () => {
  it('with handled, creates the message and still answers the fault', async () => {
    rest.failNext(1, { status: 500, handled: true });
    expect((await sms({ To: '+15551230001', From: '+15559870002', Body: 'hi' })).status).toBe(500);
    expect(rest.messages).toHaveLength(1);
    rest.failNext(1, { status: 500 });
    expect((await sms({ To: '+15551230001', From: '+15559870002', Body: 'hi' })).status).toBe(500);
    expect(rest.messages).toHaveLength(1);
  });
});

describe('Twilio REST stand-in: call Recordings', () => {
  it('starts a dual-channel recording of a live call: 201 with an RE… Recording resource', async () => {
    const call = rest.addCall(CALL);
    const { status, body } = await record([
      ['RecordingChannels', 'dual'],
      ['RecordingTrack', 'both'],
      ['RecordingStatusCallback', 'https://bridge.example.com/recording-status'],
      ['RecordingStatusCallbackEvent', 'in-progress'],
      ['RecordingStatusCallbackEvent', 'completed'],
    ]);
    expect(status).toBe(201);
    expect(body).toMatchObject({ call_sid: CALL, account_sid: ACCOUNT, status: 'in-progress', channels: 2, track: 'both', source: 'StartCallRecordingAPI' });
    expect(body.sid).toMatch(/^RE[0-9a-f]{32}$/);
    expect(call.recordings).toMatchObject([{ sid: body.sid, channels: 'dual', statusCallbackEvents: ['in-progress', 'completed'] }]);
    expect(rest.requests[0]).toMatchObject({ resource: 'recording', callSid: CALL });
  });

  it('defaults to mono, both tracks', async () => {
    rest.addCall(CALL);
    expect((await record([])).body).toMatchObject({ channels: 1, track: 'both' });
  });

  it('refuses unknown parameters and values outside RecordingListInstanceCreateOptions (400 / 20001)', async () => {
    const call = rest.addCall(CALL);
    expect((await record([['RecordingChannels', 'stereo']])).body).toMatchObject({ code: 20001, status: 400 });
    expect((await record([['Record', 'true']])).body).toMatchObject({ code: 20001, message: 'Unknown parameter: Record' });
    expect((await record([['RecordingStatusCallbackEvent', 'in-progress ringing']])).body.code).toBe(20001);
    expect(call.recordings).toEqual([]);
  });

  it('cannot record a call that has ended (400 / 21220) or one it does not know (404 / 20404)', async () => {
    rest.addCall(CALL).status = 'completed';
    expect((await record([])).body).toMatchObject({ code: 21220, status: 400 });
    expect((await record([], 'CA' + 'c'.repeat(32))).body.code).toBe(20404);
  });

  it('fails requests on every route with failNext', async () => {
    rest.addCall(CALL);
    rest.failNext(2, { status: 503 });
    expect((await record([])).status).toBe(503);
    expect((await sms({ To: '+15551230001', From: '+15559870002', Body: 'hi' })).status).toBe(503);
    expect((await record([])).status).toBe(201);
    expect(rest.requests.map((r) => [r.resource, r.status])).toEqual([
      ['recording', 503],
      ['message', 503],
      ['recording', 201],
    ]);
  });
});
