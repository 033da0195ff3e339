import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { TwilioHandshakeError } from '../../sim/twilio-caller.js';
import { startHarness, type Harness } from '../helpers/bridge-harness.js';
import { BEARER, CONSOLE_TOKEN, EventReader, postJson, startBrowserCall, startConsoleHarness } from '../helpers/console.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${h!.httpUrl}${path}`, { headers });
const signIn = (body: string, contentType = 'text/plain', headers: Record<string, string> = {}) =>
  fetch(`${h!.httpUrl}/console/session`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
const cookieOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0]!;

describe('the console without CONSOLE_TOKEN', () => {
  it('does not exist: /console/* is 404 and an upgrade on /ws/browser is refused before any model session', async () => {
    h = await startHarness();
    expect((await get('/console/calls', BEARER)).status).toBe(404);
    expect((await get('/console')).status).toBe(404);
    expect((await get('/console/events', BEARER)).status).toBe(404);
    const refused = await startBrowserCall(h).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(TwilioHandshakeError);
    expect((refused as TwilioHandshakeError).statusCode).toBe(404);
    expect(h.model.sessions).toHaveLength(0);
  });

  it('closes the socket of a refused upgrade on an unknown path (left open, it would hold the server open)', async () => {
    h = await startHarness();
    const { port } = new URL(h.httpUrl);
    const socketClosed = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/ws/browser', agent: false, headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
      req.on('response', (res) => {
        res.resume();
        res.socket.on('close', () => resolve(res.statusCode!));
      });
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
    expect(socketClosed).toBe(404);
  });
});

describe('console auth', () => {
  it('serves the page and its scripts without auth, and no secret in them', async () => {
    h = await startConsoleHarness();
    const page = await get('/console');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('/console/console.js');
    expect(html).not.toContain(CONSOLE_TOKEN);
    for (const script of ['console.js', 'browser-call.js', 'audio-worklet.js', 'audio-dsp.js']) {
      const res = await get(`/console/${script}`);
      expect(res.status, script).toBe(200);
      expect(res.headers.get('content-type'), script).toMatch(/^text\/javascript/);
      expect(await res.text(), script).not.toContain(CONSOLE_TOKEN);
    }
  });

  it('answers 401 without the token, with a wrong one or a malformed header; 200 with the bearer token', async () => {
    h = await startConsoleHarness();
    const noAuth = await get('/console/calls');
    expect(noAuth.status).toBe(401);
    expect(noAuth.headers.get('www-authenticate')).toBe('Bearer');
    expect((await get('/console/calls', { authorization: 'Bearer not-the-console-token' })).status).toBe(401);
    expect((await get('/console/calls', { authorization: CONSOLE_TOKEN })).status).toBe(401);
    expect((await get('/console/calls', { authorization: `Basic ${CONSOLE_TOKEN}` })).status).toBe(401);
    const ok = await get('/console/calls', BEARER);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual([]);
  });

  it('guards every data route and the browser stream', async () => {
    h = await startConsoleHarness();
    const events = await EventReader.open(h, {});
    expect(events.response.status).toBe(401);
    expect((await postJson(h, '/console/calls/CA1/whisper', { text: 'hi' }, {})).status).toBe(401);
    expect((await postJson(h, '/console/calls/CA1/take-over', {}, {})).status).toBe(401);
    const refused = await startBrowserCall(h, { headers: { authorization: 'Bearer wrong-token-wrong-token' } }).catch((err: unknown) => err);
    expect((refused as TwilioHandshakeError).statusCode).toBe(401);
    const noHeader = await startBrowserCall(h, { headers: {} }).catch((err: unknown) => err);
    expect((noHeader as TwilioHandshakeError).statusCode).toBe(401);
    expect(h.model.sessions).toHaveLength(0);
  });

  it('POST /console/session: the token (text or JSON) sets an HttpOnly, SameSite=Strict cookie that opens the data routes', async () => {
    h = await startConsoleHarness();
    const wrong = await signIn('not-the-console-token');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect((await signIn('')).status).toBe(401);
    expect((await signIn(JSON.stringify({ nope: CONSOLE_TOKEN }), 'application/json')).status).toBe(401);

    const ok = await signIn(CONSOLE_TOKEN);
    expect(ok.status).toBe(204);
    const setCookie = ok.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^console_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toContain(CONSOLE_TOKEN);
    const cookie = cookieOf(ok);
    expect((await get('/console/calls', { cookie })).status).toBe(200);
    expect(cookieOf(await signIn(JSON.stringify({ token: CONSOLE_TOKEN }), 'application/json'))).toBe(cookie);

    const events = await EventReader.open(h, { cookie });
    expect(events.response.status).toBe(200);
    events.close();
    const call = await startBrowserCall(h, { headers: { cookie } });
    await call.waitForAudio(20, 8000);
    await call.hangUp();
  });

  it('refuses a forged cookie (the token itself, or another value)', async () => {
    h = await startConsoleHarness();
    expect((await get('/console/calls', { cookie: `console_session=${CONSOLE_TOKEN}` })).status).toBe(401);
    expect((await get('/console/calls', { cookie: 'console_session=abc' })).status).toBe(401);
  });

  it('marks the cookie Secure when the page was reached over https (directly configured or through a TLS proxy)', async () => {
    h = await startConsoleHarness();
    expect((await signIn(CONSOLE_TOKEN, 'text/plain', { 'x-forwarded-proto': 'https' })).headers.get('set-cookie')).toMatch(/; Secure/);
    expect((await signIn(CONSOLE_TOKEN)).headers.get('set-cookie')).not.toMatch(/Secure/);
    await h.close();
    h = await startConsoleHarness({ config: { PUBLIC_URL: 'https://bridge.example.com' } });
    expect((await signIn(CONSOLE_TOKEN)).headers.get('set-cookie')).toMatch(/; Secure/);
  });
});
