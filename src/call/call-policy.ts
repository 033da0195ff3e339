import { phrase } from '../phrases/phrases.js';
import type { CallTimer } from './call-timers.js';
import type { CallSettings, EndReason } from './call-types.js';
import type { ResponseProblem, ResponsePurpose } from './model-port.js';
import type { RoundEnd } from './tool-round.js';

/**
 * What the call does at its decision points (a timer, a key, the end of a tool round, a failed response), as pure
 * functions returning a decision the Call carries out, and what the bridge asks the model to say then (a system
 * message before the response it asks for).
 */
export type CallDecision =
  /** Ask the model to speak (after `afterMs`, when set). */
  | { do: 'say'; purpose: ResponsePurpose; prompt?: string | undefined; afterMs?: number }
  /** A last line (`prompt`; none when the words were already said), heard in full (bounded), then the end. */
  | { do: 'wrap-up'; reason: EndReason; prompt?: string | undefined }
  /** Hand the caller to staff; `interrupt`: cut the agent off first (the caller asked on the keypad). */
  | { do: 'transfer'; announce: boolean; interrupt?: boolean }
  | { do: 'end'; reason: EndReason; apology: boolean }
  /** The caller's input that is not speech, given to the model as the caller's words. */
  | { do: 'tell'; text: string }
  | { do: 'hold-cue' }
  | undefined;

export const DEFAULT_SETTINGS: CallSettings = { timers: undefined, recycleAfterMs: undefined, toolTimeoutMs: 10_000, goodbyeTimeoutMs: 10_000 };

/** How long the model may take to write the after-call summary. */
export const SUMMARY_TIMEOUT_MS = 5000;

export const PROMPTS = {
  goodbye: 'Say a short, friendly goodbye to the caller now. Do not ask anything else.',
  transferAnnouncement: 'Tell the caller in one short sentence that you are connecting them to a member of staff now.',
  reprompt: 'The caller has been quiet for a while. Briefly and kindly ask whether they are still there and if you can help with anything.',
  silenceGoodbye: 'The caller has been silent for a while. Say a brief, polite goodbye; the call will end.',
  wrapUpWarning:
    'The call will end in about a minute because of the time limit. Politely tell the caller, and help them finish now: if an order is ready, read it back and submit it once they confirm.',
  maxDuration: 'The call has reached its time limit. Say a short, polite goodbye now; the call will end.',
  summary:
    'The call is over. For the restaurant\'s records, summarise it in one or two plain sentences: what the caller wanted, and what was ordered (items, total, pickup or delivery, ready time) or why nothing was.',
  resume: 'The line dropped for a moment and is back. Continue the conversation naturally from where it left off; do not greet the caller again.',
} as const;

/** What the caller hears when the bridge must end the call on them, in the call's language. */
export function apology(language: string | undefined): string {
  return phrase(language ?? 'en', 'defaultApology');
}

/** Keypad keys other than 0 are passed to the model as text: the caller may be answering a menu-like question. */
export function keypadText(digit: string): string {
  return `[The caller pressed ${digit} on the keypad]`;
}

/** The cart, for a session that replaces one mid-call (tool calls are not replayed). */
export function cartNote(cartSnapshot: string): string {
  return `# The order so far (the line was reconnected; continue from here, do not greet again)\n${cartSnapshot}`;
}

export function onTimer(timer: CallTimer): CallDecision {
  switch (timer) {
    case 'reprompt':
      return { do: 'say', purpose: 'reprompt', prompt: PROMPTS.reprompt };
    case 'wrap-up-warning':
      return { do: 'say', purpose: 'wrap-up-warning', prompt: PROMPTS.wrapUpWarning };
    case 'silence-goodbye':
      return { do: 'wrap-up', reason: 'silence', prompt: PROMPTS.silenceGoodbye };
    case 'max-duration':
      return { do: 'wrap-up', reason: 'max-duration', prompt: PROMPTS.maxDuration };
    case 'hold-cue':
      return { do: 'hold-cue' };
  }
}

/** 0 hands the caller to staff (when offered); other keys go to the model as text. */
export function onKeypad(digit: string, canTransfer: boolean): CallDecision {
  return digit === '0' && canTransfer ? { do: 'transfer', announce: true, interrupt: true } : { do: 'tell', text: keypadText(digit) };
}

/**
 * Every tool call of a response has answered: one follow-up response, or the call action instead. An action whose
 * response already said the words (`spoke`) waits for them to play; otherwise the model is asked for them.
 */
export function onRoundEnd(round: RoundEnd): CallDecision {
  if (round.action === 'transfer_to_staff') return { do: 'transfer', announce: !round.spoke };
  if (round.action === 'end_call') return { do: 'wrap-up', reason: 'agent-hung-up', prompt: round.spoke ? undefined : PROMPTS.goodbye };
  return round.followUp ? { do: 'say', purpose: 'tool-followup' } : undefined;
}

/** Codes after which the account cannot answer at all: trying again cannot help. */
const ACCOUNT_PROBLEMS = new Set(['insufficient_quota', 'invalid_api_key', 'account_deactivated', 'billing_hard_limit_reached', 'model_not_found']);
/** Wait before the one retry when the model named no delay; and the most the bridge waits on its advice. */
export const DEFAULT_RETRY_MS = 1000;
export const MAX_RETRY_MS = 5000;

/**
 * A response ended `failed` (or `incomplete` with nothing said): quota and auth problems end the call with a
 * spoken apology; anything else (rate limits, server errors) is retried once after the advised delay, then the
 * caller is handed to staff when offered, else apologised to.
 */
export function onResponseFailed(problem: ResponseProblem | undefined, purpose: ResponsePurpose | undefined, failuresInARow: number, canTransfer: boolean): CallDecision {
  if (problem && ACCOUNT_PROBLEMS.has(problem.code)) return { do: 'end', reason: 'model-error', apology: true };
  if (failuresInARow <= 1) return { do: 'say', purpose: purpose ?? 'retry', afterMs: Math.min(MAX_RETRY_MS, problem?.retryAfterMs ?? DEFAULT_RETRY_MS) };
  return canTransfer ? { do: 'transfer', announce: false } : { do: 'end', reason: 'model-error', apology: true };
}

/** What a call's order came to, as its tools know it. */
export interface OrderState {
  /** The last order sent: accepted by the app (with its number) or queued for it; none when nothing was sent. */
  sent?: { kind: string; orderId?: string | null | undefined } | undefined;
  /** Lines in the cart that were not sent. */
  unsentLines: number;
}

/**
 * The last line when the bridge must end a call for a restart: the caller is told exactly what happened to their
 * order (placed with its number, received and to be confirmed, or not placed), never a blanket "placed".
 */
export function shutdownPrompt(order: OrderState): string {
  const facts: string[] = [];
  if (order.sent?.kind === 'accepted') facts.push(`say that their order is placed${order.sent.orderId ? ` (order number ${order.sent.orderId})` : ''}`);
  else if (order.sent?.kind === 'queued') facts.push('say that their order was received and the restaurant will confirm it shortly');
  if (order.unsentLines > 0) facts.push(`say clearly that ${order.sent ? 'the items added since then were' : 'their order was'} NOT placed, so they need to call back to order them`);
  return [
    'We have to end this call now because the phone line is restarting. In one or two short sentences: apologise',
    ...facts,
    'invite the caller to call back, and say goodbye. Do not call any tools.',
  ].join(', ');
}
