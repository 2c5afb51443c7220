import type { Agenda } from 'agenda';
import type { Housekeeping } from '../src/housekeeping.js';
import type { Logger } from '../src/logger.js';

/** The job's name is kept from the first release, so the schedule stored by it is the same job. */
export const HOUSEKEEPING = 'purge-processed-requests';
/** A job that gave up stays this long for an operator to see (its failure is also kept on the order). */
export const KEEP_FAILED_JOBS_MS = 14 * 24 * 3600_000;

/**
 * One-off jobs that gave up after their last retry stay in `agendaJobs`, which every poll reads:
 * after two weeks they go. Agenda's own query (the collection is Agenda's, not ours).
 */
export async function pruneFailedJobs(agenda: Agenda, log: Logger, now = new Date()): Promise<number> {
  const { jobs } = await agenda.queryJobs({ state: 'failed' });
  const old = jobs.filter(
    (j) =>
      !j.repeatInterval &&
      !j.nextRunAt &&
      j.failedAt &&
      now.getTime() - new Date(j.failedAt).getTime() > KEEP_FAILED_JOBS_MS,
  );
  if (old.length === 0) return 0;
  const removed = await agenda.cancel({ ids: old.map((j) => j._id) });
  log.info({ removed }, 'jobs that gave up over two weeks ago removed');
  return removed;
}

/** Daily: deletes old idempotency records (finished or abandoned), expired SMS drafts and long-failed jobs. */
export function defineHousekeeping(agenda: Agenda, deps: { housekeeping: Housekeeping; log: Logger }) {
  agenda.define(HOUSEKEEPING, async () => {
    await deps.housekeeping.purge();
    await pruneFailedJobs(agenda, deps.log);
  });
}
