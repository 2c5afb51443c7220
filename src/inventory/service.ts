import type { Models } from '../../models/index.js';
import type { Product } from '../../models/product.js';
import { AppError, isDuplicateKey } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';

/**
 * Stock levels and reservations (SPEC "Inventory rules"). Every invariant is one conditional
 * update on one product document — no transactions, so it holds on FerretDB and on any number of
 * servers sharing a real MongoDB:
 *   reserve:  {available: {$gte: n}}               $inc reserved +n, available -n, ledger[order] = n
 *   release:  {ledger[order] exists}               $inc reserved -n, available +n, unset ledger
 *   commit:   {ledger[order] exists}               $inc onHand -n, reserved -n,   unset ledger
 *   restock:  {restocked[order] absent}            $inc onHand +n, available +n,  restocked[order] = n
 * The ledgers (`reservations.<orderId>`, `restocked.<orderId>`) make release, commit and restock
 * happen at most once per order, so a retry after a crash is always safe.
 */

export interface StockLine {
  sku: string;
  quantity: number;
}

export interface ShortLine {
  sku: string;
  requested: number;
  available: number;
}

export interface NewProduct {
  sku: string;
  name: string;
  price: number;
  onHand: number;
  lowStockThreshold?: number;
}

interface Deps {
  models: Models;
  events: EventBus;
  log: Logger;
}

const ledgerKey = (orderId: string) => `reservations.${orderId}`;
// FerretDB v1 refuses a projection on findAndModify, so updates return the ledgers too.
const AFTER = { returnDocument: 'after', lean: true } as const;
/** Reads leave out the ledgers: they can be long and nothing outside this file needs them. */
const NO_LEDGERS = { reservations: 0, restocked: 0 } as const;

