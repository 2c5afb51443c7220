import { type Connection, Schema } from 'mongoose';
import { isE164 } from '../src/customers/phone.js';
import { isDuplicateKey } from '../src/errors.js';

/**
 * Per phone, the calls from it in the order they came: the log by phone is a read by key. It keeps
 * the latest KEEP_SIDS; `count` counts every call (absent on a list from before it was counted,
 * which then holds them all).
 */
interface PhoneCallsDoc {
  _id: string;
  sids: string[];
  count?: number;
}
const phoneCallsSchema = new Schema<PhoneCallsDoc>(
  { _id: { type: String, required: true }, sids: { type: [String], default: [] }, count: Number },
  { versionKey: false },
);

/**
 * The calls kept per phone: the latest 200, far more than anyone pages through by phone (older
 * calls stay in the whole log), and a few kilobytes read by key on each screen pop.
 */
export const KEEP_SIDS = 200;

/** Calls whose Slack messages are due (what the delivery sweep reads after a crash). */
interface CallDueDoc {
  _id: string;
  at: Date;
}
const callDueSchema = new Schema<CallDueDoc>(
  { _id: { type: String, required: true }, at: { type: Date, required: true } },
  { versionKey: false },
);

/**
 * The two small lists beside `calls`: `phone_calls` (each phone's CallSids, for the log by phone
 * and the screen pop's count) and `calls_due` (calls with Slack messages due). Part of the call
 * repository (models/call.ts); every read and write by key.
 */
export function createCallLists(conn: Connection) {
  const PhoneCalls = conn.model<PhoneCallsDoc>('PhoneCalls', phoneCallsSchema, 'phone_calls');
  const Due = conn.model<CallDueDoc>('CallDue', callDueSchema, 'calls_due');
  return {
    /**
     * Files the call under its caller's phone. A hidden number ("anonymous", a short code) is not
     * filed: it would put every hidden caller's calls in one ever-growing document.
     */
    async fileByPhone(phone: string, sid: string): Promise<void> {
      if (!isE164(phone)) return;
      let doc: PhoneCallsDoc | null;
      try {
        // Once per call (a redelivery finds its sid and adds nothing): the upsert's insert then
        // collides with the phone's list, which is how a refiled call shows.
        doc = await PhoneCalls.findOneAndUpdate(
          { _id: phone, sids: { $ne: sid } },
          { $push: { sids: { $each: [sid], $slice: -KEEP_SIDS } }, $inc: { count: 1 } },
          { upsert: true, returnDocument: 'after', lean: true },
        );
      } catch (err) {
        if (isDuplicateKey(err)) return;
        throw err;
      }
      if (!doc) return;
      // FerretDB v1 ignores `$slice`; and a list from before calls were counted held them all, so
      // its count starts from its length. Both are put right by a compare-and-set on the count:
      // a call filed meanwhile does it for itself.
      const count = Math.max(doc.count ?? 0, doc.sids.length);
      if (doc.sids.length > KEEP_SIDS || count !== doc.count) {
        await PhoneCalls.updateOne(
          { _id: phone, count: doc.count },
          { $set: { sids: doc.sids.slice(-KEEP_SIDS), count } },
        );
      }
    },
    /** The calls from this phone, newest first (the latest KEEP_SIDS). */
    async sidsOf(phone: string): Promise<string[]> {
      const doc = await PhoneCalls.findById(phone).lean<PhoneCallsDoc>();
      return [...(doc?.sids ?? [])].reverse().slice(0, KEEP_SIDS);
    },
    /** How many calls came from this phone, in all (the screen pop's "3rd call"). */
    async countOf(phone: string): Promise<number> {
      const doc = await PhoneCalls.findById(phone).lean<PhoneCallsDoc>();
      return Math.max(doc?.count ?? 0, doc?.sids.length ?? 0);
    },
    /** Marks the call as having Slack messages due, before they are written on it. */
    async markDue(sid: string): Promise<void> {
      await Due.updateOne({ _id: sid }, { $setOnInsert: { at: new Date() } }, { upsert: true }).catch(
        (err) => {
          if (!isDuplicateKey(err)) throw err;
        },
      );
    },
    async clearDue(sid: string): Promise<void> {
      await Due.deleteOne({ _id: sid });
    },
    /** Calls with Slack messages due, oldest first, and since when. */
    async listDue(): Promise<{ sid: string; at: Date }[]> {
      const docs = await Due.find({}).sort({ at: 1 }).limit(5000).lean<CallDueDoc[]>();
      return docs.map((d) => ({ sid: d._id, at: d.at }));
    },
    async ensureIndexes(): Promise<void> {
      await PhoneCalls.createIndexes();
      await Due.createIndexes();
    },
  };
}
