import type { DigestRecord, DigestRepository } from '../../models/digest.js';
import type { Config } from '../config.js';
import type { InventoryService } from '../inventory/service.js';
import type { Logger } from '../logger.js';
import { FULFILLMENT_STATUSES, type OrderStatus } from '../orders/lifecycle.js';
import type { Order } from '../orders/order.js';
import type { OrderService } from '../orders/service.js';
import { dayTitle, digestMessage } from '../slack/blocks/digest.js';
import type { PostTag, SlackOut } from '../slack/client.js';
import { slackChannels } from '../slack/sync.js';
import { renderChart } from './chart.js';
import { CHART_DAYS, computeDigest, type Digest, type OrderFacts, RATING_LOOKBACK_DAYS } from './compute.js';
import { addDays, dayBefore, dayWindow, startOfDay } from './days.js';

/**
 * A claim on a day older than this is a dead poster's and is taken over. It covers reading the
 * data and drawing the chart; the claim is renewed right before posting, so the post itself
 * (two tries of 5 s at most, src/slack/client.ts) has the whole of it.
 */
export const DIGEST_CLAIM_STALE_MS = 5 * 60_000;
export const DIGEST_SLOT = 'digest';

/** Open orders read from the board for the "waiting longest" lists; the board is small. */
const OPEN_MAX = 2000;

export type DigestOutcome =
  /** Posted now (and the chart, if it could be drawn). */
  | 'posted'
  /** The day's digest was out already: nothing sent. */
  | 'already'
  /** Another process is posting it (a fresh claim): try again later. */
  | 'busy';

export interface DigestRun {
  day: string;
  outcome: DigestOutcome;
  channel?: string;
  ts?: string;
}

const within = (at: Date, w: { from: Date; to: Date }) =>
  at.getTime() >= w.from.getTime() && at.getTime() < w.to.getTime();

/** Only what the digest reads of an order, so a long window costs little memory. */
function facts(o: Order): OrderFacts {
  return {
    number: o.number,
    channel: o.channel,
    status: o.status,
    total: o.total,
    currency: o.currency,
    createdAt: o.createdAt,
    customer: { name: o.customer.name, phone: o.customer.phone },
    items: o.items.map((i) => ({ sku: i.sku, quantity: i.quantity })),
    ...(o.rating ? { rating: o.rating } : {}),
    ...(o.smsFailures?.length ? { smsFailures: o.smsFailures } : {}),
  };
}

/**
 * The daily digest (README "Scheduled work"): gathers a local day's data with bounded reads by key,
 * posts one message to SLACK_CHANNEL_DIGEST and the chart in its thread, once per day however
 * many processes run it and however often. The day is claimed first (`digests`, `_id` = the day);
 * a claim left by a dead poster is taken over after DIGEST_CLAIM_STALE_MS, and then the channel is
 * searched for the message (tagged in its metadata) before it is posted again.
 */
