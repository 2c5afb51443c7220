import { BOARD_STATUSES, type OrderStatus } from './lifecycle.js';
import type { Order } from './order.js';

/**
 * Whether the order belongs on the board: open, a received return whose restock may be unfinished,
 * or a change whose effects (Slack, the customer's text) are not delivered yet — the delivery
 * sweep finds those on the board (src/delivery/service.ts).
 */
export const belongsOnBoard = (
  order: Pick<Order, 'status' | 'inventory'> & { effects?: readonly string[] },
) =>
  BOARD_STATUSES.includes(order.status) ||
  order.inventory === 'restocking' ||
  (order.effects?.length ?? 0) > 0;

/** Whether every status asked for is a board status, so the board alone can answer. */
export const boardCanList = (statuses: readonly OrderStatus[]) =>
  statuses.length > 0 && statuses.every((s) => BOARD_STATUSES.includes(s));
