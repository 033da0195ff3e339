/**
 * Stand-in for the restaurant's main web app (contract: contract/README.md in this repository), for tests and the demo.
 * Serves org configs and customers, records orders and call records with idempotency, checks prices against its
 * own menu, and injects faults.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallRecordRoute, type CallRecordFault, type CallRecordRequestLog, type RecordedCallRecord } from './main-app-call-records.js';
import { loadContractExample } from './main-app-contract.js';
import { CustomerRoute, type CustomerFault, type CustomerRequestLog } from './main-app-customers.js';
import { header, sendJson } from './main-app-http.js';
import { OrderRoute, type RecordedOrder, type SubmitFault, type SubmitRequestLog } from './main-app-orders.js';

export { contractDir, loadContractExample, type ContractExample } from './main-app-contract.js';
export type { CallRecordFault, CallRecordRequestLog, RecordedCallRecord } from './main-app-call-records.js';
export type { CustomerFault, CustomerRequestLog } from './main-app-customers.js';
export type { RecordedOrder, SubmitFault, SubmitRequestLog } from './main-app-orders.js';

export interface MainAppOptions {
  /** When set, every request must carry `Authorization: Bearer <apiKey>` (else 401). */
  apiKey?: string;
  /** Extra or replacement org configs, served as given (may be deliberately invalid). */
  orgs?: Record<string, unknown>;
  /** Serve the contract's example orgs, the minimal and the full one (default true). */
  includeExample?: boolean;
  estimatedReadyMinutes?: number;
  /** Known callers by E.164 number, served as given; the contract's example customer is always known unless replaced. */
  customers?: Record<string, unknown>;
  /** false: the customer route answers 404 for every number (an app that does not implement it). */
  customerRoute?: boolean;
  /** false: the call-record route answers 404 (an app that does not take call records). */
  callRecordRoute?: boolean;
}

export interface MainAppStandIn {
  url: string;
  orders(): RecordedOrder[];
  submitRequests(): SubmitRequestLog[];
  orgConfigRequests(): { orgId: string | null; authorization: string | undefined }[];
  setOrg(orgId: string, config: unknown): void;
  /** The next n submits fail this way (in order, after any already queued). */
  failNextSubmits(n: number, fault?: SubmitFault): void;
  /** The app works again: the submit faults still queued are dropped. */
  healSubmits(): void;
  refuseNextSubmits(n: number, reason?: string): void;
  /** The next n org-config requests answer with this status (or hang). */
  failNextOrgConfigs(n: number, fault?: number | 'hang'): void;
  /** Resolves once `count` orders are recorded (rejects after timeoutMs). */
  waitForOrders(count: number, timeoutMs?: number): Promise<RecordedOrder[]>;

  customerRequests(): CustomerRequestLog[];
  setCustomer(phone: string, customer: unknown): void;
  /** Customer answers wait this long from now on (0: answer at once). */
  setCustomerDelay(ms: number): void;
  /** The next n customer requests fail this way: a status, 'hang', or 'invalid' (a 200 body that breaks the contract). */
  failNextCustomers(n: number, fault?: CustomerFault): void;

  callRecords(): RecordedCallRecord[];
  callRecordRequests(): CallRecordRequestLog[];
  /** The next n call-record requests fail this way (in order, after any already queued). */
  failNextCallRecords(n: number, fault?: CallRecordFault): void;
  /** Resolves once `count` call records are stored (rejects after timeoutMs). */
  waitForCallRecords(count: number, timeoutMs?: number): Promise<RecordedCallRecord[]>;
  close(): Promise<void>;
}

