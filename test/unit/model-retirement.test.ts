import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkModelRetirement, modelUrl } from '../../src/realtime/model-retirement.js';
import { createLogger } from '../../src/logger.js';
import { Writable } from 'node:stream';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A models endpoint answering from a table (a slow model never answers). */
async function modelsApi(models: Record<string, string | null | 'slow'>): Promise<string> {
  server = createServer((req, res) => {
    const id = decodeURIComponent(req.url!.split('/').pop()!);
    if (req.headers.authorization !== 'Bearer sk-test') return void res.writeHead(401).end();
    if (!(id in models)) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"model_not_found"}}');
    if (models[id] === 'slow') return;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id, object: 'model', created: 1, owned_by: 'system', shutdown_date: models[id] }));
  }).listen(0, '127.0.0.1');
  await new Promise((r) => server!.once('listening', r));
  return `ws://127.0.0.1:${(server!.address() as AddressInfo).port}/v1/realtime`;
}

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger('debug', new Writable({ write: (c: Buffer, _e, done) => (lines.push(...c.toString().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)), done()) }));
  return { logger, lines };
}

describe('model shutdown check at start-up', () => {
  it('builds the models URL on the Realtime host', () => {
    expect(modelUrl('wss://api.openai.com/v1/realtime', 'gpt-realtime-2.1')).toBe('https://api.openai.com/v1/models/gpt-realtime-2.1');
    expect(modelUrl('ws://127.0.0.1:9/v1/realtime', 'x')).toBe('http://127.0.0.1:9/v1/models/x');
  });

  it('warns loudly for a model shutting down within 60 days, says nothing for a current one, errors for a gone one', async () => {
    const url = await modelsApi({ 'gpt-realtime': '2027-01-20', 'gpt-realtime-2.1': null, 'gpt-4o-mini-transcribe': '2026-11-30' });
    const { logger, lines } = capture();
    const result = await checkModelRetirement({ realtimeUrl: url, apiKey: 'sk-test', models: ['gpt-realtime', 'gpt-realtime-2.1', 'gpt-4o-mini-transcribe', 'gone-model'], now: new Date('2026-12-03T12:00:00Z'), logger });
    expect(result).toEqual([
      { model: 'gpt-realtime', shutdownDate: '2027-01-20', daysLeft: 47 },
      { model: 'gpt-realtime-2.1', shutdownDate: null, daysLeft: null },
      { model: 'gpt-4o-mini-transcribe', shutdownDate: '2026-11-30', daysLeft: -4 },
      { model: 'gone-model', shutdownDate: 'unknown', daysLeft: 0 },
    ]);
    expect(lines.find((l) => String(l.msg).startsWith('MODEL SHUTDOWN SOON: gpt-realtime '))?.level).toBe(40);
    expect(lines.filter((l) => l.level === 50).map((l) => l.model)).toEqual(expect.arrayContaining(['gpt-4o-mini-transcribe', 'gone-model']));
    expect(lines.some((l) => l.model === 'gpt-realtime-2.1' && (l.level as number) >= 40)).toBe(false);
  });

  it('never throws nor waits past its timeout when the API is slow or unreachable', async () => {
    const url = await modelsApi({ 'gpt-realtime-2.1': 'slow' });
    const { logger } = capture();
    await expect(checkModelRetirement({ realtimeUrl: url, apiKey: 'sk-test', models: ['gpt-realtime-2.1'], now: new Date(), logger, timeoutMs: 200 })).resolves.toEqual([]);
    await expect(checkModelRetirement({ realtimeUrl: 'ws://127.0.0.1:1/v1/realtime', apiKey: 'sk-test', models: ['x'], now: new Date(), logger })).resolves.toEqual([]);
  });
});
