import { CALL_RULES, TRANSFER_RULE } from '../call/call-tools.js';
import type { Customer } from '../main-app/customer.js';
import type { OrgConfig } from '../main-app/org-config.js';
import { buildInstructions, callerFacts, localTime, openNowFacts } from './instructions.js';

/**
 * What the model is told, split by how often it changes. The session instructions are the same for every call of
 * an org (rules, the org's prompt, the menu; the tools ride beside them), so the model's prompt cache, which works
 * on the longest unchanged prefix, keeps them: cached input costs about a hundredth of fresh input. What changes
 * per call (time of day, who calls, the cart) comes after them, as system messages in the conversation
 * (`callContextNote` here, `cartNote` in `call/prompts.ts`).
 */
export function sessionInstructions(org: OrgConfig, opts: { transferOffered: boolean }): string {
  return buildInstructions(org, { extraRules: opts.transferOffered ? [...CALL_RULES, TRANSFER_RULE] : CALL_RULES });
}

export interface CallFacts {
  now: Date;
  /** The caller's number (Twilio `From`); absent when withheld. */
  callerPhone?: string | undefined;
  /** The caller as the app knows them, when it does. */
  caller?: Customer | undefined;
}

/** The first message of every session of a call: the facts of this call (time, open now, who calls). */
export function callContextNote(org: OrgConfig, facts: CallFacts): string {
  const lines = [`Local time now: ${localTime(facts.now, org.timezone)} (${org.timezone}).`, ...openNowFacts(org, facts.now)];
  lines.push(facts.callerPhone ? 'The caller ID is known; do not read the number out.' : 'The caller ID is withheld.');
  lines.push(...callerFacts(facts.caller));
  return `# This call\n${lines.join('\n')}`;
}
