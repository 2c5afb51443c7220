import type { CounterRepository } from '../../models/counter.js';
import type { OrderRepository } from '../../models/order.js';
import type { Order } from './order.js';
import { FIRST_ORDER_NUMBER } from './placement.js';

/** How far past a missing number (a placement cut before storing) a probe looks for the next order. */
const PROBE = 32;
const BATCH = 500;

/**
 * Orders by when they were placed, found by key: order numbers rise with time, so the first order
 * of a day is a binary search over the numbers (about 17 lookups by key at 100,000 orders), and a
 * day's orders are the numbers from there, read in batches by key. This is what the daily digest
 * and the nightly cross-sell read, without an index on dates (FerretDB v1 would read the whole
 * collection for one).
 */
export function createOrderHistory(deps: { orderRecords: OrderRepository; counters: CounterRepository }) {
  const { orderRecords, counters } = deps;

  /** The first existing order numbered in [from, to), or null. */
  async function firstFrom(from: number, to: number): Promise<Order | null> {
    for (let start = from; start < to; start += PROBE) {
      const numbers = Array.from({ length: Math.min(PROBE, to - start) }, (_, i) => start + i);
      const found = await orderRecords.getMany(numbers);
      if (found.length > 0) return found.reduce((a, b) => (a.number < b.number ? a : b));
    }
    return null;
  }

  /** The lowest order number placed at or after `at` (one past the last order when none is). */
  async function firstNumberSince(at: Date): Promise<number> {
    let lo = FIRST_ORDER_NUMBER;
    let hi = (await counters.current('order', FIRST_ORDER_NUMBER - 1)) + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const order = await firstFrom(mid, hi);
      // No order in [mid, hi): the answer is below mid, or hi itself.
      if (!order || order.createdAt.getTime() >= at.getTime()) hi = mid;
      else lo = order.number + 1;
    }
    return lo;
  }

  /** Orders placed in [from, to), oldest first, read in batches by key. */
  async function* between(from: Date, to: Date): AsyncGenerator<Order> {
    const last = await counters.current('order', FIRST_ORDER_NUMBER - 1);
    for (let start = await firstNumberSince(from); start <= last; start += BATCH) {
      const numbers = Array.from({ length: Math.min(BATCH, last - start + 1) }, (_, i) => start + i);
      const batch = (await orderRecords.getMany(numbers)).sort((a, b) => a.number - b.number);
      for (const order of batch) {
        if (order.createdAt.getTime() >= to.getTime()) return;
        if (order.createdAt.getTime() >= from.getTime()) yield order;
      }
    }
  }

  return { firstNumberSince, between };
}

export type OrderHistory = ReturnType<typeof createOrderHistory>;
