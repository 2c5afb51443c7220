import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda, InMemoryNotificationChannel } from 'agenda';
import type { Db } from 'mongodb';
import type { Logger } from '../src/logger.js';
import { scrubSecrets } from '../src/redact.js';
import type { Deps } from '../src/services.js';
import { escapeText, notice } from '../src/slack/blocks/index.js';
import { slackChannels } from '../src/slack/sync.js';
import { APPROVAL_REMINDERS, defineApprovalReminders } from './approval-reminders.js';
import { defineCrossSell, scheduleCrossSell } from './cross-sell.js';
import { DAILY_DIGEST, defineDailyDigest, scheduleDailyDigest } from './daily-digest.js';
import { defineFollowUp } from './follow-up.js';
import { defineHousekeeping, HOUSEKEEPING } from './housekeeping.js';
import {
  defineReconcileReservations,
  RECONCILE_AFTER_START,
  RECONCILE_RESERVATIONS,
  scheduleRepairAfterStart,
} from './reconcile-reservations.js';

/**
 * Agenda on the same database and the same driver client as mongoose (one connection per
 * process against FerretDB). Jobs are durable documents in `agendaJobs`; one-off jobs remove
 * themselves when done (`removeOnComplete`), so the collection Agenda polls stays small.
 */
export function createAgenda(db: Db, opts: { pollMs: number; log: Logger }): Agenda {
  const { log } = opts;
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: db, collection: 'agendaJobs' }),
    processEvery: opts.pollMs,
    name: `orderly-${process.pid}`,
    // A job created by this process (a Slack post after a click) runs now, not at the next poll;
    // jobs from other processes are still found by polling.
    notificationChannel: new InMemoryNotificationChannel(),
    removeOnComplete: true,
  });
  // Without a listener an 'error' event (e.g. the database going away) would crash the process.
  agenda.on('error', (err: Error) => log.error({ err }, 'job scheduler error'));
  agenda.on('fail', (err: Error, job: { attrs: { name: string; failCount?: number } }) => {
    log.warn(
      { err, job: job.attrs.name, failCount: job.attrs.failCount },
      'job failed; will retry if it may',
    );
  });
  agenda.on(
    'retry exhausted',
    (err: Error, job: { attrs: { name: string; data: unknown; failCount?: number } }) => {
      log.error(
        { err, job: job.attrs.name, data: job.attrs.data, failCount: job.attrs.failCount },
        'job gave up after its last retry',
      );
    },
  );
  return agenda;
}

/**
 * Each job receives the services it calls, nothing else. Slack posts and customer texts are not
 * jobs: they are recorded on the order with the change that calls for them and delivered by
 * src/delivery/ (a job queued after the change could be lost with the process in between).
 */
export function defineJobs(agenda: Agenda, deps: Deps): void {
  defineReconcileReservations(agenda, deps);
  defineHousekeeping(agenda, deps);
  defineCrossSell(agenda, deps);
  defineFollowUp(agenda, deps);
  tellStaffWhenAJobGivesUp(agenda, deps);
  defineApprovalReminders(agenda, deps);
  defineDailyDigest(agenda, deps);
}

/**
 * Recurring jobs. `every` upserts by name, so many processes starting at once schedule one; if
 * two upserts collide, the loser's job exists anyway, so that is logged, not fatal.
 */
export async function scheduleRecurring(
  agenda: Agenda,
  log: Logger,
  deps?: Pick<Deps, 'crossSell' | 'config' | 'log'>,
): Promise<void> {
  for (const [interval, name] of [
    ['5 minutes', RECONCILE_RESERVATIONS],
    ['1 day', HOUSEKEEPING],
    ['1 minute', APPROVAL_REMINDERS],
  ] as const) {
    await agenda.every(interval, name).catch((err) => log.warn({ err, job: name }, 'could not schedule job'));
  }
  // Whatever a crash before this start left is repaired once RECONCILE_GRACE has passed, not at
  // the next 5-minute run.
  if (deps) {
    await scheduleRepairAfterStart(agenda, deps.config.reconcileGrace.ms).catch((err) =>
      log.warn({ err, job: RECONCILE_AFTER_START }, 'could not schedule job'),
    );
  }
  // Nightly at 03:00 in BUSINESS_TIMEZONE, and once now if it never ran.
  if (deps) {
    await scheduleCrossSell(agenda, deps).catch((err) =>
      log.warn({ err, job: 'cross-sell' }, 'could not schedule job'),
    );
  }
  // Slack turned off on purpose: the digest has nowhere to go, so none is scheduled (or kept).
  if (deps?.config.slack.door === 'off') {
    await agenda
      .cancel({ name: DAILY_DIGEST })
      .catch((err) => log.warn({ err, job: DAILY_DIGEST }, 'could not cancel job'));
  }
  // Daily at DIGEST_AT in BUSINESS_TIMEZONE; a stored schedule that is unchanged is left as it is.
  else if (deps) {
    await scheduleDailyDigest(agenda, deps.config, log).catch((err) =>
      log.warn({ err, job: 'daily-digest' }, 'could not schedule job'),
    );
  }
}

/**
 * A one-off job that gave up after its last retry (a follow-up Twilio kept refusing) is kept in
 * `agendaJobs` with its reason (`/order jobs`) and told to the approvals channel, once.
 */
function tellStaffWhenAJobGivesUp(agenda: Agenda, deps: Deps): void {
  agenda.on(
    'retry exhausted',
    (err: Error, job: { attrs: { name: string; data: unknown; failCount?: number } }) => {
      const data = job.attrs.data as { order?: unknown } | undefined;
      const subject = typeof data?.order === 'number' ? ` for order #${data.order}` : '';
      const text = `:x: The ${job.attrs.name} job${subject} gave up after ${job.attrs.failCount ?? 0} tries: ${escapeText(scrubSecrets(err.message), 300)}. See \`/order jobs\`.`;
      deps.slack.out
        .postMessage(slackChannels(deps.config).approvals, notice(text))
        .catch((e) =>
          deps.log.error({ err: e, job: job.attrs.name }, 'could not tell staff about a job that gave up'),
        );
    },
  );
}
