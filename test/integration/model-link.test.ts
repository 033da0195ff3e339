import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { systemClock } from '../../src/clock.js';
import { createLogger } from '../../src/logger.js';
import { MAX_MODEL_BUFFERED_BYTES, ModelConnectError, openModelLink } from '../../src/realtime/model-link.js';
import { buildSessionUpdate } from '../../src/realtime/session-config.js';
import { startRealtimeSim, type RealtimeSim } from '../../sim/realtime-server.js';

const logger = createLogger('silent');
const update = buildSessionUpdate({ model: 'gpt-realtime-2.1', instructions: 'x', voice: 'marin', tools: [], transcription: { model: 'gpt-live-transcribe', languages: ['en'], keywords: [] } });
let closeAll: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closeAll) await c();
  closeAll = [];
});

async function sim(): Promise<RealtimeSim> {
  const s = await startRealtimeSim({ apiKey: 'sk-test' });
  closeAll.push(() => s.close());
  return s;
}

describe('openModelLink', () => {
  it('resolves only after session.updated confirms audio/pcmu both ways', async () => {
    const s = await sim();
    const link = await openModelLink({ url: s.url, model: 'gpt-realtime', apiKey: 'sk-test', sessionUpdate: update, clock: systemClock, logger });
    closeAll.push(() => link.close());
    const session = s.sessions[0]!;
    expect(session.sent.some((e) => e.type === 'session.updated')).toBe(true);
    expect(session.config.audio.input.format).toEqual({ type: 'audio/pcmu' });
    expect(link.interruptResponse).toBe(true);
  });

  it('rejects a bad key as a fatal handshake error', async () => {
    const s = await sim();
    const err = await openModelLink({ url: s.url, model: 'gpt-realtime', apiKey: 'sk-wrong', sessionUpdate: update, clock: systemClock, logger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelConnectError);
    expect(err).toMatchObject({ code: 'http_401', fatal: true });
  });

  it('rejects a session the model refuses, with its error code', async () => {
    const s = await sim();
    const bad = { type: 'session.update', session: { type: 'realtime', input_audio_format: 'g711_ulaw' } } as unknown as typeof update;
    const err = await openModelLink({ url: s.url, model: 'gpt-realtime', apiKey: 'sk-test', sessionUpdate: bad, clock: systemClock, logger }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unknown_parameter' });
  });

  it('fails the handshake on a text frame that is not UTF-8 (the socket leaves that check to the bridge)', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    closeAll.push(() => new Promise<void>((r) => wss.close(() => r())));
    wss.on('connection', (ws: WebSocket) => {
      ws.on('message', () => ws.send(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), { binary: false }));
    });
    await new Promise((r) => wss.once('listening', r));
    const { port } = wss.address() as AddressInfo;
    const err = await openModelLink({ url: `ws://127.0.0.1:${port}/v1/realtime`, model: 'm', apiKey: 'k', sessionUpdate: update, clock: systemClock, logger, timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelConnectError);
    expect(err).toMatchObject({ code: 'invalid_utf8', fatal: false });
  });

  it('drops instead of buffering without bound when the model stops reading', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    closeAll.push(
      () =>
        new Promise<void>((r) => {
          for (const c of wss.clients) c.terminate();
          wss.close(() => r());
        }),
    );
    wss.on('connection', (ws: WebSocket & { _socket?: { pause(): void } }) => {
      ws.on('message', () => {
        ws.send(JSON.stringify({ type: 'session.updated', session: { audio: { input: { format: { type: 'audio/pcmu' } }, output: { format: { type: 'audio/pcmu' } } } } }));
        ws._socket?.pause();
      });
    });
    await new Promise((r) => wss.once('listening', r));
    const { port } = wss.address() as AddressInfo;
    const link = await openModelLink({ url: `ws://127.0.0.1:${port}/v1/realtime`, model: 'm', apiKey: 'k', sessionUpdate: update, clock: systemClock, logger });
    closeAll.push(() => link.close());
    const chunk = 'A'.repeat(256 * 1024);
    let sent = 0;
    for (let i = 0; i < 200 && link.dropped === 0; i++) if (link.send(chunk)) sent++;
    expect(link.dropped).toBeGreaterThan(0);
    expect(sent).toBeLessThan(200);
    expect(link.bufferedAmount).toBeLessThanOrEqual(MAX_MODEL_BUFFERED_BYTES + chunk.length);
  });
});
