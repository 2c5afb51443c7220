import type { CounterRepository } from '../../models/counter.js';
import type { CustomerRepository } from '../../models/customer.js';
import type { OrderQuery, OrderRepository } from '../../models/order.js';
import type { BoardEntry, OrderBoardRepository } from '../../models/order-board.js';
import type { Logger } from '../logger.js';
import { belongsOnBoard, boardCanList } from './board.js';
import type { Channel, OrderStatus } from './lifecycle.js';
import type { Order, OrderCard } from './order.js';
import { FIRST_ORDER_NUMBER } from './placement.js';

export interface OrderFilter {
  status?: OrderStatus | readonly OrderStatus[];
  channel?: Channel;
  /** E.164 */
  phone?: string;
  q?: string;
  limit: number;
  /** Only orders numbered below this (the page cursor). */
  before?: number;
  /** A walk looks at most this many of the latest orders (default WALK_MAX_SCAN). */
  maxScan?: number;
}

export interface OrderPage {
  items: Order[];
  /** Where the next page starts; null when there is no more. */
  next: number | null;
}

/** A board entry whose order does not exist yet may be a placement still running. */
const PLACEMENT_GRACE_MS = 2 * 60_000;

/** A page of a filter no key serves looks at most this many of the latest orders. */
export const WALK_MAX_SCAN = 2000;
const WALK_BATCH = 250;

/**
 * The order lists, each found by key so that its cost does not grow with the order collection:
 * - open statuses (pending approval, fulfillment, returns): the order board's few entries;
 * - a customer's orders (`phone`): the numbers kept on the customer;
 * - anything else: a walk down the order numbers, newest first, in batches looked up by key, at
 *   most WALK_MAX_SCAN numbers per page; `next` continues the walk.
 */
export function createOrderLists(deps: {
  orderRecords: OrderRepository;
  board: OrderBoardRepository;
  customers: CustomerRepository;
  counters: CounterRepository;
  log: Logger;
}) {
  const { orderRecords, board, customers, counters, log } = deps;

  /** Fetches numbers (newest first) in chunks until `limit + 1` orders match. */
  async function collect(numbers: number[], query: OrderQuery, limit: number): Promise<OrderPage> {
    const items: Order[] = [];
    for (let i = 0; i < numbers.length && items.length <= limit; i += limit + 1) {
      items.push(...(await orderRecords.getMany(numbers.slice(i, i + limit + 1), query)));
    }
    const page = items.slice(0, limit);
    return { items: page, next: items.length > limit ? (page[page.length - 1]?.number ?? null) : null };
  }

  /** Open orders from the board; entries whose hint was stale are put right as they are read. */
  async function fromBoard(statuses: readonly OrderStatus[], limit: number, before?: number) {
    const entries = (await board.list(statuses)).filter((e) => before === undefined || e.number < before);
    const page = await collect(
      entries.map((e) => e.number),
      { statuses },
      limit,
    );
    const shown = new Set(page.items.map((o) => o.number));
    const stale = entries.filter((e) => !shown.has(e.number) && (page.next === null || e.number > page.next));
    if (stale.length > 0) await repair(stale);
    return page;
  }

  /**
   * Rewrites board entries from the orders themselves (a crash or a race left a hint behind). An
   * entry without an order is dropped only once it is older than a placement can take.
   */
  async function repair(entries: BoardEntry[], now = Date.now()): Promise<number> {
    const found = new Map(
      (await orderRecords.getMany(entries.map((e) => e.number))).map((o) => [o.number, o]),
    );
    let repaired = 0;
    for (const entry of entries) {
      const order = found.get(entry.number);
      if (!order && now - entry.at.getTime() < PLACEMENT_GRACE_MS) continue;
      if (order && belongsOnBoard(order)) {
        if (order.status === entry.status) continue;
        await board.put(entry.number, order.status, order.history.length);
      } else {
        await board.remove(entry.number, order?.history.length ?? entry.v);
      }
      repaired++;
      log.info(
        { order: entry.number, hint: entry.status, status: order?.status ?? 'missing' },
        'order board entry put right',
      );
    }
    return repaired;
  }

  async function ofCustomer(
    phone: string,
    query: OrderQuery,
    limit: number,
    before?: number,
    known?: { orders: number[] } | null,
  ) {
    const customer = known === undefined ? await customers.get(phone) : known;
    const numbers = (customer?.orders ?? [])
      .filter((n) => before === undefined || n < before)
      .sort((a, b) => b - a);
    return collect(numbers, query, limit);
  }

  async function list(filter: OrderFilter): Promise<OrderPage> {
    const statuses = typeof filter.status === 'string' ? [filter.status] : filter.status;
    const query: OrderQuery = {
      ...(statuses ? { statuses } : {}),
      ...(filter.channel ? { channel: filter.channel } : {}),
      ...(filter.q ? { q: filter.q } : {}),
    };
    if (filter.phone) return ofCustomer(filter.phone, query, filter.limit, filter.before);
    if (statuses && boardCanList(statuses) && !filter.channel && !filter.q) {
      return fromBoard(statuses, filter.limit, filter.before);
    }
    const below = filter.before ?? (await counters.current('order', FIRST_ORDER_NUMBER - 1)) + 1;
    const unfiltered = !statuses && !filter.channel && !filter.q;
    return orderRecords.walk(query, {
      below,
      limit: filter.limit,
      // Unfiltered, nearly every number is an order: one batch is the page.
      batch: unfiltered ? filter.limit + 1 : WALK_BATCH,
      maxScan: Math.min(filter.maxScan ?? WALK_MAX_SCAN, WALK_MAX_SCAN),
      first: FIRST_ORDER_NUMBER,
    });
  }

  /** The phone's latest orders, newest first (SMS STATUS, the call screen); `customer` if already read. */
  async function recentOf(
    phone: string,
    count: number,
    customer?: { orders: number[] } | null,
  ): Promise<Order[]> {
    return (await ofCustomer(phone, {}, count, undefined, customer)).items;
  }

  /** Every board entry checked against its order: the reconcile job's sweep. */
  async function repairBoard(): Promise<number> {
    const entries = await board.list();
    let repaired = 0;
    for (let i = 0; i < entries.length; i += 500) repaired += await repair(entries.slice(i, i + 500));
    return repaired;
  }

  /**
   * The board's cards: open orders (pending approval and fulfillment, from the order board, the
   * newest `limit`) and the latest shipped ones (at most `shippedShown`, found among the latest
   * `shippedScan` orders), so the board costs the same at any size. Cards only, not whole orders.
   */
  async function boardCards(opts: {
    statuses: readonly OrderStatus[];
    limit: number;
    shippedShown: number;
    shippedScan: number;
  }): Promise<OrderCard[]> {
    const entries = await board.list(opts.statuses);
    const numbers = entries.map((e) => e.number).sort((a, b) => b - a);
    const latest = await counters.current('order', FIRST_ORDER_NUMBER - 1);
    const recent = Array.from(
      { length: Math.max(0, Math.min(opts.shippedScan, latest - FIRST_ORDER_NUMBER + 1)) },
      (_, i) => latest - i,
    );
    const [open, shipped] = await Promise.all([
      orderRecords.cards(numbers.slice(0, opts.limit), { statuses: opts.statuses }),
      orderRecords.cards(recent, { statuses: ['shipped'] }),
    ]);
    return [...open, ...shipped.slice(0, opts.shippedShown)];
  }

  return { list, recentOf, repairBoard, boardCards };
}
