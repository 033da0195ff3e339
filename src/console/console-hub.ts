import type { CallObserver, CallSnapshot, CartView, EndReason } from '../call/call-types.js';
import type { Logger } from '../logger.js';
import type { OrderingEvents } from '../ordering/ordering-events.js';

/** What `GET /console/events` carries: one server-sent event per item, named by `event`, with `data` as JSON. */
export type ConsoleEvent =
  | { event: 'call.started'; data: CallSnapshot }
  | { event: 'transcript'; data: { callSid: string; role: 'caller' | 'agent'; text: string } }
  | { event: 'cart'; data: { callSid: string; cart: CartView } }
  | { event: 'order'; data: { callSid: string; orderId: string | null } }
  | { event: 'call.ended'; data: { callSid: string; reason: EndReason } };

export type ConsoleListener = (event: ConsoleEvent) => void;

/** One call's way into the hub: its observer, its ordering events, and its start. */
export interface CallFeed {
  observer: CallObserver;
  ordering: OrderingEvents;
  started(snapshot: CallSnapshot): void;
}

/**
 * The live calls' events for the operator console, per server: each call feeds it through its observer and its
 * ordering events (composed in `bridge/call-start.ts`), each open console page listens. Nothing is kept: a page
 * that connects gets the live calls' snapshots from the events route, then what happens next.
 */
export class ConsoleHub {
  private readonly listeners = new Set<ConsoleListener>();

  constructor(private readonly log: Logger) {}

  get listening(): number {
    return this.listeners.size;
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: ConsoleListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells every listener; a listener that throws is dropped, never the call that published. */
  publish(event: ConsoleEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.listeners.delete(listener);
        this.log.warn({ err: (err as Error).message, event: event.event }, 'console listener failed; dropped');
      }
    }
  }

  feed(callSid: string): CallFeed {
    return {
      observer: {
        transcript: ({ role, text }) => this.publish({ event: 'transcript', data: { callSid, role, text } }),
        ended: (reason) => this.publish({ event: 'call.ended', data: { callSid, reason } }),
      },
      ordering: {
        cartChanged: (cart) => this.publish({ event: 'cart', data: { callSid, cart } }),
        orderPlaced: (orderId) => this.publish({ event: 'order', data: { callSid, orderId } }),
      },
      started: (snapshot) => this.publish({ event: 'call.started', data: snapshot }),
    };
  }
}
