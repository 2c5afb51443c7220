import { type DeliveryFailureRepository, GIVEN_UP_KEPT_MS } from '../../models/delivery-failure.js';
import type { OrderRepository } from '../../models/order.js';
import type { OrderBoardRepository } from '../../models/order-board.js';
import type { ProductRepository } from '../../models/product.js';
import type { Config } from '../config.js';
import type { InventoryService } from '../inventory/service.js';
import type { Logger } from '../logger.js';
import type { CustomerUpdates } from '../notifications/customer-updates.js';
import { belongsOnBoard } from '../orders/board.js';
import { createBoardWalk, type WalkLimits } from '../orders/board-walk.js';
import { FOLLOW_UP_JOB, type JobName } from '../orders/lifecycle.js';
import type { Order } from '../orders/order.js';
import type { Scheduler } from '../scheduler.js';
import { escapeText } from '../slack/blocks/index.js';
import type { SlackOut } from '../slack/client.js';
import type { SlackSync } from '../slack/sync.js';
import { createAlertPoster } from './alerts.js';
import {
  isJobEffect,
  isSlackEffect,
  type LaneName,
  laneOfName,
  lowStockEffect,
  parseEffect,
  SMS_ORDER,
  smsEffect,
  smsKindOf,
} from './effects.js';
import { createGiveUps } from './give-up.js';
import { callKey, createLane, type Lane, orderKey, orderOfKey, parseLaneKey, stockKey } from './lane.js';
import { createLateList } from './late.js';

export type { LateEffect } from './effects.js';

/**
 * Tries of one delivery failing for its own reasons before it is given up: with the interval
 * capped at DELIVERY_RETRY_MAX (1 minute by default), about a quarter of an hour.
 */
export const GIVE_UP_AFTER = 20;
/** One sweep reads at most this many board entries, 200 at a time; the next carries on from there. */
export const SWEEP_WALK: WalkLimits = { batch: 200, max: 2_000 };

/**
 * Delivers what orders and products say is due (their `effects` and `alertPending`, written in the
 * same update as the change that called for them): Slack posts on one lane, in order, customer
 * texts on another. Each delivery removes only the names it delivered, so a change made meanwhile
 * is delivered too. This process's own changes are delivered at once (`kick`); a sweep at start
 * and every `sweepMs` delivers what anyone left (a crash, a missed kick, another process). An
 * order with effects due stays on the order board, which is what the sweep reads: its cost is the
 * open orders, not the order history.
 */
