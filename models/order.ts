import type { Connection, QueryFilter } from 'mongoose';
import {
  type HistoryEntry,
  type InvoiceRecord,
  LOW_RATING,
  MAX_HISTORY,
  type Order,
  type OrderCallRef,
  type OrderCard,
  type SlackSlot,
  type SmsFailure,
} from '../src/orders/order.js';
import { type OrderQuery, queryFilter } from './order-query.js';
import { type OrderDoc, orderSchema, toOrder } from './order-shape.js';
import { slackSlots } from './slack-slots.js';

export type { OrderQuery } from './order-query.js';

const AFTER = { returnDocument: 'after', lean: true } as const;
/** A board card's fields (`history` for since when the order has its status). */
const CARD_FIELDS = {
  channel: 1,
  customer: 1,
  total: 1,
  currency: 1,
  status: 1,
  updatedAt: 1,
  'history.to': 1,
  'history.at': 1,
} as const;

/** The part of an update that records effects (none: no `$addToSet` at all). */
const adding = (effects: readonly string[]) =>
  effects.length ? { $addToSet: { effects: { $each: [...effects] } } } : {};

/**
 * The `orders` collection. Every read and write is by order number (`_id`), so its cost does not
 * depend on how many orders there are; lists come from numbers found elsewhere (the order board,
 * the customer's order list) or from a bounded walk down the numbers (`page`).
 */
