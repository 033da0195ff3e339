import type { Clock, TimerHandle } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Customer, CustomerResult } from '../main-app/customer.js';

export type FetchCustomer = (orgId: string, phone: string) => Promise<CustomerResult>;

/** The most lookups waiting to be claimed at once: a flood of webhooks cannot grow this without bound. */
const MAX_WAITING = 10_000;

/**
 * Who is calling, asked of the app while the phone rings (alongside the org lookup) and handed to the call when
 * its stream starts. A stream that lands on another replica simply asks again. Every failure means "unknown
 * caller"; nothing here ever rejects.
 */
export class CallerLookups {
  private readonly waiting = new Map<string, { lookup: Promise<Customer | undefined>; timer: TimerHandle }>();

  constructor(
    private readonly fetchCustomer: FetchCustomer,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly ttlMs = 10_000,
  ) {}

  /** Starts the lookup for a call being answered (a withheld number is never looked up). */
  begin(callSid: string, orgId: string, phone: string | undefined): void {
    if (!phone || this.waiting.has(callSid) || this.waiting.size >= MAX_WAITING) return;
    const timer = this.clock.setTimeout(() => this.waiting.delete(callSid), this.ttlMs);
    this.waiting.set(callSid, { lookup: this.ask(orgId, phone), timer });
  }

  /** The lookup begun for this call, or a new one (the webhook ran on another replica). */
  claim(callSid: string, orgId: string, phone: string | undefined): Promise<Customer | undefined> {
    const entry = this.waiting.get(callSid);
    if (entry) {
      this.clock.clearTimeout(entry.timer);
      this.waiting.delete(callSid);
      return entry.lookup;
    }
    return phone ? this.ask(orgId, phone) : Promise.resolve(undefined);
  }

  private async ask(orgId: string, phone: string): Promise<Customer | undefined> {
    try {
      const result = await this.fetchCustomer(orgId, phone);
      if (result.kind === 'known') return result.customer;
      this.logger.debug({ orgId, reason: result.reason }, 'caller unknown to the app');
    } catch (err) {
      this.logger.warn({ orgId, err: (err as Error).message }, 'caller lookup failed; treating the caller as unknown');
    }
    return undefined;
  }
}

/** The value of `promise` if it has already settled, else undefined: never waits. */
export function settledValue<T>(promise: Promise<T | undefined>): Promise<T | undefined> {
  // Promise.race settles with the first entry already settled, in order: `promise` wins only if it is done.
  return Promise.race([promise, Promise.resolve(undefined)]);
}
