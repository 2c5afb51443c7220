import type { Agenda } from 'agenda';
import type { Deps } from '../src/services.js';

export const PURGE_PROCESSED_REQUESTS = 'purge-processed-requests';
/** Redeliveries (Slack retries, Twilio, shop replays) come within minutes; a week is ample. */
export const KEEP_PROCESSED_MS = 7 * 24 * 3600_000;

/**
 * Deletes old idempotency records. FerretDB v1 has no TTL index, so this job does what
 * `expireAfterSeconds` would. Safe for orders: a late replay of an externalId still finds its
 * order through the order's own unique `idempotencyKey`.
 */
export async function purgeProcessedRequests(deps: Pick<Deps, 'models' | 'log'>, now = new Date()) {
  const { deletedCount } = await deps.models.ProcessedRequest.deleteMany({
    state: 'done',
    createdAt: { $lt: new Date(now.getTime() - KEEP_PROCESSED_MS) },
  });
  if (deletedCount) deps.log.info({ deleted: deletedCount }, 'old idempotency records purged');
  // SMS drafts nobody confirmed within their 30 minutes (CONFIRM checks the time itself).
  const drafts = await deps.models.SmsDraft.deleteMany({ expiresAt: { $lt: now } });
  if (drafts.deletedCount) deps.log.info({ deleted: drafts.deletedCount }, 'expired SMS drafts purged');
  return deletedCount;
}

export function definePurgeProcessedRequests(agenda: Agenda, deps: Deps) {
  agenda.define(PURGE_PROCESSED_REQUESTS, async () => {
    await purgeProcessedRequests(deps);
  });
}
