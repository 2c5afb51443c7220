import type { Collection, Document } from 'mongodb';
import { BATCH, type StepContext } from './step.js';

/**
 * The batched conversion steps use to re-key a collection: each document still keyed by an
 * ObjectId (the old form) is converted by inserting its new form and only then deleting the old
 * one. Resumable because the old form is the marker of work left: a re-run finds only documents
 * not yet deleted, and an insert that meets a duplicate means an earlier run already stored it.
 */

/** Inserts documents, skipping those whose `_id` is there already (an earlier run stored them); returns how many were. */
export async function insertNew(col: Collection, docs: Document[]): Promise<number> {
  if (docs.length === 0) return 0;
  try {
    await col.insertMany(docs, { ordered: false });
    return 0;
  } catch (err) {
    const e = err as { writeErrors?: { code?: number }[] | { code?: number } };
    const errors = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
    if (errors.length === 0 || errors.some((w) => w.code !== 11000)) throw err;
    return errors.length;
  }
}

export const idKey = (id: unknown) => `${typeof id}:${String(id)}`;

export interface Conversion {
  /** Runs on each batch of old documents before `convert` (to look up what it needs). */
  prepare?(old: Document[]): Promise<void>;
  /** The new form of an old document; null drops it. */
  convert(old: Document): Document | null;
  /** Writes what is derived from a converted batch; runs before the batch is stored and the old forms go. */
  derive?(converted: Document[]): Promise<void>;
}

/**
 * Converts every document of `name` still keyed by an ObjectId (the old form), batch by batch: the
 * new forms are inserted, checked to be there, and only then are the old ones deleted.
 */
export async function convertCollection(
  ctx: StepContext,
  name: string,
  conversion: Conversion,
): Promise<void> {
  const col = ctx.db.collection(name);
  ctx.count(name, 'converted', 0);
  let batch: Document[] = [];
  const flush = async () => {
    await conversion.prepare?.(batch);
    const pairs = batch.map((old) => [old, conversion.convert(old)] as const);
    // A document without its natural key (edited by hand) stops the run rather than get a new ObjectId.
    const keyless = pairs.find(([, d]) => d && (d._id === undefined || d._id === null));
    if (keyless) throw new Error(`migration: ${name} ${keyless[0]._id} has no key to become its _id; fix it`);
    const converted = pairs.map(([, d]) => d).filter((d): d is Document => d !== null);
    await conversion.derive?.(converted);
    const existing = await insertNew(col, converted);
    // Where an insert met a duplicate, the old document goes only if its new form is really there.
    if (existing > 0) {
      const ids = converted.map((d) => d._id);
      const found = await col.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray();
      const present = new Set(found.map((d) => idKey(d._id)));
      const missing = ids.find((id) => !present.has(idKey(id)));
      if (missing !== undefined) throw new Error(`migration: ${name} ${String(missing)} was not stored`);
    }
    await col.deleteMany({ _id: { $in: batch.map((d) => d._id) } });
    ctx.count(name, 'converted', converted.length);
    if (batch.length > converted.length) ctx.count(name, 'dropped', batch.length - converted.length);
    if (existing > 0) ctx.count(name, 'foundConverted', existing);
    batch = [];
    await ctx.renew();
  };
  for await (const doc of col.find({ _id: { $type: 'objectId' } }).batchSize(BATCH)) {
    batch.push(doc);
    if (batch.length === BATCH) await flush();
  }
  if (batch.length > 0) await flush();
}
