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
  deps: Pick<Deps, 'models' | 'inventory' | 'orders' | 'log'>,
  now = new Date(),
) {
  const { Product, Order } = deps.models;
  let released = 0;
  let committed = 0;
  let restocked = 0;
  for await (const product of Product.find({}, { sku: 1, reservations: 1, restocked: 1 })
    .lean<Product[]>()
    .cursor()) {
    // Restock marks whose order already records the return: a crash came before they were dropped.
    for (const orderId of Object.keys(product.restocked ?? {})) {
      const order = await Order.findById(orderId, { inventory: 1 }).lean<Order>();
      if (!order || order.inventory === 'restocked')
        await deps.inventory.clearRestocked(orderId, [product.sku]);
    }
    const entries = Object.entries((product.reservations ?? {}) as Record<string, Reservation>);
    for (const [orderId, reservation] of entries) {
      if (now.getTime() - new Date(reservation.at).getTime() < GRACE_MS) continue;
      const order = await Order.findById(orderId, { status: 1, inventory: 1, number: 1 }).lean<Order>();
      if (order && RESERVING_STATUSES.includes(order.status)) continue;
      const line = [{ sku: product.sku, quantity: reservation.qty }];
      if (order && ['committed', 'restocking', 'restocked'].includes(order.inventory)) {
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
  // Returns received whose goods were not (all) put back when the process died.
  const cutoff = new Date(now.getTime() - GRACE_MS);
  for await (const order of Order.find({ inventory: 'restocking', updatedAt: { $lt: cutoff } })
    .lean<Order[]>()
    .cursor()) {
    await deps.orders.finishRestock(order);
    restocked++;
    deps.log.warn({ order: order.number }, 'reconciled a return whose restock was interrupted');
  }
  return { released, committed, restocked };
}

export function defineReconcileReservations(agenda: import('agenda').Agenda, deps: Deps) {
  agenda.define(RECONCILE_RESERVATIONS, async (_job: Job) => {
    await reconcileReservations(deps);
  });
}