export function createInventoryService({ models, events, log }: Deps) {
  const { Product } = models;

  async function mustGet(sku: string): Promise<Product> {
    const product = await Product.findOne({ sku }, NO_LEDGERS).lean<Product>();
    if (!product) throw new AppError('not_found', `No product with SKU ${sku}.`, { details: { sku } });
    return product;
  }

  /**
   * One alert when available falls to or below the threshold; re-armed only when stock is back
   * above it. The flag flip is itself conditional, so concurrent reservations alert once.
   */
  async function checkLowStock<P extends Product | null>(product: P): Promise<P> {
    if (!product) return product;
    const low = product.available <= product.lowStockThreshold;
    if (low && !product.lowStockAlerted) {
      const flipped = await Product.findOneAndUpdate(
        { sku: product.sku, lowStockAlerted: false },
        { $set: { lowStockAlerted: true } },
        AFTER,
      );
      if (flipped) {
        log.warn(
          { sku: product.sku, available: flipped.available, threshold: flipped.lowStockThreshold },
          'stock low',
        );
        events.emit('stock.low', { product: flipped as Product });
      }
    } else if (!low && product.lowStockAlerted) {
      await Product.updateOne(
        { sku: product.sku, lowStockAlerted: true, available: { $gt: product.lowStockThreshold } },
        { $set: { lowStockAlerted: false } },
      );
    }
    return product;
  }

  async function create(input: NewProduct): Promise<Product> {
    try {
      const doc = await Product.create({
        ...input,
        reserved: 0,
        available: input.onHand,
        lowStockThreshold: input.lowStockThreshold ?? 5,
        lowStockAlerted: false,
        reservations: {},
      });
      const product = doc.toObject() as Product;
      await checkLowStock(product);
      return product;
    } catch (err) {
      if (isDuplicateKey(err)) {
        throw new AppError('conflict', `A product with SKU ${input.sku} already exists.`, {
          details: { sku: input.sku },
        });
      }
      throw err;
    }
  }

  /** Sets on-hand to an absolute count; refused below what open orders hold. */
  async function setStock(sku: string, onHand: number): Promise<Product> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = await mustGet(sku);
      if (onHand < current.reserved) {
        throw new AppError(
          'conflict',
          `${sku}: ${current.reserved} units are reserved by open orders; on hand cannot be set below that.`,
          { details: { sku, reserved: current.reserved, requested: onHand } },
        );
      }
      // Compare-and-set on `reserved` so `available` stays exactly onHand - reserved.
      const updated = await Product.findOneAndUpdate(
        { sku, reserved: current.reserved },
        { $set: { onHand, available: onHand - current.reserved } },
        AFTER,
      );
      if (updated) return checkLowStock(updated as Product);
    }
    throw new AppError('conflict', `${sku} is changing too fast to set its stock; try again.`);
  }

  /** Adds (or with a negative number removes) units; never takes available below zero. */
  async function addStock(sku: string, delta: number): Promise<Product> {
    const filter = delta < 0 ? { sku, available: { $gte: -delta } } : { sku };
    const updated = await Product.findOneAndUpdate(
      filter,
      { $inc: { onHand: delta, available: delta } },
      AFTER,
    );
    if (updated) return checkLowStock(updated as Product);
    const current = await mustGet(sku);
    throw new AppError('conflict', `${sku}: only ${current.available} available, cannot remove ${-delta}.`, {
      details: { sku, available: current.available, requested: delta },
    });
  }

  async function setThreshold(sku: string, lowStockThreshold: number): Promise<Product> {
    const updated = await Product.findOneAndUpdate({ sku }, { $set: { lowStockThreshold } }, AFTER);
    if (!updated) await mustGet(sku);
    return checkLowStock(updated as Product);
  }

  /**
   * Reserves every line for the order, or nothing: when a line is short, the lines already
   * reserved are released again and the error names each short SKU with what is available.
   */
  async function reserve(orderId: string, lines: StockLine[]): Promise<void> {
    const reserved: Product[] = [];
    const short: ShortLine[] = [];
    // Always in SKU order, so concurrent multi-line orders contend for products in the same
    // sequence instead of each holding one line the other needs.
    const sorted = [...lines].sort((x, y) => (x.sku < y.sku ? -1 : x.sku > y.sku ? 1 : 0));
    for (const line of sorted) {
      let available: number;
      if (short.length === 0) {
        const result = await reserveLine(orderId, line);
        if ('product' in result) {
          reserved.push(result.product);
          continue;
        }
        available = result.available;
      } else {
        // The order fails anyway: only read the rest, so as not to hold stock needlessly.
        const current = await Product.findOne({ sku: line.sku }, { available: 1 }).lean<Product>();
        available = current?.available ?? 0;
        if (available >= line.quantity) continue;
      }
      short.push({ sku: line.sku, requested: line.quantity, available: Math.max(0, available) });
    }
    if (short.length > 0) {
      // Report in the order the lines were given, not the SKU order they were reserved in.
      const position = (sku: string) => lines.findIndex((l) => l.sku === sku);
      short.sort((x, y) => position(x.sku) - position(y.sku));
      await release(
        orderId,
        lines.filter((l) => reserved.some((p) => p.sku === l.sku)),
      );
      const list = short
        .map((s) => `${s.sku} (requested ${s.requested}, available ${s.available})`)
        .join(', ');
      throw new AppError('insufficient_stock', `Not enough stock for ${list}.`, {
        details: { items: short },
      });
    }
    for (const product of reserved) await checkLowStock(product);
  }

  /**
   * One line's conditional reservation. A miss is retried while the product shows enough stock:
   * the miss may have been another order's reservation that has since been released.
   */
  async function reserveLine(
    orderId: string,
    line: StockLine,
  ): Promise<{ product: Product } | { available: number }> {
    let available = 0;
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = await Product.findOneAndUpdate(
        { sku: line.sku, available: { $gte: line.quantity }, [ledgerKey(orderId)]: { $exists: false } },
        {
          $inc: { reserved: line.quantity, available: -line.quantity },
          $set: { [ledgerKey(orderId)]: { qty: line.quantity, at: new Date() } },
        },
        AFTER,
      );
      if (doc) return { product: doc as Product };
      const current = await Product.findOne({ sku: line.sku }, { available: 1 }).lean<Product>();
      available = current?.available ?? 0;
      if (available < line.quantity) break;
    }
    return { available };
  }

  /** Gives the order's reserved units back. Safe to repeat: the ledger entry goes with it. */
  async function release(orderId: string, lines: StockLine[]): Promise<void> {
    for (const line of lines) {
      const doc = await Product.findOneAndUpdate(
        { sku: line.sku, [ledgerKey(orderId)]: { $exists: true } },
        {
          $inc: { reserved: -line.quantity, available: line.quantity },
          $unset: { [ledgerKey(orderId)]: '' },
        },
        AFTER,
      );
      await checkLowStock(doc as Product | null);
    }
  }

  /** At ship: the reservation becomes a decrement of on-hand. Safe to repeat. */
  async function commit(orderId: string, lines: StockLine[]): Promise<void> {
    for (const line of lines) {
      const doc = await Product.findOneAndUpdate(
        { sku: line.sku, [ledgerKey(orderId)]: { $exists: true } },
        { $inc: { reserved: -line.quantity, onHand: -line.quantity }, $unset: { [ledgerKey(orderId)]: '' } },
        AFTER,
      );
      await checkLowStock(doc as Product | null);
    }
  }

  /** At receive_return: the goods are back on hand. Safe to repeat until `clearRestocked`. */
  async function restock(orderId: string, lines: StockLine[]): Promise<void> {
    const mark = `restocked.${orderId}`;
    for (const line of lines) {
      const doc = await Product.findOneAndUpdate(
        { sku: line.sku, [mark]: { $exists: false } },
        {
          $inc: { onHand: line.quantity, available: line.quantity },
          $set: { [mark]: { qty: line.quantity, at: new Date() } },
        },
        AFTER,
      );
      if (!doc && !(await Product.exists({ sku: line.sku }))) {
        log.error({ sku: line.sku, quantity: line.quantity }, 'returned goods for a deleted product');
      }
      await checkLowStock(doc as Product | null);
    }
  }

  /** Drops the restock marks once the order itself records that its goods are back. */
  async function clearRestocked(orderId: string, skus: string[]): Promise<void> {
    await Product.updateMany({ sku: { $in: skus } }, { $unset: { [`restocked.${orderId}`]: '' } });
  }

  return {
    get: mustGet,
    list: (opts: { skus?: string[] } = {}) =>
      Product.find(opts.skus ? { sku: { $in: opts.skus } } : {}, NO_LEDGERS)
        .sort({ sku: 1 })
        .lean<Product[]>(),
    /** Products at or below their threshold: those whose low-stock alert is out. */
    listLow: () =>
      Product.find({ lowStockAlerted: true }, NO_LEDGERS)
        .sort({ available: 1, sku: 1 })
        .limit(100)
        .lean<Product[]>(),
    create,
    setStock,
    addStock,
    setThreshold,
    reserve,
    release,
    commit,
    restock,
    clearRestocked,
  };
}

export type InventoryService = ReturnType<typeof createInventoryService>;
