/**
 * GA session configuration: the defaults of `session.created`, validation of `session.update` with the real error
 * codes (the openai 7.x `RealtimeSessionCreateRequest` type), and the merge that produces the full effective session for `session.updated`.
 */
import type { RealtimeAudioFormats } from 'openai/resources/realtime/realtime';
import { anything, arrayOf, boolean, isObject, nullable, numberIn, object, oneOf, string, tagged, type Checker, type Fields } from './realtime-checks.js';
import { simErrors, type SimError } from './realtime-errors.js';
import { format, functionTool, maxOutputTokens, outputModalities, reasoning, toolChoice, voice } from './realtime-field-checks.js';
import { liveModel, liveModelIds } from './realtime-models.js';
import type { EffectiveSession, TurnDetectionConfig } from './realtime-types.js';

const vadCommon: Fields = { create_response: boolean, interrupt_response: boolean };
const turnDetection = nullable(
  tagged({
    server_vad: {
      ...vadCommon,
      threshold: numberIn(0, 1, false),
      prefix_padding_ms: numberIn(0, 10_000, true),
      silence_duration_ms: numberIn(0, 10_000, true),
      idle_timeout_ms: nullable(numberIn(0, 600_000, true)),
    },
    semantic_vad: { ...vadCommon, eagerness: oneOf(['low', 'medium', 'high', 'auto']) },
  }),
);

/** ISO-639-1, as `AudioTranscription.language(s)` asks ("e.g. `en`"). */
const isoLanguage: Checker = (v, p) => string(v, p) ?? (/^[a-z]{2}$/.test(v as string) ? undefined : simErrors.invalidValue(p, v));

/** Every field of the openai 7.x `AudioTranscription` type, and no other. */
const transcription = nullable(
  object({
    model: string,
    language: isoLanguage,
    languages: arrayOf(isoLanguage),
    keywords: arrayOf(string),
    prompt: string,
    delay: oneOf(['minimal', 'low', 'medium', 'high', 'xhigh']),
  }),
);

const truncation: Checker = (v, p) =>
  typeof v === 'string'
    ? oneOf(['auto', 'disabled'])(v, p)
    : tagged({ retention_ratio: { retention_ratio: numberIn(0, 1, false), token_limits: anything } })(v, p);

const sessionFields: Fields = {
  type: anything,
  model: string,
  output_modalities: outputModalities,
  instructions: string,
  tools: arrayOf(functionTool),
  tool_choice: toolChoice,
  max_output_tokens: maxOutputTokens,
  tracing: anything,
  prompt: anything,
  include: nullable(arrayOf(oneOf(['item.input_audio_transcription.logprobs']))),
  truncation,
  parallel_tool_calls: boolean,
  reasoning,
  audio: object({
    input: object({
      format,
      transcription,
      noise_reduction: nullable(tagged({ near_field: {}, far_field: {} })),
      turn_detection: turnDetection,
    }),
    output: object({
      format,
      voice,
      speed: numberIn(0.25, 1.5, false),
    }),
  }),
};

/** Per the type docs; a partial `turn_detection` object is filled from these, not merged with the previous one. */
export function turnDetectionWithDefaults(update: Record<string, unknown>): TurnDetectionConfig {
  const common = { create_response: true, interrupt_response: true };
  if (update.type === 'semantic_vad') return { type: 'semantic_vad', eagerness: 'auto', ...common, ...update } as TurnDetectionConfig;
  return {
    type: 'server_vad',
    threshold: 0.5,
    prefix_padding_ms: 300,
    silence_duration_ms: 500,
    idle_timeout_ms: null,
    ...common,
    ...update,
  } as TurnDetectionConfig;
}

export function defaultSession(id: string, model: string, expiresAt: number): EffectiveSession {
  const pcm24k: RealtimeAudioFormats = { type: 'audio/pcm', rate: 24000 };
  return {
    type: 'realtime',
    object: 'realtime.session',
    id,
    model,
    output_modalities: ['audio'],
    instructions: '',
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
    prompt: null,
    include: null,
    truncation: 'auto',
    expires_at: expiresAt,
    audio: {
      input: {
        format: pcm24k,
        transcription: null,
        noise_reduction: null,
        // The OpenAPI session.created example shows 200 ms here (the type docs say 500 for an explicit object).
        turn_detection: { ...(turnDetectionWithDefaults({}) as TurnDetectionConfig & { type: 'server_vad' }), silence_duration_ms: 200 },
      },
      output: { format: { ...pcm24k }, voice: 'marin', speed: 1 },
    },
  };
}

