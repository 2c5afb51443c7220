import type { OrderRepository } from '../../models/order.js';
import type { OrderBoardRepository } from '../../models/order-board.js';
import type { InventoryService } from '../inventory/service.js';
import type { InvoiceService } from '../invoices/service.js';
import type { Logger } from '../logger.js';
import { RESERVING_STATUSES } from './lifecycle.js';
import type { OrderService } from './service.js';

const COMMITTED: readonly string[] = ['committed', 'restocking', 'restocked'];

/**
 * Finishes what a crash interrupted. Every reservation on a product names its order by number; if
 * that order does not exist (the placement died before storing it) or no longer holds stock (it
 * was cancelled, rejected or shipped and the process died before the stock followed), the
 * reservation is released or committed now. Then every order board entry is checked against its
 * order, which also finishes returns whose restock was interrupted. All of it is idempotent, so
 * running it anywhere, any number of times, is safe. Its cost is the catalogue plus the board,
 * never the order history.
 */
export function createReconciler(deps: {
  inventory: InventoryService;
  orderRecords: OrderRepository;
  board: OrderBoardRepository;
  orderService: Pick<OrderService, 'finishRestock' | 'repairBoard'>;
  /** Documents a crash kept from being issued: an invoice at pack, a credit note at a received return. */
  invoices: Pick<InvoiceService, 'ensureIssued' | 'ensureCreditNote'>;
  log: Logger;
  /**
   * A reservation (or a move) younger than this may belong to a placement still in flight
   * (RECONCILE_GRACE, default 2 minutes: far longer than any placement takes).
   */
  graceMs: number;
}) {
  const { inventory, orderRecords, board, orderService, log } = deps;
  const GRACE_MS = deps.graceMs;

  async function reconcile(now = new Date()) {
    let released = 0;
    let committed = 0;
    let restocked = 0;
    for await (const product of inventory.ledgers()) {
      const held = Object.entries(product.reservations).filter(
        ([, r]) => now.getTime() - new Date(r.at).getTime() >= GRACE_MS,
      );
      const marked = Object.keys(product.restocked);
      const numbers = [...new Set([...held.map(([n]) => Number(n)), ...marked.map(Number)])];
      const found = new Map((await orderRecords.getMany(numbers)).map((o) => [o.number, o]));
      // Restock marks whose order already records the return: a crash came before they were dropped.
      for (const n of marked.map(Number)) {
        const order = found.get(n);
        if (!order || order.inventory === 'restocked') await inventory.clearRestocked(n, [product.sku]);
      }
      for (const [key, reservation] of held) {
        const order = found.get(Number(key));
        if (order && RESERVING_STATUSES.includes(order.status)) continue;
        const line = [{ sku: product.sku, quantity: reservation.qty }];
        if (order && COMMITTED.includes(order.inventory)) {
          await inventory.commit(Number(key), line);
          committed++;
        } else {
          // The reservation was made when its order was placed: its sale comes off that day.
          await inventory.release(Number(key), line, order?.createdAt ?? new Date(reservation.at));
          released++;
        }
        log.warn(
          { sku: product.sku, order: Number(key), exists: Boolean(order), quantity: reservation.qty },
          'reconciled a reservation left by an interrupted operation',
        );
      }
    }
    // A pack or a received return cut before its document was issued (the board still has them).
    let documents = 0;
    const open = await board.list(['packed', 'returned']);
    for (const order of await orderRecords.getMany(open.map((e) => e.number))) {
      if (now.getTime() - order.updatedAt.getTime() < GRACE_MS) continue;
      if (order.status === 'packed' && !order.invoice) {
        await deps.invoices.ensureIssued(order);
        documents++;
      } else if (order.status === 'returned' && !order.creditNote) {
        await deps.invoices.ensureCreditNote(order);
        documents++;
      }
    }
    // Returns received whose goods were not (all) put back: they stay on the board until done.
    const returns = await board.list(['return_requested', 'returned']);
    for (const order of await orderRecords.getMany(returns.map((e) => e.number))) {
      if (order.inventory !== 'restocking' || now.getTime() - order.updatedAt.getTime() < GRACE_MS) continue;
      await orderService.finishRestock(order);
      restocked++;
      log.warn({ order: order.number }, 'reconciled a return whose restock was interrupted');
    }
    const boardRepaired = await orderService.repairBoard();
    return { released, committed, restocked, documents, boardRepaired };
  }

  return { reconcile };
}

export type Reconciler = ReturnType<typeof createReconciler>;
