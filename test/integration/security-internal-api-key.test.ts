import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/bridge-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('INTERNAL_API_KEY', () => {
  it('goes to the main app as a bearer token on every org-config request', async () => {
    h = await startHarness({ mainApp: { apiKey: 'internal-key-1' }, config: { INTERNAL_API_KEY: 'internal-key-1' } });
    const xml = await (await h.webhook('?orgId=org_luigis', { CallSid: 'CA1' })).text();
    expect(xml).toContain('<Connect>');
    const requests = h.mainApp.orgConfigRequests();
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((r) => r.authorization === 'Bearer internal-key-1')).toBe(true);
  });

  it('without the key the stand-in app refuses, and the caller hears an apology instead of a stream', async () => {
    h = await startHarness({ mainApp: { apiKey: 'internal-key-1' } });
    const xml = await (await h.webhook('?orgId=org_luigis', { CallSid: 'CA1' })).text();
    expect(xml).not.toContain('<Connect>');
    expect(h.mainApp.orgConfigRequests().length).toBeGreaterThan(0);
    expect(h.mainApp.orgConfigRequests().every((r) => r.authorization === undefined)).toBe(true);
  });
});
