import { AppError } from '../errors.js';
import type { OrderAction } from './lifecycle.js';
import { MAX_HISTORY, type Order } from './order.js';

/**
 * History entries a move needs free: its own, and for a return request one more, so that a
 * requested return can always be answered (received or rejected) within MAX_HISTORY. That also
 * bounds the delivered ⇄ return requested cycle: at most 97 return requests, then no more.
 */
export const roomFor = (action: OrderAction) => (action === 'request_return' ? 2 : 1);

export const hasRoom = (order: Order, action: OrderAction) =>
  order.history.length + roomFor(action) <= MAX_HISTORY;

/** 409 `conflict`: the move would take the order's history past MAX_HISTORY; nothing changed. */
export function historyFull(order: Order, action: OrderAction): never {
  const n = order.number;
  const held = order.history.length;
  const message =
    action === 'request_return'
      ? `Order #${n} cannot take another return request: its history holds ${held} entries, an order keeps at most ${MAX_HISTORY}, and a return request needs room for its answer. Nothing changed.`
      : `Order #${n} cannot ${action}: its history holds ${held} entries, the most an order keeps (${MAX_HISTORY}). Nothing changed.`;
  throw new AppError('conflict', message, {
    details: { number: n, status: order.status, action, history: held, limit: MAX_HISTORY },
  });
}
