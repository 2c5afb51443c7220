import type { Document } from 'mongodb';
import type { StepContext } from './step.js';

/** The one-off jobs v2 queued for effects, by name (jobs/ of v2). */
const V2_EFFECT_JOBS = ['slack-sync-order', 'sms-customer-update', 'slack-low-stock-alert'];

/**
 * Step v2 → v3: effects recorded on the order. v2 delivered Slack posts and customer texts through
 * one-off Agenda jobs; v3 records them on the order (`effects`) or product (`alertPending`) and
 * delivers from there (src/delivery/). Every v2 job still waiting becomes the effect it stood for,
 * and its order goes on the order board so the delivery sweep finds it; then the job is deleted.
 * Jobs that gave up (no next run) were already reported to staff and are left as they are.
 * Resumable: converting a job twice adds the same name once.
 */
export async function toRecordedEffects(ctx: StepContext): Promise<void> {
  const { db } = ctx;
  const jobs = db.collection('agendaJobs');
  const orders = db.collection<Document & { _id: number }>('orders');
  const waiting = await jobs.find({ name: { $in: V2_EFFECT_JOBS }, nextRunAt: { $ne: null } }).toArray();
  for (const job of waiting) {
    const data = (job.data ?? {}) as { number?: number; kind?: string; sku?: string };
    if (job.name === 'slack-low-stock-alert' && typeof data.sku === 'string') {
      await db
        .collection<Document & { _id: string }>('products')
        .updateOne({ _id: data.sku }, { $set: { alertPending: true } });
    } else if (typeof data.number === 'number') {
      const effect = job.name === 'slack-sync-order' ? 'slack:0' : `sms:${data.kind}`;
      const order = await orders.findOne({ _id: data.number });
      if (order) {
        await db
          .collection<Document & { _id: number }>('order_board')
          .updateOne(
            { _id: data.number },
            { $setOnInsert: { status: order.status, v: (order.history ?? []).length, at: new Date() } },
            { upsert: true },
          );
        await orders.updateOne({ _id: data.number }, { $addToSet: { effects: effect } });
      }
    }
    await jobs.deleteOne({ _id: job._id });
    ctx.count('agendaJobs', 'queued effects recorded on their order', 1);
    await ctx.renew();
  }
}
