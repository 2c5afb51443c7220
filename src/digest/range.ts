/**
 * The digest's counting for any range of local days (the console's reports), of which the daily
 * digest is the range of one day (`computeDigest` counts through this tally). Orders are given
 * one at a time, so a long range is counted as it is read, never held in memory.
 */

import { CHANNELS, type Channel, ORDER_STATUSES, type OrderStatus } from '../orders/lifecycle.js';
import { addDays, daysEnding, dayWindow, startOfDay } from './days.js';
import type { OrderFacts, Tally } from './tally.js';

/** Orders that are not sales: left out of revenue and of the pace of sales. */
export const NOT_SOLD: readonly OrderStatus[] = ['rejected', 'cancelled'];

/** The numbers of a range of local days, as the daily digest has them for its one day. */
export interface RangeNumbers {
  /** The first and the last day of the range, `YYYY-MM-DD`, inclusive. */
  from: string;
  to: string;
  timezone: string;
  currency: string;
  /** The range as instants, [first day's first instant, the day after the last's); hours as lived. */
  window: Tally['window'];
  orders: Tally['orders'];
  revenue: Tally['revenue'];
  /**
   * Orders in other currencies than `currency` (not rejected or cancelled), each currency apart,
   * most orders first: the digest only counts them (`revenue.otherCurrency`).
   */
  otherCurrencies: { currency: string; amount: number; orders: number }[];
  ratings: Tally['ratings'];
  smsFailures: Tally['smsFailures'];
  /** Orders per local day and channel, `chartDays` days ending with the range's last day. */
  chart: Tally['chart'];
}

export interface RangeOptions {
  from: string;
  to: string;
  timezone: string;
  currency: string;
  /** Days the chart shows, ending with `to`. */
  chartDays: number;
}

const within = (at: Date, w: { from: Date; to: Date }) =>
  at.getTime() >= w.from.getTime() && at.getTime() < w.to.getTime();

/** The range as instants: from the first day's first instant to the first instant after the last day. */
export function rangeWindow(from: string, to: string, timeZone: string): { from: Date; to: Date } {
  return { from: startOfDay(from, timeZone), to: startOfDay(addDays(to, 1), timeZone) };
}

/**
 * Counts orders into a range's numbers. Each order counts where it belongs: placed in the range
 * (orders, channels, statuses, revenue), placed in the chart's days, rated in the range, or with a
 * text that failed in the range. The caller gives each order once.
 */
export function rangeTally(opts: RangeOptions) {
  const { from, to, timezone, currency } = opts;
  const window = rangeWindow(from, to, timezone);
  const chartDays = daysEnding(to, opts.chartDays);
  const chartWindows = chartDays.map((d) => ({ day: d, ...dayWindow(d, timezone) }));
  const chartSpan = { from: (chartWindows[0] ?? window).from, to: window.to };

  const byChannel = new Map<Channel, number>();
  const byStatus = new Map<OrderStatus, number>();
  const perDay = new Map<string, number>();
  const revenue = { amount: 0, orders: 0, otherCurrency: 0 };
  const others = new Map<string, { amount: number; orders: number }>();
  const scores: number[] = [];
  const low: Tally['ratings']['low'] = [];
  const failures: Tally['smsFailures'] = [];
  let count = 0;

  function add(o: OrderFacts): void {
    if (within(o.createdAt, window)) {
      count++;
      byChannel.set(o.channel, (byChannel.get(o.channel) ?? 0) + 1);
      byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1);
      if (!NOT_SOLD.includes(o.status)) {
        if (!o.currency || o.currency === currency) {
          revenue.amount += o.total;
          revenue.orders++;
        } else {
          revenue.otherCurrency++;
          const other = others.get(o.currency) ?? { amount: 0, orders: 0 };
          other.amount += o.total;
          other.orders++;
          others.set(o.currency, other);
        }
      }
    }
    if (within(o.createdAt, chartSpan)) {
      const chartDay = chartWindows.find((w) => within(o.createdAt, w));
      if (chartDay) {
        const key = `${chartDay.day}|${o.channel}`;
        perDay.set(key, (perDay.get(key) ?? 0) + 1);
      }
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

  function result(): RangeNumbers {
    const byTime = <T extends { at: Date }>(a: T, b: T) => a.at.getTime() - b.at.getTime();
    const chartChannels = CHANNELS.filter((c) => chartDays.some((d) => perDay.has(`${d}|${c}`)));
    return {
      from,
      to,
      timezone,
      currency,
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
      revenue: { ...revenue },
      otherCurrencies: [...others]
        .map(([c, v]) => ({ currency: c, ...v }))
        .sort((a, b) => b.orders - a.orders || a.currency.localeCompare(b.currency)),
      ratings: {
        count: scores.length,
        average: scores.length > 0 ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
        low: [...low].sort(byTime),
      },
      smsFailures: [...failures].sort(byTime),
      chart: {
        days: chartDays,
        channels: chartChannels,
        counts: chartDays.flatMap((d) =>
          chartChannels.map((channel) => ({ day: d, channel, count: perDay.get(`${d}|${channel}`) ?? 0 })),
        ),
      },
    };
  }

  return { window, add, result };
}

/** A range's numbers from orders in hand (an order given twice counts once). */
export function computeRange(opts: RangeOptions & { orders: Iterable<OrderFacts> }): RangeNumbers {
  const tally = rangeTally(opts);
  const seen = new Set<number>();
  for (const o of opts.orders) {
    if (seen.has(o.number)) continue;
    seen.add(o.number);
    tally.add(o);
  }
  return tally.result();
}
