import { z } from 'zod';
import { parseJson } from '../lib/parse.js';

/**
 * What Twilio's Messages API answers, as decisions (pure). Twilio's "Message resource" page: create is
 * `POST …/Messages.json` (201 with the Message resource), list is `GET …/Messages.json?To=&From=` (200 with a page
 * whose `messages` are newest first). Twilio takes no idempotency key for messages, so whether a failed create may
 * still have sent a text is part of every retryable answer.
 */
export interface OutgoingMessage {
  /** E.164 */
  to: string;
  /** E.164: one of the account's SMS-capable numbers. */
  from: string;
  body: string;
}

export type MessageSendResult =
  | { kind: 'sent'; sid: string }
  /** Twilio refused the message (a 4xx with its error code): nothing was sent, and asking again gets the same answer. */
  | { kind: 'refused'; httpStatus: number; twilioCode: number | undefined }
  /**
   * Worth another try later. `maybeSent`: the answer does not prove that no message was created (a 5xx, a lost or
   * unreadable answer), so whoever retries must first look for it (`findMessage`).
   */
  | { kind: 'retryable'; reason: string; maybeSent: boolean };

export type MessageLookupResult =
  | { kind: 'found'; sid: string; status: string }
  | { kind: 'absent' }
  | { kind: 'retryable'; reason: string };

/** Twilio error 21611: the `From` number's queue of outgoing messages is full; nothing was queued, so it can wait and retry. */
const FROM_QUEUE_FULL = 21611;

const messageSchema = z.object({ sid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/), to: z.string(), from: z.string().nullable(), body: z.string(), status: z.string() });
const pageSchema = z.object({ messages: z.array(z.unknown()) });
const errorSchema = z.object({ code: z.number().int() });

function twilioCode(text: string): number | undefined {
  const parsed = errorSchema.safeParse(parseJson(text));
  return parsed.success ? parsed.data.code : undefined;
}

/** A reason fit for logs: the status and Twilio's code, never Twilio's message (it can quote the phone number). */
function reasonOf(status: number, code: number | undefined): string {
  return `HTTP ${status}${code === undefined ? '' : `, Twilio code ${code}`}`;
}

export function messageSendResult(status: number, text: string): MessageSendResult {
  const code = twilioCode(text);
  if (status >= 200 && status < 300) {
    const message = messageSchema.safeParse(parseJson(text));
    if (message.success) return { kind: 'sent', sid: message.data.sid };
    return { kind: 'retryable', reason: `HTTP ${status} without a Message resource`, maybeSent: true };
  }
  // 429 and a full queue are refusals before anything was queued: retrying cannot double the text.
  if (status === 429 || code === FROM_QUEUE_FULL) return { kind: 'retryable', reason: reasonOf(status, code), maybeSent: false };
  if (status >= 400 && status < 500) return { kind: 'refused', httpStatus: status, twilioCode: code };
  // Twilio documents no guarantee that a 5xx created nothing: a 500 or 504 can come after the message was queued.
  return { kind: 'retryable', reason: reasonOf(status, code), maybeSent: true };
}

/** Whether a page of the list holds `message` (same To, From and body). */
export function messageLookupResult(status: number, text: string, message: OutgoingMessage): MessageLookupResult {
  const json = parseJson(text);
  const page = status === 200 ? pageSchema.safeParse(json) : undefined;
  if (!page?.success) return { kind: 'retryable', reason: page ? `HTTP ${status} without a page of messages` : reasonOf(status, twilioCode(text)) };
  for (const item of page.data.messages) {
    const found = messageSchema.safeParse(item);
    if (found.success && found.data.body === message.body && found.data.to === message.to && found.data.from === message.from) {
      return { kind: 'found', sid: found.data.sid, status: found.data.status };
    }
  }
  return { kind: 'absent' };
}
