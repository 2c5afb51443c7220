/**
 * The daily digest as data: what happened on one local day, and where things stand. Pure: the
 * service reads the orders, the board and the products, this function only counts. Every window
 * is a local day from `days.ts` (23, 24 or 25 hours), never "the last 24 hours".
 */

import type { Product } from '../inventory/product.js';
import { CHANNELS, type Channel, ORDER_STATUSES, type OrderStatus } from '../orders/lifecycle.js';
import type { Order } from '../orders/order.js';
import { addDays, daysEnding, dayWindow } from './days.js';

/** Days of orders the chart shows, ending with the reported day. */
export const CHART_DAYS = 14;
/** Days of sales the pace of a low-stock product is taken from ("last week"), ending with the reported day. */
export const PACE_DAYS = 7;
/** A rating given on the reported day is looked for among orders placed this many days before it. */
export const RATING_LOOKBACK_DAYS = 60;
/** Orders listed as waiting longest, for approval and for shipping each. */
export const WAITING_SHOWN = 5;

/** What a digest needs to know about an order (the service keeps only this while it reads). */
export type OrderFacts = Pick<Order, 'number' | 'channel' | 'status' | 'total' | 'currency' | 'createdAt'> & {
  customer: Pick<Order['customer'], 'name' | 'phone'>;
  items: Pick<Order['items'][number], 'sku' | 'quantity'>[];
  rating?: Order['rating'];
  smsFailures?: Order['smsFailures'];
};

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
  products: readonly Pick<Product, 'sku' | 'name' | 'available' | 'lowStockThreshold'>[];
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
  /** Units ordered in the PACE_DAYS days ending with the reported day (not rejected or cancelled). */
  soldLastWeek: number;
  /** `available` divided by the daily pace; null when nothing sold (no pace to run out at). */
  daysOfCover: number | null;
}

export interface Digest {
  day: string;
  timezone: string;
  currency: string;
  /** The reported day as instants; `hours` is 23 or 25 on the days the clocks change. */
  window: { from: Date; to: Date; hours: number };
  orders: {
    count: number;
    byChannel: { channel: Channel; count: number }[];
    byStatus: { status: OrderStatus; count: number }[];
  };
  /**
   * Totals of the day's orders in `currency`, minor units, rejected and cancelled ones left out.
   * `otherCurrency` counts orders priced in another currency (left out too).
   */
  revenue: { amount: number; orders: number; otherCurrency: number };
  waiting: {
    approval: { count: number; oldest: WaitingOrder[] };
    shipping: { count: number; oldest: WaitingOrder[] };
  };
  /** Products at or under their alert threshold, the shortest cover first. */
  lowStock: LowStockLine[];
  ratings: {
    count: number;
    /** Null without ratings. */
    average: number | null;
    /** Every rating of 1 or 2 given that day, oldest first. */
    low: { number: number; score: number; customer: string; phone: string; at: Date }[];
  };
  /** Customer texts that failed on the reported day, oldest first. */
  smsFailures: { number: number; kind: string; error: string; at: Date; customer: string }[];
  /** Orders per local day and channel, CHART_DAYS days ending with the reported day. */
  chart: { days: string[]; channels: Channel[]; counts: { day: string; channel: Channel; count: number }[] };
}

const NOT_SOLD: readonly OrderStatus[] = ['rejected', 'cancelled'];

