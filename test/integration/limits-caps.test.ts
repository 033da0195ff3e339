import { afterEach, describe, expect, it } from 'vitest';
import { loadContractExample } from '../../sim/main-app.js';
import { APOLOGY_BUSY } from '../../src/http/twiml-route.js';
import { escapeXml } from '../../src/twilio/twiml.js';
import { ORG_ID, startHarness, type Harness } from '../helpers/bridge-harness.js';
import { waitForCondition } from '../helpers/wait.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const BUSY = `<Say language="en-US">${escapeXml(APOLOGY_BUSY)}</Say><Hangup/>`;

/** The value of voice_bridge_rejections_total{check="admission",reason=…} on /metrics. */
async function admissionRejections(h: Harness, reason: string): Promise<number> {
  const text = await (await fetch(`${h.httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('voice_bridge_rejections_total{') && l.includes('check="admission"') && l.includes(`reason="${reason}"`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

function ring(h: Harness, callSid: string, orgId = ORG_ID): Promise<string> {
  return h.webhook(`?orgId=${orgId}`, { CallSid: callSid, AccountSid: 'AC0', From: '+15551230000', To: '+15559870000' }).then((r) => r.text());
}

function orgWithCap(orgId: string, maxConcurrentCalls: number): unknown {
  return { ...(loadContractExample('org-config.example.json') as Record<string, unknown>), orgId, maxConcurrentCalls };
}

describe('global MAX_CONCURRENT_CALLS', () => {
  it('answers busy TwiML once live plus admitted-but-not-started calls reach the cap, and admits again when one ends', async () => {
    h = await startHarness({ config: { MAX_CONCURRENT_CALLS: '2' } });
    expect(await ring(h, 'CA1')).toContain('<Connect>');
    expect(await ring(h, 'CA2')).toContain('<Connect>');
    const busy = await ring(h, 'CA3');
    expect(busy).toContain(BUSY);
    expect(busy).not.toContain('<Connect>');
    expect(h.bridge.deps.prewarm.has('CA3')).toBe(false);

    const live = await h.call({ callSid: 'CA1' });
    await live.waitForAudio(100, 3000);
    expect(await ring(h, 'CA4')).toContain(BUSY);
    expect(h.logs.some((l) => l.msg === 'global call cap reached; answering busy' && l.callSid === 'CA4')).toBe(true);
    expect(await admissionRejections(h, 'global_cap')).toBe(2);

    await live.hangUp();
    await waitForCondition(() => h!.bridge.deps.calls.size === 0);
    expect(await ring(h, 'CA5')).toContain('<Connect>');
  });

  it('refuses (1013) a stream start beyond the cap that no webhook here admitted, opening no model session', async () => {
    h = await startHarness({ config: { MAX_CONCURRENT_CALLS: '1' } });
    const first = await h.call();
    await first.waitForAudio(100, 3000);
    const second = await h.call();
    const closed = await second.waitForClose(3000);
    expect(closed.code).toBe(1013);
    expect(closed.by).toBe('bridge');
    expect(h.model.sessions).toHaveLength(1);
    expect(first.isOpen).toBe(true);
    expect(h.logs.some((l) => l.msg === 'stream refused: global call cap reached' && l.callSid === second.callSid)).toBe(true);
    expect(await admissionRejections(h, 'stream_over_capacity')).toBe(1);
  });
});

describe("the org's maxConcurrentCalls", () => {
  it('answers busy for that org only, counting its calls admitted by the webhook', async () => {
    h = await startHarness({ mainApp: { orgs: { [ORG_ID]: orgWithCap(ORG_ID, 1), org_other: orgWithCap('org_other', 1) } } });
    expect(await ring(h, 'CA1')).toContain('<Connect>');
    expect(await ring(h, 'CA2')).toContain(BUSY);
    expect(await ring(h, 'CA3', 'org_other')).toContain('<Connect>');
    expect(h.bridge.deps.prewarm.has('CA2')).toBe(false);
    expect(h.logs.some((l) => l.msg === "org's call cap reached; answering busy" && l.callSid === 'CA2')).toBe(true);
    expect(await admissionRejections(h, 'org_cap')).toBe(1);
    // The refused call gave its slot back: only the two admitted calls hold one.
    expect(h.bridge.deps.admission.pendingCount).toBe(2);
  });
});
