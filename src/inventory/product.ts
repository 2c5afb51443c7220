/** A product as the domain sees it; the repository is models/product.ts. */

/** One line of the reservation ledger, keyed by order number on the product. */
export interface Reservation {
  qty: number;
  at: Date;
}

export interface Product {
  sku: string;
  name: string;
  price: number;
  onHand: number;
  reserved: number;
  /**
   * Stored, not derived: `onHand - reserved`, kept in step by every update so that a reservation
   * is one conditional `$inc` (`available: {$gte: n}`) on one document.
   */
  available: number;
  lowStockThreshold: number;
  /** Set when the low-stock alert went out; cleared by a restock above the threshold. */
  lowStockAlerted: boolean;
  /** The alert is due in Slack and not posted yet: set with `lowStockAlerted`, cleared once posted. */
  alertPending?: boolean;
  /**
   * The current low-stock alert's Slack post and its poster's claim (models/slack-slots.ts), so it
   * is posted once however often it is delivered; cleared when a new alert falls due.
   */
  slack?: { lowStock?: { channel: string; ts: string; shown?: string }; lowStockClaimedAt?: Date };
  /** Bought most often with this product, best first (the nightly cross-sell, src/crosssell/). */
  suggestions?: string[];
  /** When `suggestions` last changed. */
  suggestionsAt?: Date;
  /**
   * Units sold per local day (BUSINESS_TIMEZONE), `YYYY-MM-DD` → units: an order's line adds to
   * the day it was placed in the same update that reserves it, and a rejection or cancellation
   * takes it back in the update that releases it. Days older than SALES_KEPT_DAYS are pruned by
   * the daily housekeeping. The pace of src/inventory/cover.ts is read from it.
   */
  sold?: Record<string, number>;
  /**
   * The first local day `sold` is complete from, for a product older than the history (filled
   * from recent orders by migration v4). Absent: complete from the day the product was created.
   */
  soldSince?: string;
  /** Days from ordering more to having it in stock, 0 to 365 (absent: DEFAULT_LEAD_TIME_DAYS). */
  leadTimeDays?: number;
  /**
   * Other names customers use for it, in any language (`["ספל כחול", "blue mug"]`): what their
   * own words are read against, with the name and the SKU. Trimmed, in NFC, no two the same but
   * for case; at most MAX_ALIASES of at most MAX_ALIAS_LENGTH characters. Absent: none.
   */
  aliases?: string[];
  /** The last few times stock ran low (KEEP_LOW_EPISODES), keyed by `e<start in ms>`. */
  lowEpisodes?: Record<string, LowEpisode>;
  createdAt: Date;
  updatedAt: Date;
}

/** One time stock ran low: from the low-stock alert until stock came back above the threshold. */
export interface LowEpisode {
  /** When available fell to or below the threshold (the alert went out). */
  from: Date;
  /** The threshold it fell to. */
  threshold: number;
  /** The fewest units available while it lasted. */
  lowest: number;
  /** When available came back above the threshold; absent while the episode lasts. */
  to?: Date;
}

/** The most aliases a product has. */
export const MAX_ALIASES = 20;
/** The longest alias, in characters after trimming. */
export const MAX_ALIAS_LENGTH = 60;

/**
 * Aliases as staff type them in Slack and the console: comma-separated, blanks between commas
 * dropped; `-` or `none` alone (or nothing) is no aliases. The inventory service checks the rest.
 */
export function aliasesFromText(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === '-' || trimmed.toLowerCase() === 'none') return [];
  return trimmed
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
}

/** How many low-stock episodes a product keeps, the current one included. */
export const KEEP_LOW_EPISODES = 5;

/** The product's low-stock episodes with their keys, the latest first. */
export function lowEpisodesOf(p: Pick<Product, 'lowEpisodes'>): (LowEpisode & { key: string })[] {
  return Object.entries(p.lowEpisodes ?? {})
    .map(([key, e]) => ({ ...e, key, from: new Date(e.from), ...(e.to ? { to: new Date(e.to) } : {}) }))
    .sort((a, b) => b.from.getTime() - a.from.getTime());
}

/** What the reconcile job reads: which orders hold stock, and which returns were put back. */
export interface ProductLedgers {
  sku: string;
  /** Order number → units it holds: makes release and commit happen at most once per order. */
  reservations: Record<string, Reservation>;
  /** Returns already put back on hand, by order number, until the order records it. */
  restocked: Record<string, Reservation>;
}
