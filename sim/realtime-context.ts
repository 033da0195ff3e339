/**
 * What the model sees for one response, as the `response.create` docs of the openai 7.x types describe it: the
 * response's `instructions` if given (they REPLACE the session's for that response), else the session's; the
 * response's `tools`, else the session's; and the response's `input` items if given ("creates a new context for this
 * Response instead of using the default conversation"), else the default conversation, in order.
 */
import type { Conversation, ConversationEntry } from './realtime-conversation.js';
import type { FunctionToolConfig } from './realtime-types.js';

/** One item as the model reads it. Caller audio carries what the caller said (`text`) and how long it is. */
export type ContextItem =
  | { type: 'message'; id: string; role: 'system' | 'user' | 'assistant'; text: string; audioMs?: number }
  | { type: 'function_call'; id: string; callId: string; name: string; arguments: string }
  | { type: 'function_call_output'; id: string; callId: string; output: string };

export interface ModelContext {
  instructions: string;
  tools: readonly FunctionToolConfig[];
  items: ContextItem[];
}

type Part = { type?: string; text?: string; transcript?: string | null };
type WireItem = { id?: string; type?: string; role?: string; content?: Part[]; call_id?: string; name?: string; arguments?: string; output?: string };

function partText(part: Part, said: string | null | undefined): string {
  if (part.type === 'input_audio') return said ?? part.transcript ?? '';
  if (part.type === 'output_audio') return part.transcript ?? '';
  return part.text ?? '';
}

/** The model's view of one conversation entry, or of an item given inline in `response.input`. */
export function contextItem(entry: Pick<ConversationEntry, 'id' | 'assistantAudio' | 'callerAudio'> & { item: unknown }): ContextItem | undefined {
  const item = entry.item as WireItem;
  if (item.type === 'function_call') return { type: 'function_call', id: entry.id, callId: item.call_id ?? '', name: item.name ?? '', arguments: item.arguments ?? '' };
  if (item.type === 'function_call_output') return { type: 'function_call_output', id: entry.id, callId: item.call_id ?? '', output: item.output ?? '' };
  if (item.type !== 'message') return undefined;
  const role = item.role as 'system' | 'user' | 'assistant';
  const text = (item.content ?? []).map((part) => partText(part, entry.callerAudio?.said)).join(' ');
  const audio = entry.callerAudio?.ms ?? (entry.assistantAudio ? entry.assistantAudio.bytes / entry.assistantAudio.bytesPerMs : undefined);
  return audio === undefined ? { type: 'message', id: entry.id, role, text } : { type: 'message', id: entry.id, role, text, audioMs: audio };
}

export function conversationContext(conversation: Conversation): ContextItem[] {
  return conversation.list().flatMap((entry) => contextItem(entry) ?? []);
}

/** Texts of the items of one role, for assertions such as "the cart is in front of the model". */
export function textsOf(context: ModelContext, role: 'system' | 'user' | 'assistant'): string[] {
  return context.items.flatMap((item) => (item.type === 'message' && item.role === role ? [item.text] : []));
}

/** Everything the model reads as text (instructions, tool definitions, item texts, calls and outputs), joined. */
export function contextText(context: ModelContext): string {
  const items = context.items.map((item) =>
    item.type === 'message' ? item.text : item.type === 'function_call' ? `${item.name}(${item.arguments})` : item.output,
  );
  return [context.instructions, JSON.stringify(context.tools), ...items].join('\n');
}