export async function startMainApp(options: MainAppOptions = {}): Promise<MainAppStandIn> {
  const orgs = new Map<string, unknown>();
  if (options.includeExample !== false) {
    for (const name of ['org-config.example.json', 'org-config.full.example.json'] as const) {
      const example = loadContractExample(name) as { orgId: string };
      orgs.set(example.orgId, example);
    }
  }
  for (const [id, config] of Object.entries(options.orgs ?? {})) orgs.set(id, config);
  const exampleCustomer = loadContractExample('customer.example.json') as { phone: string };
  const customers = new Map<string, unknown>([[exampleCustomer.phone, exampleCustomer], ...Object.entries(options.customers ?? {})]);

  const orderRoute = new OrderRoute(orgs, options.estimatedReadyMinutes ?? 20);
  const customerRoute = new CustomerRoute(orgs, customers);
  customerRoute.implemented = options.customerRoute !== false;
  const callRecordRoute = new CallRecordRoute();
  callRecordRoute.implemented = options.callRecordRoute !== false;
  const orgLog: { orgId: string | null; authorization: string | undefined }[] = [];
  const orgFaults: (number | 'hang')[] = [];

  function handleOrgConfig(url: URL, res: ServerResponse): void {
    const fault = orgFaults.shift();
    if (fault === 'hang') return;
    if (fault !== undefined) return sendJson(res, fault, { error: 'injected failure' });
    const config = orgs.get(url.searchParams.get('orgId') ?? '');
    if (config === undefined) return sendJson(res, 404, { error: 'org not found' });
    sendJson(res, 200, config);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const authorization = header(req, 'authorization');
    const authorized = !options.apiKey || authorization === `Bearer ${options.apiKey}`;
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /api/realtime/org-config') {
      orgLog.push({ orgId: url.searchParams.get('orgId'), authorization });
      return authorized ? handleOrgConfig(url, res) : sendJson(res, 401, { error: 'unauthorized' });
    }
    if (route === 'GET /api/realtime/customer') {
      const log: CustomerRequestLog = { orgId: url.searchParams.get('orgId'), phone: url.searchParams.get('phone'), authorization };
      customerRoute.requests.push(log);
      if (!authorized) return void (sendJson(res, 401, { error: 'unauthorized' }), (log.status = 401));
      return customerRoute.handle(url, res, log);
    }
    const posted = route === 'POST /api/realtime/submit-order' ? orderRoute : route === 'POST /api/realtime/call-record' ? callRecordRoute : undefined;
    if (posted) {
      const log = { idempotencyKey: header(req, 'idempotency-key'), authorization, status: 0 };
      posted.requests.push(log);
      if (!authorized) return void sendJson(res, (log.status = 401), { error: 'unauthorized' });
      return void posted.handle(req, res, log).catch(() => sendJson(res, (log.status = 500), { error: 'stand-in failure' }));
    }
    sendJson(res, 404, { error: 'no such route' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const repeat = <T>(queue: T[], n: number, fault: T) => queue.push(...Array<T>(n).fill(fault));

  return {
    url: `http://127.0.0.1:${port}`,
    orders: () => orderRoute.orders.all(),
    submitRequests: () => [...orderRoute.requests],
    orgConfigRequests: () => [...orgLog],
    setOrg: (orgId, config) => void orgs.set(orgId, config),
    failNextSubmits: (n, fault = '503') => repeat(orderRoute.faults, n, fault),
    healSubmits: () => void orderRoute.faults.splice(0),
    refuseNextSubmits: (n, reason = 'The kitchen is closed for the night') => repeat<SubmitFault>(orderRoute.faults, n, { refuse: reason }),
    failNextOrgConfigs: (n, fault = 503) => repeat(orgFaults, n, fault),
    waitForOrders: (count, timeoutMs) => orderRoute.orders.waitFor(count, timeoutMs),

    customerRequests: () => [...customerRoute.requests],
    setCustomer: (phone, customer) => void customers.set(phone, customer),
    setCustomerDelay: (ms) => void (customerRoute.delayMs = ms),
    failNextCustomers: (n, fault = 503) => repeat(customerRoute.faults, n, fault),

    callRecords: () => callRecordRoute.records.all(),
    callRecordRequests: () => [...callRecordRoute.requests],
    failNextCallRecords: (n, fault = '503') => repeat(callRecordRoute.faults, n, fault),
    waitForCallRecords: (count, timeoutMs) => callRecordRoute.records.waitFor(count, timeoutMs),
    close: () =>
      new Promise<void>((resolve) => {
        customerRoute.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
