import { z } from 'zod';
import type {
  InputAudioBufferSpeechStartedEvent,
  InputAudioBufferSpeechStoppedEvent,
  ResponseAudioDeltaEvent,
  ResponseDoneEvent,
  ResponseFunctionCallArgumentsDoneEvent,
  RealtimeErrorEvent,
  RealtimeServerEvent,
} from 'openai/resources/realtime/realtime';
import { firstIssue } from '../lib/parse.js';
import { isWrappablePayload } from '../twilio/messages.js';

/**
 * Server events of OpenAI Realtime GA that the bridge reads (`RealtimeServerEvent` in the `openai` package),
 * validated at runtime: only the fields the bridge uses are checked; unknown types are passed on as
 * `other` and never fail. Audio deltas (the hot path) get a cheap check instead of zod.
 */

const formatType = z.object({ type: z.string() }).loose();

const sessionSchema = z.object({
  type: z.enum(['session.created', 'session.updated']),
  session: z
    .object({
      audio: z
        .object({
          input: z.object({ format: formatType.optional(), turn_detection: z.object({ interrupt_response: z.boolean().optional() }).loose().nullish() }).loose().optional(),
          output: z.object({ format: formatType.optional() }).loose().optional(),
        })
        .loose()
        .optional(),
    })
    .loose(),
});

const schemas = {
  'input_audio_buffer.speech_started': z.object({ type: z.literal('input_audio_buffer.speech_started'), audio_start_ms: z.number(), item_id: z.string() }),
  'input_audio_buffer.speech_stopped': z.object({ type: z.literal('input_audio_buffer.speech_stopped'), audio_end_ms: z.number(), item_id: z.string() }),
  'input_audio_buffer.timeout_triggered': z.object({ type: z.literal('input_audio_buffer.timeout_triggered') }),
  'input_audio_buffer.committed': z.object({ type: z.literal('input_audio_buffer.committed'), item_id: z.string() }),
  'conversation.item.added': z.object({ type: z.literal('conversation.item.added'), item: z.object({ id: z.string().optional() }).loose() }),
  'response.output_item.added': z.object({ type: z.literal('response.output_item.added'), item: z.object({ id: z.string().optional() }).loose() }),
  'conversation.item.input_audio_transcription.completed': z.object({
    type: z.literal('conversation.item.input_audio_transcription.completed'),
    item_id: z.string(),
    transcript: z.string(),
    usage: z.record(z.string(), z.unknown()).nullish(),
  }),
  'response.created': z.object({
    type: z.literal('response.created'),
    response: z.object({ id: z.string(), metadata: z.record(z.string(), z.string()).nullish() }),
  }),
  'response.output_audio.done': z.object({
    type: z.literal('response.output_audio.done'),
    response_id: z.string(),
    item_id: z.string(),
    content_index: z.number().int().min(0),
  }),
  'response.output_text.done': z.object({ type: z.literal('response.output_text.done'), response_id: z.string(), text: z.string() }),
  'response.output_audio_transcript.done': z.object({
    type: z.literal('response.output_audio_transcript.done'),
    response_id: z.string(),
    item_id: z.string(),
    transcript: z.string(),
  }),
  'response.function_call_arguments.done': z.object({
    type: z.literal('response.function_call_arguments.done'),
    response_id: z.string(),
    item_id: z.string(),
    call_id: z.string(),
    name: z.string(),
    arguments: z.string(),
  }),
  'response.output_item.done': z.object({
    type: z.literal('response.output_item.done'),
    response_id: z.string(),
    item: z
      .object({
        id: z.string().optional(),
        type: z.string(),
        status: z.string().optional(),
        name: z.string().optional(),
        call_id: z.string().optional(),
        arguments: z.string().optional(),
      })
      .loose(),
  }),
  'conversation.item.truncated': z.object({
    type: z.literal('conversation.item.truncated'),
    item_id: z.string(),
    audio_end_ms: z.number(),
  }),
  'response.done': z.object({
    type: z.literal('response.done'),
    response: z.object({
      id: z.string(),
      status: z.enum(['completed', 'cancelled', 'failed', 'incomplete', 'in_progress']),
      status_details: z
        .object({
          type: z.string().optional(),
          reason: z.string().nullish(),
          error: z.object({ code: z.string().nullish(), type: z.string().nullish(), message: z.string().nullish() }).loose().nullish(),
        })
        .loose()
        .nullish(),
      output: z.array(z.object({ type: z.string(), call_id: z.string().optional(), status: z.string().optional() }).loose()).optional(),
      usage: z.record(z.string(), z.unknown()).nullish(),
    }),
  }),
  error: z.object({
    type: z.literal('error'),
    error: z
      .object({ type: z.string().nullish(), code: z.string().nullish(), message: z.string().nullish(), param: z.string().nullish(), event_id: z.string().nullish() })
      .loose(),
  }),
} as const;

