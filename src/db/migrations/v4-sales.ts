import type { Document } from 'mongodb';
import { BATCH, type StepContext } from './step.js';

/** Days of sales a product keeps in v4 (the longest pace the console shows). */
const KEPT_DAYS = 28;
/** v4's first order number: orders are keyed by number from there. */
const FIRST_ORDER_NUMBER = 1001;
/** Statuses whose stock went back: not sales. */
const NOT_SOLD = ['rejected', 'cancelled'];

/** The local calendar day of `at` in `timeZone`, `YYYY-MM-DD` (frozen here, as every step's code). */
function localDay(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/**
 * Step v3 → v4: units sold per local day on each product (`sold.<YYYY-MM-DD>`), which v4 keeps
 * with every reservation and release, filled from the orders of the KEPT_DAYS days before the
 * newest order's day and that day itself, less those rejected or cancelled. Each product is
 * stamped `soldSince` (the first day filled), so the pace is known from there: no order was
 * placed after the newest, so the history is whole from that day to the upgrade. Taking the days
 * from the orders rather than the clock gives a resumed run the same days as the run it finishes,
 * even past midnight. Without any order, nothing is stamped: every product's history is whole
 * from its creation. Bounded: it walks down the order numbers from the counter's top by key, a
 * batch at a time, and stops at the first batch placed wholly before those days. Runs before this process serves (and other new processes wait for
 * it), so no sale is counted twice; orders an older release's process still places meanwhile are
 * not counted (docs/stock-cover.md, "Upgrading a database"). Resumable: a product already stamped is left as it is, and
 * the rest get the same counts again.
 */
export async function toSalesPerDay(ctx: StepContext): Promise<void> {
  const { db, timezone } = ctx;
  let since: string | undefined;
  const orders = db.collection<Document & { _id: number }>('orders');
  const counter = await db.collection<Document & { _id: string }>('counters').findOne({ _id: 'order' });
  const last = FIRST_ORDER_NUMBER - 1 + (typeof counter?.seq === 'number' ? counter.seq : 0);

  const sold = new Map<string, Record<string, number>>();
  for (let top = last; top >= FIRST_ORDER_NUMBER; top -= BATCH) {
    const from = Math.max(FIRST_ORDER_NUMBER, top - BATCH + 1);
    const numbers = Array.from({ length: top - from + 1 }, (_, i) => from + i);
    const batch = await orders
      .find({ _id: { $in: numbers } }, { projection: { createdAt: 1, status: 1, items: 1 } })
      .toArray();
    if (since === undefined) {
      const placed = batch.map((o) => o.createdAt).filter((at): at is Date => at instanceof Date);
      if (placed.length === 0) continue;
      const newest = new Date(Math.max(...placed.map((at) => at.getTime())));
      since = addDays(localDay(newest, timezone), -KEPT_DAYS);
    }
    let recent = 0;
    for (const o of batch) {
      if (!(o.createdAt instanceof Date)) continue;
      const day = localDay(o.createdAt, timezone);
      if (day < since) continue;
      recent++;
      if (NOT_SOLD.includes(o.status)) continue;
      for (const item of (o.items ?? []) as { sku?: unknown; quantity?: unknown }[]) {
        if (typeof item.sku !== 'string' || typeof item.quantity !== 'number') continue;
        const days = sold.get(item.sku) ?? {};
        days[`sold.${day}`] = (days[`sold.${day}`] ?? 0) + item.quantity;
        sold.set(item.sku, days);
      }
    }
    ctx.count('orders', 'read for sales per day', batch.length);
    await ctx.renew();
    // Numbers rise with time: a batch placed wholly before the kept days ends the walk.
    if (batch.length > 0 && recent === 0) break;
  }
  if (since === undefined) return;

  const products = db.collection<Document & { _id: string }>('products');
  for (const [sku, days] of sold) {
    const res = await products.updateOne(
      { _id: sku, soldSince: { $exists: false } },
      { $set: { ...days, soldSince: since } },
    );
    ctx.count('products', 'sales per day filled', res.modifiedCount);
  }
  const rest = await products.updateMany({ soldSince: { $exists: false } }, { $set: { soldSince: since } });
  ctx.count('products', 'without sales in those days', rest.modifiedCount);
}
