import { type Connection, Schema } from 'mongoose';

/**
 * An order a customer texted (`ORDER 2 MUG-BLUE`) and has not confirmed yet. One per phone (its
 * `_id`): a new ORDER replaces it. Nothing is reserved until CONFIRM places it.
 */
export interface SmsDraft {
  phone: string;
  items: { sku: string; quantity: number }[];
  expiresAt: Date;
}

type DraftDoc = Omit<SmsDraft, 'phone'> & { _id: string };

const draftSchema = new Schema<DraftDoc>(
  {
    _id: { type: String, required: true },
    items: { type: [new Schema({ sku: String, quantity: Number }, { _id: false })], required: true },
    expiresAt: { type: Date, required: true },
  },
  { timestamps: true, versionKey: false },
);
// No TTL index (FerretDB v1 has none): CONFIRM checks `expiresAt`, housekeeping deletes old ones.
draftSchema.index({ expiresAt: 1 });

/** The `sms_drafts` collection. */
export function createSmsDraftRepository(conn: Connection) {
  const Draft = conn.model<DraftDoc>('SmsDraft', draftSchema, 'sms_drafts');
  return {
    async put(draft: SmsDraft): Promise<void> {
      await Draft.updateOne(
        { _id: draft.phone },
        { $set: { items: draft.items, expiresAt: draft.expiresAt } },
        { upsert: true },
      );
    },
    /** Takes the phone's draft away (one atomic delete: two CONFIRMs place one order). */
    async take(phone: string): Promise<SmsDraft | null> {
      const doc = await Draft.findOneAndDelete({ _id: phone }).lean<DraftDoc>();
      return doc ? { phone: doc._id, items: doc.items, expiresAt: doc.expiresAt } : null;
    },
    async purgeExpired(now: Date): Promise<number> {
      return (await Draft.deleteMany({ expiresAt: { $lt: now } })).deletedCount;
    },
    ensureIndexes: () => Draft.createIndexes(),
  };
}

export type SmsDraftRepository = ReturnType<typeof createSmsDraftRepository>;
