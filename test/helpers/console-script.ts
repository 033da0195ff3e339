import { COLA_ARGS, SUBMIT_ARGS } from '../../sim/demo-script.js';
import { callTool, say, type ResponderContext, type ScriptedItem } from '../../sim/realtime-server.js';
import type { SimSession } from '../../sim/realtime-session.js';

export const GREETING = "Hello, Luigi's, what can I get you?";
export const CALLER_LINES = ['A cola, please.', "That's all. It's Ana, I'll pick it up."];

/**
 * The stand-in model's side of an order placed from the console's point of view: greeting; the first caller turn
 * adds a cola; the second places the order; then goodbye and hang up. Keyed on what happened (caller turns, tool
 * outputs), not on timing, so barge-ins do not change it.
 */
export function orderingModel(options: { greetingMs?: number } = {}) {
  const responder = (ctx: ResponderContext): ScriptedItem[] => {
    if (ctx.trigger === 'client' && ctx.responseIndex === 0) return [say(GREETING, options.greetingMs ?? 600)];
    const outputs = ctx.newFunctionOutputs.map((o) => JSON.parse(o.output) as { ok?: boolean; order_id?: string });
    if (outputs.some((o) => o.order_id !== undefined)) return [say('Thanks Ana, goodbye!', 300), callTool('end_call', { reason: 'order placed' })];
    if (outputs.length > 0) return [say('One cola. Anything else?', 400)];
    if (ctx.trigger !== 'vad') return [];
    if (ctx.turnIndex === 1) return [callTool('add_item', COLA_ARGS)];
    if (ctx.turnIndex === 2) return [callTool('submit_order', SUBMIT_ARGS)];
    return [say('Sorry?', 300)];
  };
  return { responder, transcribe: ({ turnIndex }: { turnIndex: number }) => CALLER_LINES[turnIndex] ?? '(mumbles)' };
}

/** The staff notes the model received (system messages the bridge added as staff notes). */
export function staffNotes(session: SimSession): string[] {
  return session.received
    .filter((e) => e.type === 'conversation.item.create')
    .map((e) => (e.item as { role?: string; content?: Array<{ text?: string }> }).content?.[0]?.text ?? '')
    .filter((text) => text.includes("Note from the restaurant's staff"));
}
