import type { Document } from 'mongodb';
import { convertCollection } from './batch.js';
import { codeOf, dropCollection, INDEX_NOT_FOUND, listIndexes, type StepContext } from './step.js';
import { convertCustomers } from './v2-customers.js';
import { convertOrders, scanOrders, V2_ORDER_IDS } from './v2-orders.js';
import { convertOutbox } from './v2-outbox.js';
import { productConversion } from './v2-products.js';

/**
 * Step v1 → v2: natural keys as `_id` (products by SKU, customers by phone, orders by number, SMS
 * messages by key, drafts by phone, processed requests by key, the outbox as a ring), after
 * dropping the v1 indexes in the way. Resumable: index drops tolerate indexes already gone, each
 * conversion inserts new forms before deleting old ones, and the order-id map it re-keys through
 * is dropped only as the very last thing, so a run that died anywhere is finished by the next.
 */

/** Fields v1 documents had and v2 ones have not: an index naming one is dead weight or, if unique, breaks inserts. */
const V2_GONE_FIELDS: Record<string, string[]> = {
  orders: ['number', 'customerId'],
  products: ['sku'],
  customers: ['phone'],
  sms_messages: ['key'],
  sms_drafts: ['phone'],
  processed_requests: ['key', 'updatedAt'],
  outbox: [],
};
/** v1 indexes on fields v2 keeps but that v2 does not declare (or declares differently: `sid_1` is no longer unique). */
const V2_RETIRED_INDEXES: Record<string, string[]> = {
  customers: ['name_1'],
  orders: ['inventory_1_status_1'],
  outbox: ['createdAt_-1', 'door_1_createdAt_-1'],
  sms_messages: ['orderNumber_1', 'sid_1'],
};

/**
 * Drops, before any document is converted, every index v2 does not want. Unique ones go too, even
 * `orders.idempotencyKey_1`: while a document exists in both forms they would collide (and on
 * MongoDB a unique index on a field the new forms lack makes them collide on null). The app
 * creates v2's indexes itself after migrating.
 */
async function dropV1Indexes(ctx: StepContext): Promise<void> {
  for (const [name, gone] of Object.entries(V2_GONE_FIELDS)) {
    const col = ctx.db.collection(name);
    for (const index of await listIndexes(col)) {
      if (index.name === '_id_') continue;
      const fields = Object.keys(index.key as Document);
      const unwanted =
        index.unique === true ||
        fields.some((f) => gone.includes(f)) ||
        (V2_RETIRED_INDEXES[name] ?? []).includes(index.name);
      if (!unwanted) continue;
      await col.dropIndex(index.name).catch((err) => {
        if (codeOf(err) !== INDEX_NOT_FOUND) throw err;
      });
      ctx.count(name, 'indexesDropped', 1);
    }
  }
}

export async function toNaturalKeys(ctx: StepContext): Promise<void> {
  await dropV1Indexes(ctx);
  const phones = await scanOrders(ctx);
  // Before the orders go: the ledgers' order ids are re-keyed to numbers through the map.
  await convertCollection(ctx, 'products', productConversion(ctx));
  await convertCustomers(ctx, phones);
  await convertOrders(ctx);
  await convertCollection(ctx, 'sms_messages', {
    convert: ({ _id, key, ...rest }) => ({ _id: key, ...rest }),
  });
  await convertCollection(ctx, 'sms_drafts', {
    convert: ({ _id, phone, ...rest }) => ({ _id: phone, ...rest }),
  });
  await convertCollection(ctx, 'processed_requests', {
    // `order:` claims are replaced by order_keys; the others (`sms:<MessageSid>`) keep their key.
    convert: ({ _id, key, updatedAt, ...rest }) =>
      String(key).startsWith('order:') ? null : { _id: key, ...rest },
  });
  await convertOutbox(ctx);
  await dropCollection(ctx.db, V2_ORDER_IDS);
}
