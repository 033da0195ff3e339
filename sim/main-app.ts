/**
 * Stand-in for the restaurant's main web app (contract: contract/README.md in this repository), for tests and the demo.
 * Serves org configs, records orders with idempotency, checks prices against its own menu, and injects faults.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOrgConfig, type OrgConfig } from '../src/main-app/org-config.js';
import { parseSubmitOrderBody, type SubmitOrderBody } from '../src/main-app/submit-order-body.js';

export type SubmitFault = '503' | 'drop' | 'hang' | 'accept-then-drop' | { refuse: string };

export interface RecordedOrder {
  orderId: string;
  idempotencyKey: string;
  body: SubmitOrderBody;
}

export interface SubmitRequestLog {
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  status: number | 'dropped' | 'hung';
}

export interface MainAppOptions {
  /** When set, every request must carry `Authorization: Bearer <apiKey>` (else 401). */
  apiKey?: string;
  /** Extra or replacement org configs, served as given (may be deliberately invalid). */
  orgs?: Record<string, unknown>;
  /** Serve the contract's example org (default true). */
  includeExample?: boolean;
  estimatedReadyMinutes?: number;
}

export interface MainAppStandIn {
  url: string;
  orders(): RecordedOrder[];
  submitRequests(): SubmitRequestLog[];
  orgConfigRequests(): { orgId: string | null; authorization: string | undefined }[];
  setOrg(orgId: string, config: unknown): void;
  /** The next n submits fail this way (in order, after any already queued). */
  failNextSubmits(n: number, fault?: SubmitFault): void;
  refuseNextSubmits(n: number, reason?: string): void;
  /** The next n org-config requests answer with this status (or hang). */
  failNextOrgConfigs(n: number, fault?: number | 'hang'): void;
  /** Resolves once `count` orders are recorded (rejects after timeoutMs). */
  waitForOrders(count: number, timeoutMs?: number): Promise<RecordedOrder[]>;
  close(): Promise<void>;
}

/** The repository's copy of the main app's contract (`contract/`), found by walking up to package.json (works from `dist/` too). */
export function contractDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'contract');
}

export type ContractExample =
  | 'org-config.example.json'
  | 'org-config.full.example.json'
  | 'submit-order.example.json'
  | 'customer.example.json'
  | 'call-record.example.json';

export function loadContractExample(name: ContractExample): unknown {
  return JSON.parse(readFileSync(join(contractDir(), name), 'utf8')) as unknown;
}

