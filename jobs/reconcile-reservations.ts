import type { Agenda } from 'agenda';
import type { Reconciler } from '../src/orders/reconcile.js';

export const RECONCILE_RESERVATIONS = 'reconcile-reservations';

/** Every 5 minutes: finishes stock and board work a crash interrupted (src/orders/reconcile.ts). */
export function defineReconcileReservations(agenda: Agenda, deps: { reconciler: Reconciler }) {
  agenda.define(RECONCILE_RESERVATIONS, async () => {
    await deps.reconciler.reconcile();
  });
}
