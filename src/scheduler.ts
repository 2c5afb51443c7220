import type { Agenda } from 'agenda';

/** A job as staff see it (`/order jobs`, `GET /api/v1/jobs`). */
export interface JobView {
  name: string;
  /** The order or other subject of a one-off job (its data), if any. */
  data?: unknown;
  /** Repeating jobs: the interval or cron expression, and its time zone. */
  schedule?: string;
  timezone?: string;
  nextRunAt: Date | null;
  lastRunAt: Date | null;
  lastFinishedAt: Date | null;
  failCount: number;
  failReason: string | null;
  failedAt: Date | null;
  state: string;
}

/**
 * Timed work as the services ask for it: "run this job at that moment, once per key". Agenda keeps
 * it durable in `agendaJobs` (a restart loses nothing; one process runs each job, by its lock).
 * The services never see Agenda itself.
 */
export function createScheduler(agenda: Agenda) {
  return {
    /** Runs `name` with `data` at `at`, once per `key`: asking again changes nothing. */
    async once(
      name: string,
      data: Record<string, unknown>,
      at: Date,
      key: Record<string, unknown>,
    ): Promise<void> {
      await agenda.create(name, data).unique(key, { insertOnly: true }).schedule(at).save();
    },
    /** Every job stored: repeating ones with their schedule, one-off ones waiting or failed. */
    async list(): Promise<JobView[]> {
      const { jobs } = await agenda.queryJobs({ limit: 200, sort: { nextRunAt: 1 } } as never);
      return jobs.map((j) => ({
        name: j.name,
        ...(j.data !== undefined && j.data !== null ? { data: j.data } : {}),
        ...(j.repeatInterval ? { schedule: String(j.repeatInterval) } : {}),
        ...(j.repeatTimezone ? { timezone: j.repeatTimezone } : {}),
        nextRunAt: j.nextRunAt ?? null,
        lastRunAt: j.lastRunAt ?? null,
        lastFinishedAt: j.lastFinishedAt ?? null,
        failCount: j.failCount ?? 0,
        failReason: j.failReason ?? null,
        failedAt: j.failedAt ?? null,
        state: String(j.state),
      }));
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
