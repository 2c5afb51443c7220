import type { Job } from 'agenda';
import type { Order } from '../models/order.js';
import type { Product, Reservation } from '../models/product.js';
import { RESERVING_STATUSES } from '../src/orders/lifecycle.js';
import type { Deps } from '../src/services.js';

export const RECONCILE_RESERVATIONS = 'reconcile-reservations';
/** A reservation younger than this may belong to a placement still in flight. */
const GRACE_MS = 2 * 60_000;

/**
 * Finishes what a crash interrupted. Every reservation on a product names its order; if that
 * order does not exist (the placement died before storing it) or no longer holds stock (it was
 * cancelled, rejected or shipped and the process died before the stock followed), the reservation
 * is released or committed now. Both operations are idempotent, so running this anywhere, any
 * number of times, is safe.
 */
export async function reconcileReservations(
  deps: Pick<Deps, 'models' | 'inventory' | 'log'>,
  now = new Date(),
) {
  const { Product, Order } = deps.models;
  let released = 0;
  let committed = 0;
  for await (const product of Product.find({}, { sku: 1, reservations: 1 }).lean<Product[]>().cursor()) {
    const entries = Object.entries((product.reservations ?? {}) as Record<string, Reservation>);
    for (const [orderId, reservation] of entries) {
      if (now.getTime() - new Date(reservation.at).getTime() < GRACE_MS) continue;
      const order = await Order.findById(orderId, { status: 1, inventory: 1, number: 1 }).lean<Order>();
      if (order && RESERVING_STATUSES.includes(order.status)) continue;
      const line = [{ sku: product.sku, quantity: reservation.qty }];
      if (order && (order.inventory === 'committed' || order.inventory === 'restocked')) {
        await deps.inventory.commit(orderId, line);
        committed++;
      } else {
        await deps.inventory.release(orderId, line);
        released++;
      }
      deps.log.warn(
        { sku: product.sku, orderId, order: order?.number, quantity: reservation.qty },
        'reconciled a reservation left by an interrupted operation',
      );
    }
  }
  return { released, committed };
}

export function defineReconcileReservations(agenda: import('agenda').Agenda, deps: Deps) {
  agenda.define(RECONCILE_RESERVATIONS, async (_job: Job) => {
    await reconcileReservations(deps);
  });
}
