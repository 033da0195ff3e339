/**
 * The demo's printed transcript: one timestamped line per thing that happened on the call, plus the order as the
 * main app received it. Formatting only; times are passed in (ms on the demo's clock).
 */
import { formatMoney } from '../src/ordering/money.js';
import type { RecordedOrder } from './main-app.js';
import { parseToolOutput } from './demo-script.js';

export type Speaker = 'AGENT' | 'CALLER' | 'TOOL' | 'APP' | 'TWILIO' | 'SMS';

const INDENT = ' '.repeat(9);

export class Narrator {
  readonly lines: string[] = [];

  constructor(
    /** Time zero of the timestamps. */
    private origin: number,
    private readonly out: (line: string) => void,
  ) {}

  /** Timestamps count from here on (the phone starts ringing). */
  startClock(at: number): void {
    this.origin = at;
  }

  /** `[ 2.10s] CALLER Do you have pizza?` */
  say(at: number, who: Speaker, text: string): void {
    this.emit(`${stamp(at - this.origin)} ${who.padEnd(6)} ${text}`);
  }

  /** `[ 3.05s] (barge-in: …)` */
  note(at: number, text: string): void {
    this.emit(`${stamp(at - this.origin)} (${text})`);
  }

  /** Lines under the previous one, aligned with its text. */
  detail(text: string): void {
    this.emit(`${INDENT}${' '.repeat(7)}${text}`);
  }

  plain(text = ''): void {
    this.emit(text);
  }

  private emit(line: string): void {
    this.lines.push(line);
    this.out(line);
  }
}

function stamp(ms: number): string {
  return `[${(Math.max(0, ms) / 1000).toFixed(2).padStart(5)}s]`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** `add_item → ok, line 1: 2 × Margherita Pizza (Large, Mushrooms; note: well done) $39.00` */
export function describeToolResult(name: string, output: string): string {
  const result = parseToolOutput(output);
  if (result.ok !== true) return `${name} → error ${result.error ?? 'unknown'}: ${result.message ?? ''}`.trimEnd();
  const currency = result.order?.currency ?? 'USD';
  if (result.line) {
    const total = result.line.line_total_cents === undefined ? '' : ` ${formatMoney(result.line.line_total_cents, currency)}`;
    return `${name} → ok, line ${result.line.line ?? '?'}: ${result.line.description ?? ''}${total}`;
  }
  if (result.order_id !== undefined || result.status !== undefined) {
    return `${name} → ok, ${result.status ?? 'done'}${result.order_id ? ` as order ${result.order_id}` : ''}${result.total ? `, total ${result.total}` : ''}`;
  }
  return `${name} → ok`;
}

/** The order as the main app stored it: one line per item with integer-cent prices shown in dollars. */
export function describeOrder(order: RecordedOrder): { headline: string; details: string[] } {
  const { body } = order;
  const money = (cents: number) => formatMoney(cents, body.currency);
  const details = body.items.map((item) => {
    const modifiers = item.modifiers.map((m) => (m.priceCents ? `${m.name} +${money(m.priceCents)}` : m.name));
    const extras = [modifiers.join(', '), item.notes ? `note: ${item.notes}` : ''].filter(Boolean);
    return `${item.quantity} × ${item.name}${extras.length ? ` (${extras.join('; ')})` : ''} @ ${money(item.unitPriceCents)} = ${money(item.lineTotalCents)}`;
  });
  details.push(`subtotal ${money(body.subtotalCents)} (${body.subtotalCents} cents, ${body.currency})`);
  const customer = [body.customer.name, body.fulfillment.type, body.customer.phone].filter(Boolean).join(', ');
  return { headline: `order ${order.orderId} received (${customer}), idempotency key ${order.idempotencyKey}`, details };
}
