import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { AppClient } from './app-client.js';
import { callRecordKey, parseCallRecordBody, type CallRecordBody, type CallRecordResult } from './call-record.js';
import { backgroundSender, createDeliveryQueue, type BackgroundSender, type FinalVerdict, type Verdict } from './delivery-queue.js';
import { defaultRedeliveryRetry } from './order-submitter.js';
import type { Outbox, OutboxKind } from './outbox.js';
import type { RandomSource, RetryPolicy } from './retry-policy.js';

/**
 * One call record per finished call, delivered through the outbox like an order (contract README, POST
 * call-record): stored before the first attempt, retried until the app answers, exactly once by its key.
 * 404 means the app does not take records: said once per process, and nothing is kept.
 */
export interface CallRecordSenderOptions {
  client: Pick<AppClient, 'postCallRecord'>;
  outbox: Outbox;
  clock: Clock;
  logger: Logger;
  random?: RandomSource;
  retry?: RetryPolicy;
  /** Called once per record the app answered for (metrics, logs). */
  onSettled?: (key: string, verdict: FinalVerdict<CallRecordResult>) => void;
}

/** Stores each record (fsync) before delivering it in the background; see BackgroundSender. */
export type CallRecordSender = BackgroundSender<CallRecordBody>;

/** Call records in the outbox: `<callSid>:record.record.json`. */
export const callRecordKind: OutboxKind<CallRecordBody> = {
  name: 'record',
  parse: (body) => parseCallRecordBody(body),
  keyOf: (body) => body.idempotencyKey,
};

export function createCallRecordSender(options: CallRecordSenderOptions): CallRecordSender {
  const log = options.logger.child({ component: 'call-record-sender' });
  let saidNotTaken = false;

  function verdictOf(result: CallRecordResult): Verdict<CallRecordResult> {
    if (result.kind === 'retryable') return { kind: 'retry', reason: result.reason };
    if (result.kind === 'stored') return { kind: 'delivered', result };
    if (result.kind === 'refused') return { kind: 'refused', reason: result.reason, result };
    if (!saidNotTaken) log.warn('the app does not take call records (404); records are dropped');
    saidNotTaken = true;
    return { kind: 'dropped', reason: 'the app does not take call records' };
  }

  const queue = createDeliveryQueue<CallRecordBody, CallRecordResult>({
    kind: callRecordKind,
    outbox: options.outbox,
    clock: options.clock,
    logger: options.logger,
    ...(options.random ? { random: options.random } : {}),
    retry: options.retry ?? defaultRedeliveryRetry,
    send: async (body, signal) => verdictOf(await options.client.postCallRecord(body, signal)),
    ...(options.onSettled ? { onSettled: options.onSettled } : {}),
  });

  const sender = backgroundSender(queue);
  return {
    ...sender,
    send(body) {
      if (body.idempotencyKey !== callRecordKey(body.callSid)) log.warn({ key: body.idempotencyKey }, 'call record key is not "<callSid>:record"');
      return sender.send(body);
    },
  };
}
