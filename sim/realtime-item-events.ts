/**
 * Client events on conversation items: create (including `function_call_output`), truncate, delete and retrieve,
 * with the API's bounds and errors (the `conversation.item.*` client events of the openai 7.x types).
 */
import type { ConversationItem, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import type { Conversation } from './realtime-conversation.js';
import { simErrors, type SimError } from './realtime-errors.js';
import type { IdSource } from './realtime-ids.js';
import type { FunctionOutputRecord, ReceivedEvent, TruncationRecord } from './realtime-types.js';

export interface ItemEventContext {
  conversation: Conversation;
  ids: IdSource;
  emit(event: RealtimeServerEvent): void;
  truncations: TruncationRecord[];
  functionOutputs: FunctionOutputRecord[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function requireString(obj: Record<string, unknown>, key: string, param: string): SimError | undefined {
  if (obj[key] === undefined) return simErrors.missingParameter(param);
  return typeof obj[key] === 'string' ? undefined : simErrors.invalidType(param, 'a string', obj[key]);
}

/** Checks an item's required fields; `path` names it in the error's `param` (`item`, `response.input[2]`). */
export function checkItem(item: Record<string, unknown>, path = 'item'): SimError | undefined {
  switch (item.type) {
    case 'function_call_output':
      return requireString(item, 'call_id', `${path}.call_id`) ?? requireString(item, 'output', `${path}.output`);
    case 'function_call':
      return requireString(item, 'name', `${path}.name`) ?? requireString(item, 'arguments', `${path}.arguments`);
    case 'message':
      if (!['user', 'assistant', 'system'].includes(item.role as string)) {
        return simErrors.invalidValue(`${path}.role`, item.role, ['user', 'assistant', 'system']);
      }
      return Array.isArray(item.content) ? undefined : simErrors.invalidType(`${path}.content`, 'an array', item.content);
    case undefined:
      return simErrors.missingParameter(`${path}.type`);
    default:
      return simErrors.invalidValue(`${path}.type`, item.type, ['message', 'function_call', 'function_call_output']);
  }
}

export function createItem(ctx: ItemEventContext, event: ReceivedEvent): SimError | undefined {
  const raw = event.item;
  if (raw === undefined) return simErrors.missingParameter('item');
  if (!isObject(raw)) return simErrors.invalidType('item', 'an object', raw);
  const invalid = checkItem(raw);
  if (invalid) return invalid;
  const previousId = event.previous_item_id;
  if (typeof previousId === 'string' && previousId !== 'root' && !ctx.conversation.has(previousId)) {
    return simErrors.itemNotFound(previousId, 'previous_item_id');
  }
  const id = typeof raw.id === 'string' ? raw.id : ctx.ids.item();
  const item = { ...raw, id, object: 'realtime.item', status: 'completed' } as ConversationItem;
  const previous = ctx.conversation.add({ id, item }, typeof previousId === 'string' ? previousId : undefined);
  if (raw.type === 'function_call_output') ctx.functionOutputs.push({ itemId: id, callId: raw.call_id as string, output: raw.output as string });
  ctx.emit({ type: 'conversation.item.added', event_id: ctx.ids.event(), previous_item_id: previous, item });
  ctx.emit({ type: 'conversation.item.done', event_id: ctx.ids.event(), previous_item_id: previous, item });
  return undefined;
}

export function truncateItem(ctx: ItemEventContext, event: ReceivedEvent): SimError | undefined {
  const { item_id: itemId, audio_end_ms: endMs } = event;
  const contentIndex = typeof event.content_index === 'number' ? event.content_index : 0;
  if (itemId === undefined) return simErrors.missingParameter('item_id');
  if (typeof itemId !== 'string') return simErrors.invalidType('item_id', 'a string', itemId);
  if (endMs === undefined) return simErrors.missingParameter('audio_end_ms');
  if (typeof endMs !== 'number' || !Number.isInteger(endMs)) return simErrors.invalidType('audio_end_ms', 'an integer', endMs);
  if (endMs < 0) return simErrors.belowMin('audio_end_ms', 0, endMs);
  const entry = ctx.conversation.get(itemId);
  if (!entry) return simErrors.itemNotFound(itemId);
  const audio = entry.assistantAudio;
  if (!audio || audio.bytes === 0) return simErrors.truncateUnsupported();
  const itemAudioMs = audio.bytes / audio.bytesPerMs;
  if (endMs > itemAudioMs) return simErrors.truncateBeyondAudio(itemAudioMs, endMs);
  ctx.truncations.push({ itemId, contentIndex, audioEndMs: endMs, itemAudioMs });
  audio.bytes = Math.round(endMs * audio.bytesPerMs);
  // Truncation deletes the server-side transcript: nothing unheard stays in the context.
  if (entry.item.type === 'message' && entry.item.role === 'assistant') {
    entry.item = { ...entry.item, content: [{ type: 'output_audio' }] };
  }
  ctx.emit({ type: 'conversation.item.truncated', event_id: ctx.ids.event(), item_id: itemId, content_index: contentIndex, audio_end_ms: endMs });
  return undefined;
}

export function deleteItem(ctx: ItemEventContext, event: ReceivedEvent): SimError | undefined {
  const itemId = event.item_id;
  if (typeof itemId !== 'string') return simErrors.missingParameter('item_id');
  if (!ctx.conversation.delete(itemId)) return simErrors.itemNotFound(itemId);
  ctx.emit({ type: 'conversation.item.deleted', event_id: ctx.ids.event(), item_id: itemId });
  return undefined;
}

export function retrieveItem(ctx: ItemEventContext, event: ReceivedEvent): SimError | undefined {
  const itemId = event.item_id;
  if (typeof itemId !== 'string') return simErrors.missingParameter('item_id');
  const entry = ctx.conversation.get(itemId);
  if (!entry) return simErrors.itemNotFound(itemId);
  ctx.emit({ type: 'conversation.item.retrieved', event_id: ctx.ids.event(), item: entry.item });
  return undefined;
}
