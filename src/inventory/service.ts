import type { ProductRepository, Sale } from '../../models/product.js';
import { addDays, localDay } from '../digest/days.js';
import { AppError, isDuplicateKey } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';
import { isXmlText } from '../xml-text.js';
import { MAX_LEAD_TIME_DAYS, SALES_KEPT_DAYS } from './cover.js';
import { KEEP_LOW_EPISODES, lowEpisodesOf, MAX_ALIAS_LENGTH, MAX_ALIASES, type Product } from './product.js';
import { MAX_STOCK_UNITS } from './sku.js';

/**
 * Stock levels and reservations (README "Inventory rules"). Every invariant is one conditional
 * update on one product document (models/product.ts) — no transactions, so it holds on FerretDB
 * and on any number of servers sharing a real MongoDB. The ledgers keyed by order number make
 * release, commit and restock happen at most once per order, so a retry after a crash is safe.
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
  leadTimeDays?: number;
  /** Other names customers use for it (see `Product.aliases`); checked as `setAliases` checks them. */
  aliases?: readonly string[];
}

interface InventoryDeps {
  products: ProductRepository;
  events: EventBus;
  log: Logger;
  /** BUSINESS_TIMEZONE: the local day a sale counts on (`sold.<day>`). */
  timezone: string;
}

const bySkuOrder = (x: StockLine, y: StockLine) => (x.sku < y.sku ? -1 : x.sku > y.sku ? 1 : 0);

