import { describe, expect, it } from 'vitest';
import { composeObservers } from '../../../src/bridge/call-observers.js';
import type { CallObserver, CallSnapshot } from '../../../src/call/call-types.js';
import { ConsoleHub, type ConsoleEvent } from '../../../src/console/console-hub.js';
import { createLogger } from '../../../src/logger.js';

const silent = createLogger('silent');
const snapshot: CallSnapshot = { callSid: 'CA1', orgId: 'org_1', channel: 'phone', startedAt: '2026-12-03T12:00:00.000Z', transcript: [], cart: { lines: [], subtotalCents: 0 } };

describe('composeObservers', () => {
  it('tells every observer that has the method, in order, with the same arguments', () => {
    const heard: string[] = [];
    const metrics: CallObserver = { bargeIn: () => heard.push('metrics:barge-in'), transcript: (l) => heard.push(`metrics:${l.text}`) };
    const consoleWatch: CallObserver = { transcript: (l) => heard.push(`console:${l.role}:${l.text}`), ended: (r) => heard.push(`console:ended ${r}`) };
    const both = composeObservers(metrics, undefined, consoleWatch);
    both.transcript?.({ role: 'caller', text: 'hi', atMs: 5 });
    both.bargeIn?.();
    both.ended?.('caller-hung-up');
    expect(heard).toEqual(['metrics:hi', 'console:caller:hi', 'metrics:barge-in', 'console:ended caller-hung-up']);
    expect(both.usage).toBeUndefined();
  });

  it('keeps `this` for class-based observers', () => {
    class Counting implements CallObserver {
      count = 0;
      bargeIn(): void {
        this.count++;
      }
    }
    const counting = new Counting();
    composeObservers(counting).bargeIn?.();
    expect(counting.count).toBe(1);
  });
});

describe('ConsoleHub', () => {
  it("turns a call's observer and ordering events into the console's events", () => {
    const hub = new ConsoleHub(silent);
    const events: ConsoleEvent[] = [];
    hub.subscribe((e) => events.push(e));
    const feed = hub.feed('CA1');
    feed.started(snapshot);
    feed.observer.transcript?.({ role: 'agent', text: 'Hello!', atMs: 10 });
    feed.ordering.cartChanged?.({ lines: [{ line: 1, name: 'Cola', quantity: 1, description: '1 × Cola', lineTotalCents: 250 }], subtotalCents: 250 });
    feed.ordering.orderPlaced?.('ord_1');
    feed.observer.ended?.('agent-hung-up');
    expect(events).toEqual([
      { event: 'call.started', data: snapshot },
      { event: 'transcript', data: { callSid: 'CA1', role: 'agent', text: 'Hello!' } },
      { event: 'cart', data: { callSid: 'CA1', cart: { lines: [{ line: 1, name: 'Cola', quantity: 1, description: '1 × Cola', lineTotalCents: 250 }], subtotalCents: 250 } } },
      { event: 'order', data: { callSid: 'CA1', orderId: 'ord_1' } },
      { event: 'call.ended', data: { callSid: 'CA1', reason: 'agent-hung-up' } },
    ]);
  });

  it('drops a listener that throws; the call and the other listeners go on', () => {
    const hub = new ConsoleHub(silent);
    const heard: string[] = [];
    hub.subscribe(() => {
      throw new Error('socket gone');
    });
    hub.subscribe((e) => heard.push(e.event));
    expect(() => hub.feed('CA1').started(snapshot)).not.toThrow();
    hub.feed('CA1').observer.ended?.('caller-hung-up');
    expect(heard).toEqual(['call.started', 'call.ended']);
    expect(hub.listening).toBe(1);
  });

  it('stops telling a listener once it unsubscribed', () => {
    const hub = new ConsoleHub(silent);
    const heard: string[] = [];
    const stop = hub.subscribe((e) => heard.push(e.event));
    stop();
    hub.feed('CA1').started(snapshot);
    expect(heard).toEqual([]);
    expect(hub.listening).toBe(0);
  });
});
