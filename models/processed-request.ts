import { type Connection, Schema } from 'mongoose';
import { isDuplicateKey } from '../src/errors.js';

/**
 * Inbound requests already claimed (an SMS MessageSid): the first insert of the key (`_id`) wins,
 * so a redelivery has its effect once, and gets the first delivery's reply.
 */
export interface ProcessedRequest {
  key: string;
  /** What the first delivery answered, once done. */
  ref?: string;
  /** The order whose "placed" message that answer is (a CONFIRM). */
  order?: number;
  state: 'claimed' | 'done';
  claimedAt: Date;
  createdAt: Date;
}

type RequestDoc = Omit<ProcessedRequest, 'key'> & { _id: string };

const requestSchema = new Schema<RequestDoc>(
  {
    _id: { type: String, required: true },
    ref: String,
    order: Number,
    state: { type: String, required: true, default: 'claimed' },
    claimedAt: { type: Date, required: true, default: () => new Date() },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
// No TTL index (FerretDB v1 has none): the housekeeping job deletes old records with this one.
requestSchema.index({ createdAt: 1 });

/** The `processed_requests` collection. */
export function createProcessedRequestRepository(conn: Connection) {
  const Request = conn.model<RequestDoc>('ProcessedRequest', requestSchema, 'processed_requests');
  return {
    /** Claims the key with an insert: true for the first delivery only. */
    async claim(key: string): Promise<boolean> {
      try {
        await Request.create({ _id: key, state: 'claimed' });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    async get(key: string): Promise<ProcessedRequest | null> {
      const doc = await Request.findById(key).lean<RequestDoc>();
      if (!doc) return null;
      const { _id, ...rest } = doc;
      return { key: _id, ...rest };
    },
    /**
     * Takes over a claim still held by the delivery that claimed it at `claimedAt` (which crashed):
     * a compare-and-set on that moment, so of two redeliveries one takes it.
     */
    async takeOver(key: string, claimedAt: Date): Promise<boolean> {
      const res = await Request.updateOne(
        { _id: key, state: 'claimed', claimedAt },
        { $set: { claimedAt: new Date() } },
      );
      return res.modifiedCount === 1;
    },
    async finish(key: string, ref: string, order?: number): Promise<void> {
      await Request.updateOne({ _id: key }, { $set: { state: 'done', ref, ...(order ? { order } : {}) } });
    },
    /** Drops a claim whose work failed, so a redelivery can try again. */
    async drop(key: string): Promise<void> {
      await Request.deleteOne({ _id: key, state: 'claimed' });
    },
    /** Deletes finished records older than `before` (daily; one pass over a week of requests). */
    async purgeDone(before: Date): Promise<number> {
      const res = await Request.deleteMany({ state: 'done', createdAt: { $lt: before } });
      return res.deletedCount;
    },
    /**
     * Deletes claims never finished (their process died between claim and done, and no redelivery
     * came to take them over) that were made and last taken before `before`: the same indexed
     * range on `createdAt` as `purgeDone`.
     */
    async purgeAbandoned(before: Date): Promise<number> {
      const res = await Request.deleteMany({
        state: 'claimed',
        createdAt: { $lt: before },
        claimedAt: { $lt: before },
      });
      return res.deletedCount;
    },
    ensureIndexes: () => Request.createIndexes(),
  };
}

export type ProcessedRequestRepository = ReturnType<typeof createProcessedRequestRepository>;
