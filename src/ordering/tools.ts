import { z } from 'zod';
import type { SubmitOutcome, OrderSubmitter } from '../main-app/order-submitter.js';
import { formatPath, offeredFulfillment, type OrgConfig } from '../main-app/org-config.js';
import type { SubmitOrderBody } from '../main-app/submit-order-body.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { addItem, defaultCartLimits, describeLine, emptyCart, removeItem, subtotalCents, updateItem, type Cart, type CartChange, type CartLimits, type CartLine } from './cart.js';
import { validateCheckout } from './checkout.js';
import { MenuIndex } from './menu.js';
import { buildOrderBody, orderIdempotencyKey } from './order-body.js';
import { buildToolDefinitions, type ToolDefinition } from './tool-definitions.js';

export interface OrderingToolsOptions {
  org: OrgConfig;
  callSid: string;
  /** The caller's number (Twilio `From`); null when withheld. */
  callerPhone: string | null | undefined;
  submitter: Pick<OrderSubmitter, 'submit'>;
  clock: Clock;
  logger?: Logger;
  limits?: CartLimits;
  /** Longest a submit_order waits on the app before the outbox takes the order over. */
  submitTimeoutMs?: number;
}

/** What a tool run returns to the model (JSON-serialisable; encode once as function_call_output.output). */
export type ToolSuccess = { ok: true; [key: string]: unknown };
export type ToolResult = ToolSuccess | { ok: false; error: string; message: string; choices?: string[] };

export interface SubmittedOrder {
  idempotencyKey: string;
  body: SubmitOrderBody;
  outcome: Extract<SubmitOutcome, { kind: 'accepted' | 'queued' }>;
}

export interface OrderingTools {
  definitions: ToolDefinition[];
  /** Runs a tool call; never throws: bad arguments and refusals come back as `{ok:false, error, message}`. */
  run(name: string, argumentsJson: string, signal?: AbortSignal): Promise<ToolResult>;
  /** The order state as text, for restoring a model session (tool calls are not replayed). */
  cartSnapshot(): string;
  /** The most recent order placed or queued for delivery in this call. */
  submittedOrder(): SubmittedOrder | undefined;
  cart(): Cart;
}

const count = z.preprocess((v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v), z.number());
const optionList = z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(z.string()));
const text = (max: number) => z.string().max(max, { error: `must be at most ${max} characters` });
const argSchemas = {
  add_item: z.object({ item: z.string().min(1), quantity: count.optional(), options: optionList.optional(), notes: text(200).nullish() }),
  update_item: z.object({ line: count, quantity: count.optional(), options: optionList.optional(), notes: text(200).nullish() }),
  remove_item: z.object({ line: count }),
  get_order: z.object({}),
  submit_order: z.object({
    customer_name: text(100).optional(),
    fulfillment_type: z.string().optional(),
    delivery_address: text(300).optional(),
    confirmed: z.boolean().optional(),
    notes: text(300).nullish(),
  }),
};
type ToolName = keyof typeof argSchemas;
type Args<N extends ToolName> = z.output<(typeof argSchemas)[N]>;

const fail = (error: string, message: string, choices?: string[]): ToolResult => (choices?.length ? { ok: false, error, message, choices } : { ok: false, error, message });

