import type { ServerResponse } from 'node:http';
import { sendJson } from './main-app-http.js';

/** GET /api/realtime/customer in the main-app stand-in (contract: customer.example.json), with the faults the bridge must survive. */

/** A status to answer with, 'hang' (never answer), or 'invalid' (200 with a body that breaks the contract). */
export type CustomerFault = number | 'hang' | 'invalid';

export interface CustomerRequestLog {
  orgId: string | null;
  phone: string | null;
  authorization: string | undefined;
  /** The status answered; absent while the answer is pending (a slow or hanging app). */
  status?: number;
}

export class CustomerRoute {
  readonly requests: CustomerRequestLog[] = [];
  readonly faults: CustomerFault[] = [];
  /** Answers wait this long (a slow app). */
  delayMs = 0;
  /** false: the app does not implement the route (404 for every number, as the contract allows). */
  implemented = true;
  private readonly pending = new Set<NodeJS.Timeout>();

  constructor(
    private readonly orgs: Map<string, unknown>,
    readonly customers: Map<string, unknown>,
  ) {}

  handle(url: URL, res: ServerResponse, log: CustomerRequestLog): void {
    const fault = this.faults.shift();
    if (fault === 'hang') return;
    const respond = () => {
      this.respond(url, res, fault);
      log.status = res.statusCode;
    };
    if (this.delayMs <= 0) return respond();
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      respond();
    }, this.delayMs);
    this.pending.add(timer);
  }

  close(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }

  private respond(url: URL, res: ServerResponse, fault: CustomerFault | undefined): void {
    if (res.destroyed) return;
    if (typeof fault === 'number') return sendJson(res, fault, { error: 'injected failure' });
    if (!this.implemented) return sendJson(res, 404, { error: 'no such route' });
    const orgId = url.searchParams.get('orgId') ?? '';
    const phone = url.searchParams.get('phone') ?? '';
    if (!this.orgs.has(orgId)) return sendJson(res, 404, { error: 'org not found' });
    if (!/^\+[1-9]\d{1,14}$/.test(phone)) return sendJson(res, 400, { error: 'phone must be E.164' });
    const customer = this.customers.get(phone);
    if (customer === undefined) return sendJson(res, 404, { error: 'customer not found' });
    sendJson(res, 200, fault === 'invalid' ? { ...(customer as object), lastOrder: { items: 'two pizzas' } } : customer);
  }
}
