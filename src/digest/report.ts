import type { Order } from '../orders/order.js';
import type { OrderService } from '../orders/service.js';
import { CHART_DAYS, RATING_LOOKBACK_DAYS } from './compute.js';
import { addDays, startOfDay } from './days.js';
import { type RangeNumbers, rangeTally, rangeWindow } from './range.js';

/**
 * The digest's numbers for any range of local days (the console's reports), read by key through
 * the orders' history (`orders.between`) and counted as they are read, so a long range costs time,
 * not memory. What is read is bounded by the range asked for: its orders, plus, as the daily
 * digest does, orders placed up to RATING_LOOKBACK_DAYS before it (a rating or a failed text given
 * in the range may belong to an older order) and the chart's days before it.
 */
export function createRangeReports(deps: {
  orders: Pick<OrderService, 'between'>;
  /** BUSINESS_TIMEZONE and CURRENCY. */
  config: { timezone: string; currency: string };
}) {
  const { orders, config } = deps;
  const tz = config.timezone;

  /** The numbers of the local days `from` to `to`, inclusive, with the chart ending on `to`. */
  async function numbers(from: string, to: string): Promise<RangeNumbers> {
    const tally = rangeTally({ from, to, timezone: tz, currency: config.currency, chartDays: CHART_DAYS });
    const readFrom = startOfDay(addDays(from, -RATING_LOOKBACK_DAYS), tz);
    for await (const o of orders.between(readFrom, tally.window.to)) tally.add(o);
    return tally.result();
  }

  /** The chart's counts alone: CHART_DAYS days of orders ending with `last`, nothing more read. */
  async function chart(last: string): Promise<RangeNumbers['chart']> {
    const tally = rangeTally({
      from: last,
      to: last,
      timezone: tz,
      currency: config.currency,
      chartDays: CHART_DAYS,
    });
    for await (const o of orders.between(startOfDay(addDays(last, 1 - CHART_DAYS), tz), tally.window.to)) {
      tally.add(o);
    }
    return tally.result().chart;
  }

  /** The orders placed on the local days `from` to `to`, oldest first, read in batches. */
  function placed(from: string, to: string): AsyncGenerator<Order> {
    const window = rangeWindow(from, to, tz);
    return orders.between(window.from, window.to);
  }

  return { numbers, chart, placed };
}

export type RangeReports = ReturnType<typeof createRangeReports>;
