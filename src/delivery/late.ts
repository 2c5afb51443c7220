import {
  type DeliveryFailure,
  type DeliveryFailureRepository,
  failureId,
} from '../../models/delivery-failure.js';
import type { OrderRepository } from '../../models/order.js';
import type { InventoryService } from '../inventory/service.js';
import type { Order } from '../orders/order.js';
import {
  isSlackEffect,
  type LateEffect,
  laneOfName,
  lowStockEffect,
  parseEffect,
  smsKindOf,
} from './effects.js';
import { callKey, type Lane, orderKey, orderOfKey, parseLaneKey, stockKey, type Trouble } from './lane.js';

/** At most this many orders are read to answer "what is late" (oldest asked first). */
export const LATE_MAX_ORDERS = 500;

/** The lane that delivers an order's effect. */
export const laneOf = (effect: string) => laneOfName(effect) ?? 'other';

/** When the change that asked for an effect was made, from the order itself. */
export function askedAt(order: Order, effect: string): Date {
  const asked = parseEffect(effect);
  if (asked?.kind === 'slack-document' && asked.document === 'invoice')
    return order.invoice?.issuedAt ?? order.updatedAt;
  if (asked?.kind === 'slack-version') return order.history[asked.version - 1]?.at ?? order.updatedAt;
  if (isSlackEffect(effect)) return order.updatedAt;
  const kind = smsKindOf(effect);
  const to = kind === 'placed' ? 'pending_approval' : kind;
  return [...order.history].reverse().find((h) => h.to === to)?.at ?? order.updatedAt;
}

/**
 * What staff see of one piece of work's trouble: its failure record (failing for its own reasons,
 * kept for every process) or, failing that, what this process saw (an outage holding the lane).
 */
export function whyLate(record: DeliveryFailure | undefined, trouble: Trouble | undefined) {
  if (record && !record.givenUpAt) {
    return { attempts: record.attempts, lastError: record.lastError, nextAttemptAt: record.nextAt };
  }
  return trouble ? { attempts: trouble.attempts, lastError: trouble.lastError } : {};
}

/** The late effects of these orders (all of them given, only the late ones kept). */
export function lateOfOrders(
  found: readonly Order[],
  now: number,
  lateAfterMs: number,
  why: (lane: string, key: string) => ReturnType<typeof whyLate>,
): LateEffect[] {
  const items: LateEffect[] = [];
  for (const order of found) {
    for (const effect of order.effects ?? []) {
      const since = askedAt(order, effect);
      if (now - since.getTime() < lateAfterMs) continue;
      items.push({ order: order.number, effect, since, ...why(laneOf(effect), orderKey(order.number)) });
    }
  }
  return items;
}

/** Deliveries given up (their failure records), as staff see them: one item per effect dropped. */
export function givenUp(records: readonly DeliveryFailure[]): LateEffect[] {
  const items: LateEffect[] = [];
  for (const r of records) {
    if (!r.givenUpAt) continue;
    const work = parseLaneKey(r.key);
    const subject =
      work?.kind === 'order'
        ? { order: work.number }
        : work?.kind === 'stock'
          ? { sku: work.sku }
          : { call: work?.sid ?? r.key };
    const fallback = work?.kind === 'stock' ? lowStockEffect() : `${r.lane}:?`;
    for (const effect of r.effects?.length ? r.effects : [fallback]) {
      items.push({
        ...subject,
        effect,
        since: r.since,
        attempts: r.attempts,
        lastError: r.lastError,
        givenUpAt: r.givenUpAt,
      });
    }
  }
  return items;
}

/** What `late()` reads: the lanes of this process, the failure records, and what waits elsewhere. */
export function createLateList(deps: {
  lanes: Record<string, Lane>;
  failures: Pick<DeliveryFailureRepository, 'list'>;
  orderRecords: Pick<OrderRepository, 'getMany'>;
  calls: {
    due(): Promise<{ sid: string; at: Date }[]>;
    get(sid: string): Promise<{ effects: string[] } | null>;
  };
  inventory: Pick<InventoryService, 'alertsDue'>;
  lateAfterMs: number;
}) {
  const { lanes, failures, orderRecords, calls, inventory, lateAfterMs } = deps;

  /**
   * Effects due for longer than DELIVERY_LATE_AFTER, oldest first, and deliveries given up: what
   * staff should know about. It reads what the lanes hold (what this process is delivering or
   * waiting to retry, which every sweep refills from the board), the failure records (small: only
   * current failures and a week of give-ups), the calls due and the catalogue's alerts; never the
   * whole board. An effect another process left behind shows once a sweep has found it.
   */
  return async function late(now = Date.now()): Promise<LateEffect[]> {
    const troubles = new Map<string, Trouble>();
    for (const [name, lane] of Object.entries(lanes)) {
      for (const t of lane.troubles()) troubles.set(failureId(name, t.key), t);
    }
    const records = await failures.list();
    const byId = new Map(records.map((r) => [r.id, r] as const));
    const why = (lane: string, key: string) =>
      whyLate(byId.get(failureId(lane, key)), troubles.get(failureId(lane, key)));

    const numbers = new Set<number>();
    const keys = [
      ...(lanes.slack?.keys() ?? []),
      ...(lanes.sms?.keys() ?? []),
      ...(lanes.jobs?.keys() ?? []),
      ...records.filter((r) => !r.givenUpAt).map((r) => r.key),
    ];
    for (const key of keys) {
      if (numbers.size >= LATE_MAX_ORDERS) break;
      const number = orderOfKey(key);
      if (number !== undefined) numbers.add(number);
    }
    const items: LateEffect[] = [];
    const list = [...numbers];
    for (let i = 0; i < list.length; i += 200) {
      items.push(...lateOfOrders(await orderRecords.getMany(list.slice(i, i + 200)), now, lateAfterMs, why));
    }
    for (const { sid, at } of await calls.due()) {
      if (now - at.getTime() < lateAfterMs) continue;
      for (const effect of (await calls.get(sid))?.effects ?? []) {
        items.push({ call: sid, effect, since: at, ...why('calls', callKey(sid)) });
      }
    }
    for (const product of await inventory.alertsDue()) {
      if (now - product.updatedAt.getTime() < lateAfterMs) continue;
      items.push({
        sku: product.sku,
        effect: lowStockEffect(),
        since: product.updatedAt,
        ...why('slack', stockKey(product.sku)),
      });
    }
    items.push(...givenUp(records));
    return items.sort((a, b) => a.since.getTime() - b.since.getTime());
  };
}
