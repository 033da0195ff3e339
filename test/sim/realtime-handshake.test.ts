import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startRealtimeSim, type RealtimeSim, type StartRealtimeSimOptions } from '../../sim/realtime-server.js';
import { connect, tryConnect, type RealtimeTestClient } from '../../sim/realtime-test-client.js';

const API_KEY = 'sk-test-handshake';
let sim: RealtimeSim | undefined;
const clients: RealtimeTestClient[] = [];

async function start(options: StartRealtimeSimOptions = {}): Promise<RealtimeSim> {
  sim = await startRealtimeSim({ apiKey: API_KEY, ...options });
  return sim;
}

async function open(options: Parameters<typeof connect>[1] = {}): Promise<RealtimeTestClient> {
  const client = await connect(sim!.url, { apiKey: API_KEY, ...options });
  clients.push(client);
  return client;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sim?.close();
  sim = undefined;
});

describe('realtime sim handshake', () => {
  it('listens on 127.0.0.1 at /v1/realtime', async () => {
    await start();
    expect(sim!.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/realtime$/);
  });

  it('answers 401 to a missing or wrong bearer key', async () => {
    await start();
    const missing = await tryConnect(sim!.url, {});
    const wrong = await tryConnect(sim!.url, { apiKey: 'sk-wrong' });
    expect(missing).toMatchObject({ status: 401 });
    expect(wrong).toMatchObject({ status: 401 });
    expect(JSON.parse((wrong as { body: string }).body).error.code).toBe('invalid_api_key');
    expect(sim!.sessions).toHaveLength(0);
    expect(sim!.refusedHandshakes).toBe(2);
  });

  it('answers 404 on a wrong path and 400 without ?model=', async () => {
    await start();
    expect(await tryConnect(sim!.url, { apiKey: API_KEY, path: '/v1/realtime/sessions' })).toMatchObject({ status: 404 });
    expect(await tryConnect(sim!.url, { apiKey: API_KEY, model: null })).toMatchObject({ status: 400 });
  });

  it('answers 403 for a model outside allowedModels', async () => {
    await start({ allowedModels: ['gpt-realtime'] });
    expect(await tryConnect(sim!.url, { apiKey: API_KEY, model: 'gpt-realtime-2' })).toMatchObject({ status: 403 });
    const ok = await tryConnect(sim!.url, { apiKey: API_KEY, model: 'gpt-realtime' });
    expect('client' in ok).toBe(true);
    if ('client' in ok) clients.push(ok.client);
  });

  it('accepts the browser subprotocol form of the key', async () => {
    await start();
    const url = `${sim!.url}?model=gpt-realtime`;
    const ws = new WebSocket(url, ['realtime', `openai-insecure-api-key.${API_KEY}`]);
    const first = await new Promise<{ type: string }>((resolve, reject) => {
      ws.once('message', (data) => resolve(JSON.parse(data.toString())));
      ws.once('error', reject);
    });
    expect(first.type).toBe('session.created');
    expect(ws.protocol).toBe('realtime');
    ws.close();
    await (await sim!.nextSession()).closed;
  });

  it('sends session.created first, with GA defaults', async () => {
    await start();
    const client = await open({ model: 'gpt-realtime-2' });
    const created = await client.waitFor('session.created');
    expect(client.events[0]).toBe(created);
    const session = created.session as Record<string, any>;
    expect(session).toMatchObject({
      type: 'realtime',
      object: 'realtime.session',
      model: 'gpt-realtime-2',
      output_modalities: ['audio'],
      audio: {
        input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: { type: 'server_vad', create_response: true, interrupt_response: true } },
        output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin' },
      },
    });
    expect(session.id).toMatch(/^sess_/);
    expect(session.expires_at).toBeGreaterThan(Date.now() / 1000);
    const simSession = await sim!.nextSession();
    expect(simSession.model).toBe('gpt-realtime-2');
    expect(simSession.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it('rejects an OpenAI-Beta handshake with beta_api_shape_disabled and close 4000', async () => {
    await start();
    const client = await open({ headers: { 'OpenAI-Beta': 'realtime=v1' } });
    const error = await client.waitFor('error');
    expect(error.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'beta_api_shape_disabled',
      message: 'The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.',
    });
    expect((await client.closed).code).toBe(4000);
    expect(client.types()).not.toContain('session.created');
  });

  it('rejects a beta transcription_session.update the same way', async () => {
    await start();
    const client = await open();
    await client.waitFor('session.created');
    client.send({ type: 'transcription_session.update', session: {} });
    expect((await client.waitFor('error')).error).toMatchObject({ code: 'beta_api_shape_disabled' });
    expect((await client.closed).code).toBe(4000);
  });

  it('refuses handshakes on demand and beyond maxConcurrentSessions', async () => {
    await start({ maxConcurrentSessions: 1 });
    await open();
    expect(await tryConnect(sim!.url, { apiKey: API_KEY })).toMatchObject({ status: 429 });
    await clients.pop()!.close();
    await sim!.sessions[0]!.closed;
    expect(sim!.openSessions).toBe(0);
    sim!.refuseHandshakes(503);
    expect(await tryConnect(sim!.url, { apiKey: API_KEY })).toMatchObject({ status: 503 });
    sim!.refuseHandshakes(null);
    await open();
    expect(sim!.peakOpenSessions).toBe(1);
    expect(sim!.sessions).toHaveLength(2);
  });

  it('hands out sessions in connection order with nextSession', async () => {
    await start();
    const pending = sim!.nextSession();
    await open();
    await open();
    const first = await pending;
    const second = await sim!.nextSession();
    expect([first.index, second.index]).toEqual([0, 1]);
    await expect(sim!.nextSession(50)).rejects.toThrow(/no new session/);
  });
});
