import { afterEach, describe, expect, it } from 'vitest';
import { createAppClient } from '../../src/main-app/app-client.js';
import { createLogger } from '../../src/logger.js';
import { loadContractExample, startMainApp, type MainAppOptions } from '../../sim/main-app.js';

const logger = createLogger('silent');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const ana = '+15551230000';

async function setup(options: MainAppOptions = {}, customerTimeoutMs = 1_000) {
  const app = await startMainApp(options);
  cleanups.push(() => app.close());
  const client = createAppClient({ baseUrl: app.url, apiKey: options.apiKey, logger, customerTimeoutMs });
  cleanups.push(() => client.close());
  return { app, client };
}

describe('fetchCustomer against the main-app stand-in', () => {
  it('returns the contract’s example customer for a known number, with the Bearer key', async () => {
    const { app, client } = await setup({ apiKey: 'k' });
    const result = await client.fetchCustomer('org_luigis', ana);
    expect(result).toEqual({ kind: 'known', customer: loadContractExample('customer.example.json') });
    expect(app.customerRequests()).toEqual([{ orgId: 'org_luigis', phone: ana, authorization: 'Bearer k', status: 200 }]);
  });

  it('an unknown number, a route the app does not implement, and a withheld number are all "unknown"', async () => {
    const { app, client } = await setup();
    expect(await client.fetchCustomer('org_luigis', '+15550000000')).toEqual({ kind: 'unknown', reason: 'not found' });
    expect(await client.fetchCustomer('org_luigis', null)).toEqual({ kind: 'unknown', reason: 'no caller number' });
    expect(await client.fetchCustomer('org_luigis', 'anonymous')).toEqual({ kind: 'unknown', reason: 'no caller number' });
    expect(app.customerRequests()).toHaveLength(1);
    const { client: other } = await setup({ customerRoute: false });
    expect(await other.fetchCustomer('org_luigis', ana)).toEqual({ kind: 'unknown', reason: 'not found' });
  });

  it('an invalid body is "unknown", naming the bad field', async () => {
    const { app, client } = await setup();
    app.failNextCustomers(1, 'invalid');
    expect(await client.fetchCustomer('org_luigis', ana)).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/^invalid customer: lastOrder\.placedAt/) });
  });

  it('retries once, quickly, after a 5xx, and gives up after the second', async () => {
    const { app, client } = await setup();
    app.failNextCustomers(1, 503);
    expect(await client.fetchCustomer('org_luigis', ana)).toMatchObject({ kind: 'known' });
    app.failNextCustomers(3, 503);
    expect(await client.fetchCustomer('org_luigis', ana)).toEqual({ kind: 'unknown', reason: 'HTTP 503' });
    expect(app.customerRequests()).toHaveLength(4);
  });

  it('a slow app is cut off by the client’s timeout, without a retry', async () => {
    const { app, client } = await setup({}, 100);
    app.setCustomerDelay(60_000);
    expect(await client.fetchCustomer('org_luigis', ana)).toEqual({ kind: 'unknown', reason: 'timed out after 100 ms' });
    expect(app.customerRequests()).toHaveLength(1);
  });

  it('is bounded by the caller’s signal (the org lookup’s duration) and never throws', async () => {
    const { app, client } = await setup({}, 60_000);
    app.failNextCustomers(1, 'hang');
    const controller = new AbortController();
    const pending = client.fetchCustomer('org_luigis', ana, controller.signal);
    await expect.poll(() => app.customerRequests().length).toBe(1);
    controller.abort();
    expect(await pending).toEqual({ kind: 'unknown', reason: 'aborted' });
  });

  it('a refused connection is "unknown"', async () => {
    const { app, client } = await setup();
    await app.close();
    expect(await client.fetchCustomer('org_luigis', ana)).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('connection error') });
  });
});