export function createDelivery(deps: {
  orderRecords: OrderRepository;
  board: OrderBoardRepository;
  inventory: InventoryService;
  slackSync: SlackSync;
  slackOut: SlackOut;
  /** The low-stock alert's Slack slot lives on the product. */
  products: Pick<
    ProductRepository,
    'get' | 'claimSlackSlot' | 'releaseSlackSlot' | 'storeSlackRef' | 'markSlackShown' | 'forgetSlackRef'
  >;
  /** Deliveries failing for their own reasons, and give-ups (models/delivery-failure.ts). */
  failures: DeliveryFailureRepository;
  customerUpdates: CustomerUpdates;
  /** Where timed work is scheduled (Agenda): `job:*` effects. */
  scheduler: Pick<Scheduler, 'once'>;
  /** Calls' Slack messages (screen pops, voicemails): src/calls/service.ts. */
  calls: {
    deliverSlack(sid: string): Promise<void>;
    due(): Promise<{ sid: string; at: Date }[]>;
    get(sid: string): Promise<{ effects: string[] } | null>;
  };
  config: Config;
  log: Logger;
}) {
  const { orderRecords, board, inventory, failures, log } = deps;
  const retryMaxMs = deps.config.delivery.retryMax.ms;
  const lateAfterMs = deps.config.delivery.lateAfter.ms;
  const walk = createBoardWalk(board);
  const postAlert = createAlertPoster(deps);
  const ownFailures = { failures, maxAttempts: GIVE_UP_AFTER };

  /** The order's effects left; off the board once none is and people have no work on it. */
  async function settle(number: number, names: string[]): Promise<void> {
    const after = await orderRecords.settleEffects(number, names);
    if (after && !belongsOnBoard(after)) await board.remove(number, after.history.length);
  }

  const { dropOrderEffects, tellStaff } = createGiveUps({ ...deps, settle });

  const slack = createLane({
    name: 'slack',
    // One at a time: Slack allows about one message a second per channel, and posts stay in order.
    concurrency: 1,
    retryMaxMs,
    log,
    ...ownFailures,
    async giveUp(key, failure) {
      const work = parseLaneKey(key);
      if (work?.kind !== 'stock') return dropOrderEffects('slack', key, failure, isSlackEffect);
      await inventory.settleAlert(work.sku);
      await tellStaff(`the low-stock alert of ${escapeText(work.sku, 64)}`, failure);
      return [lowStockEffect()];
    },
    async run(key) {
      const work = parseLaneKey(key);
      if (work?.kind === 'stock') return postAlert(work.sku);
      if (work?.kind !== 'order') return;
      const number = work.number;
      const order = await orderRecords.get(number);
      const due = (order?.effects ?? []).filter(isSlackEffect);
      if (!order || due.length === 0) return;
      await deps.slackSync.syncOrder(number, order);
      await settle(number, due);
    },
  });

  /**
   * How each kind of timed work is scheduled (an Agenda job, once per order). Keyed by every job
   * the lifecycle table can ask for: one without an entry here does not compile.
   */
  const scheduleJob: { readonly [J in JobName]: (order: Order) => Promise<void> } = {
    [FOLLOW_UP_JOB]: async (order) => {
      const delivered = [...order.history].reverse().find((h) => h.to === 'delivered')?.at ?? order.updatedAt;
      const at = new Date(delivered.getTime() + deps.config.followUpDelay.ms);
      await deps.scheduler.once(FOLLOW_UP_JOB, { order: order.number }, at, { 'data.order': order.number });
      log.info({ order: order.number, at }, 'follow-up scheduled');
    },
  };

  // Timed work a change asked for: stored as an Agenda job (once per order), then settled.
  const jobs = createLane({
    name: 'jobs',
    concurrency: 2,
    retryMaxMs,
    log,
    ...ownFailures,
    giveUp: (key, failure) => dropOrderEffects('jobs', key, failure, isJobEffect),
    async run(key) {
      const number = orderOfKey(key);
      if (number === undefined) return;
      const order = await orderRecords.get(number);
      const due = (order?.effects ?? []).filter(isJobEffect);
      if (!order || due.length === 0) return;
      for (const effect of due) {
        const job = parseEffect(effect);
        if (job?.kind === 'job') await scheduleJob[job.job](order);
        else log.warn({ order: number, effect }, 'unknown job effect; dropped');
      }
      await settle(number, due);
    },
  });

  // A screen pop is wanted while the phone rings: its own lane, never behind a burst of order posts.
  // Given up, a call's messages stay due and are skipped until its failure record is purged.
  const calls = createLane({
    name: 'calls',
    concurrency: 2,
    retryMaxMs,
    log,
    ...ownFailures,
    async run(key) {
      const work = parseLaneKey(key);
      if (work?.kind === 'call') await deps.calls.deliverSlack(work.sid);
    },
  });

  const sms = createLane({
    name: 'sms',
    concurrency: 4,
    retryMaxMs,
    log,
    ...ownFailures,
    giveUp: (key, failure) => dropOrderEffects('sms', key, failure, (e) => Boolean(smsKindOf(e))),
    async run(key) {
      const number = orderOfKey(key);
      if (number === undefined) return;
      const order = await orderRecords.get(number);
      const due = SMS_ORDER.filter((k) => order?.effects?.includes(smsEffect(k)));
      // In the order the customer would expect them; a failure stops the rest until retried.
      for (const [i, kind] of due.entries()) {
        // The first text uses the order just read; later ones read it again (it may have moved).
        await deps.customerUpdates.send(number, kind, i === 0 ? (order ?? undefined) : undefined);
        await settle(number, [smsEffect(kind)]);
      }
    },
  });

  /** The lanes that deliver an order's effects, by the lane each effect belongs to (`laneOf`). */
  const orderLanes: { readonly [L in Exclude<LaneName, 'calls'>]: Lane } = { slack, sms, jobs };

  /** Delivers the order's due effects (this process just changed it, or a sweep found them). */
  function kick(order: Pick<Order, 'number' | 'effects'>): void {
    const due = new Set((order.effects ?? []).map(laneOfName));
    for (const lane of due) if (lane && lane !== 'calls') orderLanes[lane].add(orderKey(order.number));
  }

  /**
   * Finds effects left undelivered (a crash, a missed kick, another process) and delivers them.
   * The board is walked by order number in bounded steps (`limits`): a sweep's cost does not grow
   * with the board, and one that cannot see it all carries on from there next time. Returns how
   * many orders had effects due, and how many alerts.
   */
  async function sweep(
    opts: { products?: boolean; limits?: WalkLimits } = {},
  ): Promise<{ orders: number; alerts: number }> {
    let found = 0;
    for await (const entries of walk.run(opts.limits ?? SWEEP_WALK)) {
      // Oldest first, so what waited longest goes out first.
      const batch = (await orderRecords.getMany(entries.map((e) => e.number))).reverse();
      for (const order of batch) {
        if (!order.effects?.length) continue;
        found++;
        kick(order);
      }
    }
    const callsDue = await deps.calls.due();
    for (const { sid } of callsDue) calls.add(callKey(sid));
    let alerts = 0;
    if (opts.products) {
      // The catalogue (a few hundred products): alerts due, and a flag a crash kept from flipping.
      for (const product of await inventory.list()) {
        const low = product.available <= product.lowStockThreshold;
        if (low !== product.lowStockAlerted) await inventory.recheckLowStock(product.sku);
        else if (product.alertPending) {
          slack.add(stockKey(product.sku));
          alerts++;
        }
      }
      // Give-ups are listed for a week, then forgotten (the collection holds only failures).
      await failures
        .purgeGivenUp(new Date(Date.now() - GIVEN_UP_KEPT_MS))
        .catch((err) => log.warn({ err }, 'could not purge old delivery give-ups'));
    }
    if (found > 0 || alerts > 0 || callsDue.length > 0)
      log.info({ orders: found, alerts, calls: callsDue.length }, 'delivery sweep found effects due');
    return { orders: found, alerts };
  }

  const lanes: { readonly [L in LaneName]: Lane } = { slack, sms, jobs, calls };

  const late = createLateList({
    lanes,
    failures,
    orderRecords,
    calls: deps.calls,
    inventory,
    lateAfterMs,
  });

  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> | undefined;
  const sweepQuietly = (opts: { products?: boolean } = {}) => {
    sweeping ??= sweep(opts)
      .catch((err) => log.warn({ err }, 'delivery sweep failed; will try again'))
      .finally(() => {
        sweeping = undefined;
      });
    return sweeping;
  };

  return {
    kick,
    kickAlert: (sku: string) => slack.add(stockKey(sku)),
    /** Posts or updates the call's Slack messages (a screen pop is wanted while the phone rings). */
    kickCall: (sid: string) => calls.add(callKey(sid)),
    sweep,
    late,
    /** Sweeps now (products too) and then every `sweepMs`. */
    start(sweepMs: number): void {
      void sweepQuietly({ products: true });
      timer = setInterval(() => void sweepQuietly(), sweepMs);
      timer.unref();
    },
    /** Deliveries queued, running or waiting to be retried in this process (the benchmark waits for 0). */
    pending: () => slack.pending() + sms.pending() + calls.pending() + jobs.pending(),
    /** Resolves when every lane has nothing queued, running or waiting to retry. */
    idle: async () => {
      await sweeping;
      await Promise.all([slack.idle(), sms.idle(), calls.idle(), jobs.idle()]);
    },
    /**
     * Resolves once no lane has work queued or running (work one lane's run asks of another
     * included). Work waiting on a timer is not waited for: tests wait for this before checking
     * that nothing more was sent.
     */
    quiet: async () => {
      const lanes = [slack, sms, calls, jobs];
      do {
        await sweeping;
        await Promise.all(lanes.map((lane) => lane.quiet()));
      } while (lanes.some((lane) => lane.busy()));
    },
    async stop(timeoutMs = 10_000): Promise<void> {
      clearInterval(timer);
      await Promise.all([
        slack.stop(timeoutMs),
        sms.stop(timeoutMs),
        calls.stop(timeoutMs),
        jobs.stop(timeoutMs),
      ]);
    },
  };
}

export type Delivery = ReturnType<typeof createDelivery>;
