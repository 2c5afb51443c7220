import type { Agenda } from 'agenda';
import type { Delivery } from '../src/delivery/service.js';
import type { Reconciler } from '../src/orders/reconcile.js';

export const RECONCILE_RESERVATIONS = 'reconcile-reservations';
/** The same repair, once, RECONCILE_GRACE after a start. */
export const RECONCILE_AFTER_START = 'reconcile-after-start';

/** Starts within this long of each other share one repair after start. */
const AFTER_START_BUCKET_MS = 5_000;

/**
 * Every 5 minutes: finishes stock and board work a crash interrupted (src/orders/reconcile.ts),
 * then delivers any effect left due, low-stock alerts included (src/delivery/service.ts). And once
 * after every start: a process that starts has often just replaced one that died mid-placement,
 * whose reservations would otherwise hold stock until the next 5-minute run (up to 7 minutes).
 */
export function defineReconcileReservations(
  agenda: Agenda,
  deps: { reconciler: Reconciler; delivery: Pick<Delivery, 'sweep'> },
) {
  const repair = async () => {
    await deps.reconciler.reconcile();
    await deps.delivery.sweep({ products: true });
  };
  agenda.define(RECONCILE_RESERVATIONS, repair);
  agenda.define(RECONCILE_AFTER_START, repair);
}

/**
 * Schedules the repair for once the grace has passed after this start: everything a crash before
 * it left is then old enough to repair. A durable one-off job, so a start that dies again before
 * then leaves it to the next process; run by one process (Agenda's lock) and removed when done.
 * Processes starting together share one job: its time is rounded up to the next 5 seconds and
 * keyed by that time, so it still comes at least the grace after each of them.
 */
export async function scheduleRepairAfterStart(
  agenda: Agenda,
  graceMs: number,
  now = Date.now(),
): Promise<Date> {
  const at = new Date(Math.ceil((now + graceMs) / AFTER_START_BUCKET_MS) * AFTER_START_BUCKET_MS);
  await agenda
    .create(RECONCILE_AFTER_START, { at: at.toISOString() })
    .unique({ 'data.at': at.toISOString() }, { insertOnly: true })
    .schedule(at)
    .save();
  return at;
}