export function createInventoryService({ products, events, log, timezone }: InventoryDeps) {
  async function mustGet(sku: string): Promise<Product> {
    const product = await products.get(sku);
    if (!product) throw new AppError('not_found', `No product with SKU ${sku}.`, { details: { sku } });
    return product;
  }

  /** The local day of a sale made at `at`. */
  const saleOf = (at: Date): Sale => ({ at, day: localDay(at, timezone) });
  /** The day a sale placed at `at` counts on, while that day is kept (null once pruned). */
  function keptDay(at: Date, now = new Date()): string | null {
    const day = localDay(at, timezone);
    return day >= addDays(localDay(now, timezone), -SALES_KEPT_DAYS) ? day : null;
  }

  /**
   * One alert when available falls to or below the threshold; re-armed only when stock is back
   * above it. The flag flip is itself conditional, so concurrent reservations alert once. The
   * flip opens a low-stock episode, the re-arm closes it, and in between a lower available is
   * noted as the episode's lowest.
   */
  async function checkLowStock<P extends Product | null>(product: P): Promise<P> {
    if (!product) return product;
    const low = product.available <= product.lowStockThreshold;
    const episodes = lowEpisodesOf(product);
    const open = product.lowStockAlerted ? episodes.find((e) => !e.to) : undefined;
    if (low && !product.lowStockAlerted) {
      let at = Date.now();
      // Keyed by its start: two episodes begun in one millisecond still get a key each.
      while (episodes.some((e) => e.key === `e${at}`)) at++;
      const from = new Date(at);
      const key = `e${at}`;
      const drop = episodes.slice(KEEP_LOW_EPISODES - 1).map((e) => e.key);
      const episode = { key, from, threshold: product.lowStockThreshold, lowest: product.available };
      const flipped = await products.markLowAlerted(product.sku, episode, drop);
      if (flipped) {
        log.warn(
          { sku: product.sku, available: flipped.available, threshold: flipped.lowStockThreshold },
          'stock low',
        );
        if (flipped.available < product.available)
          await products.noteLowest(product.sku, key, Math.max(0, flipped.available));
        events.emit('stock.low', { product: flipped });
      }
    } else if (low && open && product.available < open.lowest) {
      await products.noteLowest(product.sku, open.key, Math.max(0, product.available));
    } else if (!low && product.lowStockAlerted) {
      await products.rearmLowAlert(product.sku, product.lowStockThreshold, open?.key);
    }
    return product;
  }

  /** A count of units within the stock's bounds (`MAX_STOCK_UNITS`), or a validation error. */
  function units(n: number, path: string): void {
    if (Number.isInteger(n) && n >= 0 && n <= MAX_STOCK_UNITS) return;
    const message = `${path} must be a whole number from 0 to ${MAX_STOCK_UNITS.toLocaleString('en-US')}.`;
    throw new AppError('validation_error', message, { details: [{ path, message }] });
  }

  /** A lead time in whole days within 0 to MAX_LEAD_TIME_DAYS, or a validation error. */
  function leadDays(n: number, path: string): void {
    if (Number.isInteger(n) && n >= 0 && n <= MAX_LEAD_TIME_DAYS) return;
    const message = `${path} must be a whole number of days from 0 to ${MAX_LEAD_TIME_DAYS}.`;
    throw new AppError('validation_error', message, { details: [{ path, message }] });
  }

  /**
   * The aliases as kept: each trimmed and in NFC, and a name given again in another case kept once
   * (as first spelled); an empty list is none. Anything else is a validation error saying what.
   */
  function aliasList(aliases: readonly string[]): string[] {
    const refuse = (message: string): never => {
      throw new AppError('validation_error', message, { details: [{ path: 'aliases', message }] });
    };
    if (!Array.isArray(aliases) || aliases.some((a) => typeof a !== 'string'))
      refuse('aliases must be a list of names (strings).');
    const kept = new Map<string, string>();
    aliases.forEach((raw, i) => {
      const alias = raw.trim().normalize('NFC');
      const problem = aliasProblem(alias, i + 1);
      if (problem) refuse(problem);
      const key = alias.toLowerCase();
      if (!kept.has(key)) kept.set(key, alias);
    });
    if (kept.size > MAX_ALIASES)
      refuse(`aliases must be at most ${MAX_ALIASES} different names; ${kept.size} were given.`);
    return [...kept.values()];
  }

  async function create(input: NewProduct): Promise<Product> {
    units(input.onHand, 'onHand');
    if (input.lowStockThreshold !== undefined) units(input.lowStockThreshold, 'lowStockThreshold');
    if (input.leadTimeDays !== undefined) leadDays(input.leadTimeDays, 'leadTimeDays');
    const { aliases: given, ...fields } = input;
    const aliases = given === undefined ? [] : aliasList(given);
    try {
      const product = await products.insert({
        ...fields,
        lowStockThreshold: input.lowStockThreshold ?? 5,
        ...(aliases.length > 0 ? { aliases } : {}),
      });
      await checkLowStock(product);
      events.emit('catalogue.changed', { sku: product.sku });
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
    units(onHand, 'set');
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
      const updated = await products.setOnHand(sku, onHand, current.reserved);
      if (updated) return checkLowStock(updated);
    }
    throw new AppError('conflict', `${sku} is changing too fast to set its stock; try again.`);
  }

  /** Adds (or with a negative number removes) units; never takes available below zero. */
  async function addStock(sku: string, delta: number): Promise<Product> {
    units(Math.abs(delta), 'add');
    const updated = await products.addOnHand(sku, delta);
    if (updated) return checkLowStock(updated);
    const current = await mustGet(sku);
    throw new AppError('conflict', `${sku}: only ${current.available} available, cannot remove ${-delta}.`, {
      details: { sku, available: current.available, requested: delta },
    });
  }

  async function setThreshold(sku: string, lowStockThreshold: number): Promise<Product> {
    units(lowStockThreshold, 'lowStockThreshold');
    const updated = await products.setThreshold(sku, lowStockThreshold);
    if (!updated) return mustGet(sku);
    return checkLowStock(updated);
  }

  /** Sets the days from ordering more to having it in stock (the suggested reorder covers them). */
  async function setLeadTime(sku: string, leadTimeDays: number): Promise<Product> {
    leadDays(leadTimeDays, 'leadTimeDays');
    return (await products.setLeadTime(sku, leadTimeDays)) ?? mustGet(sku);
  }

  /** Replaces the other names customers use for the product (an empty list clears them). */
  async function setAliases(sku: string, aliases: readonly string[]): Promise<Product> {
    const updated = await products.setAliases(sku, aliasList(aliases));
    if (!updated) return mustGet(sku);
    events.emit('catalogue.changed', { sku });
    return updated;
  }

  /**
   * Reserves every line for the order, or nothing. Returns the products as reserved (their names
   * and prices price the order). An unknown SKU is a validation error; when lines are short, the
   * lines already reserved are released again and the error names each short SKU with what is
   * available. Each line counts as sold on the local day of `placedAt` (the order's `createdAt`).
   */
  async function reserve(
    orderNumber: number,
    lines: StockLine[],
    seen: ReadonlyMap<string, Product> = new Map(),
    placedAt = new Date(),
  ): Promise<Map<string, Product>> {
    const sale = saleOf(placedAt);
    const reserved = new Map<string, Product>();
    // Products the reservation read back, as they are now: the low-stock rule looks at these.
    const current: Product[] = [];
    const short: ShortLine[] = [];
    const unknown: string[] = [];
    // Always in SKU order, so concurrent multi-line orders contend for products in the same
    // sequence instead of each holding one line the other needs.
    for (const line of [...lines].sort(bySkuOrder)) {
      const failed = short.length > 0 || unknown.length > 0;
      // Once the order fails, the rest is only read, so as not to hold stock needlessly.
      const result = failed
        ? await peek(line)
        : await reserveLine(orderNumber, line, sale, seen.get(line.sku));
      if ('product' in result) {
        if (!failed) reserved.set(line.sku, result.product);
        if (!failed && result.current) current.push(result.product);
      } else if (result.available === undefined) {
        unknown.push(line.sku);
      } else {
        short.push({ sku: line.sku, requested: line.quantity, available: Math.max(0, result.available) });
      }
    }
    if (short.length > 0 || unknown.length > 0) {
      await release(
        orderNumber,
        lines.filter((l) => reserved.has(l.sku)),
        placedAt,
      );
      throw refusal(lines, short, unknown);
    }
    for (const product of current) await checkLowStock(product);
    return reserved;
  }

  /**
   * Refuses the lines as `reserve` would, by reading only: an unknown SKU or a short line is
   * reported before an order number is spent on it. (A race can still make `reserve` refuse.)
   * Returns the products read, for `reserve` to take its quick way with.
   */
  async function check(lines: StockLine[]): Promise<Map<string, Product>> {
    const found = new Map((await products.getMany(lines.map((l) => l.sku))).map((p) => [p.sku, p]));
    const unknown = lines.filter((l) => !found.has(l.sku)).map((l) => l.sku);
    const short = lines.flatMap((l) => {
      const available = found.get(l.sku)?.available;
      return available !== undefined && available < l.quantity
        ? [{ sku: l.sku, requested: l.quantity, available: Math.max(0, available) }]
        : [];
    });
    if (unknown.length > 0 || short.length > 0) throw refusal(lines, short, unknown);
    return found;
  }

  async function peek(
    line: StockLine,
  ): Promise<{ product: Product; current: boolean } | { available: number | undefined }> {
    const current = await products.get(line.sku);
    if (current && current.available >= line.quantity) return { product: current, current: true };
    return { available: current?.available };
  }

  /**
   * One line's conditional reservation. When the product as `seen` just before (by `check`) has
   * stock well above its threshold, the quick way reserves only if that still holds, in one write
   * and no read: the low-stock rule has nothing to do, and the product's name and price are those
   * seen (they never change once created). Otherwise, or if the quick way missed, the ordinary
   * reservation reads the product back (`current`) for the low-stock rule. A miss is retried while
   * the product shows enough stock: it may have been another order's reservation since released.
   */
  async function reserveLine(
    orderNumber: number,
    line: StockLine,
    sale: Sale,
    seen?: Product,
  ): Promise<{ product: Product; current: boolean } | { available: number | undefined }> {
    const { sku, quantity } = line;
    if (seen && !seen.lowStockAlerted && seen.available - quantity > seen.lowStockThreshold) {
      if (
        await products.reserveLineAboveThreshold(sku, orderNumber, quantity, seen.lowStockThreshold, sale)
      ) {
        return { product: seen, current: false };
      }
    }
    let available: number | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      const product = await products.reserveLine(sku, orderNumber, quantity, sale);
      if (product) return { product, current: true };
      const current = await products.get(line.sku);
      available = current?.available;
      if (available === undefined || available < line.quantity) break;
    }
    return { available };
  }

  /**
   * Gives the order's reserved units back, and takes them off the sales of the day it was placed
   * (`placedAt`: the order's `createdAt`, or its reservation's time). Safe to repeat: the ledger
   * entry goes with it. Stock only rises, so the low-stock rule can only re-arm an alert that is
   * out (`'unalerted'`: none).
   */
  async function release(orderNumber: number, lines: StockLine[], placedAt: Date): Promise<void> {
    const day = keptDay(placedAt);
    for (const line of lines) {
      const product = await products.releaseLine(line.sku, orderNumber, line.quantity, day);
      if (product !== 'unalerted') await checkLowStock(product);
    }
  }

  /**
   * At ship: the reservation becomes a decrement of on-hand. Safe to repeat. Available stays as
   * it was, so the low-stock rule has nothing to look at.
   */
  async function commit(orderNumber: number, lines: StockLine[]): Promise<void> {
    for (const line of lines) await products.commitLine(line.sku, orderNumber, line.quantity);
  }

  /** At receive_return: the goods are back on hand. Safe to repeat until `clearRestocked`. */
  async function restock(orderNumber: number, lines: StockLine[]): Promise<void> {
    for (const line of lines) {
      const product = await products.restockLine(line.sku, orderNumber, line.quantity);
      if (product === 'unalerted') continue;
      if (!product && !(await products.get(line.sku))) {
        log.error({ sku: line.sku, quantity: line.quantity }, 'returned goods for a deleted product');
      }
      await checkLowStock(product);
    }
  }

  return {
    get: mustGet,
    getMany: (skus: readonly string[]) => products.getMany(skus),
    list: () => products.list(),
    /** A page of the catalogue by SKU after `after`; `next` is the last SKU shown while more follow. */
    async listPage(page: {
      after?: string;
      limit: number;
    }): Promise<{ items: Product[]; next: string | null }> {
      const rows = await products.page(page.after, page.limit + 1);
      const items = rows.slice(0, page.limit);
      return { items, next: rows.length > page.limit ? (items.at(-1)?.sku ?? null) : null };
    },
    /** Products at or below their threshold: those whose low-stock alert is out. */
    listLow: () => products.listLowAlerted(100),
    count: () => products.count(),
    create,
    check,
    setStock,
    addStock,
    setThreshold,
    setLeadTime,
    setAliases,
    reserve,
    release,
    commit,
    restock,
    /** Drops the restock marks once the order itself records that its goods are back. */
    clearRestocked: (orderNumber: number, skus: readonly string[]) =>
      products.clearRestocked(skus, orderNumber),
    ledgers: () => products.ledgers(),
    /** Products whose low-stock alert is due in Slack and not posted yet. */
    alertsDue: () => products.listAlertPending(),
    /** The product's alert was posted. */
    settleAlert: (sku: string) => products.settleAlert(sku),
    /** Drops sales older than the longest pace from every product (the daily housekeeping). */
    pruneSales: (now = new Date()) => products.pruneSales(addDays(localDay(now, timezone), -SALES_KEPT_DAYS)),
    /** Re-applies the low-stock rule (a crash may have come between a change and its flag). */
    recheckLowStock: async (sku: string) => checkLowStock(await products.get(sku)),
  };
}

