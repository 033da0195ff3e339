import { Agent, request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { systemClock, type Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { parseOrgConfig, type OrgConfig } from './org-config.js';
import { backoffDelay, canRetry, type RandomSource, type RetryPolicy } from './retry-policy.js';
import { sleep } from './sleep.js';
import type { SubmitOrderBody } from './submit-order-body.js';

export type OrgConfigResult =
  | { kind: 'ok'; config: OrgConfig }
  | { kind: 'not-found' }
  | { kind: 'unavailable'; reason: string };

export type SubmitResult =
  | {
      kind: 'accepted';
      /** null only when the app answered 409 without the orderId the contract promises. */
      orderId: string | null;
      estimatedReadyMinutes?: number;
      /** true when the app had already accepted this idempotency key (409). */
      duplicate: boolean;
    }
  | { kind: 'refused'; reason: string }
  | { kind: 'retryable'; reason: string };

/** The main app as the rest of the bridge sees it. */
export interface AppClient {
  /** Fetches and validates an org's config, retrying briefly on 5xx, timeouts and connection errors. */
  fetchOrgConfig(orgId: string, signal?: AbortSignal): Promise<OrgConfigResult>;
  /** One submit attempt (the order submitter owns retries). Never throws. */
  submitOrder(body: SubmitOrderBody, signal?: AbortSignal): Promise<SubmitResult>;
  close(): Promise<void>;
}

export interface AppClientOptions {
  baseUrl: string;
  apiKey?: string | undefined;
  logger: Logger;
  clock?: Clock;
  random?: RandomSource;
  orgConfigTimeoutMs?: number;
  orgConfigRetry?: RetryPolicy;
  submitTimeoutMs?: number;
  /** Defaults to a keep-alive agent owned (and closed) by the client. */
  dispatcher?: Dispatcher;
}

export const defaultOrgConfigRetry: RetryPolicy = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 1_000 };
const MAX_RESPONSE_BYTES = 2 * 1024 * 1024;

const acceptedSchema = z.object({ orderId: z.string().min(1), estimatedReadyMinutes: z.number().min(0).nullish() });
const refusalSchema = z.object({ error: z.string().min(1) });

type HttpOutcome = { ok: true; status: number; text: string } | { ok: false; reason: string };

export function createAppClient(options: AppClientOptions): AppClient {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const orgConfigTimeoutMs = options.orgConfigTimeoutMs ?? 2_000;
  const orgConfigRetry = options.orgConfigRetry ?? defaultOrgConfigRetry;
  const submitTimeoutMs = options.submitTimeoutMs ?? 5_000;
  const ownDispatcher = options.dispatcher ? undefined : new Agent({ keepAliveTimeout: 10_000, connections: 64 });
  const dispatcher = options.dispatcher ?? ownDispatcher!;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const log = options.logger.child({ component: 'app-client' });

  function headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json', ...extra };
    if (options.apiKey) h.authorization = `Bearer ${options.apiKey}`;
    return h;
  }

  async function send(
    method: 'GET' | 'POST',
    url: string,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    extraHeaders?: Record<string, string>,
    body?: string,
  ): Promise<HttpOutcome> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      const res = await request(url, { method, headers: headers(extraHeaders), body, signal: combined, dispatcher });
      const text = await readCapped(res.body);
      return { ok: true, status: res.statusCode, text };
    } catch (err) {
      if (timeout.aborted) return { ok: false, reason: `timed out after ${timeoutMs} ms` };
      if (signal?.aborted) return { ok: false, reason: 'aborted' };
      return { ok: false, reason: `connection error: ${errorCode(err)}` };
    }
  }

  async function fetchOnce(orgId: string, signal?: AbortSignal): Promise<OrgConfigResult | { kind: 'retry'; reason: string }> {
    const url = `${baseUrl}/api/realtime/org-config?orgId=${encodeURIComponent(orgId)}`;
    const res = await send('GET', url, orgConfigTimeoutMs, signal);
    if (!res.ok) return { kind: 'retry', reason: res.reason };
    if (res.status === 404) return { kind: 'not-found' };
    if (res.status >= 500 || res.status === 429 || res.status === 408) return { kind: 'retry', reason: `HTTP ${res.status}` };
    if (res.status !== 200) return { kind: 'unavailable', reason: `HTTP ${res.status}` };
    const json = parseJson(res.text);
    if (json === undefined) return invalidConfig(orgId, 'body is not JSON');
    const parsed = parseOrgConfig(json);
    if (!parsed.ok) return invalidConfig(orgId, parsed.error);
    if (parsed.config.orgId !== orgId) return invalidConfig(orgId, `orgId: expected "${orgId}", got "${parsed.config.orgId}"`);
    return { kind: 'ok', config: parsed.config };
  }

  function invalidConfig(orgId: string, error: string): OrgConfigResult {
    log.warn({ orgId }, `org config invalid: ${error}`);
    return { kind: 'unavailable', reason: `invalid org config: ${error}` };
  }

  return {
    async fetchOrgConfig(orgId, signal) {
      for (let attempt = 1; ; attempt++) {
        const result = await fetchOnce(orgId, signal);
        if (result.kind !== 'retry') return result;
        if (!canRetry(orgConfigRetry, attempt) || signal?.aborted) {
          log.warn({ orgId, attempts: attempt }, `org config unavailable: ${result.reason}`);
          return { kind: 'unavailable', reason: result.reason };
        }
        log.info({ orgId, attempt }, `org config fetch failed (${result.reason}); retrying`);
        if (!(await sleep(clock, backoffDelay(orgConfigRetry, attempt, random), signal))) {
          return { kind: 'unavailable', reason: 'aborted' };
        }
      }
    },

    async submitOrder(body, signal) {
      const url = `${baseUrl}/api/realtime/submit-order`;
      const extra = { 'content-type': 'application/json', 'idempotency-key': body.idempotencyKey };
      const res = await send('POST', url, submitTimeoutMs, signal, extra, JSON.stringify(body));
      if (!res.ok) return { kind: 'retryable', reason: res.reason };
      return classifySubmitResponse(res.status, res.text);
    },

    async close() {
      await ownDispatcher?.close();
    },
  };
}

