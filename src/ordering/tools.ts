import { z } from 'zod';
import type { OrderSubmitter, SubmitOutcome } from '../main-app/order-submitter.js';
import { formatPath, offeredFulfillment, type OrgConfig } from '../main-app/org-config.js';
import type { Customer } from '../main-app/customer.js';
import type { SubmitOrderBody } from '../main-app/submit-order-body.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { openingStatus } from '../hours/opening-hours.js';
import { readyQuote } from '../hours/ready-time.js';
import { openNowText, todaysHoursText } from '../hours/speakable-hours.js';
import { addItem, defaultCartLimits, describeLine, emptyCart, removeItem, subtotalCents, updateItem, type Cart, type CartChange, type CartLimits } from './cart.js';
import { validateCheckout } from './checkout.js';
import { addLastOrder } from './last-order.js';
import { MenuIndex } from './menu.js';
import { buildOrderBody, orderIdempotencyKey } from './order-body.js';
import { OrderSubmission, type Resolution } from './order-submission.js';
import { buildToolDefinitions, type ToolDefinition } from './tool-definitions.js';
import { fail, lineView, orderView, placedReference, placedResult, type SubmittedOrder, type ToolResult, type ToolSuccess } from './tool-results.js';

export type { SubmittedOrder, ToolResult, ToolSuccess } from './tool-results.js';

export interface OrderingToolsOptions {
  org: OrgConfig;
  callSid: string;
  /** The caller's number (Twilio `From`); null when withheld. */
  callerPhone: string | null | undefined;
  /** The caller as the app knows them (GET customer), if known: their last order can be added in one step. */
  customer?: Customer | null | undefined;
  submitter: Pick<OrderSubmitter, 'submit'>;
  clock: Clock;
  logger?: Logger;
  limits?: CartLimits;
  /** Longest a submit_order waits on the app before the outbox takes the order over. */
  submitTimeoutMs?: number;
}

