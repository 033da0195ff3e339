import type { CallContext } from '../call/call-types.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { OrgConfig } from '../main-app/org-config.js';
import type { OrderingEvents } from '../ordering/ordering-events.js';
import type { SubmittedOrder } from '../ordering/tool-results.js';
import { confirmationFor } from './confirmation.js';
import type { SmsSender } from './sms-sender.js';

export interface OrderTextsDeps {
  org: OrgConfig;
  context: Pick<CallContext, 'from' | 'to'>;
  /** The order just placed (the ordering tools' `submittedOrder`). */
  placedOrder: () => SubmittedOrder | undefined;
  sender: Pick<SmsSender, 'send' | 'skip'>;
  clock: Clock;
  logger: Logger;
}

/**
 * The call's ordering events, plus a text to the caller for each order the app accepted during the call. The text
 * goes to the outbox and is sent in the background: the call never waits for it and never hears of its fate.
 */
export function withOrderTexts(events: OrderingEvents, deps: OrderTextsDeps): OrderingEvents {
  const texted = new Set<string>();
  return {
    cartChanged: (cart) => events.cartChanged?.(cart),
    orderPlaced(orderId) {
      events.orderPlaced?.(orderId);
      const order = deps.placedOrder();
      if (!order || texted.has(order.idempotencyKey)) return;
      texted.add(order.idempotencyKey);
      try {
        const decision = confirmationFor({ org: deps.org, order, callerId: deps.context.from, dialled: deps.context.to, now: deps.clock.wallNow() });
        if (decision.kind === 'skip') deps.sender.skip(decision.reason, order.idempotencyKey);
        else void deps.sender.send(decision.confirmation);
      } catch (err) {
        // This runs inside the call's tool round: a bug in the text must not reach the caller.
        deps.logger.error({ key: order.idempotencyKey, err: (err as Error).message }, 'sms confirmation could not be written');
      }
    },
  };
}
