import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import type { Deps } from '../src/services.js';
import { definePurgeProcessedRequests, PURGE_PROCESSED_REQUESTS } from './purge-processed-requests.js';
import { defineReconcileReservations, RECONCILE_RESERVATIONS } from './reconcile-reservations.js';

/**
 * Agenda on the same database and the same driver client as mongoose (one connection per
 * process against FerretDB). Jobs are durable documents in `agendaJobs`.
 */
export function createAgenda(deps: Deps): Agenda {
  const db = deps.db.connection.db as unknown as Db;
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: db, collection: 'agendaJobs' }),
    processEvery: deps.config.jobPollInterval.ms,
    name: `orderly-${process.pid}`,
  });
  // Without a listener an 'error' event (e.g. the database going away) would crash the process.
  agenda.on('error', (err: Error) => deps.log.error({ err }, 'job scheduler error'));
  agenda.on('fail', (err: Error, job: { attrs: { name: string; failCount?: number } }) => {
    deps.log.error({ err, job: job.attrs.name, failCount: job.attrs.failCount }, 'job failed');
  });
  return agenda;
}

export function defineJobs(agenda: Agenda, deps: Deps): void {
  defineReconcileReservations(agenda, deps);
  definePurgeProcessedRequests(agenda, deps);
}

/**
 * Recurring jobs. `every` upserts by name, so many processes starting at once schedule one; if
 * two upserts collide, the loser's job exists anyway, so that is logged, not fatal.
 */
export async function scheduleRecurring(agenda: Agenda, log: Deps['log']): Promise<void> {
  for (const [interval, name] of [
    ['5 minutes', RECONCILE_RESERVATIONS],
    ['1 day', PURGE_PROCESSED_REQUESTS],
  ] as const) {
    await agenda.every(interval, name).catch((err) => log.warn({ err, job: name }, 'could not schedule job'));
  }
}
