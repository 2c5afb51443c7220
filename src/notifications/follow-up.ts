import { isAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Order } from '../orders/order.js';
import type { OrderService } from '../orders/service.js';
import type { CustomerUpdates } from './customer-updates.js';

/** A product often bought with the order's, for the follow-up (src/crosssell/). */
export type Suggest = (skus: string[]) => Promise<{ sku: string; name: string; price: number } | undefined>;

/**
 * The follow-up after delivery: one text asking for a 1–5 rating, FOLLOW_UP_DELAY after the
 * order was delivered (scheduled then, as an Agenda job keyed by the order). Sent at most once
 * (the `sms_messages` record `<order>:follow_up`), never to a phone that opted out (read when
 * sending), and not for an order returned (or being returned) meanwhile.
 */
export function createFollowUps(deps: {
  orders: Pick<OrderService, 'get'>;
  customerUpdates: Pick<CustomerUpdates, 'send'>;
  suggest?: Suggest;
  log: Logger;
}) {
  const { orders, customerUpdates, log } = deps;

  async function send(number: number): Promise<'sent' | 'skipped'> {
    let order: Order;
    try {
      order = await orders.get(number);
    } catch (err) {
      if (isAppError(err) && err.code === 'not_found') {
        log.warn({ order: number }, 'follow-up for an order that does not exist; skipped');
        return 'skipped';
      }
      throw err;
    }
    if (order.status !== 'delivered') {
      log.info(
        { order: number, status: order.status },
        'follow-up not sent: the order is no longer delivered',
      );
      return 'skipped';
    }
    // A suggestion is a bonus: without one (none found, or cross-sell failing) the text still goes.
    const suggestion = await deps
      .suggest?.(order.items.map((i) => i.sku))
      .catch((err) => log.warn({ err, order: number }, 'no suggestion for the follow-up'));
    await customerUpdates.send(number, 'follow_up', order, suggestion ? { suggestion } : {});
    return 'sent';
  }

  return { send };
}

export type FollowUps = ReturnType<typeof createFollowUps>;
