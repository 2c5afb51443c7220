import { Schema } from 'mongoose';
import type { Product, Reservation } from '../src/inventory/product.js';

/** How a product is stored (the domain's `Product`, src/inventory/product.ts); the repository is models/product.ts. */

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
    // Units sold per local day, `sold.<YYYY-MM-DD>`: changed by `$inc` with each reservation and release.
    sold: { type: Schema.Types.Mixed },
    soldSince: String,
    leadTimeDays: { type: Number, min: 0, max: 365 },
    // Other names customers use for it; absent on products that never had any.
    aliases: { type: [String], default: undefined },
    // The last few low-stock episodes, `lowEpisodes.e<ms>`: FerretDB v1 ignores `$slice`, so no array.
    lowEpisodes: { type: Schema.Types.Mixed },
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
