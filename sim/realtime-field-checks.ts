/**
 * Field validators shared by `session.update` and `response.create` (the openai 7.x `RealtimeSessionCreateRequest`
 * and `RealtimeResponseCreateParams` have these in common).
 */
import { simErrors } from './realtime-errors.js';
import { anything, arrayOf, isObject, nullable, numberIn, object, oneOf, string, tagged, type Checker } from './realtime-checks.js';

export const format = tagged({
  'audio/pcm': { rate: oneOf([24000]) },
  'audio/pcmu': {},
  'audio/pcma': {},
});

export const functionTool: Checker = (v, p) =>
  tagged({ function: { name: string, description: string, parameters: anything } })(v, p) ??
  (isObject(v) && v.name === undefined ? simErrors.missingParameter(`${p}.name`) : undefined);
export const toolChoice: Checker = (v, p) =>
  typeof v === 'string'
    ? oneOf(['auto', 'none', 'required'])(v, p)
    : tagged({ function: { name: string }, mcp: { server_label: string, name: nullable(string) } })(v, p);

export const outputModalities: Checker = (v, p) =>
  arrayOf(oneOf(['audio', 'text']))(v, p) ??
  ((v as unknown[]).length === 1 ? undefined : simErrors.invalidValue(p, JSON.stringify(v), ['["audio"]', '["text"]']));

export const maxOutputTokens: Checker = (v, p) => (v === 'inf' ? undefined : numberIn(1, 4096, true)(v, p));

export const reasoning = object({ effort: oneOf(['minimal', 'low', 'medium', 'high', 'xhigh']) });

/** A voice name, or `{ id }` for a custom voice. */
export const voice: Checker = (v, p) => (typeof v === 'string' ? undefined : object({ id: string }, ['id'])(v, p));
