import type { Document } from 'mongodb';
import type { Conversion } from './batch.js';
import type { StepContext } from './step.js';
import { V2_ORDER_IDS } from './v2-orders.js';

/**
 * v2 products: SKU as `_id`, the reservation and restock ledgers keyed by order number instead of
 * order id. Resumable: convertCollection inserts the new form before deleting the old, and the
 * ids are looked up in V2_ORDER_IDS, which outlives the old orders until the step ends, so a re-run
 * re-keys the same way.
 */

const isObjectIdHex = (key: string) => /^[0-9a-f]{24}$/.test(key);

/** SKU as `_id`; the ledgers keyed by order number. A reservation of an order never stored is released. */
export function productConversion(ctx: StepContext): Conversion {
  const ids = ctx.db.collection<{ _id: string; number: number }>(V2_ORDER_IDS);
  const numbers = new Map<string, number>();
  const rekey = (ledger: Document, product: Document, kind: 'reservations' | 'restocked') => {
    const out: Document = {};
    for (const [key, entry] of Object.entries(ledger)) {
      const number = isObjectIdHex(key) ? numbers.get(key) : /^\d+$/.test(key) ? Number(key) : undefined;
      if (number !== undefined) {
        out[String(number)] = entry;
      } else if (kind === 'reservations') {
        // Its placement died before storing the order: v1's reconcile job would have released it.
        product.reserved -= entry.qty;
        product.available += entry.qty;
        ctx.log.warn(
          { sku: product._id, order: key, qty: entry.qty },
          'migration: released an orphan reservation',
        );
        ctx.count('products', 'orphanReservationsReleased', 1);
      } else {
        ctx.count('products', 'orphanRestockMarksDropped', 1);
      }
    }
    return out;
  };
  return {
    async prepare(old) {
      const keys = old.flatMap((p) => [
        ...Object.keys(p.reservations ?? {}),
        ...Object.keys(p.restocked ?? {}),
      ]);
      numbers.clear();
      for (const m of await ids.find({ _id: { $in: keys.filter(isObjectIdHex) } }).toArray()) {
        numbers.set(m._id, m.number);
      }
    },
    convert({ _id, sku, reservations, restocked, ...rest }) {
      const product: Document = { _id: sku, ...rest };
      product.reservations = rekey(reservations ?? {}, product, 'reservations');
      if (restocked) product.restocked = rekey(restocked, product, 'restocked');
      return product;
    },
  };
}