export function createOrderingTools(options: OrderingToolsOptions): OrderingTools {
  const { org, callSid, clock } = options;
  const limits = options.limits ?? defaultCartLimits;
  const submitTimeoutMs = options.submitTimeoutMs ?? 8_000;
  const menu = new MenuIndex(org);
  const log = options.logger?.child({ component: 'ordering-tools' });
  let cart: Cart = emptyCart;
  let cartVersion = 0;
  let nextOrderNumber = 1;
  /** A key whose submit failed without a verdict: the same cart must reuse it, in case the app got it. */
  let unresolvedKey: { version: number; orderNumber: number } | undefined;
  let placed: { version: number; order: SubmittedOrder; result: ToolSuccess } | undefined;
  let inFlight: Promise<ToolResult> | undefined;
  const history: SubmittedOrder[] = [];

  const cartIsPlaced = () => placed !== undefined && placed.version === cartVersion;
  const money = (cents: number) => menu.money(cents);

  function orderView() {
    return {
      lines: cart.lines.map(lineView),
      subtotal: money(subtotalCents(cart)),
      subtotal_cents: subtotalCents(cart),
      currency: org.currency,
    };
  }

  function applyChange(change: CartChange, note?: string): ToolResult {
    if (!change.ok) return fail(change.rejection.code, change.rejection.message, change.rejection.choices);
    cart = change.cart;
    cartVersion++;
    const stillThere = cart.lines.some((l) => l.lineId === change.line.lineId);
    return { ok: true, ...(stillThere ? { line: lineView(change.line) } : { removed: lineView(change.line) }), order: orderView(), ...(note ? { note } : {}) };
  }

  function changeCart(kind: 'add' | 'edit', change: (current: Cart) => CartChange): ToolResult {
    if (inFlight) return fail('order_being_submitted', 'The order is being sent to the restaurant right now; wait for that result before changing anything.');
    if (!cartIsPlaced()) return applyChange(change(cart));
    const orderRef = placedReference(placed!.order);
    if (kind === 'edit') {
      return fail('order_already_placed', `The order was already sent to the restaurant (${orderRef}) and can no longer be changed here. New items can go in a separate new order.`);
    }
    const started = change(emptyCart);
    return started.ok ? applyChange(started, `The previous order (${orderRef}) was already placed; this starts a new, separate order.`) : applyChange(started);
  }

  async function submit(args: Args<'submit_order'>, signal?: AbortSignal): Promise<ToolResult> {
    if (cartIsPlaced()) return { ...placed!.result, already_submitted: true };
    if (inFlight) return inFlight;
    const checkout = validateCheckout(cart, org, {
      customerName: args.customer_name,
      fulfillmentType: args.fulfillment_type,
      deliveryAddress: args.delivery_address,
      confirmed: args.confirmed,
    });
    if (!checkout.ok) return fail(checkout.rejection.code, checkout.rejection.message, checkout.rejection.choices);
    const version = cartVersion;
    const orderNumber = unresolvedKey?.version === version ? unresolvedKey.orderNumber : nextOrderNumber++;
    const body = buildOrderBody({
      org,
      callSid,
      idempotencyKey: orderIdempotencyKey(callSid, orderNumber),
      customer: { name: checkout.customerName, phone: options.callerPhone ?? null },
      fulfillment: checkout.fulfillment,
      cart,
      notes: args.notes ?? null,
      placedAt: clock.wallNow(),
    });
    inFlight = deliver(body, version, orderNumber, signal).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  async function deliver(body: SubmitOrderBody, version: number, orderNumber: number, signal?: AbortSignal): Promise<ToolResult> {
    const outcome = await submitWithin(body, signal);
    log?.info({ key: body.idempotencyKey, outcome: outcome.kind }, 'submit_order finished');
    unresolvedKey = outcome.kind === 'failed' ? { version, orderNumber } : undefined;
    if (outcome.kind === 'refused') {
      return fail('order_refused', `The restaurant could not accept the order: ${outcome.reason}. Explain this to the caller and ask how they would like to continue.`);
    }
    if (outcome.kind === 'failed') {
      return fail('order_not_placed', 'The order could not be sent because of a technical problem. Apologise; the caller can try again in a moment or call back.');
    }
    const order: SubmittedOrder = { idempotencyKey: body.idempotencyKey, body, outcome };
    const result = placedResult(outcome, money(body.subtotalCents));
    placed = { version, order, result };
    history.push(order);
    return result;
  }

  /** Bounded by submitTimeoutMs and the caller's signal; past either, the submitter hands the order to the outbox. */
  async function submitWithin(body: SubmitOrderBody, signal?: AbortSignal): Promise<SubmitOutcome> {
    const controller = new AbortController();
    const abort = () => controller.abort();
    const timer = clock.setTimeout(abort, submitTimeoutMs);
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      return await options.submitter.submit(body, controller.signal);
    } catch (err) {
      log?.error({ key: body.idempotencyKey, err }, 'submitter threw');
      return { kind: 'failed', reason: String(err) };
    } finally {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
    }
  }

  const handlers: { [N in ToolName]: (args: Args<N>, signal?: AbortSignal) => ToolResult | Promise<ToolResult> } = {
    add_item: (a) => changeCart('add', (c) => addItem(c, menu, { item: a.item, quantity: a.quantity, options: a.options, notes: a.notes }, limits)),
    update_item: (a) => changeCart('edit', (c) => updateItem(c, menu, { line: a.line, quantity: a.quantity, options: a.options, notes: a.notes }, limits)),
    remove_item: (a) => changeCart('edit', (c) => removeItem(c, a.line)),
    get_order: () => ({ ok: true, ...orderView(), ...(cartIsPlaced() ? { status: 'already_placed' } : {}), fulfillment_options: offeredFulfillment(org) }),
    submit_order: submit,
  };

  return {
    definitions: buildToolDefinitions(org, limits),

    async run(name, argumentsJson, signal) {
      if (!Object.hasOwn(argSchemas, name)) return fail('unknown_tool', `There is no tool named "${name}".`);
      const toolName = name as ToolName;
      const args = parseArgs(toolName, argumentsJson);
      if (!args.ok) return args.result;
      try {
        return await (handlers[toolName] as (a: unknown, s?: AbortSignal) => ToolResult | Promise<ToolResult>)(args.value, signal);
      } catch (err) {
        log?.error({ tool: name, err }, 'ordering tool failed');
        return fail('internal_error', 'Something went wrong handling that; apologise and try again.');
      }
    },

    cartSnapshot() {
      const parts = history.map((o, i) => `Order ${i + 1} was already sent to the restaurant (${placedReference(o)}).`);
      if (cart.lines.length === 0) parts.push('The current order is empty.');
      else {
        const lines = cart.lines.map((l) => `line ${l.lineId}: ${describeLine(l)}, ${money(l.lineTotalCents)}`).join('; ');
        parts.push(`${cartIsPlaced() ? 'Placed order' : 'Current order (not submitted yet)'}: ${lines}. Subtotal ${money(subtotalCents(cart))}.`);
      }
      return parts.join('\n');
    },

    submittedOrder: () => history.at(-1),
    cart: () => cart,
  };
}

