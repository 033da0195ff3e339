import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { parseJson } from '../lib/parse.js';
import type { Logger } from '../logger.js';

/** A model this close to its shutdown date is warned about at every start. */
export const WARN_WITHIN_DAYS = 60;
const DAY_MS = 86_400_000;

/** The fields of `Model` (`openai` package, models.d.ts) the check reads. */
const modelSchema = z.object({ id: z.string(), shutdown_date: z.string().nullish() });

export interface ModelRetirement {
  model: string;
  /** `YYYY-MM-DD`, or null when none is announced. */
  shutdownDate: string | null;
  daysLeft: number | null;
}

export interface RetirementCheckOptions {
  /** OPENAI_REALTIME_URL; the models endpoint is on the same host. */
  realtimeUrl: string;
  apiKey: string;
  /** The Realtime and transcription models in use. */
  models: readonly string[];
  now: Date;
  logger: Logger;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

/** `wss://api.openai.com/v1/realtime` → `https://api.openai.com/v1/models/<model>`. */
export function modelUrl(realtimeUrl: string, model: string): string {
  const url = new URL(realtimeUrl);
  url.protocol = url.protocol === 'ws:' ? 'http:' : 'https:';
  url.pathname = url.pathname.replace(/\/realtime\/?$/, '') + `/models/${encodeURIComponent(model)}`;
  url.search = '';
  return url.toString();
}

/**
 * Asks `GET /v1/models/{model}` for each model in use and warns loudly when its `shutdown_date` is within 60 days
 * (an error once it has passed). Meant to run in the background at start-up: it never throws and never blocks; a
 * model the endpoint cannot describe is logged and skipped.
 */
export async function checkModelRetirement(opts: RetirementCheckOptions): Promise<ModelRetirement[]> {
  const log = opts.logger.child({ component: 'model-retirement' });
  const found = await Promise.all([...new Set(opts.models)].map((model) => lookUp(model, opts, log)));
  return found.filter((m): m is ModelRetirement => m !== undefined);
}

async function lookUp(model: string, opts: RetirementCheckOptions, log: Logger): Promise<ModelRetirement | undefined> {
  try {
    const res = await request(modelUrl(opts.realtimeUrl, model), {
      headers: { authorization: `Bearer ${opts.apiKey}`, accept: 'application/json' },
      signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
      dispatcher: opts.dispatcher,
    });
    const text = await res.body.text();
    if (res.statusCode === 404) {
      log.error({ model }, `model ${model} is unknown to the API (404): calls using it will fail; set a current model`);
      return { model, shutdownDate: 'unknown', daysLeft: 0 };
    }
    const parsed = modelSchema.safeParse(parseJson(text));
    if (res.statusCode !== 200 || !parsed.success) {
      log.warn({ model, status: res.statusCode }, 'could not read the model from the API; its shutdown date is not checked');
      return undefined;
    }
    return judge(model, parsed.data.shutdown_date ?? null, opts.now, log);
  } catch (err) {
    log.warn({ model, err: (err as Error).message }, 'could not ask the API about the model; its shutdown date is not checked');
    return undefined;
  }
}

function judge(model: string, shutdownDate: string | null, now: Date, log: Logger): ModelRetirement {
  if (!shutdownDate) return { model, shutdownDate: null, daysLeft: null };
  const daysLeft = Math.floor((Date.parse(`${shutdownDate}T00:00:00Z`) - now.getTime()) / DAY_MS);
  if (daysLeft < 0) log.error({ model, shutdownDate }, `model ${model} was shut down on ${shutdownDate}: calls using it fail; switch to a current model now`);
  else if (daysLeft <= WARN_WITHIN_DAYS) log.warn({ model, shutdownDate, daysLeft }, `MODEL SHUTDOWN SOON: ${model} shuts down on ${shutdownDate} (${daysLeft} days); switch before then`);
  return { model, shutdownDate, daysLeft };
}