const within = (at: Date, w: { from: Date; to: Date }) =>
  at.getTime() >= w.from.getTime() && at.getTime() < w.to.getTime();

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
  const window = dayWindow(day, timezone);
  const chartDays = daysEnding(day, CHART_DAYS);
  const chartWindows = chartDays.map((d) => ({ day: d, ...dayWindow(d, timezone) }));
  const pace = { from: dayWindow(addDays(day, 1 - PACE_DAYS), timezone).from, to: window.to };

  const seen = new Set<number>();
  const byChannel = new Map<Channel, number>();
  const byStatus = new Map<OrderStatus, number>();
  const perDay = new Map<string, number>();
  const sold = new Map<string, number>();
  const revenue = { amount: 0, orders: 0, otherCurrency: 0 };
  const scores: number[] = [];
  const low: Digest['ratings']['low'] = [];
  const failures: Digest['smsFailures'] = [];
  let count = 0;

  for (const o of input.orders) {
    if (seen.has(o.number)) continue;
    seen.add(o.number);
    if (within(o.createdAt, window)) {
      count++;
      byChannel.set(o.channel, (byChannel.get(o.channel) ?? 0) + 1);
      byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1);
      if (!NOT_SOLD.includes(o.status)) {
        if (!o.currency || o.currency === input.currency) {
          revenue.amount += o.total;
          revenue.orders++;
        } else revenue.otherCurrency++;
      }
    }
    const chartDay = chartWindows.find((w) => within(o.createdAt, w));
    if (chartDay) {
      const key = `${chartDay.day}|${o.channel}`;
      perDay.set(key, (perDay.get(key) ?? 0) + 1);
    }
    if (within(o.createdAt, pace) && !NOT_SOLD.includes(o.status)) {
      for (const item of o.items) sold.set(item.sku, (sold.get(item.sku) ?? 0) + item.quantity);
    }
    if (o.rating?.score && within(o.rating.at, window)) {
      scores.push(o.rating.score);
      if (o.rating.score <= 2) {
        low.push({
          number: o.number,
          score: o.rating.score,
          customer: o.customer.name,
          phone: o.customer.phone,
          at: o.rating.at,
        });
      }
    }
    for (const f of o.smsFailures ?? []) {
      if (within(f.at, window)) {
        failures.push({
          number: o.number,
          kind: f.kind,
          error: f.error,
          at: f.at,
          customer: o.customer.name,
        });
      }
    }
  }

  const lowStock = input.products
    .filter((p) => p.available <= p.lowStockThreshold)
    .map((p): LowStockLine => {
      const soldLastWeek = sold.get(p.sku) ?? 0;
      return {
        sku: p.sku,
        name: p.name,
        available: p.available,
        threshold: p.lowStockThreshold,
        soldLastWeek,
        daysOfCover: soldLastWeek > 0 ? Math.max(0, p.available) / (soldLastWeek / PACE_DAYS) : null,
      };
    })
    .sort(
      (a, b) =>
        (a.daysOfCover ?? Number.POSITIVE_INFINITY) - (b.daysOfCover ?? Number.POSITIVE_INFINITY) ||
        a.available - b.available ||
        a.sku.localeCompare(b.sku),
    );

  const byTime = <T extends { at: Date }>(a: T, b: T) => a.at.getTime() - b.at.getTime();
  const chartChannels = CHANNELS.filter((c) => chartDays.some((d) => perDay.has(`${d}|${c}`)));
  return {
    day,
    timezone,
    currency: input.currency,
    window: { ...window, hours: (window.to.getTime() - window.from.getTime()) / 3600_000 },
    orders: {
      count,
      byChannel: CHANNELS.filter((c) => byChannel.has(c))
        .map((channel) => ({ channel, count: byChannel.get(channel) ?? 0 }))
        .sort((a, b) => b.count - a.count),
      byStatus: ORDER_STATUSES.filter((s) => byStatus.has(s)).map((status) => ({
        status,
        count: byStatus.get(status) ?? 0,
      })),
    },
    revenue,
    waiting: {
      approval: waiting(input.awaitingApproval, (o) => o.createdAt, input.now),
      shipping: waiting(input.awaitingShipment, approvedAt, input.now),
    },
    lowStock,
    ratings: {
      count: scores.length,
      average: scores.length > 0 ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
      low: low.sort(byTime),
    },
    smsFailures: failures.sort(byTime),
    chart: {
      days: chartDays,
      channels: chartChannels,
      counts: chartDays.flatMap((d) =>
        chartChannels.map((channel) => ({ day: d, channel, count: perDay.get(`${d}|${channel}`) ?? 0 })),
      ),
    },
  };
}
