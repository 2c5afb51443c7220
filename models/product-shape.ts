import { Schema } from 'mongoose';

/** The product as stored and as the domain sees it; the repository is models/product.ts. */

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

export type ProductDoc = Omit<Product, 'sku'> & {
  _id: string;
  reservations: Record<string, Reservation>;
  restocked?: Record<string, Reservation>;
};

export const productSchema = new Schema<ProductDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    price: { type: Number, required: true, min: 0 },
    onHand: { type: Number, required: true, min: 0 },
    reserved: { type: Number, required: true, default: 0 },
    available: { type: Number, required: true },
    lowStockThreshold: { type: Number, required: true, default: 5, min: 0 },
    lowStockAlerted: { type: Boolean, required: true, default: false },
    alertPending: Boolean,
    slack: { lowStock: { channel: String, ts: String, shown: String }, lowStockClaimedAt: Date },
    suggestions: { type: [String], default: undefined },
    suggestionsAt: Date,
    reservations: { type: Schema.Types.Mixed, default: () => ({}) },
    restocked: { type: Schema.Types.Mixed },
  },
  { timestamps: true, minimize: false, versionKey: false },
);
productSchema.index({ lowStockAlerted: 1 });

export const ledger = (orderNumber: number) => `reservations.${orderNumber}`;
export const mark = (orderNumber: number) => `restocked.${orderNumber}`;
/**
 * Reads leave out the ledgers: they grow with the product's open orders and only the reconcile job
 * needs them. Changes cannot ask for that with findAndModify, which FerretDB v1 refuses to run with
 * a projection (`fields`: "not implemented yet"), so a change is an `updateOne` with the same
 * conditional filter (the invariant stays one conditional single-document update), followed by a
 * projected read by key of the product as it is now.
 */
export const NO_LEDGERS = { reservations: 0, restocked: 0 } as const;

export function toProduct(doc: ProductDoc | null): Product | null {
  if (!doc) return null;
  const { _id, reservations: _r, restocked: _s, ...rest } = doc;
  return { sku: _id, ...rest };
}
