import type { Document } from 'mongodb';
import { convertCollection, insertNew } from './batch.js';
import { BATCH, type StepContext } from './step.js';
import type { PhoneOrders } from './v2-orders.js';

/**
 * v2 customers, from the order scan of v2-orders.ts. Resumable: old forms go through
 * convertCollection (insert, then delete), and a customer made from orders is inserted only where
 * no customer has that phone yet, so a re-run makes none twice.
 */

/**
 * Phone as `_id`, with the customer's order numbers. v1 made the customer before each order; a
 * phone with orders and no customer (deleted by hand) gets one from its latest order, so that
 * every order is on its customer's list.
 */
export async function convertCustomers(ctx: StepContext, { byPhone, sorted }: PhoneOrders): Promise<void> {
  await convertCollection(ctx, 'customers', {
    convert: ({ _id, phone, ...rest }) => ({ _id: phone, ...rest, orders: sorted(phone) }),
  });
  const customers = ctx.db.collection('customers');
  const phones = [...byPhone.keys()];
  for (let i = 0; i < phones.length; i += BATCH) {
    const slice = phones.slice(i, i + BATCH);
    const found = await customers
      .find({ _id: { $in: slice } } as Document, { projection: { _id: 1 } })
      .toArray();
    const known = new Set<unknown>(found.map((c) => c._id));
    const missing = slice.filter((p) => !known.has(p));
    const created = missing.map((phone) => {
      const { latest, firstAt } = byPhone.get(phone) as { latest: Document; firstAt: Date };
      const { name, email, language } = latest.customer;
      return {
        _id: phone,
        ...(name ? { name } : {}),
        ...(email ? { email } : {}),
        ...(language ? { language } : {}),
        optedOut: false,
        orders: sorted(phone),
        createdAt: firstAt,
        updatedAt: latest.createdAt,
      };
    });
    const inserted = created.length - (await insertNew(customers, created));
    if (inserted > 0) ctx.count('customers', 'createdFromOrders', inserted);
    await ctx.renew();
  }
}
