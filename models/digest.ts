import { type Connection, Schema } from 'mongoose';
import { isDuplicateKey } from '../src/errors.js';

/**
 * One document per reported local day (`_id` = `YYYY-MM-DD`): the claim that lets exactly one
 * process post that day's digest, and what it posted. Inserting it is claiming the day; a claim
 * whose poster died is taken over by a compare-and-set on `claimedAt` (src/digest/service.ts).
 * One small document a day, read and written by key only.
 */
export interface DigestRecord {
  day: string;
  /** The current poster's claim; renewed right before it posts. */
  claimedAt: Date;
  /** The first claim on the day: a poster that died may have posted any time since. */
  firstClaimedAt: Date;
  /** The digest message, once posted. */
  channel?: string;
  ts?: string;
  postedAt?: Date;
  /** The chart shared in the message's thread; `chartAt` alone: it could not be drawn. */
  chartFileId?: string;
  chartAt?: Date;
}

type DigestDoc = Omit<DigestRecord, 'day'> & { _id: string };

const digestSchema = new Schema<DigestDoc>(
  {
    _id: { type: String, required: true },
    claimedAt: { type: Date, required: true },
    firstClaimedAt: { type: Date, required: true },
    channel: String,
    ts: String,
    postedAt: Date,
    chartFileId: String,
    chartAt: Date,
  },
  { versionKey: false },
);

const toRecord = (doc: DigestDoc | null): DigestRecord | null => {
  if (!doc) return null;
  const { _id, ...rest } = doc;
  return { day: _id, ...rest };
};

/** The `digests` collection. */
export function createDigestRepository(conn: Connection) {
  const Digest = conn.model<DigestDoc>('Digest', digestSchema, 'digests');
  return {
    get: async (day: string) => toRecord(await Digest.findById(day).lean<DigestDoc>()),
    /** Claims the day with an insert: true for the first claimant only. */
    async claim(day: string, at: Date): Promise<boolean> {
      try {
        await Digest.create({ _id: day, claimedAt: at, firstClaimedAt: at });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    /**
     * Moves the claim held since `expected` to `at`: taking over a dead poster's claim, or renewing
     * one's own before posting. Of two racing for it, one wins; false if the claim moved meanwhile.
     */
    async reclaim(day: string, expected: Date, at: Date): Promise<boolean> {
      const res = await Digest.updateOne({ _id: day, claimedAt: expected }, { $set: { claimedAt: at } });
      return res.modifiedCount === 1;
    },
    /**
     * Gives the claim back after a failed post: the day is unclaimed again when Slack plainly
     * refused a first attempt; otherwise the message may be out, so the claim is made stale
     * (`staleAt`) and the next poster searches the channel before posting.
     */
    async release(day: string, claimedAt: Date, staleAt?: Date): Promise<void> {
      if (staleAt) {
        await Digest.updateOne({ _id: day, claimedAt }, { $set: { claimedAt: staleAt } });
      } else {
        await Digest.deleteOne({ _id: day, claimedAt, ts: { $exists: false } });
      }
    },
    /** Records the posted message; false if one was recorded already (then that one stands). */
    async markPosted(day: string, ref: { channel: string; ts: string }, at: Date): Promise<boolean> {
      const res = await Digest.updateOne(
        { _id: day, ts: { $exists: false } },
        { $set: { channel: ref.channel, ts: ref.ts, postedAt: at } },
      );
      return res.modifiedCount === 1;
    },
    /** Records the chart as shared (`fileId`), or as left out (null: it could not be drawn). */
    async markChart(day: string, fileId: string | null, at: Date): Promise<void> {
      await Digest.updateOne(
        { _id: day },
        { $set: { chartAt: at, ...(fileId ? { chartFileId: fileId } : {}) } },
      );
    },
    ensureIndexes: () => Digest.createIndexes(),
  };
}

export type DigestRepository = ReturnType<typeof createDigestRepository>;
