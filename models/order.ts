import { type Connection, type QueryFilter, Schema } from 'mongoose';
import { CHANNELS, type Channel, ORDER_STATUSES, type OrderStatus } from '../src/orders/lifecycle.js';
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

export type SlackSlot = 'approval' | 'task';

/**
 * Slack messages that follow the order. A poster claims the slot first (`…ClaimedAt`, taken with a
 * conditional update) so two processes never post the same message twice.
 */
export interface OrderSlackRefs {
  approval?: SlackMessageRef;
  task?: SlackMessageRef;
  approvalClaimedAt?: Date;
  taskClaimedAt?: Date;
}

/** Where the order's stock stands; lets a sweeper finish an effect a crash interrupted. */
export type InventoryState = 'reserved' | 'released' | 'committed' | 'restocking' | 'restocked';

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
  rating?: { score: number; at: Date };
  inventory: InventoryState;
  history: HistoryEntry[];
  slack?: OrderSlackRefs;
  /** Customer updates that could not be sent after every retry (shown to staff as well). */
  smsFailures?: SmsFailure[];
  createdAt: Date;
  updatedAt: Date;
}

type OrderDoc = Omit<Order, 'number'> & { _id: number };

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

const orderSchema = new Schema<OrderDoc>(
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
    rating: { score: Number, at: Date },
    inventory: { type: String, required: true, default: 'reserved' },
    history: { type: [historySchema], default: [] },
    slack: {
      approval: { channel: String, ts: String, shown: String },
      task: { channel: String, ts: String, shown: String },
      approvalClaimedAt: Date,
      taskClaimedAt: Date,
    },
    smsFailures: { type: [{ _id: false, kind: String, at: Date, error: String }], default: undefined },
  },
  { timestamps: true, versionKey: false },
);
// On a real MongoDB these serve the filtered walks of `page` (status, channel, phone).
orderSchema.index({ status: 1, _id: -1 });
orderSchema.index({ channel: 1, _id: -1 });
orderSchema.index({ 'customer.phone': 1, _id: -1 });

