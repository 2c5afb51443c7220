/** The order's shape: the plain type the domain uses, and how mongoose stores it. */
import { Schema } from 'mongoose';
import {
  CHANNELS,
  type Channel,
  type InventoryState,
  ORDER_STATUSES,
  type OrderStatus,
} from '../src/orders/lifecycle.js';
import type { Language } from './customer.js';

export interface OrderItem {
  sku: string;
  name: string;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
}

export interface Address {
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode: string;
  country: string;
}

export interface HistoryEntry {
  at: Date;
  action: string;
  from: OrderStatus | null;
  to: OrderStatus;
  /** Slack user, agent, customer phone, API key name, or `system`. */
  by: string;
  channel: Channel | 'system';
  note?: string;
}

/**
 * The most history entries an order keeps. An order's ordinary life is 6 to 8 entries; only the
 * delivered ⇄ return requested cycle grows it further. 200 leaves room for 97 rounds of it (see
 * src/orders/history-limit.ts), far beyond any real return dispute, while the history stays near
 * 250 KB even with every note at its 1,000 characters: nowhere near MongoDB's 16 MB for a document
 * (past which every write to the order would fail), and small enough to send whole with the order.
 */
export const MAX_HISTORY = 200;

export interface InvoiceRecord {
  number: number;
  issuedAt: Date;
}

/** A Slack message that shows this order, and what it last showed (to skip needless updates). */
export interface SlackMessageRef {
  channel: string;
  ts: string;
  shown?: string;
}

export type SlackSlot = 'approval' | 'task' | 'rating';

/**
 * Slack messages that follow the order. A poster claims the slot first (`…ClaimedAt`, taken with a
 * conditional update) so two processes never post the same message twice.
 */
export interface OrderSlackRefs {
  approval?: SlackMessageRef;
  task?: SlackMessageRef;
  /** A low rating, posted for a call back. */
  rating?: SlackMessageRef;
  approvalClaimedAt?: Date;
  taskClaimedAt?: Date;
  ratingClaimedAt?: Date;
  /**
   * Approval reminders (thread replies), one slot per reminder count: `n<count>` holds the reply,
   * `n<count>ClaimedAt` its poster's claim (slot `remind.n<count>`, src/slack/sync.ts).
   */
  remind?: Record<string, SlackMessageRef | Date>;
}

/** Where the order's stock stands; lets a sweeper finish an effect a crash interrupted. */

/** A phone call that concerned the order (its status was read out, or it was logged during the call). */
export interface OrderCallRef {
  sid: string;
  at: Date;
  why: 'status' | 'logged';
}

export interface SmsFailure {
  kind: string;
  at: Date;
  error: string;
}

/** An order as the domain sees it. Stored with its number as `_id`, so every lookup is by key. */
export interface Order {
  number: number;
  channel: Channel;
  externalId?: string;
  /** `channel:externalId`; absent (not null) without externalId so the unique index ignores it. */
  idempotencyKey?: string;
  customer: { name: string; phone: string; email?: string; language?: Language };
  items: OrderItem[];
  total: number;
  currency: string;
  status: OrderStatus;
  shippingAddress?: Address;
  notes?: string;
  shipment?: { carrier: string; trackingNumber: string; shippedAt: Date };
  invoice?: InvoiceRecord;
  /** The credit note issued when the return was received (its own series). */
  creditNote?: InvoiceRecord;
  rating?: { score: number; at: Date };
  /** A low rating's call back: who took it from Slack, and when. */
  callBack?: { by: string; at: Date };
  /** Approval reminders posted so far (src/orders/reminders.ts). */
  reminders?: number;
  inventory: InventoryState;
  history: HistoryEntry[];
  slack?: OrderSlackRefs;
  /** Customer updates that could not be sent after every retry (shown to staff as well). */
  smsFailures?: SmsFailure[];
  /** Calls that concerned the order, oldest first (models/call.ts has the calls themselves). */
  calls?: OrderCallRef[];
  /**
   * What must still happen because of the order's changes (src/delivery/effects.ts): written in the
   * same atomic update as the change itself, removed once delivered, so a crash loses none.
   */
  effects?: string[];
  createdAt: Date;
  updatedAt: Date;
}

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
