import { describe, expect, it } from 'vitest';
import { checkDemo, EXPECTED_SUBTOTAL_CENTS, type DemoFacts } from '../../sim/demo-checks.js';
import { readStreamTwiml } from '../../sim/demo-stack.js';
import { runDemo } from '../../sim/demo.js';
import { loadContractExample, type RecordedCallRecord, type RecordedOrder } from '../../sim/main-app.js';
import { connectStreamTwiml } from '../../src/twilio/twiml.js';

const org = loadContractExample('org-config.example.json') as { greeting: string };
const stamped = (speaker: string, text: string) => new RegExp(`^\\[\\s*\\d+\\.\\d\\ds\\] ${speaker}\\s+${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

describe('npm run demo', () => {
  it('runs the scripted call through the real bridge: greeting, barge-in, one correctly priced order, agent hang-up', async () => {
    const printed: string[] = [];
    const result = await runDemo({ out: (line) => printed.push(line), keepLogs: false });

    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.greeting?.text).toBe(`This call may be recorded. ${org.greeting}`);
    // Barge-in: Twilio got a clear and the model a truncate short of the whole answer.
    expect(result.clears).toBe(1);
    expect(result.truncations).toHaveLength(1);
    expect(result.truncations[0]!.audioEndMs).toBeGreaterThan(0);
    expect(result.truncations[0]!.audioEndMs).toBeLessThan(result.truncations[0]!.itemAudioMs);
    // Exactly one order reached the main app, priced by the bridge from the menu.
    expect(result.orders).toHaveLength(1);
    const body = result.orders[0]!.body;
    expect(body.subtotalCents).toBe(4150);
    expect(body.items.map((i) => [i.itemId, i.quantity, i.lineTotalCents])).toEqual([
      ['item_margherita', 2, 3900],
      ['item_cola', 1, 250],
    ]);
    expect(body.customer).toEqual({ name: 'Ana', phone: '+15551230000' });
    // end_call hangs up over Twilio's REST API, and Twilio then ends the stream.
    expect(result.callEnd).toEqual({ by: 'twilio', reason: 'agent-hung-up' });
    // One SMS confirmation, from the dialled number, with the order id, items, total and ready time.
    expect(result.texts).toHaveLength(1);
    expect(result.texts[0]).toMatchObject({ to: '+15551230000', from: '+15005550006', segments: 1 });
    expect(result.texts[0]!.body).toMatch(new RegExp(`^Luigi's Pizzeria: order ${result.orders[0]!.orderId} confirmed\\. 2 x Margherita Pizza \\(Large, Mushrooms\\), 1 x Cola\\. Total \\$41\\.50\\. Ready around \\d{1,2}:\\d{2} [AP]M\\.$`));
    expect(result.turnLatenciesMs).toHaveLength(3);
    expect(result.violations).toEqual([]);
    expect(result.bridgeRecord).toMatchObject({ endReason: 'agent-hung-up', bargeIns: 1, turns: 3, orderId: result.orders[0]!.orderId });
    // The record at the app: the outcome, the order, the model's summary and the recording started after the consent line.
    expect(result.appRecords).toHaveLength(1);
    const record = result.appRecords[0]!.body;
    expect(record).toMatchObject({ outcome: 'order-placed', orderId: result.orders[0]!.orderId, endReason: 'agent-hung-up', recording: { channels: 2 } });
    expect(record.summary).toBe(`Ana ordered 2 × Margherita Pizza (Large, Mushrooms; note: well done) and 1 × Cola for pickup, $41.50; order ${result.orders[0]!.orderId}.`);
    expect(result.recordings).toHaveLength(1);

    // The printed conversation, with timestamps.
    expect(printed).toEqual(result.lines);
    const has = (pattern: RegExp) => expect(printed.some((line) => pattern.test(line)), String(pattern)).toBe(true);
    has(stamped('AGENT', `This call may be recorded. ${org.greeting}`));
    has(stamped('TWILIO', 'recording started over REST (dual channels), after the consent line was heard'));
    has(stamped('APP', `call record stored: order-placed, order ${result.orders[0]!.orderId}`));
    has(/summary \(written by the model after the call\): Ana ordered/);
    has(stamped('CALLER', 'Do you have pizza?'));
    has(/^\[\s*\d+\.\d\ds\] \(barge-in: /);
    has(stamped('TOOL', 'add_item → ok, line 1: 2 × Margherita Pizza (Large, Mushrooms; note: well done) $39.00'));
    has(stamped('TOOL', `submit_order → ok, placed as order ${result.orders[0]!.orderId}, total $41.50`));
    has(/subtotal \$41\.50 \(4150 cents, USD\)/);
    has(/end_call: once the goodbye had played, the bridge hung up over Twilio's REST API and Twilio closed the stream/);
    has(stamped('SMS', 'to +15551230000 from +15005550006 (1 segment):'));
    expect(printed).toContain(`${' '.repeat(16)}${result.texts[0]!.body}`);
    expect(printed.at(-1)).toBe('Demo OK.');
  }, 40_000);

  it('fails with the step it was on when the overall guard runs out, and still shuts everything down', async () => {
    const printed: string[] = [];
    const result = await runDemo({ out: (line) => printed.push(line), keepLogs: false, timeoutMs: 1500 });

    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^failed while .+: timed out after 1\.5 s$/);
    expect(printed.at(-1)).toBe(`DEMO FAILED: ${result.problems[0]}`);
    expect(result.orders).toEqual([]);
  }, 30_000);
});

