/** An order as the domain sees it, and its parts; the repository is models/order.ts. */
import type { Language } from '../customers/customer.js';
import type { Channel, InventoryState, OrderStatus } from './lifecycle.js';

/** A rating at or below this asks staff to call the customer back. */
export const LOW_RATING = 2;

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
  channel: Channel | 'system' | 'console';
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

/**
 * A phone call that concerned the order: its status was read out, it was logged during the call,
 * or the caller placed it by voice (menu option 3).
 */
export interface OrderCallRef {
  sid: string;
  at: Date;
  why: 'status' | 'logged' | 'placed';
}

export interface SmsFailure {
  kind: string;
  at: Date;
  error: string;
}

/** An order as the domain sees it. Stored with its number as `_id`, so every lookup is by key. */
/** What a board card shows of an order: a few fields, and since when it has its status. */
export type OrderCard = Pick<
  Order,
  'number' | 'channel' | 'customer' | 'total' | 'currency' | 'status' | 'updatedAt'
> & {
  statusSince: Date;
};

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
