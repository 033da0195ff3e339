/**
 * Validation of `response.create`'s `response` against the openai 7.x `RealtimeResponseCreateParams` (its fields and
 * no others; `metadata` at most 16 keys of 64 characters with string values of 512; `conversation` `auto` or `none`;
 * `input` items, including `item_reference`s to items of the session, per `RealtimeResponseCreateParamsWithReferencesParam`),
 * and what the response will then see.
 */
import type { RealtimeResponseCreateParams } from 'openai/resources/realtime/realtime';
import { arrayOf, anything, boolean, isObject, nullable, object, oneOf, string, type Checker } from './realtime-checks.js';
import { contextItem, conversationContext, type ContextItem, type ModelContext } from './realtime-context.js';
import type { Conversation } from './realtime-conversation.js';
import { simErrors, type SimError } from './realtime-errors.js';
import { format, functionTool, maxOutputTokens, outputModalities, reasoning, toolChoice, voice } from './realtime-field-checks.js';
import { checkItem } from './realtime-item-events.js';
import { liveModel } from './realtime-models.js';
import type { EffectiveSession, FunctionToolConfig } from './realtime-types.js';

const MAX_METADATA_KEYS = 16;

function tooLong(param: string, max: number, got: string): SimError {
  return {
    type: 'invalid_request_error',
    code: 'string_above_max_length',
    message: `Invalid '${param}': string too long. Expected a string with maximum length ${max}, but got a string with length ${got.length} instead.`,
    param,
  };
}

const metadata: Checker = nullable((v, p) => {
  if (!isObject(v)) return simErrors.invalidType(p, 'an object', v);
  const entries = Object.entries(v);
  if (entries.length > MAX_METADATA_KEYS) {
    return {
      type: 'invalid_request_error',
      code: 'object_above_max_properties',
      message: `Invalid '${p}': too many properties. Expected an object with at most ${MAX_METADATA_KEYS} properties, but got an object with ${entries.length} properties instead.`,
      param: p,
    };
  }
  for (const [key, value] of entries) {
    if (key.length > 64) return tooLong(`${p}.${key}`, 64, key);
    const err = string(value, `${p}.${key}`);
    if (err) return err;
    if ((value as string).length > 512) return tooLong(`${p}.${key}`, 512, value as string);
  }
  return undefined;
});

const mcpTool: Checker = anything;
const tool: Checker = (v, p) => (isObject(v) && v.type === 'mcp' ? mcpTool(v, p) : functionTool(v, p));

const inputItem: Checker = (v, p) => {
  if (!isObject(v)) return simErrors.invalidType(p, 'an object', v);
  if (v.type === 'item_reference') return object({ type: anything, id: string }, ['id'])(v, p);
  return checkItem(v, p);
};

const responseFields = {
  audio: object({ output: object({ format, voice }) }),
  conversation: oneOf(['auto', 'none']),
  input: arrayOf(inputItem),
  instructions: string,
  max_output_tokens: maxOutputTokens,
  metadata,
  output_modalities: outputModalities,
  parallel_tool_calls: boolean,
  prompt: anything,
  reasoning,
  tool_choice: toolChoice,
  tools: arrayOf(tool),
};

export interface ResponseRequest {
  params: RealtimeResponseCreateParams;
  /** `conversation: "none"`: the output is not added to the default conversation. */
  outOfBand: boolean;
  context: ModelContext;
}

/** Items of `response.input`: inline ones as given, references as the items they name. */
function inputContext(input: unknown[], conversation: Conversation): ContextItem[] | SimError {
  const items: ContextItem[] = [];
  for (const [i, raw] of input.entries()) {
    const item = raw as { type?: string; id?: string };
    const entry = item.type === 'item_reference' ? conversation.get(item.id!) : { id: item.id ?? `input_${i}`, item };
    if (!entry) return simErrors.itemNotFound(item.id!, `response.input[${i}].id`);
    const seen = contextItem(entry);
    if (seen) items.push(seen);
  }
  return items;
}

/** Checks a `response.create` payload; answers what the response will see, or the error the API would send. */
export function readResponseCreate(raw: unknown, session: EffectiveSession, conversation: Conversation, now: Date): ResponseRequest | SimError {
  if (raw !== undefined && !isObject(raw)) return simErrors.invalidType('response', 'an object', raw);
  const params = (raw ?? {}) as Record<string, unknown>;
  const invalid = object(responseFields)(params, 'response');
  if (invalid) return invalid;
  for (const key of ['reasoning', 'parallel_tool_calls']) {
    if (params[key] !== undefined && !liveModel(session.model, now)?.reasoning) return simErrors.unsupportedParameter(`response.${key}`);
  }
  const items = params.input === undefined ? conversationContext(conversation) : inputContext(params.input as unknown[], conversation);
  if (!Array.isArray(items)) return items;
  const tools = (params.tools as FunctionToolConfig[] | undefined) ?? session.tools;
  const instructions = (params.instructions as string | undefined) ?? session.instructions;
  return { params: params as RealtimeResponseCreateParams, outOfBand: params.conversation === 'none', context: { instructions, tools, items } };
}
