import { describe, expect, it } from 'vitest';
import type { OrgConfigResult } from '../../../src/main-app/app-client.js';
import { createOrgConfigCache } from '../../../src/main-app/org-config-cache.js';
import { ManualClock } from '../../../src/clock.js';
import { createLogger } from '../../../src/logger.js';
import { exampleOrg } from '../ordering/fixtures.js';

/** A fake app: each fetch waits until the test answers it. */
function fakeClient() {
  const calls: { orgId: string; answer: (r: OrgConfigResult) => void }[] = [];
  return {
    calls,
    client: {
      fetchOrgConfig: (orgId: string) => new Promise<OrgConfigResult>((answer) => calls.push({ orgId, answer })),
    },
  };
}

const v1 = exampleOrg();
const v2 = exampleOrg((raw) => (raw.name = 'Luigi’s v2'));
const ok = (config = v1): OrgConfigResult => ({ kind: 'ok', config });

function setup() {
  const clock = new ManualClock();
  const fake = fakeClient();
  const cache = createOrgConfigCache({ client: fake.client, clock, logger: createLogger('silent'), ttlMs: 60_000, staleWhileRevalidateMs: 600_000, notFoundTtlMs: 15_000 });
  return { clock, cache, ...fake };
}

describe('org config cache', () => {
  it('dedupes concurrent loads of one org into a single fetch', async () => {
    const { cache, calls } = setup();
    const a = cache.get('org_luigis');
    const b = cache.get('org_luigis');
    expect(calls).toHaveLength(1);
    calls[0]!.answer(ok());
    expect(await a).toEqual(ok());
    expect(await b).toEqual(ok());
  });

  it('peeks at a cached config without asking the app', async () => {
    const { cache, calls } = setup();
    expect(cache.peek('org_luigis')).toBeUndefined();
    const loading = cache.get('org_luigis');
    calls[0]!.answer(ok());
    await loading;
    expect(cache.peek('org_luigis')).toEqual((ok() as { config: unknown }).config);
    expect(calls).toHaveLength(1);
  });

  it('serves a fresh entry within the TTL without asking the app', async () => {
    const { cache, calls, clock } = setup();
    const first = cache.get('org_luigis');
    calls[0]!.answer(ok());
    await first;
    clock.advance(59_999);
    expect(await cache.get('org_luigis')).toEqual(ok());
    expect(calls).toHaveLength(1);
  });

  it('after the TTL serves the stale entry at once and revalidates in the background', async () => {
    const { cache, calls, clock } = setup();
    const first = cache.get('org_luigis');
    calls[0]!.answer(ok(v1));
    await first;
    clock.advance(60_000);
    expect(await cache.get('org_luigis')).toEqual(ok(v1));
    expect(await cache.get('org_luigis')).toEqual(ok(v1));
    expect(calls).toHaveLength(2);
    calls[1]!.answer(ok(v2));
    await expect.poll(() => cache.get('org_luigis')).toEqual(ok(v2));
    expect(calls).toHaveLength(2);
  });

  it('beyond TTL + stale window waits for a fresh fetch', async () => {
    const { cache, calls, clock } = setup();
    const first = cache.get('org_luigis');
    calls[0]!.answer(ok(v1));
    await first;
    clock.advance(660_000);
    const second = cache.get('org_luigis');
    let settled = false;
    void second.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    calls[1]!.answer(ok(v2));
    expect(await second).toEqual(ok(v2));
  });

  it('keeps serving the cached config when a refresh finds the app unavailable', async () => {
    const { cache, calls, clock } = setup();
    const first = cache.get('org_luigis');
    calls[0]!.answer(ok(v1));
    await first;
    clock.advance(700_000);
    const second = cache.get('org_luigis');
    calls[1]!.answer({ kind: 'unavailable', reason: 'HTTP 503' });
    expect(await second).toEqual(ok(v1));
  });

  it('does not cache "unavailable" with nothing to fall back on', async () => {
    const { cache, calls } = setup();
    const first = cache.get('org_x');
    calls[0]!.answer({ kind: 'unavailable', reason: 'HTTP 503' });
    expect(await first).toEqual({ kind: 'unavailable', reason: 'HTTP 503' });
    void cache.get('org_x');
    expect(calls).toHaveLength(2);
  });

  it('remembers not-found briefly, then asks again', async () => {
    const { cache, calls, clock } = setup();
    const first = cache.get('org_gone');
    calls[0]!.answer({ kind: 'not-found' });
    expect(await first).toEqual({ kind: 'not-found' });
    clock.advance(14_999);
    expect(await cache.get('org_gone')).toEqual({ kind: 'not-found' });
    expect(calls).toHaveLength(1);
    clock.advance(1);
    void cache.get('org_gone');
    expect(calls).toHaveLength(2);
  });

  it('turns a throwing client into "unavailable" instead of rejecting', async () => {
    const clock = new ManualClock();
    const cache = createOrgConfigCache({
      client: { fetchOrgConfig: () => Promise.reject(new Error('socket hang up')) },
      clock,
      logger: createLogger('silent'),
    });
    expect(await cache.get('org_luigis')).toMatchObject({ kind: 'unavailable', reason: expect.stringContaining('socket hang up') });
  });
});