export interface UpdateContext {
  /** Whether any assistant audio has been sent: the voice is locked from then on. */
  assistantAudioSent: boolean;
  /** The stand-in's wall clock, for transcription models that have shut down. */
  now: Date;
}

const TRANSCRIPTION = 'session.audio.input.transcription';

/**
 * What the type docs say only some models take: `languages` and `keywords` ("Supported by gpt-transcribe and
 * gpt-live-transcribe"), `delay` (only gpt-realtime-whisper), `prompt` (not gpt-realtime-whisper); `reasoning` and
 * `parallel_tool_calls` (reasoning Realtime models only). A transcription model must exist at `now`.
 */
function modelMismatch(session: string, update: Record<string, unknown>, now: Date): SimError | undefined {
  for (const key of ['reasoning', 'parallel_tool_calls']) {
    if (update[key] !== undefined && !liveModel(session, now)?.reasoning) return simErrors.unsupportedParameter(`session.${key}`);
  }
  const input = (update.audio as { input?: { transcription?: Record<string, unknown> | null } } | undefined)?.input;
  const asked = input?.transcription;
  if (!isObject(asked) || asked.model === undefined) return undefined;
  const model = asked.model as string;
  if (!liveModel(model, now, 'transcription')) return simErrors.invalidValue(`${TRANSCRIPTION}.model`, model, liveModelIds('transcription', now));
  const newGeneration = model === 'gpt-transcribe' || model === 'gpt-live-transcribe';
  const whisper = model === 'gpt-realtime-whisper';
  const refused = [
    ...(newGeneration ? [] : ['languages', 'keywords']),
    ...(whisper ? ['prompt'] : ['delay']),
  ].find((key) => asked[key] !== undefined);
  return refused ? simErrors.unsupportedParameter(`${TRANSCRIPTION}.${refused}`) : undefined;
}

/** Validates a `session.update` payload and returns the new effective session, or the error the API would send. */
export function applySessionUpdate(
  current: EffectiveSession,
  update: unknown,
  ctx: UpdateContext,
): { session: EffectiveSession } | { error: SimError } {
  if (update === undefined) return { error: simErrors.missingParameter('session') };
  if (!isObject(update)) return { error: simErrors.invalidType('session', 'an object', update) };
  if (update.type === undefined) return { error: simErrors.missingParameter('session.type') };
  if (update.type !== 'realtime') return { error: simErrors.invalidValue('session.type', update.type, ['realtime']) };
  const invalid = object(sessionFields)(update, 'session');
  if (invalid) return { error: invalid };
  if (update.model !== undefined && update.model !== current.model) return { error: simErrors.modelImmutable() };
  const mismatch = modelMismatch(current.model, update, ctx.now);
  if (mismatch) return { error: mismatch };

  const audio = (update.audio ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const output = audio.output ?? {};
  if (output.voice !== undefined && ctx.assistantAudioSent && JSON.stringify(output.voice) !== JSON.stringify(current.audio.output.voice)) {
    return { error: simErrors.voiceLocked() };
  }
  const input = audio.input ?? {};
  const next: EffectiveSession = {
    ...current,
    audio: {
      input: { ...current.audio.input, ...(input as Partial<EffectiveSession['audio']['input']>) },
      output: { ...current.audio.output, ...(output as Partial<EffectiveSession['audio']['output']>) },
    },
  };
  if (isObject(input.turn_detection)) next.audio.input.turn_detection = turnDetectionWithDefaults(input.turn_detection);
  for (const [key, value] of Object.entries(update)) {
    if (key !== 'audio' && key !== 'type') (next as unknown as Record<string, unknown>)[key] = value;
  }
  return { session: next };
}

/** Bytes per ms of a format: μ-law and A-law 8 kHz = 8, pcm16 24 kHz = 48. */
export function bytesPerMs(format: RealtimeAudioFormats): number {
  return format.type === 'audio/pcm' ? 48 : 8;
}
