import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCallRecordSender, type CallRecordSender } from '../../../src/main-app/call-record-sender.js';
import type { CallRecordBody, CallRecordResult } from '../../../src/main-app/call-record.js';
import { Outbox } from '../../../src/main-app/outbox.js';
import { ManualClock } from '../../../src/clock.js';
import { createLogger } from '../../../src/logger.js';
import { driveUntil } from './drive-clock.js';
import { loadContractExample } from '../../../sim/main-app.js';

type Step = 'down' | 'accept-but-lose-reply' | 'not-taken' | 'refuse' | 'ok';

/** An idempotent fake app for call records whose next answers are scripted. */
class FakeApp {
  readonly stored = new Set<string>();
  readonly script: Step[] = [];
  calls = 0;
  postCallRecord = async (body: CallRecordBody): Promise<CallRecordResult> => {
    this.calls++;
    const step = this.script.shift() ?? 'ok';
    if (step === 'down') return { kind: 'retryable', reason: 'HTTP 503' };
    if (step === 'not-taken') return { kind: 'not-taken' };
    if (step === 'refuse') return { kind: 'refused', reason: 'unknown org' };
    if (this.stored.has(body.idempotencyKey)) return { kind: 'stored', duplicate: true };
    this.stored.add(body.idempotencyKey);
    return step === 'accept-but-lose-reply' ? { kind: 'retryable', reason: 'socket hang up' } : { kind: 'stored', duplicate: false };
  };
}

let dir: string;
let senders: CallRecordSender[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'records-'));
});
afterEach(async () => {
  senders.forEach((s) => s.stop());
  senders = [];
  await rm(dir, { recursive: true, force: true });
});

const record = (callSid = 'CA0123456789abcdef0123456789abcdef') =>
  ({ ...(loadContractExample('call-record.example.json') as CallRecordBody), callSid, idempotencyKey: `${callSid}:record` });
const files = async () => (await readdir(dir)).filter((n) => n.endsWith('.json'));

function makeSender(app: FakeApp, lines: string[] = []) {
  const clock = new ManualClock();
  const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
  const onSettled = vi.fn();
  const sender = createCallRecordSender({ client: app, outbox: new Outbox(dir, logger), clock, logger, random: () => 0.5, retry: { maxAttempts: Infinity, baseDelayMs: 1_000, maxDelayMs: 4_000 }, onSettled });
  senders.push(sender);
  return { sender, clock, onSettled };
}

describe('call-record sender', () => {
  it('stores the record before sending, and delivers it exactly once while the app fails for a while', async () => {
    const app = new FakeApp();
    app.script.push('down', 'down', 'accept-but-lose-reply');
    const { sender, clock, onSettled } = makeSender(app);
    await sender.start();
    expect(await sender.send(record())).toBe('stored');
    expect(await files()).toEqual(['CA0123456789abcdef0123456789abcdef%3Arecord.record.json']);
    await driveUntil(clock, () => sender.pendingCount() === 0, 500);
    expect(app.calls).toBe(4);
    expect(app.stored.size).toBe(1);
    expect(onSettled).toHaveBeenCalledWith(record().idempotencyKey, { kind: 'delivered', result: { kind: 'stored', duplicate: true } });
    expect(await files()).toEqual([]);
  });

  it('a record left by a stopped process is delivered by the next one, once', async () => {
    const app = new FakeApp();
    app.script.push('down');
    const first = makeSender(app);
    await first.sender.start();
    await first.sender.send(record());
    await vi.waitFor(() => expect(app.calls).toBe(1));
    first.sender.stop();
    const second = makeSender(app);
    expect(await second.sender.start()).toBe(1);
    await vi.waitFor(() => expect(second.sender.pendingCount()).toBe(0));
    expect(app.stored.size).toBe(1);
    expect(await files()).toEqual([]);
  });

  it('404: says once per process that the app does not take records, and keeps nothing', async () => {
    const app = new FakeApp();
    app.script.push('not-taken', 'not-taken');
    const lines: string[] = [];
    const { sender } = makeSender(app, lines);
    await sender.start();
    await sender.send(record('CA1'));
    await sender.send(record('CA2'));
    await vi.waitFor(() => expect(sender.pendingCount()).toBe(0));
    expect(lines.filter((l) => l.includes('does not take call records'))).toHaveLength(1);
    expect(await readdir(dir)).toEqual([]);
  });

  it('another refusal sets the record aside in refused/ with the reason', async () => {
    const app = new FakeApp();
    app.script.push('refuse');
    const { sender } = makeSender(app);
    await sender.start();
    await sender.send(record());
    await vi.waitFor(() => expect(sender.pendingCount()).toBe(0));
    expect(await files()).toEqual([]);
    const kept = JSON.parse(await readFile(join(dir, 'refused', 'CA0123456789abcdef0123456789abcdef%3Arecord.record.json'), 'utf8'));
    expect(kept).toMatchObject({ refusedReason: 'unknown org', body: record() });
  });

  it('when the disk fails the record is still delivered from memory', async () => {
    const app = new FakeApp();
    const { sender } = makeSender(app);
    await rm(dir, { recursive: true });
    expect(await sender.send(record())).toBe('in-memory');
    await vi.waitFor(() => expect(app.stored.size).toBe(1));
  });
});
