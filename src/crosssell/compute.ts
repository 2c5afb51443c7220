/**
 * Products bought together, from order history: pure, no I/O (the nightly job in
 * src/crosssell/service.ts feeds it and stores the result on each product).
 *
 * - **Co-occurrence** of A and B is the number of orders holding both, whatever the quantities: two
 *   mugs and a tote count once, like one mug and one tote.
 * - **Minimum support** (`MIN_SUPPORT`, 2): a pair seen in one order only is chance, not a pattern,
 *   so it is never suggested; it takes two separate orders.
 * - **Ranking**: most orders together first; ties by SKU in code-unit order, so a run on the same
 *   history gives the same lists on every server (and an unchanged product is not rewritten).
 * - **Never suggested**: the product itself, a product that is out of stock (`available <= 0`) or
 *   no longer in the catalogue. Cancelled and rejected orders were never bought and do not count.
 */
import type { OrderStatus } from '../orders/lifecycle.js';

export const MIN_SUPPORT = 2;
export const MAX_SUGGESTIONS = 3;
/** Orders that never became a purchase. */
const NOT_BOUGHT: ReadonlySet<OrderStatus> = new Set(['cancelled', 'rejected']);

/** What the computation reads of an order. */
export interface Basket {
  status: OrderStatus;
  items: readonly { sku: string }[];
}

/** What it reads of a product: whether it may be suggested. */
export interface Stocked {
  sku: string;
  available: number;
}

export interface SuggestOptions {
  minSupport?: number;
  max?: number;
}

const bySku = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Counts pairs order by order, so a long history streams through without being held in memory:
 * what is kept is one counter per pair of products actually bought together.
 */
export function createPairCounter() {
  const pairs = new Map<string, Map<string, number>>();
  let counted = 0;

  const bump = (a: string, b: string) => {
    const row = pairs.get(a) ?? new Map<string, number>();
    row.set(b, (row.get(b) ?? 0) + 1);
    pairs.set(a, row);
  };

  return {
    add(order: Basket): void {
      if (NOT_BOUGHT.has(order.status)) return;
      const skus = [...new Set(order.items.map((i) => i.sku))];
      if (skus.length < 2) return;
      counted++;
      for (let i = 0; i < skus.length; i++) {
        for (let j = i + 1; j < skus.length; j++) {
          const [a, b] = [skus[i] as string, skus[j] as string];
          bump(a, b);
          bump(b, a);
        }
      }
    },
    /** Orders with two or more products that counted. */
    get orders() {
      return counted;
    },
    /** How many counted orders hold both (0 if never together). */
    together: (a: string, b: string) => pairs.get(a)?.get(b) ?? 0,
    /**
     * Each catalogue product's suggestions, best first; a product with none gets `[]`. Only
     * products of `catalogue` with `available > 0` are suggested.
     */
    suggestions(catalogue: readonly Stocked[], opts: SuggestOptions = {}): Map<string, string[]> {
      const minSupport = Math.max(1, opts.minSupport ?? MIN_SUPPORT);
      const max = Math.max(0, opts.max ?? MAX_SUGGESTIONS);
      const inStock = new Set(catalogue.filter((p) => p.available > 0).map((p) => p.sku));
      const out = new Map<string, string[]>();
      for (const { sku } of catalogue) {
        const row = pairs.get(sku);
        const ranked = [...(row ?? [])]
          .filter(([other, n]) => other !== sku && n >= minSupport && inStock.has(other))
          .sort(([a, x], [b, y]) => y - x || bySku(a, b))
          .slice(0, max)
          .map(([other]) => other);
        out.set(sku, ranked);
      }
      return out;
    },
  };
}

export type PairCounter = ReturnType<typeof createPairCounter>;

/** The whole computation on orders already in memory (the service streams them instead). */
export function computeSuggestions(
  orders: Iterable<Basket>,
  catalogue: readonly Stocked[],
  opts: SuggestOptions = {},
): Map<string, string[]> {
  const counter = createPairCounter();
  for (const order of orders) counter.add(order);
  return counter.suggestions(catalogue, opts);
}

/**
 * Every candidate for a basket, best first, from its products' stored lists: a candidate scores
 * `MAX_SUGGESTIONS - rank` for each basket product that lists it (first place counts most, and being listed
 * by several basket products adds up); ties go to the candidate met first, walking the basket in
 * order and each list from the top. Basket products themselves are never returned. `boughtWith`
 * is the basket product that ranks the candidate highest.
 */
export function rankForBasket(
  basket: readonly { sku: string; suggestions?: readonly string[] }[],
): { sku: string; boughtWith: string }[] {
  const inBasket = new Set(basket.map((p) => p.sku));
  const found = new Map<string, { score: number; seen: number; rank: number; boughtWith: string }>();
  let seen = 0;
  for (const product of basket) {
    const list = product.suggestions ?? [];
    list.forEach((sku, rank) => {
      if (inBasket.has(sku)) return;
      const points = Math.max(1, MAX_SUGGESTIONS - rank);
      const entry = found.get(sku);
      if (!entry) {
        found.set(sku, { score: points, seen: seen++, rank, boughtWith: product.sku });
        return;
      }
      entry.score += points;
      if (rank < entry.rank) Object.assign(entry, { rank, boughtWith: product.sku });
    });
  }
  return [...found]
    .sort(([, a], [, b]) => b.score - a.score || a.seen - b.seen)
    .map(([sku, e]) => ({ sku, boughtWith: e.boughtWith }));
}
