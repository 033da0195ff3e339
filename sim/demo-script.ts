/**
 * What happens in `npm run demo`: the caller's lines and the stand-in model's scripted side of the conversation.
 * The model's read-back and goodbye are built from the bridge's own tool outputs (prices, order number), so what
 * the demo prints is what the bridge computed, not text baked in here.
 */
import { textsOf, type ModelContext } from './realtime-context.js';
import type { Clock } from '../src/clock.js';
import { formatMoney } from '../src/ordering/money.js';
import { callTool, say, write } from './realtime-responder.js';
import type { Responder, ResponderResult, TranscriptContext } from './realtime-types.js';

export const DEMO_ORG_ID = 'org_luigis';
export const DEMO_CALLER_NUMBER = '+15551230000';
/** The restaurant's Twilio number: what the caller dials, and where the SMS confirmation comes from. */
export const DEMO_DIALLED_NUMBER = '+15005550006';

export interface CallerLine {
  text: string;
  /** How long the caller talks (speech-like tone the model stand-in's VAD hears). */
  ms: number;
}

export const CALLER_LINES: readonly CallerLine[] = [
  { text: 'Do you have pizza?', ms: 800 },
  { text: "Great, I'll take two large margheritas with mushrooms, well done, and a cola.", ms: 1400 },
  { text: "Yes, that's right. It's Ana, I'll pick it up.", ms: 1000 },
];

/** How much of the long answer the caller hears before talking over it. */
export const BARGE_IN_AFTER_MS = 1200;

export const GREETING_MS = 2200;
const LONG_ANSWER =
  'Yes! Our Margherita pizza comes in medium or large, and you can add mushrooms or olives. ' +
  'The pepperoni is off today, sorry. We also have cold cola.';
const LONG_ANSWER_MS = 5000;

export const CALL_IDS = { addPizza: 'call_add_pizza', addCola: 'call_add_cola', submit: 'call_submit', endCall: 'call_end' } as const;

export const PIZZA_ARGS = { item: 'item_margherita', quantity: 2, options: ['opt_large', 'opt_mushroom'], notes: 'well done' };
export const COLA_ARGS = { item: 'item_cola', quantity: 1 };
export const SUBMIT_ARGS = { customer_name: 'Ana', fulfillment_type: 'pickup', confirmed: true };

/** The model's answer to each caller line, by turn (the read-back and goodbye follow tool outputs instead). */
const REPLIES: readonly ResponderResult[] = [
  [say(LONG_ANSWER, LONG_ANSWER_MS)],
  [say('Sure, adding those now.', 1000), callTool('add_item', PIZZA_ARGS, CALL_IDS.addPizza), callTool('add_item', COLA_ARGS, CALL_IDS.addCola)],
  [say('Great, placing it now.', 1000), callTool('submit_order', SUBMIT_ARGS, CALL_IDS.submit)],
];

/** The part of the bridge's tool output the script reads (see src/ordering/tools.ts). */
export interface ToolOutput {
  ok?: boolean;
  error?: string;
  message?: string;
  status?: string;
  line?: { line?: number; description?: string; line_total_cents?: number };
  order?: { lines?: Array<{ description?: string }>; subtotal_cents?: number; currency?: string };
  order_id?: string;
  total?: string;
  estimated_ready_minutes?: number;
}

export function parseToolOutput(output: string): ToolOutput {
  try {
    const value = JSON.parse(output) as unknown;
    return typeof value === 'object' && value !== null ? (value as ToolOutput) : {};
  } catch {
    return {};
  }
}

/**
 * The greeting the bridge asked for: its note before the response (the latest system message) quotes the org's
 * greeting at its end, after the recording notice when the call is recorded.
 */
export function quotedGreeting(context: ModelContext): string {
  const note = textsOf(context, 'system').at(-1) ?? '';
  const greeting = /"([^"]+)"\s*$/.exec(note)?.[1] ?? 'Hello, thanks for calling!';
  const notice = /recording notice, word for word: "([^"]+)"/.exec(note)?.[1];
  return notice ? `${notice} ${greeting}` : greeting;
}

/** The after-call summary (a text response outside the conversation), from what the tools answered. */
function summary(outputs: readonly { callId: string; output: string }[]): ResponderResult {
  const added = outputs.filter((o) => o.callId === CALL_IDS.addPizza || o.callId === CALL_IDS.addCola).map((o) => parseToolOutput(o.output)).at(-1);
  const submitted = outputs.find((o) => o.callId === CALL_IDS.submit);
  const placed = submitted && parseToolOutput(submitted.output);
  if (!added?.order || placed?.ok !== true) return [write('Ana called; no order was placed.')];
  const lines = (added.order.lines ?? []).map((l) => l.description ?? '').join(' and ');
  const total = formatMoney(added.order.subtotal_cents ?? 0, added.order.currency ?? 'USD');
  return [write(`Ana ordered ${lines} for pickup, ${total}; order ${placed.order_id ?? 'received'}.`)];
}

function readBack(added: ToolOutput): ResponderResult {
  if (added.ok !== true || !added.order) return [say(`Sorry, I couldn't add that. ${added.message ?? ''}`.trim(), 2000)];
  const lines = (added.order.lines ?? []).map((l) => l.description ?? '').join(' and ');
  const total = formatMoney(added.order.subtotal_cents ?? 0, added.order.currency ?? 'USD');
  return [say(`So that's ${lines}, ${total} for pickup. Shall I place the order, and what name is it under?`, 3000)];
}

function goodbye(submitted: ToolOutput): ResponderResult {
  if (submitted.ok !== true) return [say(`Sorry, the order did not go through. ${submitted.message ?? ''}`.trim(), 2000)];
  const ready = submitted.estimated_ready_minutes === undefined ? '' : `, ready in about ${submitted.estimated_ready_minutes} minutes`;
  return [
    say(`Your order number is ${submitted.order_id ?? 'on its way'}${ready}. Thanks, Ana, goodbye!`, 2400),
    callTool('end_call', { reason: 'order placed' }, CALL_IDS.endCall),
  ];
}

export interface DemoModel {
  responder: Responder;
  transcribe: (ctx: TranscriptContext) => string;
  /** When each response (by its index in the session) reached the responder, on the demo's clock. */
  readonly responseStartedAt: ReadonlyMap<number, number>;
}

/** The stand-in model's side of the demo call. */
export function demoModel(clock: Clock): DemoModel {
  const responseStartedAt = new Map<number, number>();
  const responder: Responder = (ctx) => {
    responseStartedAt.set(ctx.responseIndex, clock.now());
    if (ctx.outOfBand) return summary(ctx.functionOutputs);
    if (ctx.trigger === 'client' && ctx.responseIndex === 0) return [say(quotedGreeting(ctx.context), GREETING_MS)];
    const submitted = ctx.newFunctionOutputs.find((o) => o.callId === CALL_IDS.submit);
    if (submitted) return goodbye(parseToolOutput(submitted.output));
    const added = ctx.newFunctionOutputs.filter((o) => o.callId === CALL_IDS.addPizza || o.callId === CALL_IDS.addCola).at(-1);
    if (added) return readBack(parseToolOutput(added.output));
    if (ctx.trigger === 'vad') return REPLIES[ctx.turnIndex - 1] ?? [say('Sorry, could you say that again?', 1500)];
    return [];
  };
  const transcribe = (ctx: TranscriptContext) => CALLER_LINES[ctx.turnIndex]?.text ?? '(mumbles)';
  return { responder, transcribe, responseStartedAt };
}
