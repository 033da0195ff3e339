import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseOrgConfig, type OrgConfig } from '../src/main-app/org-config.js';
import { parseSubmitOrderBody, type SubmitOrderBody } from '../src/main-app/submit-order-body.js';
import { answer, drop, parseJson, readBody, Recorded, type LoggedRequest } from './main-app-http.js';

/** POST /api/realtime/submit-order in the main-app stand-in: idempotent by key, prices checked against its own menu, faults on demand. */

export type SubmitFault = '503' | 'drop' | 'hang' | 'accept-then-drop' | { refuse: string };

export interface RecordedOrder {
  orderId: string;
  idempotencyKey: string;
  body: SubmitOrderBody;
}

export type SubmitRequestLog = LoggedRequest;

export class OrderRoute {
  readonly orders = new Recorded<RecordedOrder>('orders');
  readonly requests: SubmitRequestLog[] = [];
  readonly faults: SubmitFault[] = [];
  private readonly byKey = new Map<string, RecordedOrder>();

  constructor(
    private readonly orgs: Map<string, unknown>,
    private readonly estimatedReadyMinutes: number,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, log: SubmitRequestLog): Promise<void> {
    const fault = this.faults.shift();
    if (fault === 'hang') return void (log.status = 'hung');
    if (fault === 'drop') return drop(req, log);
    if (fault === '503') return answer(res, log, 503, { error: 'service unavailable' });
    const parsed = parseSubmitOrderBody(parseJson(await readBody(req)));
    if (!parsed.ok) return answer(res, log, 400, { error: parsed.error });
    const body = parsed.body;
    if (log.idempotencyKey !== body.idempotencyKey) return answer(res, log, 400, { error: 'Idempotency-Key header must equal body.idempotencyKey' });
    const existing = this.byKey.get(body.idempotencyKey);
    if (existing) return answer(res, log, 409, { orderId: existing.orderId });
    if (typeof fault === 'object') return answer(res, log, 422, { error: fault.refuse });
    const menuProblem = checkAgainstMenu(this.orgs.get(body.orgId), body);
    if (menuProblem) return answer(res, log, 422, { error: menuProblem });
    const order = { orderId: `ord_${this.orders.size + 1}`, idempotencyKey: body.idempotencyKey, body };
    this.byKey.set(body.idempotencyKey, order);
    this.orders.add(order);
    if (fault === 'accept-then-drop') return drop(req, log);
    answer(res, log, 201, { orderId: order.orderId, estimatedReadyMinutes: this.estimatedReadyMinutes });
  }
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
