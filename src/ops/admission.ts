import type { Clock } from '../clock.js';

/** How long a webhook's admission holds a slot for a stream that has not started yet (it normally starts within a second or two). */
export const ADMISSION_HOLD_MS = 15_000;

/** The live calls, as the admission counts them (the CallRegistry fits). */
export interface LiveCalls {
  readonly size: number;
  countForOrg(orgId: string): number;
}

export interface AdmissionOptions {
  calls: LiveCalls;
  clock: Clock;
  /** The process-wide cap (MAX_CONCURRENT_CALLS). */
  maxCalls: number;
  holdMs?: number;
}

export type StreamAdmission = 'admitted' | 'over-capacity' | 'org-over-capacity';

interface Hold {
  orgId: string;
  expiresAt: number;
}

/**
 * Concurrency caps. A slot counts live calls plus calls the webhook admitted whose stream has not started yet
 * (held briefly), so a burst of rings cannot overshoot the cap before any stream starts.
 */
export class Admission {
  private readonly holds = new Map<string, Hold>();
  private readonly holdMs: number;

  constructor(private readonly opts: AdmissionOptions) {
    this.holdMs = opts.holdMs ?? ADMISSION_HOLD_MS;
  }

  get pendingCount(): number {
    this.prune();
    return this.holds.size;
  }

  /** Webhook: holds a slot for this call if the global cap allows (a repeated webhook for the same call keeps its slot). */
  reserve(callSid: string, orgId: string): boolean {
    this.prune();
    const held = this.holds.get(callSid);
    if (!held && this.inUse() >= this.opts.maxCalls) return false;
    this.holds.set(callSid, { orgId, expiresAt: this.opts.clock.now() + this.holdMs });
    return true;
  }

  /** Whether the org is within its own cap, counting this call's hold (no cap: always). */
  withinOrgCap(orgId: string, cap: number | undefined): boolean {
    if (cap === undefined) return true;
    this.prune();
    let held = 0;
    for (const hold of this.holds.values()) if (hold.orgId === orgId) held++;
    return this.opts.calls.countForOrg(orgId) + held <= cap;
  }

  /** Whether a call without a hold (no CallSid on the webhook) would fit under the global cap. */
  hasRoom(): boolean {
    this.prune();
    return this.inUse() < this.opts.maxCalls;
  }

  release(callSid: string): void {
    this.holds.delete(callSid);
  }

  /**
   * Stream `start`: a call the webhook admitted turns its hold into a live call. One that was never admitted here
   * (its webhook went to another replica, or none was made: a browser call) must fit under the global cap and its
   * org's, counted now.
   */
  claimStream(callSid: string, orgId: string, orgCap: number | undefined): StreamAdmission {
    this.prune();
    if (this.holds.delete(callSid)) return 'admitted';
    if (this.inUse() >= this.opts.maxCalls) return 'over-capacity';
    return this.withinOrgCap(orgId, orgCap === undefined ? undefined : orgCap - 1) ? 'admitted' : 'org-over-capacity';
  }

  private inUse(): number {
    return this.opts.calls.size + this.holds.size;
  }

  private prune(): void {
    const now = this.opts.clock.now();
    for (const [callSid, hold] of this.holds) if (hold.expiresAt <= now) this.holds.delete(callSid);
  }
}
