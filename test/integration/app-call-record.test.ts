import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppClient } from '../../src/main-app/app-client.js';
import { createCallRecordSender } from '../../src/main-app/call-record-sender.js';
import type { CallRecordBody } from '../../src/main-app/call-record.js';
import { Outbox } from '../../src/main-app/outbox.js';
import { systemClock } from '../../src/clock.js';
import { createLogger } from '../../src/logger.js';
import { loadContractExample, startMainApp, type MainAppOptions } from '../../sim/main-app.js';

const logger = createLogger('silent');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const record = () => structuredClone(loadContractExample('call-record.example.json')) as CallRecordBody;

async function setup(options: MainAppOptions = {}) {
  const app = await startMainApp(options);
  cleanups.push(() => app.close());
  const client = createAppClient({ baseUrl: app.url, apiKey: options.apiKey, logger, callRecordTimeoutMs: 500 });
  cleanups.push(() => client.close());
  return { app, client };
}

async function post(url: string, body: unknown, key: string) {
  const res = await request(`${url}/api/realtime/call-record`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body) });
  return { status: res.statusCode, json: (await res.body.json()) as unknown };
}

describe('postCallRecord against the main-app stand-in', () => {
  it('stores the contract example once with both headers; a repeat is a duplicate success (409)', async () => {
    const { app, client } = await setup({ apiKey: 'k' });
    expect(await client.postCallRecord(record())).toEqual({ kind: 'stored', duplicate: false });
    expect(await client.postCallRecord(record())).toEqual({ kind: 'stored', duplicate: true });
    expect(app.callRecords()).toEqual([{ idempotencyKey: record().idempotencyKey, body: record() }]);
    expect(app.callRecordRequests()).toEqual([
      { idempotencyKey: record().idempotencyKey, authorization: 'Bearer k', status: 201 },
      { idempotencyKey: record().idempotencyKey, authorization: 'Bearer k', status: 409 },
    ]);
  });

  it('classifies the app’s faults: 503 and a dropped connection retry, 404 not taken, 422 refused', async () => {
    const { app, client } = await setup();
    app.failNextCallRecords(1, '503');
    app.failNextCallRecords(1, 'drop');
    app.failNextCallRecords(1, '404');
    app.failNextCallRecords(1, { refuse: 'unknown call' });
    expect(await client.postCallRecord(record())).toEqual({ kind: 'retryable', reason: 'HTTP 503' });
    expect(await client.postCallRecord(record())).toMatchObject({ kind: 'retryable', reason: expect.stringContaining('connection error') });
    expect(await client.postCallRecord(record())).toEqual({ kind: 'not-taken' });
    expect(await client.postCallRecord(record())).toEqual({ kind: 'refused', reason: 'unknown call' });
    expect(app.callRecords()).toEqual([]);
  });

  it('a hanging app is a retryable timeout; an app without the route answers 404 to everything', async () => {
    const { app, client } = await setup();
    app.failNextCallRecords(1, 'hang');
    expect(await client.postCallRecord(record())).toEqual({ kind: 'retryable', reason: 'timed out after 500 ms' });
    const { client: other } = await setup({ callRecordRoute: false });
    expect(await other.postCallRecord(record())).toEqual({ kind: 'not-taken' });
  });
});

describe('call records through the outbox, against the stand-in', () => {
  it('a record is delivered exactly once while the app fails for a while, and nothing stays on disk', async () => {
    const { app, client } = await setup();
    const dir = await mkdtemp(join(tmpdir(), 'records-it-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const sender = createCallRecordSender({ client, outbox: new Outbox(dir, logger), clock: systemClock, logger, retry: { maxAttempts: Infinity, baseDelayMs: 5, maxDelayMs: 20 } });
    cleanups.push(() => sender.stop());
    await sender.start();
    app.failNextCallRecords(2, '503');
    app.failNextCallRecords(1, 'accept-then-drop');
    expect(await sender.send(record())).toBe('stored');
    await expect.poll(() => sender.pendingCount()).toBe(0);
    expect(app.callRecordRequests().map((r) => r.status)).toEqual([503, 503, 'dropped', 409]);
    expect(app.callRecords()).toHaveLength(1);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('main-app stand-in: call-record route', () => {
  it('checks the body strictly against the contract and the Idempotency-Key against the body', async () => {
    const { app } = await setup();
    const { transcript: _t, ...noTranscript } = record();
    expect(await post(app.url, noTranscript, record().idempotencyKey)).toEqual({ status: 400, json: { error: 'transcript: Invalid input: expected array, received undefined' } });
    expect(await post(app.url, record(), 'other')).toEqual({ status: 400, json: { error: 'Idempotency-Key header must equal body.idempotencyKey' } });
    expect(app.callRecords()).toEqual([]);
  });

  it('waitForCallRecords resolves once the record is stored', async () => {
    const { app } = await setup();
    const waiting = app.waitForCallRecords(1);
    await post(app.url, record(), record().idempotencyKey);
    expect((await waiting).map((r) => r.idempotencyKey)).toEqual([record().idempotencyKey]);
  });

  it('serves the contract’s full example org next to the minimal one', async () => {
    const { app } = await setup();
    const res = await request(`${app.url}/api/realtime/org-config?orgId=org_bella`);
    expect(await res.body.json()).toEqual(loadContractExample('org-config.full.example.json'));
  });
});
