import { afterEach, describe, expect, it } from 'vitest';
import { createAppClient, type AppClient } from '../../src/main-app/app-client.js';
import { createOrgConfigCache } from '../../src/main-app/org-config-cache.js';
import { systemClock } from '../../src/clock.js';
import { createLogger } from '../../src/logger.js';
import { loadContractExample, startMainApp, type MainAppStandIn } from '../../sim/main-app.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

async function setup(opts: { appKey?: string; clientKey?: string } = {}) {
  const app = await startMainApp({ apiKey: opts.appKey });
  const lines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
  const client = createAppClient({
    baseUrl: app.url,
    apiKey: opts.clientKey,
    logger,
    orgConfigTimeoutMs: 300,
    orgConfigRetry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 },
  });
  open.push(app, client);
  return { app, client, lines };
}

describe('org config over HTTP (main-app stand-in)', () => {
  it('fetches and validates the contract example, sending the Bearer key', async () => {
    const { app, client } = await setup({ appKey: 'secret-key', clientKey: 'secret-key' });
    const result = await client.fetchOrgConfig('org_luigis');
    expect(result.kind).toBe('ok');
    if (result.kind === 'ok') expect(result.config).toMatchObject({ orgId: 'org_luigis', name: "Luigi's Pizzeria", voice: 'marin' });
    expect(app.orgConfigRequests()).toEqual([{ orgId: 'org_luigis', authorization: 'Bearer secret-key' }]);
  });

  it('sends no Authorization header when no key is configured', async () => {
    const { app, client } = await setup();
    await client.fetchOrgConfig('org_luigis');
    expect(app.orgConfigRequests()[0]!.authorization).toBeUndefined();
  });

  it('distinguishes an unknown org (404, not retried) from an unavailable app', async () => {
    const { app, client } = await setup();
    expect(await client.fetchOrgConfig('org_nobody')).toEqual({ kind: 'not-found' });
    expect(app.orgConfigRequests()).toHaveLength(1);
  });

  it('reports a config with a bad field as unavailable, naming the field in the result and in one log line', async () => {
    const { app, client, lines } = await setup();
    const bad = structuredClone(loadContractExample('org-config.example.json')) as Record<string, any>;
    bad.orgId = 'org_bad';
    bad.menu.categories[1].items[0].priceCents = '2.50';
    app.setOrg('org_bad', bad);
    const result = await client.fetchOrgConfig('org_bad');
    expect(result).toEqual({ kind: 'unavailable', reason: 'invalid org config: menu.categories[1].items[0].priceCents: expected integer cents' });
    const warnings = lines.map((l) => JSON.parse(l)).filter((l) => l.msg.startsWith('org config invalid'));
    expect(warnings).toEqual([expect.objectContaining({ orgId: 'org_bad', msg: 'org config invalid: menu.categories[1].items[0].priceCents: expected integer cents' })]);
  });

  it('retries a 5xx and then succeeds', async () => {
    const { app, client } = await setup();
    app.failNextOrgConfigs(2, 503);
    expect((await client.fetchOrgConfig('org_luigis')).kind).toBe('ok');
    expect(app.orgConfigRequests()).toHaveLength(3);
  });

  it('gives up after the retries when the app keeps failing', async () => {
    const { app, client } = await setup();
    app.failNextOrgConfigs(5, 500);
    expect(await client.fetchOrgConfig('org_luigis')).toEqual({ kind: 'unavailable', reason: 'HTTP 500' });
    expect(app.orgConfigRequests()).toHaveLength(3);
  });

  it('times out a hanging request and retries it', async () => {
    const { app, client } = await setup();
    app.failNextOrgConfigs(1, 'hang');
    expect((await client.fetchOrgConfig('org_luigis')).kind).toBe('ok');
    expect(app.orgConfigRequests()).toHaveLength(2);
  });

  it('reports a wrong key (401) as unavailable without retrying', async () => {
    const { app, client } = await setup({ appKey: 'right', clientKey: 'wrong' });
    expect(await client.fetchOrgConfig('org_luigis')).toEqual({ kind: 'unavailable', reason: 'HTTP 401' });
    expect(app.orgConfigRequests()).toHaveLength(1);
  });

  it('reports a refused connection as unavailable', async () => {
    const app = await startMainApp();
    const url = app.url;
    await app.close();
    const client: AppClient = createAppClient({ baseUrl: url, logger: createLogger('silent'), orgConfigRetry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    open.push(client);
    expect(await client.fetchOrgConfig('org_luigis')).toEqual({ kind: 'unavailable', reason: 'connection error: ECONNREFUSED' });
  });

  it('the lookup on /twiml/start means the session’s get needs no second request, and the config can be peeked at', async () => {
    const { app, client } = await setup();
    const cache = createOrgConfigCache({ client, clock: systemClock, logger: createLogger('silent') });
    expect(cache.peek('org_luigis')).toBeUndefined();
    expect((await cache.get('org_luigis')).kind).toBe('ok');
    expect(cache.peek('org_luigis')?.orgId).toBe('org_luigis');
    expect((await cache.get('org_luigis')).kind).toBe('ok');
    expect(app.orgConfigRequests()).toHaveLength(1);
  });
});
