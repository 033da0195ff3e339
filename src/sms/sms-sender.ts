import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { backgroundSender, createDeliveryQueue, type BackgroundSender, type Verdict } from '../main-app/delivery-queue.js';
import { defaultRedeliveryRetry } from '../main-app/order-submitter.js';
import type { Outbox, OutboxKind } from '../main-app/outbox.js';
import type { RandomSource, RetryPolicy } from '../main-app/retry-policy.js';
import { firstIssue } from '../lib/parse.js';
import { maskedNumber } from '../twilio/caller-id.js';
import type { TwilioRestClient } from '../twilio/rest-client.js';
import { smsConfirmationSchema, type SmsConfirmation, type SmsSkipReason } from './confirmation.js';

/**
 * Order confirmations by SMS through Twilio's Messages API, exactly once per order, through the outbox: stored
 * (fsync) before the first attempt, removed only once Twilio has the message, retried with backoff until then.
 *
 * Twilio takes no idempotency key for messages, so a retry could send a second text. A retry therefore follows
 * only an answer that proves nothing was created (429, a refused connection: see message-answers.ts); after any
 * other failure (a 5xx, a lost answer) and for every entry found at start-up (the previous process may have died
 * mid-request), the bridge first looks for the message in Twilio's list and sends only if it is not there. What is
 * left: a message Twilio created but does not list yet when the lookup runs (the backoff, a second or more, makes
 * that unlikely), or two processes on one outbox sending the same entry in the same instant. We accept that rare
 * double rather than give up on every text after a blip: the text is a courtesy, and the caller heard the order.
 *
 * A refusal (4xx: unsubscribed, landline, bad number, a From that cannot text) is logged and counted, never retried.
 * A text not sent within `maxAgeMs` of the order is dropped: a confirmation that arrives after the food is ready
 * only confuses. Nothing here ever reaches the call.
 */
export type SmsOutcome = { result: 'sent' | 'failed' | 'skipped'; reason: string };

export interface SmsSenderOptions {
  twilio: Pick<TwilioRestClient, 'sendMessage' | 'findMessage'>;
  outbox: Outbox;
  clock: Clock;
  logger: Logger;
  random?: RandomSource;
  retry?: RetryPolicy;
  maxAgeMs?: number;
  /** Once per confirmation: sent, failed (refused or expired) or skipped (metrics). */
  onOutcome?: (outcome: SmsOutcome) => void;
}

export interface SmsSender extends BackgroundSender<SmsConfirmation> {
  /** An order that gets no text (withheld caller ID, not confirmed yet): logged and counted. */
  skip(reason: SmsSkipReason, orderKey: string): void;
}

export const SMS_MAX_AGE_MS = 30 * 60_000;

/** SMS confirmations in the outbox: `<order key>:sms.sms.json`. */
export const smsKind: OutboxKind<SmsConfirmation> = {
  name: 'sms',
  parse: (body) => {
    const parsed = smsConfirmationSchema.safeParse(body);
    return parsed.success ? { ok: true, body: parsed.data } : { ok: false, error: firstIssue(parsed.error) };
  },
  keyOf: (body) => body.key,
};

export function createSmsSender(options: SmsSenderOptions): SmsSender {
  const { twilio, clock } = options;
  const log = options.logger.child({ component: 'sms-sender' });
  const maxAgeMs = options.maxAgeMs ?? SMS_MAX_AGE_MS;
  const count = (result: SmsOutcome['result'], reason: string) => options.onOutcome?.({ result, reason });
  /** Keys with no attempt that may have created a message; any other key is looked up before it is sent. */
  const surelyUnsent = new Set<string>();

  async function attempt(sms: SmsConfirmation, signal: AbortSignal): Promise<Verdict<string>> {
    const about = { key: sms.key, orderId: sms.orderId, to: maskedNumber(sms.to) };
    if (clock.wallNow().getTime() - Date.parse(sms.createdAt) > maxAgeMs) {
      log.warn({ ...about, maxAgeMinutes: maxAgeMs / 60_000 }, 'sms confirmation not sent in time; dropped');
      return { kind: 'dropped', reason: 'expired' };
    }
    const message = { to: sms.to, from: sms.from, body: sms.body };
    if (!surelyUnsent.has(sms.key)) {
      const lookup = await twilio.findMessage(message, signal);
      if (lookup.kind === 'retryable') return { kind: 'retry', reason: `looking for an earlier attempt: ${lookup.reason}` };
      if (lookup.kind === 'found') {
        log.info({ ...about, sid: lookup.sid, status: lookup.status }, 'sms confirmation was already with Twilio; not sent again');
        return { kind: 'delivered', result: lookup.sid };
      }
    }
    surelyUnsent.delete(sms.key);
    const sent = await twilio.sendMessage(message, signal);
    if (sent.kind === 'sent') {
      log.info({ ...about, sid: sent.sid }, 'sms confirmation sent');
      return { kind: 'delivered', result: sent.sid };
    }
    if (sent.kind === 'refused') {
      log.error({ ...about, httpStatus: sent.httpStatus, twilioCode: sent.twilioCode }, 'Twilio refused the sms confirmation; not retried');
      return { kind: 'dropped', reason: sent.twilioCode === undefined ? 'refused' : `twilio_${sent.twilioCode}` };
    }
    if (!sent.maybeSent) surelyUnsent.add(sms.key);
    return { kind: 'retry', reason: sent.reason };
  }

  const queue = createDeliveryQueue<SmsConfirmation, string>({
    kind: smsKind,
    outbox: options.outbox,
    clock,
    logger: options.logger,
    ...(options.random ? { random: options.random } : {}),
    retry: options.retry ?? defaultRedeliveryRetry,
    send: attempt,
    onSettled: (key, verdict) => {
      surelyUnsent.delete(key);
      if (verdict.kind === 'delivered') count('sent', 'accepted');
      else count('failed', verdict.reason);
    },
  });
  const sender = backgroundSender(queue);

  return {
    ...sender,
    send(sms) {
      if (!queue.has(sms.key)) surelyUnsent.add(sms.key);
      log.info({ key: sms.key, orderId: sms.orderId, to: maskedNumber(sms.to) }, 'sms confirmation queued');
      return sender.send(sms);
    },
    skip(reason, orderKey) {
      log.info({ key: orderKey, reason }, 'no sms confirmation for this order');
      count('skipped', reason);
    },
  };
}