export function createDigestService(deps: {
  digests: DigestRepository;
  orders: Pick<OrderService, 'between' | 'list'>;
  inventory: Pick<InventoryService, 'list'>;
  slackOut: Pick<SlackOut, 'postMessage' | 'findPosted' | 'uploadFile'>;
  /** BUSINESS_TIMEZONE, CURRENCY and SLACK_CHANNEL_DIGEST. */
  config: Config;
  log: Logger;
}) {
  const { digests, orders, inventory, slackOut: out, config, log } = deps;
  const tz = config.timezone;
  const channel = slackChannels(config).digest;

  async function openOrders(status: readonly OrderStatus[]): Promise<Order[]> {
    const found: Order[] = [];
    let before: number | undefined;
    do {
      const page = await orders.list({ status, limit: 200, ...(before ? { before } : {}) });
      found.push(...page.items);
      before = page.next ?? undefined;
    } while (before !== undefined && found.length < OPEN_MAX);
    return found;
  }

  /**
   * The digest of `day` as data. Reads, all by key: orders placed from RATING_LOOKBACK_DAYS before
   * the day to its end (kept: the chart's days, and any rated or with a failed text that day), the
   * board's open orders and the catalogue.
   */
  async function build(day: string, now = new Date()): Promise<Digest> {
    const window = dayWindow(day, tz);
    const chartFrom = startOfDay(addDays(day, 1 - CHART_DAYS), tz);
    const readFrom = startOfDay(addDays(day, -RATING_LOOKBACK_DAYS), tz);
    const kept: OrderFacts[] = [];
    for await (const o of orders.between(readFrom, window.to)) {
      const keep =
        o.createdAt.getTime() >= chartFrom.getTime() ||
        (o.rating?.at && within(o.rating.at, window)) ||
        o.smsFailures?.some((f) => within(f.at, window));
      if (keep) kept.push(facts(o));
    }
    const [awaitingApproval, awaitingShipment, products] = await Promise.all([
      openOrders(['pending_approval']),
      openOrders(FULFILLMENT_STATUSES),
      inventory.list(),
    ]);
    return computeDigest({
      day,
      timezone: tz,
      currency: config.currency,
      now,
      orders: kept,
      awaitingApproval,
      awaitingShipment,
      products,
    });
  }

  /** Claims the day, or takes over a dead poster's claim; says why not otherwise. */
  async function acquire(
    day: string,
  ): Promise<{ claimedAt: Date; earlier: DigestRecord | null } | { held: DigestRecord | null }> {
    const at = new Date();
    if (await digests.claim(day, at)) return { claimedAt: at, earlier: null };
    const record = await digests.get(day);
    if (!record || (record.ts && record.chartAt)) return { held: record };
    if (at.getTime() - record.claimedAt.getTime() < DIGEST_CLAIM_STALE_MS) return { held: record };
    if (!(await digests.reclaim(day, record.claimedAt, at))) return { held: record };
    log.warn({ day, claimedAt: record.claimedAt }, 'taking over the daily digest from a poster that stopped');
    return { claimedAt: at, earlier: record };
  }

  /** The day's message: found in the channel if a dead poster sent it, else posted now. */
  async function post(
    day: string,
    claimedAt: Date,
    earlier: DigestRecord | null,
    message: ReturnType<typeof digestMessage>,
  ) {
    const tag: PostTag = { digest: day, slot: DIGEST_SLOT };
    try {
      const found = earlier ? await out.findPosted(channel, earlier.firstClaimedAt, tag) : null;
      if (found) {
        log.warn({ day, ...found }, 'found the daily digest a stopped poster sent; not posting it again');
        return found;
      }
      return await out.postMessage(channel, message, tag);
    } catch (err) {
      // As src/slack/slots.ts: a plain refusal of a first try gives the day back; anything else may
      // have been posted, so the claim is left stale and the next try searches the channel first.
      const refused = (err as { code?: string }).code === 'slack_webapi_platform_error' && !earlier;
      await digests.release(
        day,
        claimedAt,
        refused ? undefined : new Date(claimedAt.getTime() - DIGEST_CLAIM_STALE_MS),
      );
      throw err;
    }
  }

  /**
   * Posts the digest of `day` unless it is out already. `now` is when the digest is taken to be
   * made (how long open orders have waited); the claim itself always uses the real clock.
   */
  async function runDay(day: string, now = new Date()): Promise<DigestRun> {
    const got = await acquire(day);
    if ('held' in got) {
      const done = Boolean(got.held?.ts && got.held.chartAt);
      return {
        day,
        outcome: done ? 'already' : 'busy',
        ...(got.held?.ts ? { channel: got.held.channel, ts: got.held.ts } : {}),
      };
    }
    let { claimedAt } = got;
    const { earlier } = got;
    const digest = await build(day, now);
    const chart = await renderChart(digest.chart).catch((err) => {
      log.error({ err, day }, 'could not draw the daily digest chart; posting the digest without it');
      return null;
    });

    let ref = earlier?.ts ? { channel: earlier.channel ?? channel, ts: earlier.ts } : null;
    if (!ref) {
      // Renewed right before posting: if it was taken over meanwhile (this run was too slow), the
      // other poster posts; otherwise the post has the claim's whole lifetime.
      const renewed = new Date();
      if (!(await digests.reclaim(day, claimedAt, renewed))) return { day, outcome: 'busy' };
      claimedAt = renewed;
      ref = await post(day, claimedAt, earlier, digestMessage(digest, { chart: chart !== null }));
      await digests.markPosted(day, ref, new Date());
      log.info({ day, ...ref }, 'daily digest posted');
    }
    if (!chart) {
      await digests.markChart(day, null, new Date());
      return { day, outcome: 'posted', ...ref };
    }
    try {
      const title = `Orders per day by channel, ${CHART_DAYS} days to ${dayTitle(day)}`;
      const { fileId } = await out.uploadFile(
        ref.channel,
        { filename: `orders-${day}.png`, title, data: chart, altText: title },
        { text: `📈 ${title}`, threadTs: ref.ts },
      );
      await digests.markChart(day, fileId, new Date());
    } catch (err) {
      // The message is out; only the chart is owed. Let the next try (the job's retry) do it at once.
      await digests.release(day, claimedAt, new Date(claimedAt.getTime() - DIGEST_CLAIM_STALE_MS));
      throw err;
    }
    return { day, outcome: 'posted', ...ref };
  }

  return {
    /** The day a digest made at `at` reports on: the local day before `at`'s. */
    dayBefore: (at: Date) => dayBefore(at, tz),
    build,
    runDay,
    /** The digest due at `at` (default now): the local day before `at`'s. */
    runFor: (at = new Date()) => runDay(dayBefore(at, tz), at),
  };
}

export type DigestService = ReturnType<typeof createDigestService>;
