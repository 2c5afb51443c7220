import { type Connection, Schema } from 'mongoose';
import { isDuplicateKey } from '../src/errors.js';
import { CUSTOMER_TEXTS, type CustomerText } from '../src/orders/lifecycle.js';

/** The customer's texts about an order (the lifecycle's `CUSTOMER_TEXTS`), as stored. */
export type SmsUpdateKind = CustomerText;
export const SMS_UPDATE_KINDS: readonly SmsUpdateKind[] = CUSTOMER_TEXTS;

/**
 * One customer update by SMS and what became of it. `key` (`<order>:<kind>`, the `_id`) makes each
 * update one record however often its job runs; `sid` is Twilio's id for the message.
 */
export interface SmsMessage {
  key: string;
  orderNumber: number;
  kind: SmsUpdateKind;
  to: string;
  body?: string;
  /** Absent until Twilio (or the outbox) accepted it. */
  sid?: string;
  /**
   * `pending` (not sent yet), `replied` (it was the reply to the customer's text), `skipped_opted_out`,
   * `failed` (given up), or Twilio's status.
   */
  status: string;
  attempts: number;
  /** When the last send began; a sender that died leaves it behind (see `claimAttempt`). */
  attemptAt?: Date;
  lastError?: string;
  errorCode?: string;
  /** `replied`: the MessageSid of the customer's text whose reply this was. */
  replyTo?: string;
  /**
   * The MessageSid of a text whose reply carried this message but was answered empty instead (its
   * record came too late): that request's record can no longer count, and the message is texted.
   */
  lostReply?: string;
  createdAt: Date;
  updatedAt: Date;
}

type MessageDoc = Omit<SmsMessage, 'key'> & { _id: string };

const messageSchema = new Schema<MessageDoc>(
  {
    _id: { type: String, required: true },
    orderNumber: { type: Number, required: true },
    kind: { type: String, required: true },
    to: { type: String, required: true },
    body: String,
    // Only for status callbacks of messages sent before callbacks named their record.
    sid: { type: String, index: true },
    status: { type: String, required: true, default: 'pending' },
    attempts: { type: Number, required: true, default: 0 },
    attemptAt: Date,
    lastError: String,
    errorCode: String,
    replyTo: String,
    lostReply: String,
  },
  { timestamps: true, versionKey: false },
);

/** Twilio's status callbacks can arrive out of order; a status never moves back to an earlier one. */
const EARLIER: Record<string, string[]> = {
  sending: ['pending', 'outbox', 'accepted', 'queued'],
  sent: ['pending', 'outbox', 'accepted', 'queued', 'sending'],
  delivered: ['pending', 'outbox', 'accepted', 'queued', 'sending', 'sent'],
  undelivered: ['pending', 'outbox', 'accepted', 'queued', 'sending', 'sent'],
  failed: ['pending', 'outbox', 'accepted', 'queued', 'sending', 'sent'],
  read: ['pending', 'outbox', 'accepted', 'queued', 'sending', 'sent', 'delivered'],
};
export const isTrackedSmsStatus = (status: string) => status in EARLIER;

export const smsMessageKey = (orderNumber: number, kind: SmsUpdateKind) => `${orderNumber}:${kind}`;

const toMessage = (doc: MessageDoc | null): SmsMessage | null => {
  if (!doc) return null;
  const { _id, ...rest } = doc;
  return { key: _id, ...rest };
};

