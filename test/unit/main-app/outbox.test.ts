import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../../src/main-app/outbox.js';
import { createLogger } from '../../../src/logger.js';
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

describe('Outbox', () => {
  it('stores one file per key and lists the orders back, oldest first', async () => {
    const outbox = new Outbox(dir, logger);
    await outbox.init();
    await outbox.put(bodyWithKey('CA1:order:2'), new Date('2026-11-24T18:01:00Z'));
    await outbox.put(bodyWithKey('CA1:order:1'), new Date('2026-11-24T18:00:00Z'));
    expect((await readdir(dir)).sort()).toEqual(['CA1%3Aorder%3A1.order.json', 'CA1%3Aorder%3A2.order.json']);
    const listed = await new Outbox(dir, logger).list();
    expect(listed.map((e) => e.key)).toEqual(['CA1:order:1', 'CA1:order:2']);
    expect(listed[0]!.body).toEqual(bodyWithKey('CA1:order:1'));
  });

  it('overwrites the same key in place and removes it when delivered', async () => {
    const outbox = new Outbox(dir, logger);
    await outbox.init();
    await outbox.put(bodyWithKey('K'), new Date());
    await outbox.put(bodyWithKey('K'), new Date());
    expect(await outbox.list()).toHaveLength(1);
    await outbox.remove('K');
    await outbox.remove('K');
    expect(await outbox.list()).toEqual([]);
  });

  it('keeps keys that would be unsafe file names inside the directory', async () => {
    const outbox = new Outbox(dir, logger);
    await outbox.init();
    await outbox.put(bodyWithKey('../../etc/passwd'), new Date());
    await outbox.put(bodyWithKey('..'), new Date());
    expect((await readdir(dir)).every((n) => !n.includes('/') && n.endsWith('.order.json') && !n.startsWith('..'))).toBe(true);
    expect((await outbox.list()).map((e) => e.key).sort()).toEqual(['..', '../../etc/passwd']);
  });

  it('on init removes temp files left by a crash mid-write', async () => {
    await writeFile(join(dir, 'K.order.json.abc123.tmp'), '{"half');
    await new Outbox(dir, logger).init();
    expect(await readdir(dir)).toEqual([]);
  });

  it('moves unreadable files to corrupt/ instead of failing or retrying them', async () => {
    const outbox = new Outbox(dir, logger);
    await outbox.init();
    await outbox.put(bodyWithKey('good'), new Date());
    await writeFile(join(dir, 'bad.order.json'), 'not json');
    const broken = { version: 1, key: 'x', queuedAt: '2026-11-24T18:00:00Z', body: { ...exampleSubmitBody(), idempotencyKey: 'x', subtotalCents: 1 } };
    await writeFile(join(dir, 'x.order.json'), JSON.stringify(broken));
    expect((await outbox.list()).map((e) => e.key)).toEqual(['good']);
    expect((await readdir(join(dir, 'corrupt'))).sort()).toEqual(['bad.order.json', 'x.order.json']);
  });

  it('moves a refused order to refused/ with the reason', async () => {
    const outbox = new Outbox(dir, logger);
    await outbox.init();
    await outbox.put(bodyWithKey('K'), new Date());
    await outbox.markRefused('K', 'closed');
    expect(await outbox.list()).toEqual([]);
    const record = JSON.parse(await readFile(join(dir, 'refused', 'K.order.json'), 'utf8'));
    expect(record).toMatchObject({ key: 'K', refusedReason: 'closed', body: { idempotencyKey: 'K' } });
  });
});