describe('demo checks', () => {
  const order = { orderId: 'ord_1', idempotencyKey: 'CA1:order:1', body: { subtotalCents: EXPECTED_SUBTOTAL_CENTS } } as RecordedOrder;
  const passing: DemoFacts = {
    greeting: { text: org.greeting, firstAudioAfterMs: 100 },
    turnLatenciesMs: [500],
    clears: 1,
    truncations: [{ itemId: 'item_1', contentIndex: 0, audioEndMs: 1200, itemAudioMs: 5000 }],
    orders: [order],
    texts: [{ sid: 'SM1', to: '+15551230000', from: '+15005550006', body: "Luigi's Pizzeria: order ord_1 confirmed.", segments: 1, createdAt: new Date(0) }],
    callEnd: { by: 'twilio', reason: 'agent-hung-up' },
    violations: [],
    bridgeRecord: undefined,
    appRecords: [{ idempotencyKey: 'CA1:record', body: { outcome: 'order-placed', orderId: 'ord_1', summary: 'Ana ordered.', recording: { sid: 'RE1', channels: 2 } } } as RecordedCallRecord],
    recordings: [1000],
  };

  it('passes a complete run and names each missing piece', () => {
    expect(checkDemo(passing, org.greeting)).toEqual([]);
    expect(checkDemo({ ...passing, greeting: { text: 'Hi', firstAudioAfterMs: 1 } }, org.greeting)).toEqual([expect.stringMatching(/greeting was "Hi"/)]);
    expect(checkDemo({ ...passing, truncations: [] }, org.greeting)).toEqual(['no barge-in: 1 clear(s), 0 truncate(s)']);
    expect(checkDemo({ ...passing, orders: [order, order] }, org.greeting)).toEqual(['expected exactly 1 order at the main app, got 2']);
    expect(checkDemo({ ...passing, orders: [{ ...order, body: { ...order.body, subtotalCents: 3900 } }] }, org.greeting)).toEqual(['order subtotal 3900 cents, expected 4150']);
    expect(checkDemo({ ...passing, callEnd: { by: 'caller', reason: 'caller-hung-up' } }, org.greeting)).toEqual([expect.stringMatching(/did not end by the agent/)]);
    expect(checkDemo({ ...passing, texts: [] }, org.greeting)).toEqual(['expected 1 SMS confirmation of the order to the caller from the dialled number, got 0']);
    expect(checkDemo({ ...passing, texts: [{ ...passing.texts[0]!, body: 'order ord_2 confirmed.' }] }, org.greeting)).toEqual([expect.stringMatching(/SMS confirmation/)]);
    expect(checkDemo({ ...passing, appRecords: [] }, org.greeting)).toEqual(['expected 1 call record at the app with the order and a summary, got 0', expect.stringMatching(/expected 1 recording/)]);
    expect(checkDemo({ ...passing, recordings: [] }, org.greeting)).toEqual([expect.stringMatching(/expected 1 recording, started after the consent line, in the call record; got 0/)]);
    expect(checkDemo({ ...passing, violations: [{ code: 31951, reason: 'bad streamSid', at: 1 }] }, org.greeting)).toEqual([expect.stringMatching(/1 invalid message/)]);
  });
});

describe('reading the TwiML webhook answer', () => {
  it('gets the stream URL and every parameter back, unescaped', () => {
    const twiml = connectStreamTwiml({ streamUrl: 'ws://127.0.0.1:9/ws/twilio', parameters: { orgId: 'org_luigis', note: `Tom & "Jerry's" <3>` } });
    expect(readStreamTwiml(twiml)).toEqual({ streamUrl: 'ws://127.0.0.1:9/ws/twilio', parameters: { orgId: 'org_luigis', note: `Tom & "Jerry's" <3>` } });
  });

  it('says what came back when the answer is not a stream', () => {
    expect(() => readStreamTwiml('<?xml version="1.0"?><Response><Say>Sorry</Say><Hangup/></Response>')).toThrow(/did not connect a stream: .*Sorry/);
  });
});
