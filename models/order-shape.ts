/** How an order is stored (the domain's `Order`, src/orders/order.ts): its schema and its reading. */
import { Schema } from 'mongoose';
import { CHANNELS, ORDER_STATUSES } from '../src/orders/lifecycle.js';
import type { Address, HistoryEntry, Order, OrderItem } from '../src/orders/order.js';

/** How an order is stored: its number is the `_id`. */
export type OrderDoc = Omit<Order, 'number'> & { _id: number };

const itemSchema = new Schema<OrderItem>(
  {
    sku: { type: String, required: true },
    name: { type: String, required: true },
    quantity: { type: Number, required: true, min: 1 },
    unitPrice: { type: Number, required: true, min: 0 },
    lineTotal: { type: Number, required: true, min: 0 },
  },
  { _id: false },
);

const addressSchema = new Schema<Address>(
  { line1: String, line2: String, city: String, region: String, postalCode: String, country: String },
  { _id: false },
);

const historySchema = new Schema<HistoryEntry>(
  {
    at: { type: Date, required: true },
    action: { type: String, required: true },
    from: { type: String, default: null },
    to: { type: String, required: true },
    by: { type: String, required: true },
    channel: { type: String, required: true },
    note: String,
  },
  { _id: false },
);

export const orderSchema = new Schema<OrderDoc>(
  {
    _id: { type: Number, required: true },
    channel: { type: String, enum: CHANNELS, required: true },
    externalId: String,
    // The last guard of idempotent placement (order_keys is the first); absent without externalId.
    idempotencyKey: { type: String, unique: true, sparse: true },
    customer: {
      name: { type: String, required: true },
      phone: { type: String, required: true },
      email: String,
      language: String,
    },
    items: { type: [itemSchema], required: true },
    total: { type: Number, required: true },
    currency: { type: String, required: true },
    status: { type: String, enum: ORDER_STATUSES, required: true },
    shippingAddress: addressSchema,
    notes: String,
    shipment: { carrier: String, trackingNumber: String, shippedAt: Date },
    invoice: { number: Number, issuedAt: Date },
    creditNote: { number: Number, issuedAt: Date },
    rating: { score: Number, at: Date },
    callBack: { by: String, at: Date },
    reminders: Number,
    inventory: { type: String, required: true, default: 'reserved' },
    history: { type: [historySchema], default: [] },
    slack: {
      approval: { channel: String, ts: String, shown: String },
      task: { channel: String, ts: String, shown: String },
      rating: { channel: String, ts: String, shown: String },
      approvalClaimedAt: Date,
      taskClaimedAt: Date,
      ratingClaimedAt: Date,
      remind: Schema.Types.Mixed,
    },
    smsFailures: { type: [{ _id: false, kind: String, at: Date, error: String }], default: undefined },
    calls: { type: [{ _id: false, sid: String, at: Date, why: String }], default: undefined },
    effects: { type: [String], default: undefined },
  },
  { timestamps: true, versionKey: false },
);
// On a real MongoDB these serve the filtered walks of `page` (status, channel, phone).
orderSchema.index({ status: 1, _id: -1 });
orderSchema.index({ channel: 1, _id: -1 });
orderSchema.index({ 'customer.phone': 1, _id: -1 });

export function toOrder(doc: OrderDoc | null): Order | null {
  if (!doc) return null;
  const { _id, ...rest } = doc;
  return { number: _id, ...rest };
}
