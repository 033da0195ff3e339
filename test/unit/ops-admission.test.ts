import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { Admission, ADMISSION_HOLD_MS } from '../../src/ops/admission.js';
import { InProcessCallLedger } from '../../src/ops/call-ledger.js';

/** Live calls by org, as the registry would report them. */
function liveCalls(...orgIds: string[]) {
  const live = [...orgIds];
  return {
    live,
    get size() {
      return live.length;
    },
    countForOrg: (orgId: string) => live.filter((o) => o === orgId).length,
  };
}

describe('Admission', () => {
  it('counts held (webhook-admitted, not yet streaming) calls against the global cap, so a burst cannot overshoot', () => {
    const calls = liveCalls('org_a');
    const admission = new Admission({ calls, clock: new ManualClock(), maxCalls: 3 });
    expect(admission.reserve('CA1', 'org_a')).toBe(true);
    expect(admission.reserve('CA2', 'org_b')).toBe(true);
    expect(admission.reserve('CA3', 'org_b')).toBe(false);
    expect(admission.pendingCount).toBe(2);
  });

  it('keeps the slot of a call whose webhook is repeated', () => {
    const admission = new Admission({ calls: liveCalls(), clock: new ManualClock(), maxCalls: 1 });
    expect(admission.reserve('CA1', 'org_a')).toBe(true);
    expect(admission.reserve('CA1', 'org_a')).toBe(true);
    expect(admission.pendingCount).toBe(1);
  });

  it('frees a hold whose stream never started after the hold time', () => {
    const clock = new ManualClock();
    const admission = new Admission({ calls: liveCalls(), clock, maxCalls: 1 });
    admission.reserve('CA1', 'org_a');
    clock.advance(ADMISSION_HOLD_MS - 1);
    expect(admission.reserve('CA2', 'org_a')).toBe(false);
    clock.advance(1);
    expect(admission.reserve('CA2', 'org_a')).toBe(true);
  });

  it("checks an org's own cap over its live and held calls, this call's hold included", () => {
    const calls = liveCalls('org_a', 'org_b');
    const admission = new Admission({ calls, clock: new ManualClock(), maxCalls: 100 });
    admission.reserve('CA1', 'org_a');
    expect(admission.withinOrgCap('org_a', 2)).toBe(true);
    admission.reserve('CA2', 'org_a');
    expect(admission.withinOrgCap('org_a', 2)).toBe(false);
    expect(admission.withinOrgCap('org_b', 2)).toBe(true);
    expect(admission.withinOrgCap('org_a', undefined)).toBe(true);
    admission.release('CA2');
    expect(admission.withinOrgCap('org_a', 2)).toBe(true);
  });

  it('at stream start turns a hold into a live call, and refuses an unannounced stream past the global cap', () => {
    const calls = liveCalls();
    const admission = new Admission({ calls, clock: new ManualClock(), maxCalls: 2 });
    admission.reserve('CA1', 'org_a');
    admission.reserve('CA2', 'org_a');
    expect(admission.claimStream('CA_elsewhere', 'org_a', undefined)).toBe('over-capacity');
    expect(admission.claimStream('CA1', 'org_a', undefined)).toBe('admitted');
    calls.live.push('org_a');
    expect(admission.pendingCount).toBe(1);
    expect(admission.claimStream('CA_elsewhere', 'org_a', undefined)).toBe('over-capacity');
    admission.release('CA2');
    expect(admission.claimStream('CA_elsewhere', 'org_a', undefined)).toBe('admitted');
  });

  it('hasRoom answers for a webhook without a CallSid, holding nothing', () => {
    const calls = liveCalls('org_a');
    const admission = new Admission({ calls, clock: new ManualClock(), maxCalls: 2 });
    expect(admission.hasRoom()).toBe(true);
    calls.live.push('org_a');
    expect(admission.hasRoom()).toBe(false);
    expect(admission.pendingCount).toBe(0);
  });

  it('applies the org cap at stream start to a call no webhook admitted here', () => {
    const calls = liveCalls('org_a', 'org_a');
    const admission = new Admission({ calls, clock: new ManualClock(), maxCalls: 10 });
    expect(admission.claimStream('CA_x', 'org_a', 2)).toBe('org-over-capacity');
    expect(admission.claimStream('CA_y', 'org_a', 3)).toBe('admitted');
    expect(admission.claimStream('CA_z', 'org_b', 1)).toBe('admitted');
  });
});

describe('InProcessCallLedger', () => {
  it('admits one stream per call, remembers it past the call, and forgets after the window', () => {
    const clock = new ManualClock();
    const ledger = new InProcessCallLedger(liveCalls('org_a'), clock, 60_000, 3);
    expect(ledger.streamUsed('CA1')).toBe(false);
    expect(ledger.claimStream('CA1')).toBe(true);
    expect(ledger.claimStream('CA1')).toBe(false);
    expect(ledger.streamUsed('CA1')).toBe(true);
    clock.advance(60_000);
    expect(ledger.streamUsed('CA1')).toBe(false);
    expect(ledger.size).toBe(1);
    expect(ledger.countForOrg('org_a')).toBe(1);
  });

  it('keeps at most the configured number of streams in memory, oldest forgotten first', () => {
    const ledger = new InProcessCallLedger(liveCalls(), new ManualClock(), 60_000, 2);
    for (const sid of ['CA1', 'CA2', 'CA3']) ledger.claimStream(sid);
    expect(['CA1', 'CA2', 'CA3'].map((sid) => ledger.streamUsed(sid))).toEqual([false, true, true]);
  });
});
