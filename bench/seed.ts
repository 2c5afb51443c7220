import type { Repositories } from '../models/index.js';
import type { OrderKey } from '../models/order-key.js';
import type { SmsMessage } from '../models/sms-message.js';
import type { OrderStatus } from '../src/orders/lifecycle.js';
import type { Order } from '../src/orders/order.js';
import { customer, FIRST_NUMBER, type Generated, order, prng, products } from './seed-data.js';

/**
 * Bulk loads for the growth bench, through the repositories' insertMany: the first stage (the
 * catalogue, the open orders and the first customers), then more closed orders up to a total.
 * Orders are generated and inserted a batch at a time (the next batch is generated while the
 * previous one is written), so the bench never holds more than two batches of orders.
 */

const BATCH = 1000;
const MINUTE = 60_000;
/** Orders are placed this far apart on the timeline, oldest first. */
const SPACING_MS = 5 * MINUTE;
/** Of every stage's customers, this share are regulars who place this share of its orders. */
const REGULARS = { customers: 0.05, orders: 0.3 };
/** The open orders' statuses, as a shop's day looks: most wait for approval. */
const OPEN_MIX: readonly OrderStatus[] = [
  'pending_approval',
  'pending_approval',
  'approved',
  'picking',
  'packed',
];

export interface Subjects {
  /** Delivered orders and their phones: `STATUS <n>`, `/order <n>`. */
  orders: { number: number; phone: string }[];
  /** Customers with several orders: `STATUS`, `/order find`, `?phone=`. */
  regulars: { phone: string; orders: number }[];
  /** Customers whose new orders the bench places (kept apart from the customers it reads). */
  placers: string[];
}

export interface StageStats {
  orders: number;
  customers: number;
  messages: number;
  keys: number;
  ms: number;
}