export function createOrderRepository(
  conn: Connection,
  opts: { keepEffect?: (effect: string) => boolean } = {},
) {
  const Order = conn.model<OrderDoc>('Order', orderSchema, 'orders');
  const keptEffects = keptEffectsOf(opts.keepEffect);

  const get = async (number: number) => toOrder(await Order.findById(number).lean<OrderDoc>());

  /** The orders with these numbers that exist (and match `query`), newest first. */
  async function getMany(numbers: readonly number[], query: OrderQuery = {}): Promise<Order[]> {
    if (numbers.length === 0) return [];
    const docs = await Order.find({ _id: { $in: [...numbers] }, ...queryFilter(query) }).lean<OrderDoc[]>();
    return docs.map((d) => toOrder(d) as Order).sort((a, b) => b.number - a.number);
  }

  /**
   * Board cards of the orders with these numbers that exist (and match `query`), newest first:
   * read with a projection (no items, Slack posts, effects or documents), so a board of a few
   * hundred orders carries a fraction of their bytes.
   */
  async function cards(numbers: readonly number[], query: OrderQuery = {}): Promise<OrderCard[]> {
    if (numbers.length === 0) return [];
    const docs = await Order.find({ _id: { $in: [...numbers] }, ...queryFilter(query) }, CARD_FIELDS).lean<
      Pick<
        OrderDoc,
        '_id' | 'channel' | 'customer' | 'total' | 'currency' | 'status' | 'updatedAt' | 'history'
      >[]
    >();
    return docs
      .map((d) => ({
        number: d._id,
        channel: d.channel,
        customer: d.customer,
        total: d.total,
        currency: d.currency,
        status: d.status,
        updatedAt: d.updatedAt,
        statusSince: [...(d.history ?? [])].reverse().find((h) => h.to === d.status)?.at ?? d.updatedAt,
      }))
      .sort((a, b) => b.number - a.number);
  }

  /** A change of one order, only if it still has `expect` (compare-and-set); null if it moved. */
  const update = async (
    number: number,
    expect: QueryFilter<OrderDoc>,
    change: Record<string, unknown>,
  ): Promise<Order | null> => {
    const kept = keptEffects(change);
    if (Object.keys(kept).length === 0)
      return toOrder(await Order.findOne({ _id: number, ...expect }).lean<OrderDoc>());
    return toOrder(await Order.findOneAndUpdate({ _id: number, ...expect }, kept, AFTER));
  };

  return {
    /**
     * Stores a new order under its number; a duplicate number or idempotency key throws E11000.
     * `createdAt`, when given, is the instant its stock was reserved (placement), else now.
     */
    async insert(order: Omit<Order, 'createdAt' | 'updatedAt'> & { createdAt?: Date }): Promise<Order> {
      const { number, ...rest } = order;
      // Only the effects the doors carry (models/index.ts); none left: no `effects` at all.
      const effects = rest.effects?.filter(opts.keepEffect ?? (() => true));
      const doc = await Order.create({
        _id: number,
        ...rest,
        effects: effects?.length ? effects : undefined,
      });
      return toOrder(doc.toObject() as OrderDoc) as Order;
    },
    get,
    getMany,
    cards,
    /**
     * Only for the rare race where a placement's claim was taken over while it still ran: the
     * unique index serves it on MongoDB; on FerretDB it reads the collection (`order_keys` is the
     * lookup by key everywhere else).
     */
    findByIdempotencyKey: async (key: string) =>
      toOrder(await Order.findOne({ idempotencyKey: key }).lean<OrderDoc>()),

    /**
     * Orders numbered below `below`, newest first, that match `query`: a walk down the numbers in
     * batches looked up by key, at most `maxScan` numbers, so a page costs the same at any size.
     * `next` is where to continue (a page can be short when matches are sparse); null at the start.
     */
    async walk(
      query: OrderQuery,
      opts: { below: number; limit: number; batch: number; maxScan: number; first: number },
    ): Promise<{ items: Order[]; next: number | null }> {
      const items: Order[] = [];
      let top = opts.below;
      while (top > opts.first && items.length <= opts.limit && opts.below - top < opts.maxScan) {
        const size = Math.min(opts.batch, top - opts.first);
        const numbers = Array.from({ length: size }, (_, i) => top - 1 - i);
        items.push(...(await getMany(numbers, query)));
        top -= size;
      }
      if (items.length > opts.limit) {
        const page = items.slice(0, opts.limit);
        return { items: page, next: page[page.length - 1]?.number ?? null };
      }
      return { items, next: top > opts.first ? top : null };
    },

    /**
     * The lifecycle's compare-and-set: moves the order only if its status is still `from` and its
     * history has `room` entries left under MAX_HISTORY (the entry itself, plus any the move must
     * leave for a later one), and records the effects the move calls for in the same write (none
     * lost if the process dies). Null when either condition failed: the caller re-reads to tell.
     */
    transition: (
      number: number,
      from: Order['status'],
      set: Record<string, unknown>,
      entry: HistoryEntry,
      effects: readonly string[] = [],
      room = 1,
    ): Promise<Order | null> =>
      update(
        number,
        // `history.<i>` exists only when the history has more than i entries.
        { status: from, [`history.${MAX_HISTORY - room}`]: { $exists: false } },
        {
          $set: set,
          $push: { history: entry },
          ...adding(effects),
        },
      ),

    /** Drops delivered effects; one asked for again meanwhile has another name and stays. */
    settleEffects: (number: number, names: readonly string[]) =>
      update(number, {}, { $pullAll: { effects: [...names] } }),

    /** Asks for an effect on its own (one the order's change did not record). */
    addEffects: (number: number, names: readonly string[]) =>
      update(number, {}, { $addToSet: { effects: { $each: [...names] } } }),

    /** A return's goods are back on hand: `restocking` → `restocked`, once. */
    markRestocked: (number: number) =>
      update(number, { inventory: 'restocking' }, { $set: { inventory: 'restocked' } }),

    /** Attaches the invoice only if the order has none (one number per order), with its effects. */
    attachInvoice: (number: number, invoice: InvoiceRecord, effects: readonly string[] = []) =>
      update(number, { 'invoice.number': { $exists: false } }, { $set: { invoice }, ...adding(effects) }),

    /** Notes the order's credit note (its Slack task then links it), once. */
    attachCreditNote: (number: number, note: InvoiceRecord, effects: readonly string[] = []) =>
      update(
        number,
        { 'creditNote.number': { $exists: false } },
        {
          $set: { creditNote: note },
          ...adding(effects),
        },
      ),

    /** The customer's rating, once, with the effects the service asks for in the same write. */
    rate: (number: number, score: number, effects: readonly string[]) =>
      update(
        number,
        { 'rating.score': { $exists: false } },
        { $set: { rating: { score, at: new Date() } }, ...adding(effects) },
      ),

    /**
     * Records the `count`-th approval reminder of a still-pending order, if it had `previous` so far
     * (two sweeps at once record it once), with the effects the sweep asks for (its Slack reply).
     */
    remind: (number: number, count: number, previous: number, effects: readonly string[]) =>
      update(
        number,
        {
          status: 'pending_approval',
          ...(previous === 0 ? { reminders: { $exists: false } } : { reminders: previous }),
        },
        { $set: { reminders: count }, ...adding(effects) },
      ),

    /** Who took the call back for a low rating (once; the first click wins), with the effects asked for. */
    takeCallBack: (number: number, by: string, effects: readonly string[]) =>
      update(
        number,
        { 'rating.score': { $lte: LOW_RATING }, 'callBack.by': { $exists: false } },
        { $set: { callBack: { by, at: new Date() } }, ...adding(effects) },
      ),

    ...slackSlots<number, Order, SlackSlot>(Order, update),

    async recordSmsFailure(number: number, failure: SmsFailure): Promise<void> {
      await Order.updateOne({ _id: number }, { $push: { smsFailures: failure } });
    },

    /** Notes a call that concerned the order, once per call (a redelivered webhook adds nothing). */
    async linkCall(number: number, call: OrderCallRef): Promise<void> {
      await Order.updateOne({ _id: number, 'calls.sid': { $ne: call.sid } }, { $push: { calls: call } });
    },

    /** Bulk load for the benchmark and the demo data: plain inserts, no checks beyond the schema. */
    async insertMany(orders: Order[]): Promise<void> {
      await Order.insertMany(
        orders.map(({ number, ...rest }) => ({ _id: number, ...rest })),
        { ordered: false, lean: true },
      );
    },

    count: () => Order.estimatedDocumentCount(),
    ensureIndexes: () => Order.createIndexes(),
  };
}

export type OrderRepository = ReturnType<typeof createOrderRepository>;

/**
 * A change without the effects `keep` refuses (those of a door turned off on purpose, see
 * models/index.ts): every write that records effects on an order goes through `update`, so none
 * can record them by mistake.
 */
function keptEffectsOf(keep: ((effect: string) => boolean) | undefined) {
  return (change: Record<string, unknown>): Record<string, unknown> => {
    const add = change.$addToSet as { effects?: string | { $each: string[] } } | undefined;
    if (!keep || add?.effects === undefined) return change;
    const asked = typeof add.effects === 'string' ? [add.effects] : add.effects.$each;
    const effects = asked.filter(keep);
    const { effects: _, ...others } = add;
    const $addToSet = effects.length > 0 ? { ...others, effects: { $each: effects } } : others;
    const { $addToSet: __, ...rest } = change;
    return Object.keys($addToSet).length > 0 ? { ...rest, $addToSet } : rest;
  };
}
