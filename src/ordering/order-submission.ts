import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { OrderSubmitter, SubmitOutcome } from '../main-app/order-submitter.js';
import type { SubmitOrderBody } from '../main-app/submit-order-body.js';

/**
 * Sends a call's orders to the submitter, and keeps the idempotency key of a `failed` submit (its first attempt
 * may have reached the app) until the app has answered for it: the next submit first re-sends that same body
 * under that same key, so a cart edited in between can never become a second order.
 */
export interface Unresolved<S> {
  body: SubmitOrderBody;
  /** Whatever the caller needs to restore if the earlier order turns out to be placed (the cart then). */
  snapshot: S;
}

export type Resolution<S> =
  /** Nothing was waiting for an answer. */
  | { kind: 'none' }
  /** The earlier body got its answer now (accepted, queued or refused). */
  | { kind: 'answered'; earlier: Unresolved<S>; outcome: Exclude<SubmitOutcome, { kind: 'failed' }> }
  /** Still no answer: nothing new may be sent. */
  | { kind: 'still-unresolved'; earlier: Unresolved<S> };

export interface OrderSubmissionOptions {
  submitter: Pick<OrderSubmitter, 'submit'>;
  clock: Clock;
  /** Longest a submit waits on the app before the outbox takes the order over. */
  submitTimeoutMs: number;
  logger?: Logger | undefined;
}

export class OrderSubmission<S> {
  private unresolved: Unresolved<S> | undefined;

  constructor(private readonly options: OrderSubmissionOptions) {}

  hasUnresolved(): boolean {
    return this.unresolved !== undefined;
  }

  /** Re-sends the earlier unanswered body, if there is one. */
  async resolve(signal?: AbortSignal): Promise<Resolution<S>> {
    const earlier = this.unresolved;
    if (!earlier) return { kind: 'none' };
    const outcome = await this.send(earlier.body, signal);
    if (outcome.kind === 'failed') return { kind: 'still-unresolved', earlier };
    this.unresolved = undefined;
    return { kind: 'answered', earlier, outcome };
  }

  /** Sends a new order; a `failed` outcome keeps its key unresolved. */
  async submit(body: SubmitOrderBody, snapshot: S, signal?: AbortSignal): Promise<SubmitOutcome> {
    const outcome = await this.send(body, signal);
    if (outcome.kind === 'failed') this.unresolved = { body, snapshot };
    return outcome;
  }

  /** Bounded by submitTimeoutMs and the caller's signal; past either, the submitter hands the order to the outbox. */
  private async send(body: SubmitOrderBody, signal?: AbortSignal): Promise<SubmitOutcome> {
    const { clock } = this.options;
    const controller = new AbortController();
    const abort = () => controller.abort();
    const timer = clock.setTimeout(abort, this.options.submitTimeoutMs);
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      const outcome = await this.options.submitter.submit(body, controller.signal);
      this.options.logger?.info({ key: body.idempotencyKey, outcome: outcome.kind }, 'submit_order finished');
      return outcome;
    } catch (err) {
      this.options.logger?.error({ key: body.idempotencyKey, err }, 'submitter threw');
      return { kind: 'failed', reason: String(err) };
    } finally {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
    }
  }
}
