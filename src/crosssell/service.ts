import type { ProductRepository } from '../../models/product.js';
import type { SettingRepository } from '../../models/setting.js';
import type { InventoryService } from '../inventory/service.js';
import type { Logger } from '../logger.js';
import type { OrderService } from '../orders/service.js';
import { createPairCounter, MAX_SUGGESTIONS, rankForBasket } from './compute.js';

/** The history the nightly run reads. */
export const CROSS_SELL_WINDOW_MS = 90 * 24 * 3600_000;
/** `settings` entry holding when the last run finished (ISO time): whether it ever ran. */
const LAST_RUN = 'cross-sell:last-run';
/** A basket longer than any order (the SMS and API limits are 20 and 50 lines) is cut here. */
const MAX_BASKET = 50;

/** A product to offer with a basket. `price` in minor units, like every price. */
export interface Suggestion {
  sku: string;
  name: string;
  price: number;
  /** The basket product it is most often bought with. */
  boughtWith: string;
}

/**
 * Cross-sell: "often bought with it". Each night `recompute` counts which products were bought
 * together in the last 90 days (src/crosssell/compute.ts) and stores each product's best few on the
 * product itself (`suggestions`), so that a suggestion at order time is two reads by key: the
 * basket's products, then the candidates (to skip what sold out since the night).
 */
export function createCrossSell(deps: {
  orders: Pick<OrderService, 'between'>;
  inventory: Pick<InventoryService, 'list' | 'getMany'>;
  products: Pick<ProductRepository, 'setSuggestions'>;
  settings: Pick<SettingRepository, 'get' | 'put'>;
  log: Logger;
}) {
  const { orders, inventory, products, settings, log } = deps;

  /**
   * Counts the orders placed in the 90 days before `now` (read by key, oldest first), then writes
   * the list of each product whose list changed. Safe to run twice or on two servers at once:
   * both write the same lists.
   */
  async function recompute(now = new Date()): Promise<{ orders: number; products: number; changed: number }> {
    const counter = createPairCounter();
    let read = 0;
    for await (const order of orders.between(new Date(now.getTime() - CROSS_SELL_WINDOW_MS), now)) {
      counter.add(order);
      read++;
    }
    // The catalogue after the history: stock as close to now as it gets.
    const catalogue = await inventory.list();
    const lists = counter.suggestions(catalogue);
    let changed = 0;
    for (const product of catalogue) {
      const next = lists.get(product.sku) ?? [];
      if (sameList(product.suggestions ?? [], next)) continue;
      await products.setSuggestions(product.sku, next, now);
      changed++;
    }
    await settings.put(LAST_RUN, now.toISOString());
    log.info(
      { orders: read, together: counter.orders, products: catalogue.length, changed },
      'cross-sell suggestions computed',
    );
    return { orders: read, products: catalogue.length, changed };
  }

  /** When the last run finished, or null if it never ran. */
  async function lastRun(): Promise<Date | null> {
    const value = await settings.get(LAST_RUN);
    const at = value ? new Date(value) : null;
    return at && Number.isFinite(at.getTime()) ? at : null;
  }

  /**
   * Up to `max` products to offer with a basket, best first: from the basket products' stored
   * lists (ranked by `rankForBasket`), never one already in the basket, never one unknown or out
   * of stock now. Unknown basket SKUs are ignored. Two reads by key.
   */
  async function suggestionsFor(skus: readonly string[], max = MAX_SUGGESTIONS): Promise<Suggestion[]> {
    const basket = [...new Set(skus)].slice(0, MAX_BASKET);
    if (basket.length === 0 || max <= 0) return [];
    const found = new Map((await inventory.getMany(basket)).map((p) => [p.sku, p]));
    const ranked = rankForBasket(basket.flatMap((sku) => found.get(sku) ?? []));
    if (ranked.length === 0) return [];
    const candidates = new Map((await inventory.getMany(ranked.map((r) => r.sku))).map((p) => [p.sku, p]));
    return ranked
      .flatMap(({ sku, boughtWith }) => {
        const p = candidates.get(sku);
        return p && p.available > 0 ? [{ sku, name: p.name, price: p.price, boughtWith }] : [];
      })
      .slice(0, max);
  }

  /** The one best product to offer with a basket (the SMS summary, the follow-up text), if any. */
  async function suggestFor(skus: readonly string[]): Promise<Suggestion | undefined> {
    return (await suggestionsFor(skus, 1))[0];
  }

  return { recompute, lastRun, suggestionsFor, suggestFor };
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((s, i) => s === b[i]);

export type CrossSell = ReturnType<typeof createCrossSell>;
