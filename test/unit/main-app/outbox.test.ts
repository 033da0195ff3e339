import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callRecordKind } from '../../../src/main-app/call-record-sender.js';
import type { CallRecordBody } from '../../../src/main-app/call-record.js';
import { orderKind } from '../../../src/main-app/order-submitter.js';
import { Outbox } from '../../../src/main-app/outbox.js';
import { createLogger } from '../../../src/logger.js';
import { loadContractExample } from '../../../sim/main-app.js';
import { exampleSubmitBody } from '../ordering/fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outbox-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const logger = createLogger('silent');
const bodyWithKey = (key: string) => ({ ...exampleSubmitBody(), idempotencyKey: key });
const entry = (key: string) => ({ key, body: bodyWithKey(key), queuedAt: '2026-11-24T18:00:00.000Z' });

describe('Outbox', () => {
  it('stores one file per key and lists the orders back, oldest first', async () => {
    const outbox = new Outbox(dir, logger);
    await outbox.init();
    await outbox.put(orderKind, bodyWithKey('CA1:order:2'), new Date('2026-11-24T18:01:00Z'));
    await outbox.put(orderKind, bodyWithKey('CA1:order:1'), new Date('2026-11-24T18:00:00Z'));
    expect((await readdir(dir)).sort()).toEqual(['CA1%3Aorder%3A1.order.json', 'CA1%3Aorder%3A2.order.json']);
    const listed = await new Outbox(dir, logger).list(orderKind);
    expect(listed.map((e) => e.key)).toEqual(['CA1:order:1', 'CA1:order:2']);
    expect(listed[0]!.body).toEqual(bodyWithKey('CA1:order:1'));
  });

  it('keeps several kinds side by side, each listed on its own', async () => {
    const outbox = new Outbox(dir, logger);
    await outbox.init();
    const record = loadContractExample('call-record.example.json') as CallRecordBody;
    await outbox.put(orderKind, exampleSubmitBody(), new Date());
    await outbox.put(callRecordKind, record, new Date());
    expect((await readdir(dir)).sort()).toEqual([
      'CA0123456789abcdef0123456789abcdef%3Aorder%3A1.order.json',
      'CA0123456789abcdef0123456789abcdef%3Arecord.record.json',
    ]);
    expect((await outbox.list(orderKind)).map((e) => e.key)).toEqual([exampleSubmitBody().idempotencyKey]);
    expect((await outbox.list(callRecordKind)).map((e) => e.body)).toEqual([record]);
  });

  it('overwrites the same key in place and removes it when delivered', async () => {
    const outbox = new Outbox(dir, logger);
    await outbox.init();
    await outbox.put(orderKind, bodyWithKey('K'), new Date());
    await outbox.put(orderKind, bodyWithKey('K'), new Date());
    expect(await outbox.list(orderKind)).toHaveLength(1);
    await outbox.remove(orderKind, 'K');
    await outbox.remove(orderKind, 'K');
    expect(await outbox.list(orderKind)).toEqual([]);
  });

  it('keeps keys that would be unsafe file names inside the directory', async () => {
    const outbox = new Outbox(dir, logger);
    await outbox.init();
    await outbox.put(orderKind, bodyWithKey('../../etc/passwd'), new Date());
    await outbox.put(orderKind, bodyWithKey('..'), new Date());
    expect((await readdir(dir)).every((n) => !n.includes('/') && n.endsWith('.order.json') && !n.startsWith('..'))).toBe(true);
    expect((await outbox.list(orderKind)).map((e) => e.key).sort()).toEqual(['..', '../../etc/passwd']);
  });

  it('on init removes temp files abandoned by a crash, but not one another process is writing right now', async () => {
    const now = Date.parse('2026-11-24T18:10:00Z');
    await writeFile(join(dir, 'K.order.json.4242-abc123.tmp'), '{"half');
    await utimes(join(dir, 'K.order.json.4242-abc123.tmp'), new Date(now - 10 * 60_000), new Date(now - 10 * 60_000));
    await writeFile(join(dir, 'L.order.json.777-def456.tmp'), '{"being written');
    await utimes(join(dir, 'L.order.json.777-def456.tmp'), new Date(now - 1_000), new Date(now - 1_000));
    await new Outbox(dir, logger, { now: () => now, staleTempMs: 5 * 60_000 }).init();
    expect(await readdir(dir)).toEqual(['L.order.json.777-def456.tmp']);
  });

  it('names its temp files after the writing process', async () => {
    const outbox = new Outbox(dir, logger);
    await outbox.init();
    // A directory in the way of the rename makes the write fail, and the error names the temp file.
    await mkdir(join(dir, 'K.order.json'));
    const error = await outbox.put(orderKind, bodyWithKey('K'), new Date()).catch((err: Error) => err);
    expect(String(error)).toContain(`K.order.json.${process.pid}-`);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('moves unreadable files to corrupt/ instead of failing or retrying them', async () => {
    const outbox = new Outbox(dir, logger);
    await outbox.init();
    await outbox.put(orderKind, bodyWithKey('good'), new Date());
    await writeFile(join(dir, 'bad.order.json'), 'not json');
    const broken = { version: 1, key: 'x', queuedAt: '2026-11-24T18:00:00Z', body: { ...exampleSubmitBody(), idempotencyKey: 'x', subtotalCents: 1 } };
    await writeFile(join(dir, 'x.order.json'), JSON.stringify(broken));
    expect((await outbox.list(orderKind)).map((e) => e.key)).toEqual(['good']);
    expect((await readdir(join(dir, 'corrupt'))).sort()).toEqual(['bad.order.json', 'x.order.json']);
  });

  it('sets a refused order aside in refused/ with the reason and the whole body', async () => {
    const outbox = new Outbox(dir, logger);
    await outbox.init();
    await outbox.put(orderKind, bodyWithKey('K'), new Date());
    expect(await outbox.setAside(orderKind, entry('K'), 'closed')).toBe('kept');
    expect(await outbox.list(orderKind)).toEqual([]);
    const record = JSON.parse(await readFile(join(dir, 'refused', 'K.order.json'), 'utf8'));
    expect(record).toMatchObject({ key: 'K', refusedReason: 'closed', body: bodyWithKey('K') });
  });

  it('never overwrites a kept refusal: a second process refused the same key later keeps the first record', async () => {
    const first = new Outbox(dir, logger);
    const second = new Outbox(dir, logger);
    await first.init();
    await first.put(orderKind, bodyWithKey('K'), new Date());
    expect(await first.setAside(orderKind, entry('K'), 'closed')).toBe('kept');
    const thinner = { key: 'K', body: { ...bodyWithKey('K'), notes: 'a different copy' }, queuedAt: '2026-11-24T18:05:00.000Z' };
    expect(await second.setAside(orderKind, thinner, 'gone')).toBe('already-kept');
    const record = JSON.parse(await readFile(join(dir, 'refused', 'K.order.json'), 'utf8'));
    expect(record).toMatchObject({ refusedReason: 'closed', queuedAt: '2026-11-24T18:00:00.000Z', body: bodyWithKey('K') });
    expect((await readdir(join(dir, 'refused'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