/** What is wrong with the `n`th alias (trimmed), said for the caller; undefined when nothing is. */
function aliasProblem(alias: string, n: number): string | undefined {
  const length = [...alias].length;
  const rule = `aliases must each be 1 to ${MAX_ALIAS_LENGTH} characters (spaces around them do not count)`;
  if (length === 0) return `${rule}: alias ${n} is blank.`;
  if (length > MAX_ALIAS_LENGTH)
    return `${rule}: alias ${n} ("${[...alias].slice(0, 20).join('')}…") has ${length}.`;
  if (/\p{Cc}/u.test(alias) || !isXmlText(alias))
    return `aliases must not contain control characters: alias ${n} does.`;
  return undefined;
}

/** 400 for SKUs we do not sell, else 409 naming each short line in the order it was given. */
function refusal(lines: StockLine[], short: ShortLine[], unknown: string[]): AppError {
  if (unknown.length > 0) {
    return new AppError('validation_error', `Unknown SKU: ${unknown.join(', ')}.`, {
      details: unknown.map((sku) => ({ path: 'items', message: `unknown SKU ${sku}`, sku })),
    });
  }
  const position = (sku: string) => lines.findIndex((l) => l.sku === sku);
  short.sort((x, y) => position(x.sku) - position(y.sku));
  const list = short.map((s) => `${s.sku} (requested ${s.requested}, available ${s.available})`).join(', ');
  return new AppError('insufficient_stock', `Not enough stock for ${list}.`, { details: { items: short } });
}

export type InventoryService = ReturnType<typeof createInventoryService>;
