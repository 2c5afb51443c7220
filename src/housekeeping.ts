import type { InboundTextRepository } from '../models/inbound-text.js';
import type { ProcessedRequestRepository } from '../models/processed-request.js';
import type { RateCounterRepository } from '../models/rate-counter.js';
import type { SmsDraftRepository } from '../models/sms-draft.js';
import type { InventoryService } from './inventory/service.js';
import type { Logger } from './logger.js';

/**
 * Redeliveries (Slack retries, Twilio) come within minutes; a week is ample. A claim left
 * `claimed` (its process died before finishing) is kept as long: by then no redelivery can come to
 * take it over, so it only takes room.
 */
export const KEEP_PROCESSED_MS = 7 * 24 * 3600_000;
/**
 * Customers' texts stay on the console's timelines this long (400 days: over a year, so what a
 * customer asked in the same season last year is still there); older ones are deleted.
 */
export const KEEP_INBOUND_TEXTS_MS = 400 * 24 * 3600_000;

/**
 * Deletes what is finished and no longer needed, so nothing a request reads grows without bound.
 * FerretDB v1 has no TTL index, so this does what `expireAfterSeconds` would: old idempotency
 * records of SMS deliveries (finished, or claimed by a process that died before finishing), and
 * SMS drafts nobody confirmed within their 30 minutes (CONFIRM checks the time itself), and the
 * request limits' windows that ended (a key that comes back starts a new one anyway), so
 * `rate_counters` holds about a day of callers. Each product's sales per day keep only the days
 * the longest pace reads (src/inventory/cover.ts). Customers' texts kept for the console go after
 * KEEP_INBOUND_TEXTS_MS, and each phone's list of them keeps its latest (models/inbound-text.ts).
 * Finished jobs remove themselves (`removeOnComplete`), and the outbox is a fixed ring.
 */
export function createHousekeeping(deps: {
  processedRequests: ProcessedRequestRepository;
  smsDrafts: SmsDraftRepository;
  rateCounters: RateCounterRepository;
  inboundTexts: Pick<InboundTextRepository, 'purgeBefore' | 'trimLists'>;
  inventory: Pick<InventoryService, 'pruneSales'>;
  log: Logger;
}) {
  async function purge(now = new Date()) {
    const before = new Date(now.getTime() - KEEP_PROCESSED_MS);
    const done = await deps.processedRequests.purgeDone(before);
    if (done) deps.log.info({ deleted: done }, 'old idempotency records purged');
    const abandoned = await deps.processedRequests.purgeAbandoned(before);
    if (abandoned) deps.log.info({ deleted: abandoned }, 'abandoned idempotency claims purged');
    const requests = done + abandoned;
    const drafts = await deps.smsDrafts.purgeExpired(now);
    if (drafts) deps.log.info({ deleted: drafts }, 'expired SMS drafts purged');
    const windows = await deps.rateCounters.purgeEnded(now);
    if (windows) deps.log.info({ deleted: windows }, 'ended rate-limit windows purged');
    const products = await deps.inventory.pruneSales(now);
    if (products) deps.log.info({ products }, 'sales older than the longest pace dropped from products');
    const texts = await deps.inboundTexts.purgeBefore(new Date(now.getTime() - KEEP_INBOUND_TEXTS_MS));
    if (texts) deps.log.info({ deleted: texts }, "customers' texts older than 400 days purged");
    const lists = await deps.inboundTexts.trimLists();
    if (lists) deps.log.info({ lists }, "phones' lists of texts cut to their latest");
    return { requests, drafts, windows, products, texts, lists };
  }
  return { purge };
}

export type Housekeeping = ReturnType<typeof createHousekeeping>;
