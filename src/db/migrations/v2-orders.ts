import type { Document } from 'mongodb';
import { convertCollection, insertNew } from './batch.js';
import { BATCH, type StepContext } from './step.js';

/**
 * v2 orders: number as `_id`, plus the `order_keys` and `order_board` records derived from them.
 * Resumable: the scan records old ids → numbers in V2_ORDER_IDS before any order is deleted (and
 * reads orders in either form), and the derived records are written before each batch's old forms
 * go, as inserts that skip what an earlier run stored.
 */

/** Order ObjectId (hex) → number, kept until the step ends so a re-run can still re-key the ledgers. */
export const V2_ORDER_IDS = 'migration_v2_order_ids';
/** Statuses in which people still work on an order (BOARD_STATUSES of src/orders/board.ts, as of v2). */
const V2_BOARD_STATUSES = ['pending_approval', 'approved', 'picking', 'packed', 'return_requested'];

export interface PhoneOrders {
  byPhone: Map<string, { numbers: Set<number>; latest: Document; firstAt: Date }>;
  /** The phone's order numbers, ascending. */
  sorted(phone: string): number[];
}

/**
 * One pass over the orders, in either form. It records every old order's number by its id (in
 * V2_ORDER_IDS, complete before any old order is deleted, so a re-run can still re-key the
 * ledgers), and gathers each phone's orders for the customers.
 */
export async function scanOrders(ctx: StepContext): Promise<PhoneOrders> {
  const byPhone: PhoneOrders['byPhone'] = new Map();
  const map = ctx.db.collection(V2_ORDER_IDS);
  let ids: Document[] = [];
  const projection = { number: 1, customer: 1, createdAt: 1 };
  for await (const o of ctx.db.collection('orders').find({}, { projection }).batchSize(BATCH)) {
    const old = o._id?._bsontype === 'ObjectId';
    const number = old ? o.number : o._id;
    if (old) ids.push({ _id: o._id.toHexString(), number });
    if (ids.length === BATCH) {
      await insertNew(map, ids);
      ids = [];
      await ctx.renew();
    }
    const phone = o.customer?.phone;
    if (typeof phone !== 'string' || typeof number !== 'number') continue;
    const entry = byPhone.get(phone) ?? { numbers: new Set<number>(), latest: o, firstAt: o.createdAt };
    entry.numbers.add(number);
    if (o.createdAt > entry.latest.createdAt) entry.latest = o;
    if (o.createdAt < entry.firstAt) entry.firstAt = o.createdAt;
    byPhone.set(phone, entry);
  }
  await insertNew(map, ids);
  return { byPhone, sorted: (phone) => [...(byPhone.get(phone)?.numbers ?? [])].sort((a, b) => a - b) };
}

/**
 * Number as `_id`. Each order with an idempotency key gets its `order_keys` record (how a replayed
 * placement finds it), and each order on the board's terms (src/orders/board.ts: people still work
 * on it, or its return is still `restocking`) gets its `order_board` entry: the board is how v2
 * lists open orders, so an open order missing from it would not be seen there again.
 */
export async function convertOrders(ctx: StepContext): Promise<void> {
  const keys = ctx.db.collection('order_keys');
  const board = ctx.db.collection('order_board');
  await convertCollection(ctx, 'orders', {
    convert: ({ _id, number, customerId, ...rest }) => ({ _id: number, ...rest }),
    async derive(orders) {
      const withKey = orders.filter((o) => typeof o.idempotencyKey === 'string');
      const open = orders.filter((o) => V2_BOARD_STATUSES.includes(o.status) || o.inventory === 'restocking');
      const keyDocs = withKey.map((o) => ({
        _id: o.idempotencyKey,
        token: 'migrated',
        state: 'done',
        number: o._id,
        claimedAt: o.createdAt,
      }));
      const entries = open.map((o) => ({
        _id: o._id,
        status: o.status,
        v: o.history?.length ?? 0,
        at: o.createdAt,
      }));
      ctx.count('order_keys', 'created', keyDocs.length - (await insertNew(keys, keyDocs)));
      ctx.count('order_board', 'created', entries.length - (await insertNew(board, entries)));
    },
  });
}
