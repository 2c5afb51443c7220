import type { Connection } from 'mongoose';
import { lowStockEffect } from '../src/delivery/effects.js';
import type { LowEpisode, Product, ProductLedgers, Reservation } from '../src/inventory/product.js';
import { ledger, mark, NO_LEDGERS, type ProductDoc, productSchema, toProduct } from './product-shape.js';
import { slackSlots } from './slack-slots.js';

/** A reservation's sale: when the order was placed, and its local day (`sold.<day>` counts it). */
export interface Sale {
  at: Date;
  day: string;
}

const soldKey = (day: string) => `sold.${day}`;
const episodeKey = (key: string) => `lowEpisodes.${key}`;

/**
 * The `products` collection, keyed by SKU. Each stock invariant is one conditional update of one
 * product (see DEVELOPERS.md, "Invariants"); every function here is one such update or one read.
 */
export function createProductRepository(
  conn: Connection,
  opts: { keepEffect?: (effect: string) => boolean } = {},
) {
  // With Slack turned off on purpose the episode is still tracked, but no alert is due.
  const alertDue = opts.keepEffect?.(lowStockEffect()) ?? true;
  const Product = conn.model<ProductDoc>('Product', productSchema, 'products');
  const get = async (sku: string) => toProduct(await Product.findById(sku, NO_LEDGERS).lean<ProductDoc>());
  /**
   * One conditional update; the product (without its ledgers) if it matched, else null. The read
   * comes after the write, so a change made in between shows too: callers only use it for what is
   * current (name, price, the low-stock rule, whose own updates are conditional).
   */
  const change = async (
    filter: { _id: string } & Record<string, unknown>,
    update: Record<string, unknown>,
  ) => {
    const res = await Product.updateOne(filter, update);
    return res.matchedCount === 1 ? get(filter._id) : null;
  };
  /**
   * A change that only adds to `available` (a release, a restock). With no low-stock alert out,
   * the low-stock rule has nothing to re-arm, so the first try (the same filter, plus no alert
   * out) reads nothing back: `'unalerted'`. Otherwise it is the ordinary change: the product as it
   * is now for the rule, or null when the filter did not match.
   */
  const raise = async (
    filter: { _id: string } & Record<string, unknown>,
    update: Record<string, unknown>,
  ): Promise<Product | 'unalerted' | null> => {
    const quiet = await Product.updateOne({ ...filter, lowStockAlerted: false }, update);
    return quiet.matchedCount === 1 ? 'unalerted' : change(filter, update);
  };

  return {
    /** A new product; a taken SKU throws E11000. */
    async insert(p: Omit<Product, 'reserved' | 'available' | 'lowStockAlerted' | 'createdAt' | 'updatedAt'>) {
      const { sku, ...rest } = p;
      const doc = await Product.create({
        _id: sku,
        ...rest,
        reserved: 0,
        available: p.onHand,
        lowStockAlerted: false,
        reservations: {},
      });
      return toProduct(doc.toObject() as ProductDoc) as Product;
    },
    get,
    getMany: async (skus: readonly string[]) =>
      skus.length === 0
        ? []
        : (await Product.find({ _id: { $in: [...skus] } }, NO_LEDGERS).lean<ProductDoc[]>()).map(
            (d) => toProduct(d) as Product,
          ),
    /** The whole catalogue by SKU (a shop's few hundred products). */
    list: async () =>
      (await Product.find({}, NO_LEDGERS).sort({ _id: 1 }).lean<ProductDoc[]>()).map(
        (d) => toProduct(d) as Product,
      ),
    /**
     * One page of the catalogue by SKU, those after `after`: the REST list, so a large catalogue
     * never goes out whole. A real MongoDB serves it from the `_id` index.
     */
    page: async (after: string | undefined, limit: number) =>
      (
        await Product.find(after === undefined ? {} : { _id: { $gt: after } }, NO_LEDGERS)
          .sort({ _id: 1 })
          .limit(limit)
          .lean<ProductDoc[]>()
      ).map((d) => toProduct(d) as Product),
    /** Products whose low-stock alert is out, lowest first. */
    listLowAlerted: async (limit: number) =>
      (
        await Product.find({ lowStockAlerted: true }, NO_LEDGERS)
          .sort({ available: 1, _id: 1 })
          .limit(limit)
          .lean<ProductDoc[]>()
      ).map((d) => toProduct(d) as Product),

    /**
     * Reserves `qty` for the order if that many are available and it holds none yet; the same
     * update counts the units as sold on the order's day (no extra write at placement).
     */
    reserveLine: (sku: string, orderNumber: number, qty: number, sale: Sale) =>
      change(
        { _id: sku, available: { $gte: qty }, [ledger(orderNumber)]: { $exists: false } },
        {
          $inc: { reserved: qty, available: -qty, [soldKey(sale.day)]: qty },
          $set: { [ledger(orderNumber)]: { qty, at: sale.at } },
        },
      ),
    /**
     * The same reservation, only if it leaves the product above `threshold` (still its threshold)
     * with no low-stock alert out: then the low-stock rule has nothing to do, and placement needs
     * no read after the write. False if any of that does not hold (the caller falls back to
     * `reserveLine`).
     */
    async reserveLineAboveThreshold(
      sku: string,
      orderNumber: number,
      qty: number,
      threshold: number,
      sale: Sale,
    ) {
      const res = await Product.updateOne(
        {
          _id: sku,
          available: { $gte: qty + threshold + 1 },
          lowStockThreshold: threshold,
          lowStockAlerted: false,
          [ledger(orderNumber)]: { $exists: false },
        },
        {
          $inc: { reserved: qty, available: -qty, [soldKey(sale.day)]: qty },
          $set: { [ledger(orderNumber)]: { qty, at: sale.at } },
        },
      );
      return res.matchedCount === 1;
    },
    /**
     * Gives the order's units back, once: the ledger entry goes with them, and so does the sale
     * from the day the order was placed (`soldDay`; null: a day no longer kept).
     */
    releaseLine: (sku: string, orderNumber: number, qty: number, soldDay: string | null) =>
      raise(
        { _id: sku, [ledger(orderNumber)]: { $exists: true } },
        {
          $inc: { reserved: -qty, available: qty, ...(soldDay ? { [soldKey(soldDay)]: -qty } : {}) },
          $unset: { [ledger(orderNumber)]: '' },
        },
      ),
    /**
     * At ship: the reservation becomes a decrement of on-hand, once. `available` does not change,
     * so neither can the low-stock rule: nothing is read back. Done already, it changes nothing.
     */
    async commitLine(sku: string, orderNumber: number, qty: number): Promise<void> {
      await Product.updateOne(
        { _id: sku, [ledger(orderNumber)]: { $exists: true } },
        { $inc: { reserved: -qty, onHand: -qty }, $unset: { [ledger(orderNumber)]: '' } },
      );
    },
    /** A return's goods back on hand, once per order until `clearRestocked`. */
    restockLine: (sku: string, orderNumber: number, qty: number) =>
      raise(
        { _id: sku, [mark(orderNumber)]: { $exists: false } },
        { $inc: { onHand: qty, available: qty }, $set: { [mark(orderNumber)]: { qty, at: new Date() } } },
      ),
    async clearRestocked(skus: readonly string[], orderNumber: number): Promise<void> {
      await Product.updateMany({ _id: { $in: [...skus] } }, { $unset: { [mark(orderNumber)]: '' } });
    },

    /** Sets on-hand if `reserved` is still what the caller saw, keeping available = onHand - reserved. */
    setOnHand: (sku: string, onHand: number, reserved: number) =>
      change({ _id: sku, reserved }, { $set: { onHand, available: onHand - reserved } }),
    /** Adds (or removes, if negative) units; never takes available below zero. */
    addOnHand: (sku: string, delta: number) =>
      change(delta < 0 ? { _id: sku, available: { $gte: -delta } } : { _id: sku }, {
        $inc: { onHand: delta, available: delta },
      }),
    setThreshold: (sku: string, lowStockThreshold: number) =>
      change({ _id: sku }, { $set: { lowStockThreshold } }),
    setLeadTime: (sku: string, leadTimeDays: number) => change({ _id: sku }, { $set: { leadTimeDays } }),
    /** Replaces the product's aliases (already checked by the inventory service); `[]` clears them. */
    setAliases: (sku: string, aliases: readonly string[]) =>
      change({ _id: sku }, { $set: { aliases: [...aliases] } }),
    /**
     * The one low-stock alert: flipping the flag records the alert as due, in the same write, with
     * a fresh Slack slot (the last alert's post is history). The same write opens the episode
     * (`lowEpisodes.<key>`) and drops the oldest ones kept (`drop`).
     */
    markLowAlerted: (sku: string, episode: { key: string } & LowEpisode, drop: readonly string[]) => {
      const { key, ...opened } = episode;
      return change(
        { _id: sku, lowStockAlerted: false },
        {
          $set: {
            lowStockAlerted: true,
            ...(alertDue ? { alertPending: true } : {}),
            [episodeKey(key)]: opened,
          },
          $unset: { slack: '', ...Object.fromEntries(drop.map((k) => [episodeKey(k), ''])) },
        },
      );
    },
    /** The episode went lower than it had: a compare-and-set, so only ever downwards. */
    async noteLowest(sku: string, key: string, available: number): Promise<void> {
      await Product.updateOne(
        { _id: sku, [`${episodeKey(key)}.lowest`]: { $gt: available } },
        { $set: { [`${episodeKey(key)}.lowest`]: available } },
        { timestamps: false },
      );
    },
    /**
     * Re-arms the alert once stock is back above the threshold (an alert not posted yet is moot),
     * and closes the episode `open` in the same write.
     */
    async rearmLowAlert(sku: string, threshold: number, open?: string): Promise<void> {
      await Product.updateOne(
        { _id: sku, lowStockAlerted: true, available: { $gt: threshold } },
        {
          $set: { lowStockAlerted: false, ...(open ? { [`${episodeKey(open)}.to`]: new Date() } : {}) },
          $unset: { alertPending: '' },
        },
      );
    },
    /**
     * Drops the sales of days before `keepFrom` (`YYYY-MM-DD`) from every product: the daily
     * housekeeping, one pass over the catalogue reading only `sold`, one write per product with
     * days to drop. Not a change of the product itself, so `updatedAt` stays as it was.
     */
    async pruneSales(keepFrom: string): Promise<number> {
      let pruned = 0;
      for await (const doc of Product.find({}, { sold: 1 }).lean<ProductDoc[]>().cursor()) {
        const old = Object.keys(doc.sold ?? {}).filter((day) => day < keepFrom);
        if (old.length === 0) continue;
        await Product.updateOne(
          { _id: doc._id },
          { $unset: Object.fromEntries(old.map((day) => [soldKey(day), ''])) },
          { timestamps: false },
        );
        pruned++;
      }
      return pruned;
    },
    /** The alert was posted. */
    async settleAlert(sku: string): Promise<void> {
      await Product.updateOne({ _id: sku }, { $unset: { alertPending: '' } });
    },
    /**
     * The nightly cross-sell's list for one product, by key. Not a change of the product itself,
     * so `updatedAt` stays as it was.
     */
    async setSuggestions(sku: string, suggestions: readonly string[], at: Date): Promise<void> {
      await Product.updateOne(
        { _id: sku },
        { $set: { suggestions: [...suggestions], suggestionsAt: at } },
        { timestamps: false },
      );
    },
    /** Products whose alert is due (a pass over the catalogue, for the delivery sweep). */
    listAlertPending: async () =>
      (await Product.find({ alertPending: true }, NO_LEDGERS).lean<ProductDoc[]>()).map(
        (d) => toProduct(d) as Product,
      ),

    /** Every product's ledgers, for the reconcile job (one pass over the catalogue). */
    async *ledgers(): AsyncGenerator<ProductLedgers> {
      for await (const doc of Product.find({}, { reservations: 1, restocked: 1 })
        .lean<ProductDoc[]>()
        .cursor()) {
        yield { sku: doc._id, reservations: doc.reservations ?? {}, restocked: doc.restocked ?? {} };
      }
    },

    async insertMany(products: (Product & { reservations?: Record<string, Reservation> })[]): Promise<void> {
      await Product.insertMany(
        products.map(({ sku, ...rest }) => ({ _id: sku, reservations: {}, ...rest })),
        { ordered: false, lean: true },
      );
    },
    /** The low-stock alert's Slack slot (`lowStock`), claimed and stored as order posts are. */
    ...slackSlots<string, Product, 'lowStock'>(Product, (sku, expect, update) =>
      change({ _id: sku, ...expect }, update),
    ),
    count: () => Product.estimatedDocumentCount(),
    ensureIndexes: () => Product.createIndexes(),
  };
}

export type ProductRepository = ReturnType<typeof createProductRepository>;