function parseArgs(name: ToolName, json: string): { ok: true; value: unknown } | { ok: false; result: ToolResult } {
  let raw: unknown;
  try {
    raw = json.trim() === '' ? {} : JSON.parse(json);
  } catch {
    return { ok: false, result: fail('invalid_arguments', `The arguments for ${name} were not valid JSON; call it again.`) };
  }
  const parsed = argSchemas[name].safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { ok: false, result: fail('invalid_arguments', `${name}: ${formatPath(issue.path) || 'arguments'}: ${issue.message}. Call it again with corrected arguments.`) };
}

function lineView(line: CartLine) {
  return {
    line: line.lineId,
    item_id: line.itemId,
    name: line.name,
    quantity: line.quantity,
    options: line.modifiers.map((m) => m.name),
    notes: line.notes,
    unit_price_cents: line.unitPriceCents,
    line_total_cents: line.lineTotalCents,
    description: describeLine(line),
  };
}

function placedReference(order: SubmittedOrder): string {
  return order.outcome.kind === 'accepted' && order.outcome.orderId ? `order number ${order.outcome.orderId}` : 'received, awaiting confirmation';
}

function placedResult(outcome: SubmittedOrder['outcome'], total: string): ToolSuccess {
  if (outcome.kind === 'queued') {
    return {
      ok: true,
      status: 'received',
      total,
      message: 'The order was received and will be confirmed by the restaurant shortly. Tell the caller it is received; do not promise an order number or a ready time.',
    };
  }
  const ready = outcome.estimatedReadyMinutes !== undefined ? ` It will be ready in about ${outcome.estimatedReadyMinutes} minutes.` : '';
  return {
    ok: true,
    status: 'placed',
    order_id: outcome.orderId,
    ...(outcome.estimatedReadyMinutes !== undefined ? { estimated_ready_minutes: outcome.estimatedReadyMinutes } : {}),
    total,
    message: `The order is placed${outcome.orderId ? ` (order number ${outcome.orderId})` : ''}.${ready} Tell the caller.`,
  };
}