export interface OrderQuery {
  statuses?: readonly OrderStatus[];
  channel?: Channel;
  phone?: string;
  /** Case-insensitive text found in the customer's name, phone digits, order number or externalId. */
  q?: string;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const AFTER = { returnDocument: 'after', lean: true } as const;

function toOrder(doc: OrderDoc | null): Order | null {
  if (!doc) return null;
  const { _id, ...rest } = doc;
  return { number: _id, ...rest };
}

function queryFilter(query: OrderQuery): QueryFilter<OrderDoc> {
  const filter: QueryFilter<OrderDoc> = {};
  if (query.statuses) filter.status = { $in: [...query.statuses] };
  if (query.channel) filter.channel = query.channel;
  if (query.phone) filter['customer.phone'] = query.phone;
  if (query.q) {
    const q = query.q.trim();
    const or: QueryFilter<OrderDoc>[] = [{ 'customer.name': { $regex: escapeRegex(q), $options: 'i' } }];
    const digits = q.replace(/[^\d]/g, '');
    if (digits.length >= 3) or.push({ 'customer.phone': { $regex: escapeRegex(digits) } });
    if (/^#?\d+$/.test(q)) or.push({ _id: Number(q.replace('#', '')) });
    or.push({ externalId: q });
    filter.$or = or;
  }
  return filter;
}

/**
 * The `orders` collection. Every read and write is by order number (`_id`), so its cost does not
 * depend on how many orders there are; lists come from numbers found elsewhere (the order board,
 * the customer's order list) or from a bounded walk down the numbers (`page`).
 */
export function createOrderRepository(conn: Connection) {
  const Order = conn.model<OrderDoc>('Order', orderSchema, 'orders');

  const get = async (number: number) => toOrder(await Order.findById(number).lean<OrderDoc>());

  /** The orders with these numbers that exist (and match `query`), newest first. */
  async function getMany(numbers: readonly number[], query: OrderQuery = {}): Promise<Order[]> {
    if (numbers.length === 0) return [];
    const docs = await Order.find({ _id: { $in: [...numbers] }, ...queryFilter(query) }).lean<OrderDoc[]>();
    return docs.map((d) => toOrder(d) as Order).sort((a, b) => b.number - a.number);
  }

  /** A change of one order, only if it still has `expect` (compare-and-set); null if it moved. */
  const update = async (
    number: number,
    expect: QueryFilter<OrderDoc>,
    change: Record<string, unknown>,
  ): Promise<Order | null> =>
    toOrder(await Order.findOneAndUpdate({ _id: number, ...expect }, change, AFTER));

  return {
    /** Stores a new order under its number; a duplicate number or idempotency key throws E11000. */
    async insert(order: Omit<Order, 'createdAt' | 'updatedAt'>): Promise<Order> {
      const { number, ...rest } = order;
      const doc = await Order.create({ _id: number, ...rest });
      return toOrder(doc.toObject() as OrderDoc) as Order;
    },
    get,
    getMany,
    /**
     * Only for the rare race where a placement's claim was taken over while it still ran: the
     * unique index serves it on MongoDB; on FerretDB it reads the collection (`order_keys` is the
     * lookup by key everywhere else).
     */
    findByIdempotencyKey: async (key: string) =>
      toOrder(await Order.findOne({ idempotencyKey: key }).lean<OrderDoc>()),

    /**
     * Orders numbered below `below`, newest first, that match `query`: a walk down the numbers in
     * batches looked up by key, at most `maxScan` numbers, so a page costs the same at any size.
     * `next` is where to continue (a page can be short when matches are sparse); null at the start.
     */
    async walk(
      query: OrderQuery,
      opts: { below: number; limit: number; batch: number; maxScan: number; first: number },
    ): Promise<{ items: Order[]; next: number | null }> {
      const items: Order[] = [];
      let top = opts.below;
      while (top > opts.first && items.length <= opts.limit && opts.below - top < opts.maxScan) {
        const size = Math.min(opts.batch, top - opts.first);
        const numbers = Array.from({ length: size }, (_, i) => top - 1 - i);
        items.push(...(await getMany(numbers, query)));
        top -= size;
      }
      if (items.length > opts.limit) {
        const page = items.slice(0, opts.limit);
        return { items: page, next: page[page.length - 1]?.number ?? null };
      }
      return { items, next: top > opts.first ? top : null };
    },

    /** The lifecycle's compare-and-set: moves the order only if its status is still `from`. */
    transition: (
      number: number,
      from: Order['status'],
      set: Record<string, unknown>,
      entry: HistoryEntry,
    ): Promise<Order | null> => update(number, { status: from }, { $set: set, $push: { history: entry } }),

    /** A return's goods are back on hand: `restocking` → `restocked`, once. */
    markRestocked: (number: number) =>
      update(number, { inventory: 'restocking' }, { $set: { inventory: 'restocked' } }),

    /** Attaches the invoice only if the order has none (one number per order). */
    attachInvoice: (number: number, invoice: InvoiceRecord) =>
      update(number, { 'invoice.number': { $exists: false } }, { $set: { invoice } }),

    /** Stores the customer's rating only if there is none yet. */
    rate: (number: number, score: number) =>
      update(number, { 'rating.score': { $exists: false } }, { $set: { rating: { score, at: new Date() } } }),

    /**
     * Claims the right to post the order's `slot` message: only if none is stored and nobody else
     * claimed it since `staleBefore`. Null when someone else holds it.
     */
    claimSlackSlot: (number: number, slot: SlackSlot, at: Date, staleBefore: Date) =>
      update(
        number,
        {
          [`slack.${slot}`]: { $exists: false },
          $or: [
            { [`slack.${slot}ClaimedAt`]: { $exists: false } },
            { [`slack.${slot}ClaimedAt`]: { $lt: staleBefore } },
          ],
        },
        { $set: { [`slack.${slot}ClaimedAt`]: at } },
      ),

    /** Gives back a claim (the post failed) so a retry can post. */
    async releaseSlackSlot(number: number, slot: SlackSlot, at: Date): Promise<void> {
      await Order.updateOne(
        { _id: number, [`slack.${slot}ClaimedAt`]: at },
        { $unset: { [`slack.${slot}ClaimedAt`]: '' } },
      );
    },

    /** Stores the posted message on the order; returns the order as it is now. */
    storeSlackRef: (number: number, slot: SlackSlot, ref: SlackMessageRef) =>
      update(number, {}, { $set: { [`slack.${slot}`]: ref } }),

    /** Records what the message shows now, if it is still the message with `ts`. */
    async markSlackShown(number: number, slot: SlackSlot, ts: string, shown: string): Promise<void> {
      await Order.updateOne(
        { _id: number, [`slack.${slot}.ts`]: ts },
        { $set: { [`slack.${slot}.shown`]: shown } },
      );
    },

    /** Forgets a message someone deleted, so the next sync posts a fresh one. */
    async forgetSlackRef(number: number, slot: SlackSlot, ts: string): Promise<void> {
      await Order.updateOne(
        { _id: number, [`slack.${slot}.ts`]: ts },
        { $unset: { [`slack.${slot}`]: '', [`slack.${slot}ClaimedAt`]: '' } },
      );
    },

    async recordSmsFailure(number: number, failure: SmsFailure): Promise<void> {
      await Order.updateOne({ _id: number }, { $push: { smsFailures: failure } });
    },

    /** Bulk load for the benchmark and the demo data: plain inserts, no checks beyond the schema. */
    async insertMany(orders: Order[]): Promise<void> {
      await Order.insertMany(
        orders.map(({ number, ...rest }) => ({ _id: number, ...rest })),
        { ordered: false, lean: true },
      );
    },

    count: () => Order.estimatedDocumentCount(),
    ensureIndexes: () => Order.createIndexes(),
  };
}

export type OrderRepository = ReturnType<typeof createOrderRepository>;