/** Maps a submit-order HTTP answer to what the submitter does next (contract README, POST submit-order). */
export function classifySubmitResponse(status: number, text: string): SubmitResult {
  const json = parseJson(text);
  if (status === 200 || status === 201) {
    const ok = acceptedSchema.safeParse(json);
    // A 2xx without an orderId: the order probably exists, so the same key again will come back 409 with it.
    if (!ok.success) return { kind: 'retryable', reason: `HTTP ${status} without an orderId` };
    return accepted(ok.data, false);
  }
  if (status === 409) {
    const ok = acceptedSchema.safeParse(json);
    return ok.success ? accepted(ok.data, true) : { kind: 'accepted', orderId: null, duplicate: true };
  }
  if (status === 422) {
    const refusal = refusalSchema.safeParse(json);
    return { kind: 'refused', reason: refusal.success ? refusal.data.error : 'the restaurant could not accept this order' };
  }
  // 401/403 are our own misconfiguration and 408/429 transient: keep the order and try again later.
  if (status >= 500 || [401, 403, 408, 429].includes(status)) return { kind: 'retryable', reason: `HTTP ${status}` };
  return { kind: 'refused', reason: `the order system rejected the order (HTTP ${status})` };
}

function accepted(data: z.output<typeof acceptedSchema>, duplicate: boolean): SubmitResult {
  const result: SubmitResult = { kind: 'accepted', orderId: data.orderId, duplicate };
  if (data.estimatedReadyMinutes != null) result.estimatedReadyMinutes = data.estimatedReadyMinutes;
  return result;
}

export function appClientFromConfig(config: Config, logger: Logger, overrides: Partial<AppClientOptions> = {}): AppClient {
  return createAppClient({ baseUrl: config.APP_URL, apiKey: config.INTERNAL_API_KEY, logger, ...overrides });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function readCapped(body: AsyncIterable<Buffer | Uint8Array> & { destroy?: (err?: Error) => unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      body.destroy?.();
      throw new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

function errorCode(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; cause?: { code?: unknown }; message?: unknown };
    if (typeof e.cause?.code === 'string') return e.cause.code;
    if (typeof e.code === 'string') return e.code;
    if (typeof e.message === 'string') return e.message;
  }
  return String(err);
}
