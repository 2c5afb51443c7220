import { type Connection, Schema } from 'mongoose';
import { isDuplicateKey } from '../src/errors.js';
import type { TaxDocument } from '../src/invoices/document.js';
import type { CounterRepository } from './counter.js';

export type { TaxDocument, TaxLine } from '../src/invoices/document.js';

type DocumentDoc = Omit<TaxDocument, 'number'> & { _id: number };

const documentSchema = new Schema<DocumentDoc>(
  {
    _id: { type: Number, required: true },
    kind: { type: String, required: true },
    refersTo: { type: Schema.Types.Mixed },
    order: { type: Number, required: true },
    issuedAt: { type: Date, required: true },
    language: { type: String, required: true },
    currency: { type: String, required: true },
    issuer: { type: Schema.Types.Mixed, required: true },
    customer: { type: Schema.Types.Mixed, required: true },
    lines: { type: Schema.Types.Mixed, required: true },
    subtotal: { type: Number, required: true },
    tax: { type: Schema.Types.Mixed, required: true },
    total: { type: Number, required: true },
    pricesIncludeTax: { type: Boolean, required: true },
  },
  { versionKey: false, minimize: false },
);
// One document per order in each series: a second issue for the same order is refused by the index.
documentSchema.index({ order: 1 }, { unique: true });

const toDocument = ({ _id, ...rest }: DocumentDoc): TaxDocument => ({ number: _id, ...rest }) as TaxDocument;

/** What issuing needs besides the number: everything frozen on the document. */
export type DocumentDraft = Omit<TaxDocument, 'number'>;

/**
 * A series of numbered documents (`invoices`, `credit_notes`), numbered 1, 2, 3 … with no gaps and
 * no duplicates, whatever races or crashes happen, without transactions:
 * - the number is the document's `_id`, so a number is used exactly when its document exists;
 * - the next number is one past the counter, which only ever moves to a number in use (`$max`), so
 *   it is never ahead of the documents: an insert takes the lowest free number or learns it is
 *   taken (duplicate `_id`), moves the counter to it and tries the next;
 * - a unique index on `order` refuses a second document for the same order, so two requests for
 *   one order at once (or a retry after a crash) get the same document.
 * A crash after the insert and before the counter moves leaves the counter behind, which the next
 * issue repairs on its first try. Nothing is ever deleted, so no number frees up again.
 */
export function createDocumentSeries(
  conn: Connection,
  deps: { counters: CounterRepository },
  series: { collection: 'invoices' | 'credit_notes'; counter: string; model: string },
) {
  const Document = conn.model<DocumentDoc>(series.model, documentSchema, series.collection);
  const { counters } = deps;

  const get = async (number: number) => {
    const doc = await Document.findById(number).lean<DocumentDoc>();
    return doc ? toDocument(doc) : null;
  };
  /** The order's document (a read by the `order` index: only after a refused insert, or to repair). */
  const ofOrder = async (order: number) => {
    const doc = await Document.findOne({ order }).lean<DocumentDoc>();
    return doc ? toDocument(doc) : null;
  };

  return {
    get,
    ofOrder,
    /** Issues the order's document with the next number, or returns the one it has. */
    async issue(draft: DocumentDraft): Promise<{ document: TaxDocument; issued: boolean }> {
      for (let attempt = 0; attempt < 10_000; attempt++) {
        const number = (await counters.current(series.counter, 0)) + 1;
        try {
          await Document.create({ _id: number, ...draft });
          await counters.raiseTo(series.counter, number);
          return { document: { ...draft, number }, issued: true };
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          const taken = await get(number);
          if (taken) {
            // That number is used (the counter was behind): move it on, and look again.
            await counters.raiseTo(series.counter, number);
            if (taken.order === draft.order) return { document: taken, issued: false };
            continue;
          }
          // Not the number: this order has its document already.
          const mine = await ofOrder(draft.order);
          if (mine) return { document: mine, issued: false };
        }
      }
      throw new Error(`could not number a document in ${series.collection}`);
    },
    /**
     * A document under a number handed out before this series existed (the first release numbered
     * invoices with the counter alone): stored as it is issued now, under its old number.
     */
    async adopt(number: number, draft: DocumentDraft): Promise<TaxDocument> {
      try {
        await Document.create({ _id: number, ...draft });
        await counters.raiseTo(series.counter, number);
        return { ...draft, number };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        return (await get(number)) ?? ((await ofOrder(draft.order)) as TaxDocument);
      }
    },
    async ensureIndexes(): Promise<void> {
      await Document.createIndexes();
    },
  };
}

export type DocumentSeries = ReturnType<typeof createDocumentSeries>;
