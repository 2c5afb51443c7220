import { type Connection, Schema } from 'mongoose';
import { isDuplicateKey } from '../src/errors.js';

/**
 * Requests counted per key in fixed windows, shared by every process on the database: the SMS
 * limit per phone, the API limit per key and the invoice-link limit per address. One document per
 * key (`_id`, e.g. `sms:+15551234567`): its `count` in the window that ends at `until`. A window
 * begins with the key's first request and lasts its length (not aligned to the clock), as the
 * in-memory counters before it did. Nothing here relies on a TTL index (FerretDB v1 has none):
 * an ended window is restarted by the request that finds it ended, and housekeeping deletes the
 * ones nobody came back to (`purgeEnded`, by the `until` index).
 */
export interface WindowCount {
  /** Requests in this window, this one included. */
  count: number;
  /** When the window ends. */
  until: Date;
  /** Whether the window's one notice was claimed (the SMS limit's "too many texts"). */
  noticed: boolean;
}

interface CounterDoc {
  _id: string;
  count: number;
  until: Date;
  noticed?: boolean;
}

const counterSchema = new Schema<CounterDoc>(
  {
    _id: { type: String, required: true },
    count: { type: Number, required: true },
    until: { type: Date, required: true },
    noticed: Boolean,
  },
  { versionKey: false },
);
counterSchema.index({ until: 1 });

/** A request that finds its window ended starts the next one; a race for it is lost at most this often. */
const ATTEMPTS = 4;

const toCount = (doc: CounterDoc): WindowCount => ({
  count: doc.count,
  until: doc.until,
  noticed: doc.noticed === true,
});

/** The `rate_counters` collection. */
export function createRateCounterRepository(conn: Connection) {
  const Counter = conn.model<CounterDoc>('RateCounter', counterSchema, 'rate_counters');
  const after = { returnDocument: 'after' as const };

  /**
   * Counts one request under `key`: one command (an upsert with `$inc`) while the window runs.
   * The request that finds the window ended starts the next one with a compare-and-set on the old
   * window's end, so of two processes doing it at once one starts it and the other counts in it.
   */
  async function hit(key: string, windowMs: number, now = new Date()): Promise<WindowCount> {
    const until = new Date(now.getTime() + windowMs);
    for (let attempt = 1; ; attempt++) {
      let doc: CounterDoc | null;
      try {
        doc = await Counter.findOneAndUpdate(
          { _id: key },
          { $inc: { count: 1 }, $setOnInsert: { until } },
          { ...after, upsert: true },
        ).lean<CounterDoc>();
      } catch (err) {
        // Two first requests inserting at once: the loser counts in the window the winner made.
        if (!isDuplicateKey(err) || attempt >= ATTEMPTS) throw err;
        continue;
      }
      if (!doc) throw new Error(`rate counter ${key}: the upsert returned nothing`);
      if (doc.until.getTime() > now.getTime()) return toCount(doc);
      const fresh = await Counter.findOneAndUpdate(
        { _id: key, until: doc.until },
        { $set: { count: 1, until, noticed: false } },
        after,
      ).lean<CounterDoc>();
      if (fresh) return toCount(fresh);
      if (attempt >= ATTEMPTS) throw new Error(`rate counter ${key}: could not start a new window`);
    }
  }

  return {
    hit,
    /**
     * Claims the one notice of the window that ends at `until`: true for the first caller only,
     * whichever process it runs in (a compare-and-set on the window).
     */
    async claimNotice(key: string, until: Date): Promise<boolean> {
      const res = await Counter.updateOne(
        { _id: key, until, noticed: { $ne: true } },
        { $set: { noticed: true } },
      );
      return res.modifiedCount === 1;
    },
    /** Takes back one request (a limit that counts only some answers). */
    async decrement(key: string): Promise<void> {
      await Counter.updateOne({ _id: key, count: { $gt: 0 } }, { $inc: { count: -1 } });
    },
    async reset(key: string): Promise<void> {
      await Counter.deleteOne({ _id: key });
    },
    /** Deletes windows that ended before `before` (daily; the index on `until`). */
    async purgeEnded(before: Date): Promise<number> {
      return (await Counter.deleteMany({ until: { $lt: before } })).deletedCount;
    },
    ensureIndexes: () => Counter.createIndexes(),
  };
}

export type RateCounterRepository = ReturnType<typeof createRateCounterRepository>;
