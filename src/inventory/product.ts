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
  createdAt: Date;
  updatedAt: Date;
}

/** What the reconcile job reads: which orders hold stock, and which returns were put back. */
export interface ProductLedgers {
  sku: string;
  /** Order number → units it holds: makes release and commit happen at most once per order. */
  reservations: Record<string, Reservation>;
  /** Returns already put back on hand, by order number, until the order records it. */
  restocked: Record<string, Reservation>;
}
