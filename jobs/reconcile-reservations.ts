import type { Agenda } from 'agenda';
import type { Delivery } from '../src/delivery/service.js';
import type { Reconciler } from '../src/orders/reconcile.js';

export const RECONCILE_RESERVATIONS = 'reconcile-reservations';

/**
 * Every 5 minutes: finishes stock and board work a crash interrupted (src/orders/reconcile.ts),
 * then delivers any effect left due, low-stock alerts included (src/delivery/service.ts).
 */
export function defineReconcileReservations(
  agenda: Agenda,
  deps: { reconciler: Reconciler; delivery: Pick<Delivery, 'sweep'> },
) {
  agenda.define(RECONCILE_RESERVATIONS, async () => {
    await deps.reconciler.reconcile();
    await deps.delivery.sweep({ products: true });
  });
}
