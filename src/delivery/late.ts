import type { DeliveryFailure } from '../../models/delivery-failure.js';
import type { Order } from '../../models/order.js';
import { isJobEffect, isSlackEffect, type LateEffect, smsKindOf } from './effects.js';
import type { Trouble } from './lane.js';

/** At most this many orders are read to answer "what is late" (oldest asked first). */
export const LATE_MAX_ORDERS = 500;

/** The lane that delivers an order's effect. */
export const laneOf = (effect: string) =>
  isSlackEffect(effect) ? 'slack' : smsKindOf(effect) ? 'sms' : isJobEffect(effect) ? 'jobs' : 'other';

/** When the change that asked for an effect was made, from the order itself. */
export function askedAt(order: Order, effect: string): Date {
  if (effect === 'slack:invoice') return order.invoice?.issuedAt ?? order.updatedAt;
  if (effect.startsWith('slack:remind:')) return order.updatedAt;
  if (isSlackEffect(effect)) return order.history[Number(effect.slice(6)) - 1]?.at ?? order.updatedAt;
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
      items.push({ order: order.number, effect, since, ...why(laneOf(effect), `order:${order.number}`) });
    }
  }
  return items;
}

/** Deliveries given up (their failure records), as staff see them: one item per effect dropped. */
export function givenUp(records: readonly DeliveryFailure[]): LateEffect[] {
  const items: LateEffect[] = [];
  for (const r of records) {
    if (!r.givenUpAt) continue;
    const [kind, ...rest] = r.key.split(':');
    const id = rest.join(':');
    const subject = kind === 'order' ? { order: Number(id) } : kind === 'stock' ? { sku: id } : { call: id };
    const fallback = kind === 'stock' ? 'slack:low-stock' : `${r.lane}:?`;
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
