import { type Connection, Schema } from 'mongoose';

/** One line of the reservation ledger, keyed by order id on the product. */
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
  /** Which orders hold how much: makes release and commit happen at most once per order. */
  reservations: Record<string, Reservation>;
  /** Returns already put back on hand, by order id, until the order records it: restock once. */
  restocked?: Record<string, Reservation>;
  createdAt: Date;
  updatedAt: Date;
}

export const productSchema = new Schema<Product>(
  {
    sku: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    price: { type: Number, required: true, min: 0 },
    onHand: { type: Number, required: true, min: 0 },
    reserved: { type: Number, required: true, default: 0 },
    available: { type: Number, required: true },
    lowStockThreshold: { type: Number, required: true, default: 5, min: 0 },
    lowStockAlerted: { type: Boolean, required: true, default: false },
    reservations: { type: Schema.Types.Mixed, default: () => ({}) },
    restocked: { type: Schema.Types.Mixed },
  },
  { timestamps: true, minimize: false, versionKey: false },
);

export const productModel = (conn: Connection) => conn.model<Product>('Product', productSchema, 'products');
export type ProductModel = ReturnType<typeof productModel>;
