import type { Document } from 'mongodb';
import { idKey, insertNew } from './batch.js';
import { BATCH, type StepContext } from './step.js';

/**
 * v2 outbox: the old entries become a ring of numbered slots. Resumable as convertOutbox tells:
 * slots are numbered from the old entries alone and all written before any old entry goes.
 */

const V2_OUTBOX_KEEP = 1000;

/**
 * The outbox (sandbox mode's record of what would have gone out) becomes a ring of slots. Only the
 * latest V2_OUTBOX_KEEP entries are kept, numbered 1…n by age; the numbering comes from the old
 * entries alone and all new slots are written before any old entry is deleted, so a re-run writes
 * the same slots (or finds them all written) and then finishes the deletion.
 */
export async function convertOutbox(ctx: StepContext): Promise<void> {
  const outbox = ctx.db.collection('outbox');
  const old = { _id: { $type: 'objectId' } } as const;
  const order = await outbox
    .find(old, { projection: { _id: 1 } })
    .sort({ createdAt: 1, _id: 1 })
    .toArray();
  const kept = order.slice(-V2_OUTBOX_KEEP).map((d) => d._id);
  for (let i = 0; i < kept.length; i += BATCH) {
    const ids = kept.slice(i, i + BATCH);
    const docs = new Map((await outbox.find({ _id: { $in: ids } }).toArray()).map((d) => [idKey(d._id), d]));
    const slots = ids.map((id, j) => {
      const { _id, ...rest } = docs.get(idKey(id)) as Document;
      const seq = i + j + 1;
      return { _id: seq % V2_OUTBOX_KEEP, seq, ...rest };
    });
    ctx.count('outbox', 'converted', slots.length - (await insertNew(outbox, slots)));
    await ctx.renew();
  }
  if (kept.length > 0) {
    await ctx.db
      .collection<{ _id: string; seq: number }>('counters')
      .updateOne({ _id: 'outbox' }, { $max: { seq: kept.length } }, { upsert: true });
  }
  const { deletedCount } = await outbox.deleteMany(old);
  if (deletedCount > kept.length) ctx.count('outbox', 'droppedOlder', deletedCount - kept.length);
}
