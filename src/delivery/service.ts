import type { Order, OrderRepository } from '../../models/order.js';
import type { OrderBoardRepository } from '../../models/order-board.js';
import type { Config } from '../config.js';
import type { InventoryService } from '../inventory/service.js';
import type { Logger } from '../logger.js';
import type { CustomerUpdates } from '../notifications/customer-updates.js';
import { belongsOnBoard } from '../orders/board.js';
import type { Scheduler } from '../scheduler.js';
import { lowStockAlert } from '../slack/blocks/index.js';
import type { SlackOut } from '../slack/client.js';
import { type SlackSync, slackChannels } from '../slack/sync.js';
import {
  FOLLOW_UP_JOB,
  isJobEffect,
  isSlackEffect,
  type LateEffect,
  SMS_ORDER,
  smsEffect,
  smsKindOf,
} from './effects.js';

export type { LateEffect } from './effects.js';

import { createLane, type Trouble } from './lane.js';

const orderKey = (n: number) => `order:${n}`;
const stockKey = (sku: string) => `stock:${sku}`;
const callKey = (sid: string) => `call:${sid}`;

/** When the change that asked for an effect was made, from the order itself. */
function askedAt(order: Order, effect: string): Date {
  if (effect === 'slack:invoice') return order.invoice?.issuedAt ?? order.updatedAt;
  if (isSlackEffect(effect)) return order.history[Number(effect.slice(6)) - 1]?.at ?? order.updatedAt;
  const kind = smsKindOf(effect);
  const to = kind === 'placed' ? 'pending_approval' : kind;
  return [...order.history].reverse().find((h) => h.to === to)?.at ?? order.updatedAt;
}

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
  orders: OrderRepository;
  board: OrderBoardRepository;
  inventory: InventoryService;
  slackSync: SlackSync;
  slackOut: SlackOut;
  customerUpdates: CustomerUpdates;
  /** Calls' Slack messages (screen pops, voicemails): src/calls/service.ts. */
  /** Where timed work is scheduled (Agenda): `job:*` effects. */
  scheduler: Pick<Scheduler, 'once'>;
  calls: {
    deliverSlack(sid: string): Promise<void>;
    due(): Promise<{ sid: string; at: Date }[]>;
    get(sid: string): Promise<{ effects: string[] } | null>;
  };
  config: Config;
  log: Logger;
}) {
  const { orders, board, inventory, log } = deps;
  const retryMaxMs = deps.config.delivery.retryMax.ms;
  const lateAfterMs = deps.config.delivery.lateAfter.ms;

  /** The order's effects left; off the board once none is and people have no work on it. */
  async function settle(number: number, names: string[]): Promise<void> {
    const after = await orders.settleEffects(number, names);
    if (after && !belongsOnBoard(after)) await board.remove(number, after.history.length);
  }

  const slack = createLane({
    name: 'slack',
    // One at a time: Slack allows about one message a second per channel, and posts stay in order.
    concurrency: 1,
    retryMaxMs,
    log,
    async run(key) {
      if (key.startsWith('stock:')) return postAlert(key.slice(6));
      const number = Number(key.slice(6));
      const order = await orders.get(number);
      const due = (order?.effects ?? []).filter(isSlackEffect);
      if (!order || due.length === 0) return;
      await deps.slackSync.syncOrder(number, order);
      await settle(number, due);
    },
  });

  // Timed work a change asked for: stored as an Agenda job (once per order), then settled.
  const jobs = createLane({
    name: 'jobs',
    concurrency: 2,
    retryMaxMs,
    log,
    async run(key) {
      const number = Number(key.slice(6));
      const order = await orders.get(number);
      const due = (order?.effects ?? []).filter(isJobEffect);
      if (!order || due.length === 0) return;
      for (const effect of due) {
        if (effect === `job:${FOLLOW_UP_JOB}`) {
          const delivered =
            [...order.history].reverse().find((h) => h.to === 'delivered')?.at ?? order.updatedAt;
          const at = new Date(delivered.getTime() + deps.config.followUpDelay.ms);
          await deps.scheduler.once(FOLLOW_UP_JOB, { order: number }, at, { 'data.order': number });
          log.info({ order: number, at }, 'follow-up scheduled');
        } else log.warn({ order: number, effect }, 'unknown job effect; dropped');
      }
      await settle(number, due);
    },
  });

  // A screen pop is wanted while the phone rings: its own lane, never behind a burst of order posts.
  const calls = createLane({
    name: 'calls',
    concurrency: 2,
    retryMaxMs,
    log,
    run: (key) => deps.calls.deliverSlack(key.slice(5)),
  });

  const sms = createLane({
    name: 'sms',
    concurrency: 4,
    retryMaxMs,
    log,
    async run(key) {
      const number = Number(key.slice(6));
      const order = await orders.get(number);
      const due = SMS_ORDER.filter((k) => order?.effects?.includes(smsEffect(k)));
      // In the order the customer would expect them; a failure stops the rest until retried.
      for (const [i, kind] of due.entries()) {
        // The first text uses the order just read; later ones read it again (it may have moved).
        await deps.customerUpdates.send(number, kind, i === 0 ? (order ?? undefined) : undefined);
        await settle(number, [smsEffect(kind)]);
      }
    },
  });

  async function postAlert(sku: string): Promise<void> {
    const product = await inventory.get(sku).catch(() => null);
    if (!product?.alertPending) return;
    await deps.slackOut.postMessage(slackChannels(deps.config).inventory, lowStockAlert(product));
    await inventory.settleAlert(sku);
    log.info({ sku, available: product.available }, 'low-stock alert posted to Slack');
  }

  /** Delivers the order's due effects (this process just changed it, or a sweep found them). */
  function kick(order: Pick<Order, 'number' | 'effects'>): void {
    const effects = order.effects ?? [];
    if (effects.some(isSlackEffect)) slack.add(orderKey(order.number));
    if (effects.some((e) => smsKindOf(e))) sms.add(orderKey(order.number));
    if (effects.some(isJobEffect)) jobs.add(orderKey(order.number));
  }

  /** Orders with effects due, from the board (open orders plus those with effects due). */
  async function* withEffects(): AsyncGenerator<Order> {
    const entries = await board.list();
    for (let i = 0; i < entries.length; i += 500) {
      const batch = await orders.getMany(entries.slice(i, i + 500).map((e) => e.number));
      for (const order of batch) if (order.effects?.length) yield order;
    }
  }

  /** Finds every effect left undelivered and delivers it; returns how many orders had some. */
  async function sweep(opts: { products?: boolean } = {}): Promise<{ orders: number; alerts: number }> {
    const found: Order[] = [];
    for await (const order of withEffects()) found.push(order);
    // Oldest first, so what waited longest goes out first.
    found.sort((a, b) => a.number - b.number);
    for (const order of found) kick(order);
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
    }
    if (found.length > 0 || alerts > 0 || callsDue.length > 0)
      log.info({ orders: found.length, alerts, calls: callsDue.length }, 'delivery sweep found effects due');
    return { orders: found.length, alerts };
  }

  /** Effects due for longer than DELIVERY_LATE_AFTER, oldest first: what staff should know about. */
  async function late(now = Date.now()): Promise<LateEffect[]> {
    const troubles = new Map<string, Trouble>(
      [...slack.troubles(), ...sms.troubles(), ...calls.troubles(), ...jobs.troubles()].map(
        (t) => [t.key, t] as const,
      ),
    );
    const items: LateEffect[] = [];
    for await (const order of withEffects()) {
      const trouble = troubles.get(orderKey(order.number));
      for (const effect of order.effects ?? []) {
        const since = askedAt(order, effect);
        if (now - since.getTime() < lateAfterMs) continue;
        items.push({
          order: order.number,
          effect,
          since,
          ...(trouble ? { attempts: trouble.attempts, lastError: trouble.lastError } : {}),
        });
      }
    }
    for (const { sid, at } of await deps.calls.due()) {
      if (now - at.getTime() < lateAfterMs) continue;
      const trouble = troubles.get(callKey(sid));
      for (const effect of (await deps.calls.get(sid))?.effects ?? []) {
        items.push({
          call: sid,
          effect,
          since: at,
          ...(trouble ? { attempts: trouble.attempts, lastError: trouble.lastError } : {}),
        });
      }
    }
    for (const product of await inventory.alertsDue()) {
      const trouble = troubles.get(stockKey(product.sku));
      if (now - product.updatedAt.getTime() < lateAfterMs) continue;
      items.push({
        sku: product.sku,
        effect: 'slack:low-stock',
        since: product.updatedAt,
        ...(trouble ? { attempts: trouble.attempts, lastError: trouble.lastError } : {}),
      });
    }
    return items.sort((a, b) => a.since.getTime() - b.since.getTime());
  }

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
