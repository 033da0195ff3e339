import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { createLogger } from '../../../src/logger.js';
import type { SubmittedOrder } from '../../../src/ordering/tool-results.js';
import type { SmsConfirmation, SmsSkipReason } from '../../../src/sms/confirmation.js';
import { withOrderTexts } from '../../../src/sms/order-texts.js';
import { exampleOrg, exampleSubmitBody } from '../ordering/fixtures.js';

function order(outcome: SubmittedOrder['outcome'], n = 1): SubmittedOrder {
  const body = { ...exampleSubmitBody(), idempotencyKey: `CA1:order:${n}` };
  return { idempotencyKey: body.idempotencyKey, body, outcome };
}

function setup(from: string | undefined, send?: () => Promise<'stored'>) {
  const sent: SmsConfirmation[] = [];
  const skipped: SmsSkipReason[] = [];
  const heard: Array<string | null> = [];
  let placed: SubmittedOrder | undefined;
  const events = withOrderTexts(
    { orderPlaced: (id) => heard.push(id) },
    {
      org: exampleOrg(),
      context: { from, to: '+15005550006' },
      placedOrder: () => placed,
      sender: { send: send ?? (async (sms) => (sent.push(sms), 'stored')), skip: (reason) => skipped.push(reason) },
      clock: new ManualClock(new Date('2026-12-03T23:03:00Z')),
      logger: createLogger('silent'),
    },
  );
  return { sent, skipped, heard, events, place: (o: SubmittedOrder) => (placed = o) };
}

describe('texts for the orders of a call', () => {
  it('one text per accepted order, however often it is reported; the events still reach their listener', () => {
    const s = setup('+15551230000');
    s.place(order({ kind: 'accepted', orderId: 'ord_1', duplicate: false }));
    s.events.orderPlaced?.('ord_1');
    s.events.orderPlaced?.('ord_1');
    s.place(order({ kind: 'accepted', orderId: 'ord_2', duplicate: false }, 2));
    s.events.orderPlaced?.('ord_2');
    expect(s.sent.map((m) => [m.key, m.orderId])).toEqual([
      ['CA1:order:1:sms', 'ord_1'],
      ['CA1:order:2:sms', 'ord_2'],
    ]);
    expect(s.heard).toEqual(['ord_1', 'ord_1', 'ord_2']);
  });

  it('a queued order or a withheld caller ID gets none, and says why', () => {
    const queued = setup('+15551230000');
    queued.place(order({ kind: 'queued' }));
    queued.events.orderPlaced?.(null);
    const withheld = setup('anonymous');
    withheld.place(order({ kind: 'accepted', orderId: 'ord_1', duplicate: false }));
    withheld.events.orderPlaced?.('ord_1');
    expect([...queued.sent, ...withheld.sent]).toEqual([]);
    expect([queued.skipped, withheld.skipped]).toEqual([['order_not_confirmed'], ['caller_id_withheld']]);
  });

  it('a failure while writing the text never reaches the call', () => {
    const s = setup('+15551230000', () => {
      throw new Error('bug');
    });
    s.place(order({ kind: 'accepted', orderId: 'ord_1', duplicate: false }));
    expect(() => s.events.orderPlaced?.('ord_1')).not.toThrow();
    expect(s.heard).toEqual(['ord_1']);
  });
});
