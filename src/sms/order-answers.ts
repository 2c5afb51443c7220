import type { Language } from '../customers/customer.js';
import { isAppError } from '../errors.js';
import { statusName, t } from '../i18n/index.js';
import type { OrderAction } from '../orders/lifecycle.js';
import type { Order } from '../orders/order.js';
import type { OrderService } from '../orders/service.js';
import { type SmsContext, shortItems } from './context.js';

const RECENT_ORDERS = 3;

/**
 * STATUS, CANCEL and RETURN by text: every answer about an order is given only to the phone the
 * order belongs to; any other phone gets exactly the reply for an order that does not exist.
 */
export function createSmsOrderAnswers(deps: {
  orders: Pick<OrderService, 'get' | 'ownedBy' | 'recentOf' | 'applyAction'>;
}) {
  const { orders } = deps;

  /** The order if it is this phone's; otherwise undefined, exactly as for a number that does not exist. */
  const owned = (number: number, phone: string) => orders.ownedBy(number, phone);

  function describe(order: Order, lang: Language): string {
    return t(lang, 'statusOne', {
      number: order.number,
      status: statusName(lang, order.status),
      items: shortItems(order.items),
      ...(order.shipment?.trackingNumber
        ? { tracking: { carrier: order.shipment.carrier, trackingNumber: order.shipment.trackingNumber } }
        : {}),
    });
  }

  async function oneOrder(number: number, ctx: SmsContext): Promise<string> {
    const order = await owned(number, ctx.phone);
    return order ? describe(order, ctx.lang) : t(ctx.lang, 'notFound', {});
  }

  async function recentOrders(ctx: SmsContext): Promise<string> {
    const items = await orders.recentOf(ctx.phone, RECENT_ORDERS, ctx.customer);
    if (items.length === 0) return t(ctx.lang, 'notFound', {});
    if (items.length === 1) return describe(items[0] as Order, ctx.lang);
    return t(ctx.lang, 'statusList', {
      lines: items.map((o) => `#${o.number} ${statusName(ctx.lang, o.status)}`),
    });
  }

  async function act(number: number, action: OrderAction, ctx: SmsContext): Promise<string> {
    const order = await owned(number, ctx.phone);
    if (!order) return t(ctx.lang, 'notFound', {});
    try {
      await orders.applyAction(number, action, {}, { by: ctx.phone, channel: 'sms' });
      return action === 'cancel'
        ? t(ctx.lang, 'cancelled', { number })
        : t(ctx.lang, 'returnRequested', { number });
    } catch (err) {
      // The only conflict a move raises: the order's history is full (no more return requests).
      if (isAppError(err) && err.code === 'conflict' && action === 'request_return') {
        return t(ctx.lang, 'returnLimit', { number });
      }
      if (!isAppError(err) || err.code !== 'invalid_transition') throw err;
      const { status } = await orders.get(number);
      return action === 'cancel'
        ? t(ctx.lang, 'cancelRefused', { number, status })
        : t(ctx.lang, 'returnRefused', { number, status });
    }
  }

  return { describe, oneOrder, recentOrders, act };
}

export type SmsOrderAnswers = ReturnType<typeof createSmsOrderAnswers>;
