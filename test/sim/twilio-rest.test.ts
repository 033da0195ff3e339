import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBridgeProbe, type BridgeProbe } from '../../sim/twilio-bridge-probe.js';
import { startTwilioCall } from '../../sim/twilio-caller.js';
import { startTwilioRestServer, type TwilioRestStandIn } from '../../sim/twilio-rest.js';

const ACCOUNT = 'AC' + '0'.repeat(32);
const CALL = 'CA' + '0'.repeat(31) + '1';
const TOKEN = 'test_auth_token';

let rest: TwilioRestStandIn;

beforeEach(async () => {
  rest = await startTwilioRestServer({ accountSid: ACCOUNT, authToken: TOKEN });
});

afterEach(async () => {
  await rest.close();
});

function callPath(callSid = CALL, accountSid = ACCOUNT): string {
  return `/2010-04-01/Accounts/${accountSid}/Calls/${callSid}.json`;
}

async function post(form: Record<string, string>, opts: { callSid?: string; token?: string; accountSid?: string } = {}) {
  const res = await fetch(rest.baseUrl + callPath(opts.callSid, opts.accountSid), {
    method: 'POST',
    headers: {
      authorization: 'Basic ' + Buffer.from(`${ACCOUNT}:${opts.token ?? TOKEN}`).toString('base64'),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('Twilio REST stand-in', () => {
  it('hangs up an in-progress call and answers with the Call resource', async () => {
    rest.addCall(CALL);
    const { status, body } = await post({ Status: 'completed' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ sid: CALL, account_sid: ACCOUNT, status: 'completed', api_version: '2010-04-01' });
    expect(rest.call(CALL)!.status).toBe('completed');
  });

  it('refuses bad credentials with 401 / 20003 and changes nothing', async () => {
    rest.addCall(CALL);
    const { status, body } = await post({ Status: 'completed' }, { token: 'wrong' });
    expect(status).toBe(401);
    expect(body).toMatchObject({ code: 20003, status: 401 });
    expect(rest.call(CALL)!.status).toBe('in-progress');
    expect(rest.requests[0]).toMatchObject({ authorized: false, status: 401, twilioCode: 20003 });
  });

  it('refuses credentials for another account', async () => {
    rest.addCall(CALL);
    const other = 'AC' + '1'.repeat(32);
    const { status } = await post({ Status: 'completed' }, { accountSid: other });
    expect(status).toBe(401);
  });

  it('answers 404 with the exact 20404 body for an unknown call', async () => {
    const unknown = await post({ Status: 'completed' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      code: 20404,
      message: `The requested resource ${callPath()} was not found`,
      more_info: 'https://www.twilio.com/docs/errors/20404',
      status: 404,
    });
  });

  it('answers 400 / 21220 (not in progress) to any update of a call that already ended', async () => {
    rest.addCall(CALL);
    expect((await post({ Status: 'completed' })).status).toBe(200);
    const updates: Record<string, string>[] = [{ Status: 'completed' }, { Twiml: '<Response><Hangup/></Response>' }, { Url: 'https://example.com/next' }];
    for (const form of updates) {
      const again = await post(form);
      expect(again).toEqual({
        status: 400,
        body: { code: 21220, message: 'Call is not in-progress. Cannot redirect.', more_info: 'https://www.twilio.com/docs/errors/21220', status: 400 },
      });
    }
    expect(rest.call(CALL)!.twimlUpdates).toEqual([]);
  });

  it('rejects TwiML over 4000 characters with 400 / 32018 and accepts 4000', async () => {
    rest.addCall(CALL);
    const twiml = (len: number) => '<Response><Say>' + 'a'.repeat(len - 32) + '</Say></Response>';
    expect(twiml(4001)).toHaveLength(4001);

    const tooLong = await post({ Twiml: twiml(4001) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({ code: 32018, status: 400 });
    expect(rest.call(CALL)!.twimlUpdates).toEqual([]);

    const ok = await post({ Twiml: twiml(4000) });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('in-progress');
    expect(rest.call(CALL)!.twimlUpdates).toEqual([twiml(4000)]);
  });

  it('fails the next requests with 5xx when told to, then recovers', async () => {
    rest.addCall(CALL);
    rest.failNext(2, { status: 503 });
    expect((await post({ Status: 'completed' })).status).toBe(503);
    expect((await post({ Status: 'completed' })).status).toBe(503);
    expect((await post({ Status: 'completed' })).status).toBe(200);
    expect(rest.requests.map((r) => [r.seq, r.status, r.callSid, r.params.Status])).toEqual([
      [1, 503, CALL, 'completed'],
      [2, 503, CALL, 'completed'],
      [3, 200, CALL, 'completed'],
    ]);
  });
});

describe('Twilio REST stand-in with a live simulated call', () => {
  let probe: BridgeProbe;

  beforeEach(async () => {
    probe = await startBridgeProbe();
  });

  afterEach(async () => {
    await probe.close();
  });

  it('ends the media stream with stop and a close on Status=completed', async () => {
    const call = await startTwilioCall({ url: probe.url, accountSid: ACCOUNT, callSid: CALL });
    rest.attach(call);
    const conn = await probe.nextConnection();

    expect((await post({ Status: 'completed' })).status).toBe(200);
    const info = await call.closed;
    await conn.closed;

    expect(info.by).toBe('twilio');
    expect(conn.messages.at(-1)).toEqual({
      event: 'stop',
      sequenceNumber: expect.stringMatching(/^\d+$/),
      streamSid: call.streamSid,
      stop: { accountSid: ACCOUNT, callSid: CALL },
    });
  });

  it('ends the stream but keeps the call on a TwiML transfer, recording the new TwiML', async () => {
    const call = await startTwilioCall({ url: probe.url, accountSid: ACCOUNT, callSid: CALL });
    const record = rest.attach(call);
    const conn = await probe.nextConnection();
    const dial = '<Response><Say>Connecting you now.</Say><Dial timeout="20">+15551234567</Dial></Response>';

    expect((await post({ Twiml: dial })).status).toBe(200);
    await call.closed;
    await conn.closed;

    expect(conn.messages.at(-1)!.event).toBe('stop');
    expect(record.status).toBe('in-progress');
    expect(record.twimlUpdates).toEqual([dial]);
  });

  it('treats the call as over once the bridge closes the stream', async () => {
    const call = await startTwilioCall({ url: probe.url, accountSid: ACCOUNT, callSid: CALL });
    rest.attach(call);
    const conn = await probe.nextConnection();
    conn.close();
    await call.closed;
    const { status, body } = await post({ Status: 'completed' });
    expect(status).toBe(400);
    expect(body.code).toBe(21220);
  });
});