export async function startMainApp(options: MainAppOptions = {}): Promise<MainAppStandIn> {
  const orgs = new Map<string, unknown>();
  if (options.includeExample !== false) {
    const example = loadContractExample('org-config.example.json') as { orgId: string };
    orgs.set(example.orgId, example);
  }
  for (const [id, config] of Object.entries(options.orgs ?? {})) orgs.set(id, config);

  const orders: RecordedOrder[] = [];
  const byKey = new Map<string, RecordedOrder>();
  const submitLog: SubmitRequestLog[] = [];
  const orgLog: { orgId: string | null; authorization: string | undefined }[] = [];
  const submitFaults: SubmitFault[] = [];
  const orgFaults: (number | 'hang')[] = [];
  const orderWaiters = new Set<() => void>();

  function record(body: SubmitOrderBody): RecordedOrder {
    const order = { orderId: `ord_${orders.length + 1}`, idempotencyKey: body.idempotencyKey, body };
    orders.push(order);
    byKey.set(body.idempotencyKey, order);
    for (const wake of orderWaiters) wake();
    return order;
  }

  async function handleSubmit(req: IncomingMessage, res: ServerResponse, log: SubmitRequestLog): Promise<void> {
    const fault = submitFaults.shift();
    if (fault === 'hang') return void (log.status = 'hung');
    if (fault === 'drop') return void drop(req, log);
    if (fault === '503') return send(res, log, 503, { error: 'service unavailable' });
    const json = parseJson(await readBody(req));
    const parsed = parseSubmitOrderBody(json);
    if (!parsed.ok) return send(res, log, 400, { error: parsed.error });
    const body = parsed.body;
    if (log.idempotencyKey !== body.idempotencyKey) return send(res, log, 400, { error: 'Idempotency-Key header must equal body.idempotencyKey' });
    const existing = byKey.get(body.idempotencyKey);
    if (existing) return send(res, log, 409, { orderId: existing.orderId });
    if (typeof fault === 'object') return send(res, log, 422, { error: fault.refuse });
    const menuProblem = checkAgainstMenu(orgs.get(body.orgId), body);
    if (menuProblem) return send(res, log, 422, { error: menuProblem });
    const order = record(body);
    if (fault === 'accept-then-drop') return drop(req, log);
    send(res, log, 201, { orderId: order.orderId, estimatedReadyMinutes: options.estimatedReadyMinutes ?? 20 });
  }

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
    if (req.method === 'GET' && url.pathname === '/api/realtime/org-config') {
      orgLog.push({ orgId: url.searchParams.get('orgId'), authorization });
      return authorized ? handleOrgConfig(url, res) : sendJson(res, 401, { error: 'unauthorized' });
    }
    if (req.method === 'POST' && url.pathname === '/api/realtime/submit-order') {
      const log: SubmitRequestLog = { idempotencyKey: header(req, 'idempotency-key'), authorization, status: 0 };
      submitLog.push(log);
      if (!authorized) return send(res, log, 401, { error: 'unauthorized' });
      return void handleSubmit(req, res, log).catch(() => send(res, log, 500, { error: 'stand-in failure' }));
    }
    sendJson(res, 404, { error: 'no such route' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    orders: () => [...orders],
    submitRequests: () => [...submitLog],
    orgConfigRequests: () => [...orgLog],
    setOrg: (orgId, config) => void orgs.set(orgId, config),
    failNextSubmits: (n, fault = '503') => submitFaults.push(...Array<SubmitFault>(n).fill(fault)),
    refuseNextSubmits: (n, reason = 'The kitchen is closed for the night') => submitFaults.push(...Array<SubmitFault>(n).fill({ refuse: reason })),
    failNextOrgConfigs: (n, fault = 503) => orgFaults.push(...Array<number | 'hang'>(n).fill(fault)),
    waitForOrders(count, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (orders.length < count) return;
          cleanup();
          resolve([...orders]);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`expected ${count} orders, have ${orders.length}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          orderWaiters.delete(check);
        };
        orderWaiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Independent price check: every line must match this app's own menu (so a bridge pricing bug shows up as a 422). */
function checkAgainstMenu(rawOrg: unknown, body: SubmitOrderBody): string | undefined {
  const parsed = parseOrgConfig(rawOrg);
  if (!parsed.ok) return `unknown org ${body.orgId}`;
  const org: OrgConfig = parsed.config;
  if (body.currency !== org.currency) return `currency must be ${org.currency}`;
  const items = new Map(org.menu.categories.flatMap((c) => c.items.map((i) => [i.id, i] as const)));
  for (const line of body.items) {
    const item = items.get(line.itemId);
    if (!item?.available) return `${line.name} is not available`;
    let unit = item.priceCents;
    for (const m of line.modifiers) {
      const option = item.modifierGroups.find((g) => g.id === m.groupId)?.options.find((o) => o.id === m.optionId);
      if (!option || option.priceCents !== m.priceCents) return `option ${m.optionId} does not match the menu`;
      unit += option.priceCents;
    }
    if (unit !== line.unitPriceCents) return `unitPriceCents for ${line.itemId} should be ${unit}`;
  }
  return undefined;
}

function drop(req: IncomingMessage, log: SubmitRequestLog): void {
  log.status = 'dropped';
  req.socket.destroy();
}

function send(res: ServerResponse, log: SubmitRequestLog, status: number, body: unknown): void {
  log.status = status;
  sendJson(res, status, body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1_000_000) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
