import { Agent, type Dispatcher } from 'undici';
import { z } from 'zod';
import { systemClock, type Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { classifyCallRecordResponse, type CallRecordBody, type CallRecordResult } from './call-record.js';
import { classifyCustomerResponse, type CustomerResult } from './customer.js';
import { parseJson, sendRequest, type HttpOutcome } from './http-transport.js';
import { parseOrgConfig, type OrgConfig } from './org-config.js';
import { backoffDelay, canRetry, type RandomSource, type RetryPolicy } from './retry-policy.js';
import { sleep } from '../lib/timing.js';
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
  /**
   * Who is calling, if the app knows them. Any failure (404, error, timeout, invalid body, a withheld number) is
   * `unknown`; never throws. Bounded by `customerTimeoutMs` and by `signal` (the bridge caps it at the org lookup).
   */
  fetchCustomer(orgId: string, phone: string | null | undefined, signal?: AbortSignal): Promise<CustomerResult>;
  /** One call-record attempt (the outbox owns retries). Never throws. */
  postCallRecord(body: CallRecordBody, signal?: AbortSignal): Promise<CallRecordResult>;
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
  customerTimeoutMs?: number;
  callRecordTimeoutMs?: number;
  /** Defaults to a keep-alive agent owned (and closed) by the client. */
  dispatcher?: Dispatcher;
}

export const defaultOrgConfigRetry: RetryPolicy = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 1_000 };
/** The customer lookup runs while the phone rings: one quick retry after a connection error or 5xx, never more. */
const CUSTOMER_RETRY_DELAY_MS = 100;
const E164 = /^\+[1-9]\d{1,14}$/;

const acceptedSchema = z.object({ orderId: z.string().min(1), estimatedReadyMinutes: z.number().min(0).nullish() });
const refusalSchema = z.object({ error: z.string().min(1) });

export function createAppClient(options: AppClientOptions): AppClient {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const orgConfigTimeoutMs = options.orgConfigTimeoutMs ?? 2_000;
  const orgConfigRetry = options.orgConfigRetry ?? defaultOrgConfigRetry;
  const submitTimeoutMs = options.submitTimeoutMs ?? 5_000;
  const customerTimeoutMs = options.customerTimeoutMs ?? 1_500;
  const callRecordTimeoutMs = options.callRecordTimeoutMs ?? 5_000;
  const ownDispatcher = options.dispatcher ? undefined : new Agent({ keepAliveTimeout: 10_000, connections: 64 });
  const dispatcher = options.dispatcher ?? ownDispatcher!;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const log = options.logger.child({ component: 'app-client' });

  function headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json', ...extra };
    if (options.apiKey) h.authorization = `Bearer ${options.apiKey}`;
    return h;
  }

  function send(
    method: 'GET' | 'POST',
    url: string,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    extraHeaders?: Record<string, string>,
    body?: string,
  ): Promise<HttpOutcome> {
    return sendRequest(dispatcher, { method, url, timeoutMs, signal, headers: headers(extraHeaders), ...(body === undefined ? {} : { body }) });
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

    async fetchCustomer(orgId, phone, signal) {
      if (!phone || !E164.test(phone)) return { kind: 'unknown', reason: 'no caller number' };
      const url = `${baseUrl}/api/realtime/customer?orgId=${encodeURIComponent(orgId)}&phone=${encodeURIComponent(phone)}`;
      for (let attempt = 1; ; attempt++) {
        const res = await send('GET', url, customerTimeoutMs, signal);
        const retry = !res.ok ? res.reason : res.status >= 500 ? `HTTP ${res.status}` : undefined;
        if (retry === undefined && res.ok) return classifyCustomerResponse(res.status, parseJson(res.text), phone);
        const timedOut = retry?.startsWith('timed out') ?? false;
        if (attempt >= 2 || timedOut || signal?.aborted || !(await sleep(clock, CUSTOMER_RETRY_DELAY_MS, signal))) {
          log.info({ orgId }, `customer lookup gave up (${retry ?? 'aborted'}); caller treated as unknown`);
          return { kind: 'unknown', reason: retry ?? 'aborted' };
        }
      }
    },

    async postCallRecord(body, signal) {
      const url = `${baseUrl}/api/realtime/call-record`;
      const extra = { 'content-type': 'application/json', 'idempotency-key': body.idempotencyKey };
      const res = await send('POST', url, callRecordTimeoutMs, signal, extra, JSON.stringify(body));
      if (!res.ok) return { kind: 'retryable', reason: res.reason };
      return classifyCallRecordResponse(res.status, parseJson(res.text));
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
