import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createTwilioRestClient, TwilioRestError, type TwilioRestClientOptions } from '../../src/twilio/rest-client.js';
import { startTwilioRestServer, type TwilioRestStandIn } from '../../sim/twilio-rest.js';

const ACCOUNT = 'AC' + 'a'.repeat(32);
const CALL = 'CA' + 'b'.repeat(32);
const TOKEN = 'secret-auth-token-value';

let rest: TwilioRestStandIn;

beforeEach(async () => {
  rest = await startTwilioRestServer({ accountSid: ACCOUNT, authToken: TOKEN });
  rest.addCall(CALL);
});

afterEach(async () => {
  await rest.close();
});

function client(overrides: Partial<TwilioRestClientOptions> = {}) {
  return createTwilioRestClient({
    baseUrl: rest.baseUrl,
    accountSid: ACCOUNT,
    authToken: TOKEN,
    retryBaseDelayMs: 5,
    ...overrides,
  });
}

async function rejection(promise: Promise<unknown>): Promise<TwilioRestError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TwilioRestError);
  return err as TwilioRestError;
}

describe('Twilio REST client against the stand-in', () => {
  it('hangs up with Status=completed over HTTP Basic', async () => {
    expect(await client().hangUp(CALL)).toBe('completed');
    expect(rest.requests).toHaveLength(1);
    expect(rest.requests[0]).toMatchObject({ method: 'POST', callSid: CALL, params: { Status: 'completed' }, authorized: true });
    expect(rest.call(CALL)!.status).toBe('completed');
  });

  it('reports a call that already ended (400, 21220) as a result, not an error, without retrying', async () => {
    await client().hangUp(CALL);
    expect(await client().hangUp(CALL)).toBe('already-ended');
    expect(await client().updateTwiml(CALL, '<Response><Hangup/></Response>')).toBe('already-ended');
    expect(rest.requests.map((r) => [r.status, r.twilioCode])).toEqual([
      [200, undefined],
      [400, 21220],
      [400, 21220],
    ]);
  });

  it('tells an unknown call (404, 20404: another region, or never here) apart, without retrying', async () => {
    expect(await client().hangUp('CA' + 'c'.repeat(32))).toBe('unknown-call');
    rest.addCall('CA' + 'e'.repeat(32), { region: 'ie1' });
    expect(await client().updateTwiml('CA' + 'e'.repeat(32), '<Response><Hangup/></Response>')).toBe('unknown-call');
    expect(rest.requests.map((r) => r.status)).toEqual([404, 404]);
  });

  it('replaces the TwiML of a live call', async () => {
    const twiml = '<Response><Dial>+15551234567</Dial></Response>';
    expect(await client().updateTwiml(CALL, twiml)).toBe('updated');
    expect(rest.call(CALL)!.twimlUpdates).toEqual([twiml]);
    expect(rest.requests[0]!.params).toEqual({ Twiml: twiml });
  });

  it('retries 5xx answers with backoff and then succeeds', async () => {
    rest.failNext(2, { status: 503 });
    expect(await client({ retries: 2 }).hangUp(CALL)).toBe('completed');
    expect(rest.requests.map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('gives up after its retries with a retryable error naming the status', async () => {
    rest.failNext(5, { status: 500 });
    const err = await rejection(client({ retries: 2 }).hangUp(CALL));
    expect(err).toMatchObject({ httpStatus: 500, twilioCode: 20500, retryable: true });
    expect(rest.requests).toHaveLength(3);
    expect(rest.call(CALL)!.status).toBe('in-progress');
  });

  it('retries a request that gets no answer before the timeout', async () => {
    rest.failNext(1, { stall: true });
    expect(await client({ timeoutMs: 150 }).hangUp(CALL)).toBe('completed');
    expect(rest.requests.map((r) => r.status)).toEqual([0, 200]);
  });

  it('throws a typed error with code 20003 for bad credentials, without retrying', async () => {
    const err = await rejection(client({ authToken: 'wrong' }).hangUp(CALL));
    expect(err).toMatchObject({ httpStatus: 401, twilioCode: 20003, retryable: false });
    expect(err.message).toMatch(/HTTP 401, Twilio code 20003/);
    expect(rest.requests).toHaveLength(1);
  });

  it('refuses TwiML over 4000 characters (32018) without sending it', async () => {
    const err = await rejection(client().updateTwiml(CALL, '<Response>' + 'x'.repeat(4000) + '</Response>'));
    expect(err.twilioCode).toBe(32018);
    expect(rest.requests).toHaveLength(0);
  });

  it('refuses a CallSid that could change the request path', async () => {
    const err = await rejection(client().hangUp('../Calls/CA1'));
    expect(err.message).toMatch(/not a valid CallSid/);
    expect(rest.requests).toHaveLength(0);
  });

  it('logs retries and failures with the Twilio code but never the auth token', async () => {
    const lines: string[] = [];
    const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
    rest.failNext(1, { status: 502 });
    await client({ logger }).hangUp(CALL);
    await rejection(client({ logger, authToken: TOKEN + 'x' }).hangUp(CALL));

    const log = lines.join('');
    expect(log).toContain('"twilioCode":20502');
    expect(log).toContain('"twilioCode":20003');
    expect(log).toContain(CALL);
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain(Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64'));
  });
});

describe('Twilio REST client: messages against the stand-in', () => {
  const text = { to: '+15551230000', from: '+15005550006', body: "Luigi's Pizzeria: order 42 confirmed." };

  it('sends To, From and Body over HTTP Basic and answers the SM… sid, in one request', async () => {
    const result = await client().sendMessage(text);
    expect(result).toEqual({ kind: 'sent', sid: rest.messages[0]!.sid });
    expect(rest.messages).toMatchObject([{ to: text.to, from: text.from, body: text.body }]);
    expect(rest.requests).toMatchObject([{ method: 'POST', resource: 'message', authorized: true, params: { To: text.to, From: text.from, Body: text.body } }]);
  });

  it('a refusal (21610, the recipient replied STOP) comes back as such, in one request', async () => {
    await rest.close();
    rest = await startTwilioRestServer({ accountSid: ACCOUNT, authToken: TOKEN, unsubscribed: [text.to] });
    expect(await client().sendMessage(text)).toEqual({ kind: 'refused', httpStatus: 400, twilioCode: 21610 });
    expect(rest.requests).toHaveLength(1);
  });

  it('a 5xx is not retried by the client and says the text may have been sent', async () => {
    rest.failNext(1, { status: 500, handled: true });
    expect(await client({ retries: 2 }).sendMessage(text)).toMatchObject({ kind: 'retryable', maybeSent: true });
    expect(rest.requests).toHaveLength(1);
  });

  it('a lost answer may have sent the text; a refused connection cannot have', async () => {
    rest.failNext(1, { stall: true });
    expect(await client({ timeoutMs: 150 }).sendMessage(text)).toMatchObject({ kind: 'retryable', reason: 'timed out after 150 ms', maybeSent: true });
    const closed = rest.baseUrl;
    await rest.close();
    expect(await createTwilioRestClient({ baseUrl: closed, accountSid: ACCOUNT, authToken: TOKEN }).sendMessage(text)).toMatchObject({ kind: 'retryable', maybeSent: false });
    rest = await startTwilioRestServer({ accountSid: ACCOUNT, authToken: TOKEN });
  });

  it('finds a message Twilio created though its answer was lost, and only that one', async () => {
    rest.failNext(1, { status: 500, handled: true });
    await client().sendMessage(text);
    const found = await client().findMessage(text);
    expect(found).toEqual({ kind: 'found', sid: rest.messages[0]!.sid, status: 'queued' });
    expect(rest.requests.at(-1)).toMatchObject({ method: 'GET', params: { To: text.to, From: text.from, PageSize: '50' } });
    expect(await client().findMessage({ ...text, body: 'order 43' })).toEqual({ kind: 'absent' });
  });
});
