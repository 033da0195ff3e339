/** What the demo call must have shown, checked on what was observed (not on what was printed). */
import type { RecordedCallRecord, RecordedOrder } from './main-app.js';
import { DEMO_CALLER_NUMBER, DEMO_DIALLED_NUMBER } from './demo-script.js';
import type { StandInMessage } from './twilio-rest.js';
import type { TruncationRecord } from './realtime-types.js';
import type { CloseInfo, Violation } from './twilio-caller.js';

/** Two large margheritas with mushrooms (2 × $19.50) and a cola ($2.50), priced by the bridge from the menu. */
export const EXPECTED_SUBTOTAL_CENTS = 4150;

export interface DemoFacts {
  greeting: { text: string; firstAudioAfterMs: number } | undefined;
  /** Per caller turn: end of speech → first agent audio at the phone. */
  turnLatenciesMs: number[];
  /** `clear` messages the simulated Twilio received. */
  clears: number;
  /** `conversation.item.truncate` events the model stand-in received. */
  truncations: TruncationRecord[];
  /** Orders recorded by the main-app stand-in. */
  orders: RecordedOrder[];
  callEnd: { by: CloseInfo['by']; reason: string | undefined } | undefined;
  violations: Violation[];
  /** Texts the Twilio stand-in accepted. */
  texts: StandInMessage[];
  /** The bridge's `call record` log line. */
  bridgeRecord: Record<string, unknown> | undefined;
  /** Call records the main-app stand-in stored. */
  appRecords: RecordedCallRecord[];
  /** When each recording the Twilio stand-in started was asked for. */
  recordings: number[];
}

export function checkDemo(facts: DemoFacts, expectedGreeting: string): string[] {
  const problems: string[] = [];
  if (facts.greeting?.text !== expectedGreeting) problems.push(`the greeting was ${JSON.stringify(facts.greeting?.text)}, expected the org's greeting`);
  if (facts.clears < 1 || facts.truncations.length < 1) problems.push(`no barge-in: ${facts.clears} clear(s), ${facts.truncations.length} truncate(s)`);
  if (facts.orders.length !== 1) problems.push(`expected exactly 1 order at the main app, got ${facts.orders.length}`);
  const subtotal = facts.orders[0]?.body.subtotalCents;
  if (subtotal !== undefined && subtotal !== EXPECTED_SUBTOTAL_CENTS) problems.push(`order subtotal ${subtotal} cents, expected ${EXPECTED_SUBTOTAL_CENTS}`);
  const orderId = facts.orders[0]?.orderId;
  const text = facts.texts[0];
  if (facts.texts.length !== 1 || text!.to !== DEMO_CALLER_NUMBER || text!.from !== DEMO_DIALLED_NUMBER || (orderId !== undefined && !text!.body.includes(`order ${orderId} `))) {
    problems.push(`expected 1 SMS confirmation of the order to the caller from the dialled number, got ${facts.texts.length}`);
  }
  if (facts.callEnd?.by !== 'twilio' || facts.callEnd.reason !== 'agent-hung-up') {
    problems.push(`the call did not end by the agent hanging up (${facts.callEnd ? `${facts.callEnd.by}, ${facts.callEnd.reason}` : 'still open'})`);
  }
  const record = facts.appRecords[0]?.body;
  if (facts.appRecords.length !== 1 || record?.outcome !== 'order-placed' || record.orderId !== orderId || !record.summary) {
    problems.push(`expected 1 call record at the app with the order and a summary, got ${facts.appRecords.length}${record ? ` (${record.outcome})` : ''}`);
  }
  if (facts.recordings.length !== 1 || !record?.recording) problems.push(`expected 1 recording, started after the consent line, in the call record; got ${facts.recordings.length}`);
  if (facts.violations.length > 0) problems.push(`the bridge sent Twilio ${facts.violations.length} invalid message(s): ${facts.violations[0]!.reason}`);
  return problems;
}