/** The `sms_messages` collection. */
export function createSmsMessageRepository(conn: Connection) {
  const Message = conn.model<MessageDoc>('SmsMessage', messageSchema, 'sms_messages');
  const set = async (key: string, update: Record<string, unknown>) => {
    await Message.updateOne({ _id: key }, update);
  };
  return {
    /** The update's record, created `pending` the first time (one per order and kind). */
    async ensure(orderNumber: number, kind: SmsUpdateKind, to: string): Promise<SmsMessage> {
      const key = smsMessageKey(orderNumber, kind);
      for (let attempt = 0; ; attempt++) {
        try {
          const doc = await Message.findOneAndUpdate(
            { _id: key },
            { $setOnInsert: { orderNumber, kind, to, status: 'pending', attempts: 0 } },
            { upsert: true, returnDocument: 'after', lean: true },
          );
          return toMessage(doc as MessageDoc) as SmsMessage;
        } catch (err) {
          if (!isDuplicateKey(err) || attempt >= 2) throw err;
        }
      }
    },
    get: async (key: string) => toMessage(await Message.findById(key).lean<MessageDoc>()),
    /** The records of one order's updates. */
    async forOrder(orderNumber: number): Promise<SmsMessage[]> {
      const keys = SMS_UPDATE_KINDS.map((k) => smsMessageKey(orderNumber, k));
      return (await Message.find({ _id: { $in: keys } }).lean<MessageDoc[]>()).map(
        (d) => toMessage(d) as SmsMessage,
      );
    },
    /**
     * Claims the right to send the update: only while it is unsent and nobody else has tried since
     * `staleBefore`. The first time, the record is made already claimed (one insert); after that,
     * one compare-and-set. Null when it is not ours to send (sent, replied, skipped, or another
     * sender's try is live); otherwise `earlier`, when a sender before us began and may have sent
     * it (its time and text, to look for it at Twilio).
     */
    async claimAttempt(
      orderNumber: number,
      kind: SmsUpdateKind,
      to: string,
      body: string,
      at: Date,
      staleBefore: Date,
    ): Promise<{ earlier?: { at: Date; body?: string } } | null> {
      const key = smsMessageKey(orderNumber, kind);
      try {
        await Message.create({
          _id: key,
          orderNumber,
          kind,
          to,
          status: 'pending',
          attempts: 1,
          body,
          attemptAt: at,
        });
        return {};
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const before = await Message.findOneAndUpdate(
        {
          _id: key,
          status: 'pending',
          sid: { $exists: false },
          $or: [{ attemptAt: { $exists: false } }, { attemptAt: { $lt: staleBefore } }],
        },
        { $set: { body, attemptAt: at }, $inc: { attempts: 1 } },
        { returnDocument: 'before', lean: true },
      );
      if (!before) return null;
      return before.attemptAt
        ? { earlier: { at: before.attemptAt, ...(before.body ? { body: before.body } : {}) } }
        : {};
    },
    /**
     * Ends a failed attempt: removed when Twilio plainly refused, else left as `staleSince`, an
     * attempt already stale, which tells the retry to look for a message sent since then.
     */
    async releaseAttempt(key: string, at: Date, staleSince?: Date): Promise<void> {
      await Message.updateOne(
        { _id: key, attemptAt: at },
        staleSince ? { $set: { attemptAt: staleSince } } : { $unset: { attemptAt: '' } },
      );
    },
    /**
     * The update goes out as the reply to the customer's text `replyTo` (TwiML), not as a message
     * of ours: only while nobody has started sending it, and never for a text whose reply was
     * given up as lost (`markReplyLost`). True also when this same text's reply was recorded
     * before (Twilio redelivered it): its answer is given again.
     */
    async markReplied(
      orderNumber: number,
      kind: SmsUpdateKind,
      to: string,
      body: string,
      replyTo: string,
    ): Promise<boolean> {
      const key = smsMessageKey(orderNumber, kind);
      try {
        const res = await Message.updateOne(
          {
            _id: key,
            status: 'pending',
            sid: { $exists: false },
            attemptAt: { $exists: false },
            lostReply: { $ne: replyTo },
          },
          {
            $set: { status: 'replied', body, replyTo },
            $setOnInsert: { orderNumber, kind, to, attempts: 0 },
          },
          { upsert: true },
        );
        if (res.modifiedCount + res.upsertedCount === 1) return true;
      } catch (err) {
        // The record exists and is past pending (sent or being sent): it stays as it is.
        if (!isDuplicateKey(err)) throw err;
      }
      const now = await Message.findById(key).lean<MessageDoc>();
      return now?.status === 'replied' && now.replyTo === replyTo;
    },
    /**
     * The reply to `replyTo` went out without the update (its record was late or failed): the
     * update is pending again, to be texted, and that text's record, if it lands later, is
     * refused. The record is made first if it does not exist yet, so a late `markReplied` cannot
     * insert it either.
     */
    async markReplyLost(
      orderNumber: number,
      kind: SmsUpdateKind,
      to: string,
      replyTo: string,
    ): Promise<void> {
      const key = smsMessageKey(orderNumber, kind);
      await Message.updateOne(
        { _id: key },
        { $setOnInsert: { orderNumber, kind, to, status: 'pending', attempts: 0 } },
        { upsert: true },
      ).catch((err) => {
        if (!isDuplicateKey(err)) throw err;
      });
      await Message.updateOne(
        {
          _id: key,
          sid: { $exists: false },
          $or: [{ status: 'pending' }, { status: 'replied', replyTo }],
        },
        { $set: { status: 'pending', lostReply: replyTo }, $unset: { replyTo: '' } },
      );
    },
    markSent: (key: string, sid: string, status: string) =>
      set(key, { $set: { sid, status }, $unset: { lastError: '', attemptAt: '' } }),
    markSkipped: (key: string, errorCode?: string) =>
      set(key, { $set: { status: 'skipped_opted_out', ...(errorCode ? { errorCode } : {}) } }),
    markError: (key: string, error: string, errorCode?: string) =>
      set(key, { $set: { lastError: error, ...(errorCode ? { errorCode } : {}) } }),
    markFailed: (key: string, error: string) => set(key, { $set: { status: 'failed', lastError: error } }),
    /**
     * A delivery status from Twilio, only forward (a late `sent` never undoes `delivered`). By the
     * record's key when the callback names it; by `sid` for messages sent by an older release.
     */
    async recordStatus(
      ref: { key?: string; sid: string },
      status: string,
      errorCode?: string,
    ): Promise<boolean> {
      const earlier = EARLIER[status];
      if (!earlier) return false;
      if (!ref.key) {
        const res = await Message.updateOne(
          { sid: ref.sid, status: { $in: earlier } },
          { $set: { status, ...(errorCode ? { errorCode } : {}) } },
        );
        return res.matchedCount === 1;
      }
      // A callback for a record without a sid: its sender died after Twilio took the message and
      // before the sid was stored. The callback names the record, so it is sent: keep its sid.
      const res = await Message.updateOne(
        { _id: ref.key, $or: [{ sid: ref.sid }, { sid: { $exists: false } }], status: { $in: earlier } },
        { $set: { sid: ref.sid, status, ...(errorCode ? { errorCode } : {}) }, $unset: { attemptAt: '' } },
      );
      return res.matchedCount === 1;
    },
    async insertMany(messages: SmsMessage[]): Promise<void> {
      await Message.insertMany(
        messages.map(({ key, ...rest }) => ({ _id: key, ...rest })),
        { ordered: false, lean: true },
      );
    },
    ensureIndexes: () => Message.createIndexes(),
  };
}

export type SmsMessageRepository = ReturnType<typeof createSmsMessageRepository>;
