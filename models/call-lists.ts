import { type Connection, Schema } from 'mongoose';
import { isE164 } from '../src/customers/phone.js';
import { isDuplicateKey } from '../src/errors.js';

/** Per phone, the calls from it in the order they came: the log by phone is a read by key. */
interface PhoneCallsDoc {
  _id: string;
  sids: string[];
}
const phoneCallsSchema = new Schema<PhoneCallsDoc>(
  { _id: { type: String, required: true }, sids: { type: [String], default: [] } },
  { versionKey: false },
);

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
      await PhoneCalls.updateOne({ _id: phone }, { $addToSet: { sids: sid } }, { upsert: true });
    },
    /** The calls from this phone, newest first. */
    async sidsOf(phone: string): Promise<string[]> {
      const doc = await PhoneCalls.findById(phone).lean<PhoneCallsDoc>();
      return [...(doc?.sids ?? [])].reverse();
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
