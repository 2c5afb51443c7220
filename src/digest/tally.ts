import type { Channel, OrderStatus } from '../orders/lifecycle.js';
import type { Order } from '../orders/order.js';

/** What the digest counts of its orders, for one day or (the console's reports) a range of days. */

/** What a digest needs to know about an order (the service keeps only this while it reads). */
export type OrderFacts = Pick<Order, 'number' | 'channel' | 'status' | 'total' | 'currency' | 'createdAt'> & {
  customer: Pick<Order['customer'], 'name' | 'phone'>;
  items: Pick<Order['items'][number], 'sku' | 'quantity'>[];
  rating?: Order['rating'];
  smsFailures?: Order['smsFailures'];
};

export interface Tally {
  /** The day or range as instants; `hours` is 23 or 25 on the days the clocks change. */
  window: { from: Date; to: Date; hours: number };
  orders: {
    count: number;
    byChannel: { channel: Channel; count: number }[];
    byStatus: { status: OrderStatus; count: number }[];
  };
  /**
   * Totals of the orders in `currency`, minor units, rejected and cancelled ones left out.
   * `otherCurrency` counts orders priced in another currency (left out too).
   */
  revenue: { amount: number; orders: number; otherCurrency: number };
  ratings: {
    count: number;
    /** Null without ratings. */
    average: number | null;
    /** Every rating of 1 or 2 given then, oldest first. */
    low: { number: number; score: number; customer: string; phone: string; at: Date }[];
  };
  /** Customer texts that failed then, oldest first. */
  smsFailures: { number: number; kind: string; error: string; at: Date; customer: string }[];
  /** Orders per local day and channel, CHART_DAYS days ending with the last day. */
  chart: { days: string[]; channels: Channel[]; counts: { day: string; channel: Channel; count: number }[] };
}
