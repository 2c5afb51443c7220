import { type Connection, Schema } from 'mongoose';

/**
 * An order a customer texted (`ORDER 2 MUG-BLUE`) and has not confirmed yet. One per phone (its
 * `_id`): a new ORDER replaces it. Nothing is reserved until CONFIRM places it.
 */
/** A phrase of the order that fits several products, waiting for the customer's pick. */
export interface DraftQuestion {
  phrase: string;
  quantity: number;
  /** The SKUs it fits, in the order they were offered (the customer answers 1, 2, …). */
  options: string[];
}

export interface SmsDraft {
  phone: string;
  items: { sku: string; quantity: number }[];
  /** Still to answer, the first one asked; none or empty: the draft can be confirmed. */
  questions?: DraftQuestion[];
  expiresAt: Date;
  /**
   * The MessageSid of the ORDER text that made this draft: the order's externalId, so CONFIRM is
   * idempotent per draft (two CONFIRMs, or one repeated after a crash, place one order). Absent on
   * drafts saved before it existed.
   */
  id?: string;
  /** The language the order was written in: the reply to a bare "2" answering its question. */
  lang?: 'en' | 'he';
  /** How many times ADD changed the lines: what `revise` compares, so two ADDs never lose one. */
  rev?: number;
}

type DraftDoc = Omit<SmsDraft, 'phone'> & { _id: string };

const draftSchema = new Schema<DraftDoc>(
  {
    _id: { type: String, required: true },
    items: { type: [new Schema({ sku: String, quantity: Number }, { _id: false })], required: true },
    questions: {
      type: [new Schema({ phrase: String, quantity: Number, options: [String] }, { _id: false })],
      default: undefined,
    },
    expiresAt: { type: Date, required: true },
    id: String,
    lang: String,
    rev: Number,
  },
  { timestamps: true, versionKey: false },
);
// No TTL index (FerretDB v1 has none): CONFIRM checks `expiresAt`, housekeeping deletes old ones.
draftSchema.index({ expiresAt: 1 });

const toDraft = (doc: DraftDoc): SmsDraft => ({
  phone: doc._id,
  items: doc.items,
  ...(doc.questions?.length
    ? {
        questions: doc.questions.map((q) => ({
          phrase: q.phrase,
          quantity: q.quantity,
          options: [...q.options],
        })),
      }
    : {}),
  expiresAt: doc.expiresAt,
  ...(doc.id ? { id: doc.id } : {}),
  ...(doc.lang ? { lang: doc.lang } : {}),
  ...(doc.rev !== undefined && doc.rev !== null ? { rev: doc.rev } : {}),
});

/** The `sms_drafts` collection. */
export function createSmsDraftRepository(conn: Connection) {
  const Draft = conn.model<DraftDoc>('SmsDraft', draftSchema, 'sms_drafts');
  return {
    async put(draft: SmsDraft): Promise<void> {
      await Draft.updateOne(
        { _id: draft.phone },
        {
          $set: {
            items: draft.items,
            questions: draft.questions ?? [],
            expiresAt: draft.expiresAt,
            ...(draft.id ? { id: draft.id } : {}),
            ...(draft.lang ? { lang: draft.lang } : {}),
          },
        },
        { upsert: true },
      );
    },
    /**
     * ADD or an answer to its question: new lines (and questions) for the draft `seen`, only if it is still that draft as it was read
     * (compare-and-set on its id and revision; a new ORDER or another ADD meanwhile makes it
     * false). The id stays, so CONFIRM still places it once; the expiry moves to `expiresAt`.
     */
    async revise(
      seen: SmsDraft,
      items: SmsDraft['items'],
      expiresAt: Date,
      questions: DraftQuestion[] = seen.questions ?? [],
    ): Promise<boolean> {
      const res = await Draft.updateOne(
        {
          _id: seen.phone,
          id: seen.id ?? { $exists: false },
          rev: seen.rev ?? { $exists: false },
        },
        { $set: { items, questions, expiresAt }, $inc: { rev: 1 } },
      );
      return res.matchedCount === 1;
    },
    async get(phone: string): Promise<SmsDraft | null> {
      const doc = await Draft.findById(phone).lean<DraftDoc>();
      return doc ? toDraft(doc) : null;
    },
    /**
     * Removes the phone's draft once it is placed or refused: only the draft with `id` (a newer
     * ORDER made meanwhile stays); without an id (an old draft), whatever draft there is.
     */
    async take(phone: string, id?: string): Promise<SmsDraft | null> {
      const doc = await Draft.findOneAndDelete(id ? { _id: phone, id } : { _id: phone }).lean<DraftDoc>();
      return doc ? toDraft(doc) : null;
    },
    async purgeExpired(now: Date): Promise<number> {
      return (await Draft.deleteMany({ expiresAt: { $lt: now } })).deletedCount;
    },
    ensureIndexes: () => Draft.createIndexes(),
  };
}

export type SmsDraftRepository = ReturnType<typeof createSmsDraftRepository>;
