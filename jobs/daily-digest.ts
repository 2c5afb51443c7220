import { type Agenda, backoffStrategies } from 'agenda';
import { z } from 'zod';
import type { DigestService } from '../src/digest/service.js';
import type { Logger } from '../src/logger.js';

export const DAILY_DIGEST = 'daily-digest';

/**
 * Nothing is needed: a run posts the digest due now (the local day before today's). `day`
 * (`YYYY-MM-DD`, the reported day) posts another day's by hand: `agenda.now('daily-digest', {day})`.
 */
export const DailyDigestData = z.object({ day: z.iso.date().optional() }).strict().nullish();

/** `DIGEST_AT` as a cron expression; with Agenda's `timezone` it follows the wall clock across DST. */
export function digestCron(at: { hour: number; minute: number }): string {
  return `${at.minute} ${at.hour} * * *`;
}

/**
 * Posts the daily digest (src/digest/service.ts), once per day whatever runs it. A run that finds
 * another process posting ("busy") or that fails (Slack away) is retried with a growing delay.
 */
export function defineDailyDigest(
  agenda: Agenda,
  deps: { digest: Pick<DigestService, 'runFor' | 'runDay'> },
) {
  agenda.define(
    DAILY_DIGEST,
    async (job) => {
      const data = DailyDigestData.parse(job.attrs.data);
      const run = data?.day ? await deps.digest.runDay(data.day) : await deps.digest.runFor(new Date());
      if (run.outcome === 'busy')
        throw new Error(`the digest of ${run.day} is being posted by another process`);
    },
    { backoff: backoffStrategies.exponential({ delay: 60_000, factor: 2, maxRetries: 8 }) },
  );
}

/**
 * Every day at DIGEST_AT in BUSINESS_TIMEZONE. `every` stores the job under its name (one for all
 * processes) but also resets its next run and its lock: a process starting just after 08:00
 * would push a digest that had not run yet (or was running when its process died) to tomorrow.
 * So the schedule is written only when it is missing or changed; a stored run that is due stays
 * due, and Agenda runs it (or reruns it once its lock expires). The day's claim keeps a run that
 * comes twice from posting twice.
 */
export async function scheduleDailyDigest(
  agenda: Agenda,
  config: { digestAt: { hour: number; minute: number }; timezone: string },
  log: Logger,
): Promise<void> {
  const cron = digestCron(config.digestAt);
  const { jobs } = await agenda.queryJobs({ name: DAILY_DIGEST });
  const stored = jobs.find((j) => j.repeatInterval);
  if (
    stored &&
    stored.repeatInterval === cron &&
    stored.repeatTimezone === config.timezone &&
    stored.nextRunAt
  ) {
    return;
  }
  await agenda.every(cron, DAILY_DIGEST, undefined, { timezone: config.timezone });
  log.info({ cron, timezone: config.timezone }, 'daily digest scheduled');
}
