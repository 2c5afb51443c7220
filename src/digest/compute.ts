/**
 * The daily digest as data: what happened on one local day, and where things stand. Pure: the
 * service reads the orders, the board and the products, this function only counts. Every window
 * is a local day from `days.ts` (23, 24 or 25 hours), never "the last 24 hours".
 */

import { coverOf, type SalesHistory } from '../inventory/cover.js';
import type { Product } from '../inventory/product.js';
import type { OrderStatus } from '../orders/lifecycle.js';
import type { Order } from '../orders/order.js';
import { rangeTally } from './range.js';
import type { OrderFacts, Tally } from './tally.js';

export type { OrderFacts, Tally } from './tally.js';

/** Days of orders the chart shows, ending with the reported day. */
export const CHART_DAYS = 14;
/** Days of sales the pace of a low-stock product is taken from ("last week"), ending with the reported day. */
export const PACE_DAYS = 7;
/** A rating given on the reported day is looked for among orders placed this many days before it. */
export const RATING_LOOKBACK_DAYS = 60;
/** Orders listed as waiting longest, for approval and for shipping each. */
export const WAITING_SHOWN = 5;

/** An open order as the board lists it; its history says since when it waits. */
export type OpenOrder = Pick<
  Order,
  'number' | 'status' | 'total' | 'currency' | 'createdAt' | 'history' | 'customer'
>;

export interface DigestInput {
  /** The reported local day, `YYYY-MM-DD`. */
  day: string;
  timezone: string;
  currency: string;
  /** When the digest is made: how long open orders have waited is measured to it. */
  now: Date;
  /**
   * Every order placed in the chart's days, plus any order rated or with a failed text on `day`.
   * Others are ignored, and an order given twice counts once.
   */
  orders: Iterable<OrderFacts>;
  /** Open orders pending approval (the board). */
  awaitingApproval: readonly OpenOrder[];
  /** Open orders approved but not shipped yet: approved, picking, packed (the board). */
  awaitingShipment: readonly OpenOrder[];
  /** The catalogue, with each product's sales per day (`sold`): the pace of sales is read there. */
  products: readonly (Pick<Product, 'sku' | 'name' | 'available' | 'lowStockThreshold'> & SalesHistory)[];
}

export interface WaitingOrder {
  number: number;
  status: OrderStatus;
  customer: string;
  total: number;
  currency: string;
  /** Placed (approval) or approved (shipping). */
  since: Date;
  waitingMs: number;
}

export interface LowStockLine {
  sku: string;
  name: string;
  available: number;
  threshold: number;
  /**
   * Units sold in the PACE_DAYS days ending with the reported day (ordered then, not rejected or
   * cancelled), from the product's sales per day: those of its days the history covers.
   */
  soldLastWeek: number;
  /**
   * `available` divided by the daily pace (`coverOf`, src/inventory/cover.ts, as the console's
   * stock page and the low-stock alert); null when nothing sold (no pace to run out at).
   */
  daysOfCover: number | null;
}

export interface Digest extends Tally {
  day: string;
  timezone: string;
  currency: string;
  waiting: {
    approval: { count: number; oldest: WaitingOrder[] };
    shipping: { count: number; oldest: WaitingOrder[] };
  };
  /** Products at or under their alert threshold, the shortest cover first. */
  lowStock: LowStockLine[];
}

function waiting(orders: readonly OpenOrder[], since: (o: OpenOrder) => Date, now: Date) {
  const all = orders.map(
    (o): WaitingOrder => ({
      number: o.number,
      status: o.status,
      customer: o.customer.name,
      total: o.total,
      currency: o.currency,
      since: since(o),
      waitingMs: Math.max(0, now.getTime() - since(o).getTime()),
    }),
  );
  all.sort((a, b) => a.since.getTime() - b.since.getTime() || a.number - b.number);
  return { count: all.length, oldest: all.slice(0, WAITING_SHOWN) };
}

/** When an order still on its way was approved (the latest approval; placement if none is recorded). */
function approvedAt(o: OpenOrder): Date {
  for (let i = o.history.length - 1; i >= 0; i--) {
    const h = o.history[i];
    if (h?.to === 'approved') return h.at;
  }
  return o.createdAt;
}

export function computeDigest(input: DigestInput): Digest {
  const { day, timezone } = input;
  // One day's numbers are the range of that one day (src/digest/range.ts, as the console's reports).
  const tally = rangeTally({ from: day, to: day, timezone, currency: input.currency, chartDays: CHART_DAYS });

  const seen = new Set<number>();

  for (const o of input.orders) {
    if (seen.has(o.number)) continue;
    seen.add(o.number);
    tally.add(o);
  }

  const lowStock = input.products
    .filter((p) => p.available <= p.lowStockThreshold)
    .map((p): LowStockLine => {
      const { pace, daysOfCover } = coverOf(p, { lastDay: day, days: PACE_DAYS, timezone });
      return {
        sku: p.sku,
        name: p.name,
        available: p.available,
        threshold: p.lowStockThreshold,
        soldLastWeek: pace.units,
        daysOfCover,
      };
    })
    .sort(
      (a, b) =>
        (a.daysOfCover ?? Number.POSITIVE_INFINITY) - (b.daysOfCover ?? Number.POSITIVE_INFINITY) ||
        a.available - b.available ||
        a.sku.localeCompare(b.sku),
    );

  const counted = tally.result();
  return {
    day,
    timezone,
    currency: input.currency,
    window: counted.window,
    orders: counted.orders,
    revenue: counted.revenue,
    waiting: {
      approval: waiting(input.awaitingApproval, (o) => o.createdAt, input.now),
      shipping: waiting(input.awaitingShipment, approvedAt, input.now),
    },
    lowStock,
    ratings: counted.ratings,
    smsFailures: counted.smsFailures,
    chart: counted.chart,
  };
}