type Schemas = typeof schemas;
type Validated = { [K in keyof Schemas]: z.infer<Schemas[K]> }[keyof Schemas];

export type SessionEvent = z.infer<typeof sessionSchema>;
export type AudioDelta = Pick<ResponseAudioDeltaEvent, 'type' | 'response_id' | 'item_id' | 'content_index' | 'delta'>;

export type ModelEvent =
  | AudioDelta
  | SessionEvent
  | Validated
  | { type: 'other'; rawType: string }
  | { type: 'invalid'; error: string };

// Compile-time checks that what we read exists, with these types, in the official GA types.
type Has<T, U extends T> = U;
export type _TypeChecks = [
  Has<Pick<InputAudioBufferSpeechStartedEvent, 'type' | 'audio_start_ms' | 'item_id'>, z.infer<Schemas['input_audio_buffer.speech_started']>>,
  Has<Pick<InputAudioBufferSpeechStoppedEvent, 'type' | 'audio_end_ms' | 'item_id'>, z.infer<Schemas['input_audio_buffer.speech_stopped']>>,
  Has<Pick<ResponseFunctionCallArgumentsDoneEvent, 'type' | 'call_id' | 'arguments' | 'response_id'>, z.infer<Schemas['response.function_call_arguments.done']>>,
  Has<ResponseDoneEvent['type'], 'response.done'>,
  Has<RealtimeErrorEvent['type'], 'error'>,
  Has<RealtimeServerEvent['type'], ModelEventTypeRead>,
];
type ModelEventTypeRead = Exclude<ModelEvent['type'], 'other' | 'invalid'>;

export function parseModelEvent(text: string): ModelEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { type: 'invalid', error: 'not JSON' };
  }
  if (typeof raw !== 'object' || raw === null || typeof (raw as { type?: unknown }).type !== 'string') {
    return { type: 'invalid', error: 'missing type' };
  }
  const type = (raw as { type: string }).type;
  if (type === 'response.output_audio.delta') return checkAudioDelta(raw as Record<string, unknown>);
  if (type === 'session.created' || type === 'session.updated') return validate(sessionSchema, raw, type);
  const schema = (schemas as Record<string, z.ZodType>)[type];
  if (!schema) return { type: 'other', rawType: type };
  return validate(schema, raw, type) as ModelEvent;
}

function validate<T>(schema: z.ZodType<T>, raw: unknown, type: string): T | { type: 'invalid'; error: string } {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  return { type: 'invalid', error: `${type}: ${firstIssue(parsed.error, '')}` };
}

function checkAudioDelta(raw: Record<string, unknown>): ModelEvent {
  const { response_id, item_id, content_index, delta } = raw;
  if (typeof response_id !== 'string' || typeof item_id !== 'string' || typeof delta !== 'string' || typeof content_index !== 'number') {
    return { type: 'invalid', error: 'response.output_audio.delta: missing response_id, item_id, content_index or delta' };
  }
  if (!isWrappablePayload(delta)) return { type: 'invalid', error: 'response.output_audio.delta: delta: expected base64 audio' };
  return { type: 'response.output_audio.delta', response_id, item_id, content_index, delta };
}