export function createSeeder(
  repos: Repositories,
  opts: { products: number; open: number; plannedOrders: number },
) {
  const now = Date.now();
  // Closed orders sit on a timeline that ends three days ago; open orders are from the last days.
  const timelineStart = now - 3 * 24 * 60 * MINUTE - opts.plannedOrders * SPACING_MS;
  let customersSoFar = 0;
  let invoices = 0;
  const open = new Map<number, OrderStatus>();

  /** Which of the stage's customers places each order: regulars often, everyone else now and then. */
  function assign(first: number, count: number, customers: number, seed: number): number[][] {
    const rand = prng(seed);
    const regulars = Math.max(1, Math.floor(customers * REGULARS.customers));
    const lists: number[][] = Array.from({ length: customers }, () => []);
    for (let i = 0; i < count; i++) {
      const c = rand() < REGULARS.orders ? Math.floor(rand() * regulars) : Math.floor(rand() * customers);
      lists[c]?.push(first + i);
    }
    return lists;
  }

  /** Order number → customer index, for generating each order's customer. */
  function owners(first: number, count: number, lists: number[][], offset: number): Int32Array {
    const byNumber = new Int32Array(count);
    lists.forEach((l, c) => {
      for (const n of l) byNumber[n - first] = offset + c;
    });
    return byNumber;
  }

  function generate(from: number, to: number, first: number, byNumber: Int32Array) {
    const batch = { orders: [] as Order[], keys: [] as OrderKey[], messages: [] as SmsMessage[] };
    for (let n = from; n < to; n++) {
      const status = open.get(n);
      const placedAt = status
        ? now - 72 * 60 * MINUTE + prng(n)() * 12 * 60 * MINUTE
        : timelineStart + (n - FIRST_NUMBER) * SPACING_MS;
      const g: Generated = order(
        n,
        byNumber[n - first] ?? 0,
        opts.products,
        placedAt,
        status,
        () => ++invoices,
      );
      batch.orders.push(g.order);
      batch.keys.push(...g.keys);
      batch.messages.push(...g.messages);
    }
    return batch;
  }

  async function write(batch: ReturnType<typeof generate>): Promise<void> {
    await repos.orders.insertMany(batch.orders);
    await repos.smsMessages.insertMany(batch.messages);
    if (batch.keys.length > 0) await repos.orderKeys.insertMany(batch.keys);
  }

  /** Inserts orders `first`…`first + count - 1` for `customers` new customers. */
  async function stage(first: number, count: number, customers: number, seed: number): Promise<StageStats> {
    const started = performance.now();
    const lists = assign(first, count, customers, seed);
    const at = new Date(now);
    for (let i = 0; i < customers; i += BATCH) {
      const slice = lists.slice(i, i + BATCH).map((l, j) => customer(customersSoFar + i + j, l, at));
      await repos.customers.insertMany(slice);
    }
    const byNumber = owners(first, count, lists, customersSoFar);
    const stats = { orders: count, customers, messages: 0, keys: 0, ms: 0 };
    let writing: Promise<void> | undefined;
    for (let n = first; n < first + count; n += BATCH) {
      const batch = generate(n, Math.min(n + BATCH, first + count), first, byNumber);
      stats.messages += batch.messages.length;
      stats.keys += batch.keys.length;
      await writing;
      writing = write(batch);
    }
    await writing;
    await repos.counters.raiseTo('order', first + count - 1 - (FIRST_NUMBER - 1));
    await repos.counters.raiseTo('invoice', invoices);
    customersSoFar += customers;
    stats.ms = performance.now() - started;
    return stats;
  }

  return {
    /**
     * The catalogue, `orders` orders of `customers` customers, `opts.open` of them open (spread
     * over the newest ones) with their board entries and their reservations on the products.
     */
    async first(orders: number, customers: number): Promise<{ stats: StageStats; subjects: Subjects }> {
      const rand = prng(99);
      const openCount = Math.min(opts.open, Math.floor(orders / 2));
      const newest = Array.from(
        { length: Math.min(orders, openCount * 2) },
        (_, i) => FIRST_NUMBER + orders - 1 - i,
      );
      while (open.size < openCount) {
        const n = newest[Math.floor(rand() * newest.length)] as number;
        if (!open.has(n)) open.set(n, OPEN_MIX[open.size % OPEN_MIX.length] as OrderStatus);
      }
      await repos.products.insertMany(products(opts.products, open.keys(), new Date(now)));
      const offset = customersSoFar;
      const stats = await stage(FIRST_NUMBER, orders, customers, 1);
      await boardEntries();
      return { stats, subjects: await subjects(offset, customers, orders) };
    },
    /** More closed orders (and new customers for them) until the collection holds `total`. */
    async growTo(total: number, customers: number): Promise<StageStats> {
      const have = await repos.orders.count();
      const first = (await repos.counters.current('order', FIRST_NUMBER - 1)) + 1;
      return stage(first, Math.max(0, total - have), customers, 2);
    },
  };

  /** The board entries of the open orders: `v` is their history length, as the app writes it. */
  async function boardEntries(): Promise<void> {
    const orders = await repos.orders.getMany([...open.keys()]);
    await repos.orderBoard.insertMany(
      orders.map((o) => ({ number: o.number, status: o.status, v: o.history.length, at: o.updatedAt })),
    );
  }

  /** Who the bench asks about, read back from what was stored. */
  async function subjects(offset: number, customers: number, count: number): Promise<Subjects> {
    const regulars: Subjects['regulars'] = [];
    const placers: string[] = [];
    const orders: Subjects['orders'] = [];
    for (let i = offset; i < offset + customers; i++) {
      const c = await repos.customers.get(customer(i, [], new Date()).phone);
      if (!c) continue;
      if (c.orders.length >= 4 && c.orders.length <= 15 && regulars.length < 50) {
        regulars.push({ phone: c.phone, orders: c.orders.length });
        continue;
      }
      if (c.orders.length > 15) continue;
      placers.push(c.phone);
    }
    const candidates = await repos.orders.getMany(
      Array.from({ length: Math.min(400, Math.floor(count / 2)) }, (_, i) => FIRST_NUMBER + i * 2),
    );
    for (const o of candidates.reverse()) {
      if (o.status === 'delivered' && orders.length < 60)
        orders.push({ number: o.number, phone: o.customer.phone });
    }
    return { orders, regulars, placers };
  }
}
