import { type Connection, Schema } from 'mongoose';
import { isDuplicateKey } from '../src/errors.js';

/**
 * An order's idempotency key (`channel:externalId`), claimed before the order is placed and kept
 * for the order's lifetime: how a replayed placement finds its order by key at any size.
 */
export interface OrderKey {
  key: string;
  /** Who is placing it (a random token); a stale claim is taken over by compare-and-set on it. */
  token: string;
  state: 'claimed' | 'done';
  /** Set once the order is stored. */
  number?: number;
  claimedAt: Date;
}

type OrderKeyDoc = Omit<OrderKey, 'key'> & { _id: string };

const orderKeySchema = new Schema<OrderKeyDoc>(
  {
    _id: { type: String, required: true },
    token: { type: String, required: true },
    state: { type: String, required: true },
    number: Number,
    claimedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

const toKey = (doc: OrderKeyDoc | null): OrderKey | null => {
  if (!doc) return null;
  const { _id, ...rest } = doc;
  return { key: _id, ...rest };
};

/** The `order_keys` collection. */
export function createOrderKeyRepository(conn: Connection) {
  const OrderKey = conn.model<OrderKeyDoc>('OrderKey', orderKeySchema, 'order_keys');
  return {
    get: async (key: string) => toKey(await OrderKey.findById(key).lean<OrderKeyDoc>()),
    /** Claims the key with an insert (unique `_id`): true for the first caller only. */
    async claim(key: string, token: string): Promise<boolean> {
      try {
        await OrderKey.create({ _id: key, token, state: 'claimed', claimedAt: new Date() });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    /** Takes over a claim whose placement died (compare-and-set on the old token). */
    async takeOver(key: string, oldToken: string, token: string): Promise<boolean> {
      const res = await OrderKey.updateOne(
        { _id: key, token: oldToken, state: 'claimed' },
        { $set: { token, claimedAt: new Date() } },
      );
      return res.modifiedCount === 1;
    },
    async done(key: string, token: string, number: number): Promise<void> {
      await OrderKey.updateOne({ _id: key, token }, { $set: { state: 'done', number } });
    },
    /** Drops our claim after a failed placement, so a retry can place it. */
    async drop(key: string, token: string): Promise<void> {
      await OrderKey.deleteOne({ _id: key, token, state: 'claimed' });
    },
    async insertMany(keys: OrderKey[]): Promise<void> {
      await OrderKey.insertMany(
        keys.map(({ key, ...rest }) => ({ _id: key, ...rest })),
        { ordered: false, lean: true },
      );
    },
    ensureIndexes: () => OrderKey.createIndexes(),
  };
}

export type OrderKeyRepository = ReturnType<typeof createOrderKeyRepository>;