export interface OrderingTools {
  definitions: ToolDefinition[];
  /** Runs a tool call; never throws: bad arguments and refusals come back as `{ok:false, error, message}`. */
  run(name: string, argumentsJson: string, signal?: AbortSignal): Promise<ToolResult>;
  /** The order state as text, for restoring a model session (tool calls are not replayed). */
  cartSnapshot(): string;
  /** The most recent order placed or queued for delivery in this call. */
  submittedOrder(): SubmittedOrder | undefined;
  /** Lines in the cart not sent to the restaurant. */
  unsentLines(): number;
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
  add_last_order: z.object({}),
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

const HELD_BACK_NOTE =
  'The earlier submit_order still has no answer from the restaurant: the next submit_order first re-sends that earlier order exactly as it was, and sends these changes only if the restaurant did not take it.';

export function createOrderingTools(options: OrderingToolsOptions): OrderingTools {
  const { org, callSid, clock } = options;
  const limits = options.limits ?? defaultCartLimits;
  const menu = new MenuIndex(org);
  const log = options.logger?.child({ component: 'ordering-tools' });
  const submission = new OrderSubmission<{ cart: Cart; version: number }>({ submitter: options.submitter, clock, submitTimeoutMs: options.submitTimeoutMs ?? 8_000, logger: log });
  let cart: Cart = emptyCart;
  let cartVersion = 0;
  let nextOrderNumber = 1;
  let placed: { version: number; order: SubmittedOrder; result: ToolSuccess } | undefined;
  let inFlight: Promise<ToolResult> | undefined;
  const history: SubmittedOrder[] = [];

  const cartIsPlaced = () => placed !== undefined && placed.version === cartVersion;
  const money = (cents: number) => menu.money(cents);
  const view = () => orderView(cart, menu, org);
  const withNotes = (result: ToolSuccess, ...notes: (string | undefined)[]): ToolSuccess => {
    const note = [...notes, submission.hasUnresolved() ? HELD_BACK_NOTE : undefined].filter(Boolean).join(' ');
    return note ? { ...result, note } : result;
  };

  /** Whether the cart may change now; an add after a placed order starts a new, separate order. */
  function cartForChange(kind: 'add' | 'edit'): { base: Cart; note?: string } | ToolResult {
    if (inFlight) return fail('order_being_submitted', 'The order is being sent to the restaurant right now; wait for that result before changing anything.');
    if (!cartIsPlaced()) return { base: cart };
    const orderRef = placedReference(placed!.order);
    if (kind === 'edit') {
      return fail('order_already_placed', `The order was already sent to the restaurant (${orderRef}) and can no longer be changed here. New items can go in a separate new order.`);
    }
    return { base: emptyCart, note: `The previous order (${orderRef}) was already placed; this starts a new, separate order.` };
  }

  function changeCart(kind: 'add' | 'edit', change: (current: Cart) => CartChange): ToolResult {
    const target = cartForChange(kind);
    if ('ok' in target) return target;
    const result = change(target.base);
    if (!result.ok) return fail(result.rejection.code, result.rejection.message, result.rejection.choices);
    cart = result.cart;
    cartVersion++;
    const stillThere = cart.lines.some((l) => l.lineId === result.line.lineId);
    return withNotes({ ok: true, ...(stillThere ? { line: lineView(result.line) } : { removed: lineView(result.line) }), order: view() }, target.note);
  }

  function addCallersLastOrder(): ToolResult {
    const lastOrder = options.customer?.lastOrder;
    if (!lastOrder) return fail('no_last_order', 'There is no previous order on file for this caller; take the order as usual.');
    const target = cartForChange('add');
    if ('ok' in target) return target;
    const result = addLastOrder(target.base, menu, lastOrder, limits);
    const notAdded = result.notAdded.map((n) => ({ name: n.name, reason: n.reason }));
    const named = notAdded.map((n) => `${n.name} (${n.reason})`).join('; ');
    if (result.added.length === 0) return fail('last_order_unavailable', `Nothing from the previous order can be added today: ${named}. Tell the caller and offer something else from the menu.`);
    cart = result.cart;
    cartVersion++;
    const message = `Added the previous order at today's prices.${notAdded.length ? ` Not added: ${named}; tell the caller and offer an alternative.` : ''} Read the order back before submitting.`;
    return withNotes({ ok: true, added: result.added.map(lineView), not_added: notAdded, order: view(), message }, target.note);
  }

  function readyEstimates(): Record<string, string> | undefined {
    const now = clock.wallNow();
    const entries = offeredFulfillment(org).flatMap((type) => {
      const quote = readyQuote(org, type, now);
      return quote ? [[type, quote.text] as const] : [];
    });
    return entries.length ? Object.fromEntries(entries) : undefined;
  }

  function getOrder(): ToolResult {
    const ready = readyEstimates();
    return withNotes({
      ok: true,
      ...view(),
      ...(cartIsPlaced() ? { status: 'already_placed' } : {}),
      fulfillment_options: offeredFulfillment(org),
      ...(ready ? { ready_time_estimate: ready } : {}),
    });
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
    const build = (orderNumber: number) =>
      buildOrderBody({
        org,
        callSid,
        idempotencyKey: orderIdempotencyKey(callSid, orderNumber),
        customer: { name: checkout.customerName, phone: options.callerPhone ?? null },
        fulfillment: checkout.fulfillment,
        cart,
        notes: args.notes ?? null,
        placedAt: clock.wallNow(),
      });
    const submitNew = async (): Promise<ToolResult> => {
      const closed = closedNow();
      if (closed) return closed;
      const body = build(nextOrderNumber++);
      return outcomeResult(body, cartVersion, await submission.submit(body, { cart, version: cartVersion }, signal));
    };
    const resolveFirst = async (): Promise<ToolResult> => afterResolution(await submission.resolve(signal)) ?? submitNew();
    inFlight = (submission.hasUnresolved() ? resolveFirst() : submitNew()).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  /** What the earlier unanswered order's answer means for this submit; undefined when a new order may be sent. */
  function afterResolution(resolution: Resolution<{ cart: Cart; version: number }>): ToolResult | undefined {
    if (resolution.kind === 'none') return undefined;
    const { earlier } = resolution;
    if (resolution.kind === 'still-unresolved') {
      return fail('order_not_placed', 'The restaurant still cannot be reached, and the earlier order may or may not have reached it; nothing new was sent. Apologise; the caller can try again in a moment, or call back.');
    }
    const outcome = resolution.outcome;
    // The same cart: re-sending its body under its key is simply this submit (a new name given meanwhile is not sent).
    const unchanged = earlier.snapshot.version === cartVersion;
    if (outcome.kind === 'refused') {
      // The earlier order was refused: nothing of it exists, so the current cart may go as a new order.
      return unchanged ? outcomeResult(earlier.body, cartVersion, outcome) : undefined;
    }
    if (unchanged) return outcomeResult(earlier.body, cartVersion, outcome);
    const changedSince = cart;
    cart = earlier.snapshot.cart;
    cartVersion++;
    const result = outcomeResult(earlier.body, cartVersion, outcome) as ToolSuccess;
    const placedLines = cart.lines.map(describeLine).join('; ');
    const wanted = changedSince.lines.map(describeLine).join('; ') || 'nothing';
    return {
      ...result,
      earlier_order_went_through: true,
      message: `The earlier attempt did reach the restaurant: the order as first confirmed (${placedLines}) is ${placedReference({ idempotencyKey: earlier.body.idempotencyKey, body: earlier.body, outcome })}. The changes made since (the caller then wanted: ${wanted}) were NOT sent. Tell the caller; extra items can go in a new, separate order (add_item starts one); anything else about the placed order only the restaurant can change.`,
    };
  }

  /** ASAP orders are refused while the business is closed (orgs without hours are not judged); nothing reaches the app. */
  function closedNow(): ToolResult | undefined {
    const now = clock.wallNow();
    const status = openingStatus(org, now);
    if (!status.judged || status.open) return undefined;
    return fail(
      'closed_now',
      `${org.name} is closed now, so this order cannot be placed and nothing was sent to the restaurant. ${openNowText(org, now)} Today's hours: ${todaysHoursText(org, now)}. Tell the caller and invite them to call back when the restaurant is open.`,
    );
  }

  function outcomeResult(body: SubmitOrderBody, version: number, outcome: SubmitOutcome): ToolResult {
    if (outcome.kind === 'refused') {
      return fail('order_refused', `The restaurant could not accept the order: ${outcome.reason}. Explain this to the caller and ask how they would like to continue.`);
    }
    if (outcome.kind === 'failed') {
      return fail(
        'order_not_placed',
        'The order could not be sent because of a technical problem, and it may or may not have reached the restaurant. Apologise. If the caller wants to try again, call submit_order again: it re-sends exactly this order under the same reference, so it can never be placed twice; changes made meanwhile are held back until the restaurant has answered for it.',
      );
    }
    const order: SubmittedOrder = { idempotencyKey: body.idempotencyKey, body, outcome };
    const now = clock.wallNow();
    const result = placedResult(outcome, money(body.subtotalCents), now, org.timezone, readyQuote(org, body.fulfillment.type, now)?.text);
    placed = { version, order, result };
    history.push(order);
    return result;
  }

  const handlers: { [N in ToolName]: (args: Args<N>, signal?: AbortSignal) => ToolResult | Promise<ToolResult> } = {
    add_item: (a) => changeCart('add', (c) => addItem(c, menu, { item: a.item, quantity: a.quantity, options: a.options, notes: a.notes }, limits)),
    update_item: (a) => changeCart('edit', (c) => updateItem(c, menu, { line: a.line, quantity: a.quantity, options: a.options, notes: a.notes }, limits)),
    remove_item: (a) => changeCart('edit', (c) => removeItem(c, a.line)),
    get_order: getOrder,
    add_last_order: addCallersLastOrder,
    submit_order: submit,
  };

  return {
    definitions: buildToolDefinitions(org, limits, { lastOrder: Boolean(options.customer?.lastOrder) }),

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
    unsentLines: () => (cartIsPlaced() ? 0 : cart.lines.length),
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
