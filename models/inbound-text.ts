import { type Connection, Schema } from 'mongoose';
import { isDuplicateKey } from '../src/errors.js';

/**
 * A text a customer sent that got an answer, as the console's timelines show it. Written in
 * batches by src/sms/text-log.ts; `sid` (Twilio's MessageSid, the `_id`) makes a redelivery one
 * record.
 */
export interface InboundText {
  sid: string;
  /** The phone as the conversation has it (E.164 when it could be read). */
  phone: string;
  /** The words, cut to INBOUND_TEXT_MAX characters. */
  body: string;
  /** What it asked: the kind of its intent (`status`, `order`, `confirm`, …). */
  asked: string;
  /** The order it concerned: STATUS, CANCEL or RETURN of a number, or the order CONFIRM placed. */
  order?: number;
  /** When it came in. */
  at: Date;
}

type TextDoc = Omit<InboundText, 'sid'> & { _id: string };

const textSchema = new Schema<TextDoc>(
  {
    _id: { type: String, required: true },
    phone: { type: String, required: true },
    body: { type: String, default: '' },
    asked: { type: String, required: true },
    order: Number,
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
// No TTL index (FerretDB v1 has none): the daily housekeeping deletes old records with this one.
textSchema.index({ at: 1 });

/**
 * Per phone, the MessageSids of its texts in the order they were written: a customer's texts are
 * a read by key (the list, then the records by `_id`), which FerretDB v1 serves with its `_id`
 * index; a query by `phone` or `order` would read the whole collection there.
 */
interface PhoneTextsDoc {
  _id: string;
  sids: string[];
}
const phoneTextsSchema = new Schema<PhoneTextsDoc>(
  { _id: { type: String, required: true }, sids: { type: [String], default: [] } },
  { versionKey: false },
);

/** A phone's list keeps its latest texts, as many as a timeline shows. */
interface OrderTextsDoc {
  _id: number;
  sids: string[];
}
const orderTextsSchema = new Schema<OrderTextsDoc>(
  { _id: { type: Number, required: true }, sids: { type: [String], default: [] } },
  { versionKey: false },
);

export const KEEP_TEXT_SIDS = 200;
/** How many lists the daily trim reads at a time (a page read whole, then written: no open cursor). */
const TRIM_PAGE = 200;

const toText = ({ _id, ...rest }: TextDoc): InboundText => ({ sid: _id, ...rest });

/**
 * The positions in a batch that were not written because their record is already there (a
 * redelivery); any other failure is thrown.
 */
function alreadyThere(err: unknown): Set<number> {
  const writeErrors = (err as { writeErrors?: { index?: number }[] })?.writeErrors;
  if (!Array.isArray(writeErrors) || writeErrors.length === 0 || !writeErrors.every(isDuplicateKey))
    throw err;
  return new Set(writeErrors.map((e) => e.index ?? -1));
}

/** The new records' sids, by phone, in the order of the batch. */
function sidsByPhone(texts: readonly InboundText[]): Map<string, string[]> {
  const byPhone = new Map<string, string[]>();
  for (const t of texts) byPhone.set(t.phone, [...(byPhone.get(t.phone) ?? []), t.sid]);
  return byPhone;
}

/** The `inbound_texts` collection and its per-phone lists (`phone_texts`). */
export function createInboundTextRepository(conn: Connection) {
  const Text = conn.model<TextDoc>('InboundText', textSchema, 'inbound_texts');
  const PhoneTexts = conn.model<PhoneTextsDoc>('PhoneTexts', phoneTextsSchema, 'phone_texts');
  const OrderTexts = conn.model<OrderTextsDoc>('OrderTexts', orderTextsSchema, 'order_texts');

  /** The records not already there, in one insert. */
  async function insertNew(texts: readonly InboundText[]): Promise<InboundText[]> {
    try {
      await Text.insertMany(
        texts.map(({ sid, ...rest }) => ({ _id: sid, ...rest })),
        { ordered: false, lean: true, throwOnValidationError: true },
      );
      return [...texts];
    } catch (err) {
      const skipped = alreadyThere(err);
      return texts.filter((_, i) => !skipped.has(i));
    }
  }

  /**
   * Adds the sids to their phones' lists, and those that named an order to the order's, in one
   * command each. MongoDB keeps each list to its latest KEEP_TEXT_SIDS here; FerretDB v1 ignores
   * `$slice`, and the daily `trimLists` does it there.
   */
  async function file(texts: readonly InboundText[]): Promise<void> {
    if (texts.length === 0) return;
    const push = (sids: string[]) => ({ $push: { sids: { $each: sids, $slice: -KEEP_TEXT_SIDS } } });
    const byPhone = [...sidsByPhone(texts)].map(([phone, sids]) => ({
      updateOne: { filter: { _id: phone }, update: push(sids), upsert: true },
    }));
    await PhoneTexts.bulkWrite(byPhone, { ordered: false });
    const byOrder = new Map<number, string[]>();
    for (const t of texts)
      if (t.order !== undefined) byOrder.set(t.order, [...(byOrder.get(t.order) ?? []), t.sid]);
    if (byOrder.size === 0) return;
    const ops = [...byOrder].map(([order, sids]) => ({
      updateOne: { filter: { _id: order }, update: push(sids), upsert: true },
    }));
    await OrderTexts.bulkWrite(ops, { ordered: false });
  }

  /** The texts of these sids, newest first: one read by key. */
  async function bySids(sids: readonly string[]): Promise<InboundText[]> {
    if (sids.length === 0) return [];
    const docs = await Text.find({ _id: { $in: [...sids] } }).lean<TextDoc[]>();
    return docs.map(toText).sort((a, b) => b.at.getTime() - a.at.getTime());
  }

  /** Cuts one collection's lists longer than KEEP_TEXT_SIDS, a page at a time; how many were cut. */
  async function trim(model: typeof PhoneTexts | typeof OrderTexts): Promise<number> {
    let cut = 0;
    let after: string | number | undefined;
    for (;;) {
      const page: { _id: string | number; sids: string[] }[] = await (model as typeof PhoneTexts)
        .find(after === undefined ? {} : { _id: { $gt: after as string } })
        .sort({ _id: 1 })
        .limit(TRIM_PAGE)
        .lean<PhoneTextsDoc[]>();
      for (const list of page) {
        if (list.sids.length <= KEEP_TEXT_SIDS) continue;
        const res = await (model as typeof PhoneTexts).updateOne(
          { _id: list._id as string, sids: { $size: list.sids.length } },
          { $set: { sids: list.sids.slice(-KEEP_TEXT_SIDS) } },
        );
        cut += res.modifiedCount;
      }
      if (page.length < TRIM_PAGE) return cut;
      after = page[page.length - 1]?._id;
    }
  }

  return {
    /**
     * Writes a batch: the records in one insert (those already there are left as they are, and
     * not filed again), then the new ones on their phones' lists in one update. Returns how many
     * were new.
     */
    async insertMany(texts: readonly InboundText[]): Promise<number> {
      if (texts.length === 0) return 0;
      const added = await insertNew(texts);
      await file(added);
      return added.length;
    },
    /** A phone's latest `limit` texts (at most KEEP_TEXT_SIDS), newest first: two reads by key. */
    async forPhone(phone: string, limit: number): Promise<InboundText[]> {
      const list = await PhoneTexts.findById(phone).lean<PhoneTextsDoc>();
      return bySids((list?.sids ?? []).slice(-Math.min(limit, KEEP_TEXT_SIDS)));
    },
    /** The texts that named these orders (the latest `limit` of each), newest first: two reads by key. */
    async forOrders(orders: readonly number[], limit: number): Promise<InboundText[]> {
      if (orders.length === 0) return [];
      const lists = await OrderTexts.find({ _id: { $in: [...orders] } }).lean<OrderTextsDoc[]>();
      return bySids(lists.flatMap((l) => l.sids.slice(-Math.min(limit, KEEP_TEXT_SIDS))));
    },
    /** Deletes the texts that came in before `before` (the daily housekeeping). */
    async purgeBefore(before: Date): Promise<number> {
      const res = await Text.deleteMany({ at: { $lt: before } });
      return res.deletedCount;
    },
    /**
     * Cuts every list longer than KEEP_TEXT_SIDS to its latest (daily, where `$slice` was
     * ignored): the lists a page at a time, read whole before any write, and a compare-and-set on
     * each long one, so a text filed meanwhile is never lost. Returns how many were cut.
     */
    async trimLists(): Promise<number> {
      return (await trim(PhoneTexts)) + (await trim(OrderTexts));
    },
    async ensureIndexes(): Promise<void> {
      await Text.createIndexes();
      await PhoneTexts.createIndexes();
      await OrderTexts.createIndexes();
    },
  };
}

export type InboundTextRepository = ReturnType<typeof createInboundTextRepository>;
