import { z } from 'zod';
import { firstIssue } from './lib/parse.js';

/** Thrown when the environment is unusable; its message is one line naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
  .transform((v) => v.replace(/\/+$/, ''));

const wsUrl = z
  .url({ protocol: /^wss?$/, error: 'expected a ws(s) URL' })
  .transform((v) => v.replace(/\/+$/, ''));

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const orgModels = z
  .string()
  .regex(/^\s*[^=,\s]+\s*=\s*[\w.-]+\s*(,\s*[^=,\s]+\s*=\s*[\w.-]+\s*)*$/, { error: 'expected orgId=model pairs separated by commas' })
  .transform((v) => new Map(v.split(',').map((pair) => pair.split('=').map((x) => x.trim()) as [string, string])));

const int = (def: number, min: number, max: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'expected a whole number' })
      .int({ error: 'expected a whole number' })
      .min(min, { error: `expected a whole number from ${min} to ${max}` })
      .max(max, { error: `expected a whole number from ${min} to ${max}` })
      .default(def),
  );

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'expected development, production or test' }).default('development'),
  PORT: int(8080, 0, 65535),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'expected fatal, error, warn, info, debug, trace or silent' })
    .default('info'),

  OPENAI_API_KEY: z.string({ error: 'required: the OpenAI API key (sk-…)' }).trim().min(1, { error: 'required: the OpenAI API key (sk-…)' }),
  OPENAI_REALTIME_URL: wsUrl.default('wss://api.openai.com/v1/realtime'),
  OPENAI_REALTIME_MODEL: z.string().trim().min(1).default('gpt-realtime-2.1'),
  /** Per-org model overrides, e.g. `org_a=gpt-realtime-2.1-mini,org_b=gpt-realtime-2.1`. */
  OPENAI_MODEL_BY_ORG: z.preprocess(blankToUndefined, orgModels.optional()),
  /** For reasoning models (gpt-realtime-2 and later). */
  OPENAI_REASONING_EFFORT: z.enum(['minimal', 'low', 'medium', 'high', 'xhigh'], { error: 'expected minimal, low, medium, high or xhigh' }).default('low'),
  OPENAI_TRANSCRIPTION_MODEL: z.string().trim().min(1).default('gpt-live-transcribe'),
  OPENAI_VOICE: optionalString,

  APP_URL: z.string({ error: 'required: base URL of the main app, e.g. https://app.example.com' }).pipe(httpUrl),
  INTERNAL_API_KEY: optionalString,

  PUBLIC_URL: z.preprocess(blankToUndefined, httpUrl.optional()),
  TWILIO_ACCOUNT_SID: optionalString,
  TWILIO_AUTH_TOKEN: optionalString,
  /** Default: `api.twilio.com`, or the regional host from TWILIO_REGION / TWILIO_EDGE. */
  TWILIO_API_BASE_URL: z.preprocess(blankToUndefined, httpUrl.optional()),
  TWILIO_REGION: z.preprocess(blankToUndefined, z.string().regex(/^[a-z]{2}\d$/, { error: 'expected a Twilio region such as ie1 or au1' }).optional()),
  TWILIO_EDGE: z.preprocess(blankToUndefined, z.string().regex(/^[a-z][a-z-]{1,30}$/, { error: 'expected a Twilio edge such as dublin or sydney' }).optional()),
  /** The secret of a Webhook Setting's SharedKey: requests carrying X-Twilio-Webhooks-Signature-Settings are checked with it. */
  TWILIO_WEBHOOK_SHARED_KEY: optionalString,
  STREAM_TOKEN_SECRET: optionalString,

  DATA_DIR: z.string().trim().min(1).default('./data'),

  SILENCE_REPROMPT_SECONDS: int(8, 1, 600),
  SILENCE_MAX_REPROMPTS: int(2, 0, 10),
  MAX_CALL_SECONDS: int(600, 60, 3600),
  WRAP_UP_WARNING_SECONDS: int(60, 5, 600),

  MAX_CONCURRENT_CALLS: int(100, 1, 100_000),
  /** Media stream sockets that may wait for their `start` at once; more are refused. */
  MAX_STREAMS_WAITING_FOR_START: int(100, 1, 100_000),
  /** No message on a live media stream for this long (Twilio sends a frame every 20 ms) ends the call. */
  STREAM_SILENCE_SECONDS: int(5, 1, 120),
  /** Media streams and model sessions are pinged this often; a missed pong ends them. */
  STREAM_PING_SECONDS: int(10, 2, 300),
  /** A model that does not start a requested response within this is replaced (the caller would hear silence). */
  MODEL_RESPONSE_TIMEOUT_SECONDS: int(5, 1, 60),
  /** Opening (or replacing) a model session takes at most this per attempt. */
  MODEL_CONNECT_TIMEOUT_SECONDS: int(4, 1, 30),
  DRAIN_TIMEOUT_SECONDS: int(600, 0, 3600),
  METRICS_TOKEN: optionalString,
  /** Turns the operator console on (`/console`, `/ws/browser`): its bearer token, also the key of its session cookie. */
  CONSOLE_TOKEN: z.preprocess(blankToUndefined, z.string().trim().min(16, { error: 'expected at least 16 characters (a long random secret)' }).optional()),
});

export type Config = z.infer<typeof envSchema>;

/** The Realtime model an org's calls use. */
export function modelForOrg(config: Config, orgId: string): string {
  return config.OPENAI_MODEL_BY_ORG?.get(orgId) ?? config.OPENAI_REALTIME_MODEL;
}

/** Parses an environment map into a Config, or throws a one-line ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(`Invalid configuration: ${firstIssue(result.error, 'environment')}`);
  }
  const config = result.data;
  if (config.NODE_ENV === 'production' && !config.TWILIO_AUTH_TOKEN) {
    throw new ConfigError('Invalid configuration: TWILIO_AUTH_TOKEN: required when NODE_ENV=production (Twilio signature validation)');
  }
  return config;
}

/** A complete config for tests and the demo, with overrides. */
export function testConfig(overrides: Partial<Record<keyof Config, string>> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    OPENAI_API_KEY: 'sk-test',
    APP_URL: 'http://127.0.0.1:1',
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}
