import type { CounterRepository } from '../../models/counter.js';
import type { Order, OrderRepository } from '../../models/order.js';
import type { OrderBoardRepository } from '../../models/order-board.js';
import { slackEffect } from '../delivery/effects.js';
import { AppError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';
import { belongsOnBoard } from '../orders/board.js';

/** The order statuses at and after `pack`, i.e. those that have an invoice. */
const INVOICED = new Set(['packed', 'shipped', 'delivered', 'return_requested', 'returned']);

/**
 * Invoices are issued at `pack` with their own sequence (1, 2, …). Issuing is idempotent: the
 * number is attached only if the order has none, so a retry never consumes a second number, and
 * an order packed by a process that died before numbering gets its invoice on the next request.
 */
export function createInvoiceService(deps: {
  orders: OrderRepository;
  counters: CounterRepository;
  board: OrderBoardRepository;
  events: EventBus;
  log: Logger;
}) {
  const { orders, counters, events, log } = deps;

  async function ensureIssued(order: Order): Promise<Order> {
    if (order.invoice?.number) return order;
    if (!INVOICED.has(order.status)) {
      throw new AppError(
        'not_found',
        `Order #${order.number} has no invoice yet; it is issued when the order is packed.`,
        { details: { number: order.number, status: order.status } },
      );
    }
    const number = await counters.next('invoice', 0);
    // The invoice's Slack update is due with it: an order off the board goes back on until it is done.
    if (!belongsOnBoard(order)) await deps.board.put(order.number, order.status, order.history.length);
    const updated = await orders.attachInvoice(order.number, { number, issuedAt: new Date() }, [
      slackEffect('invoice'),
    ]);
    if (!updated) {
      log.warn({ order: order.number, unused: number }, 'invoice number unused: issued concurrently');
      return (await orders.get(order.number)) ?? order;
    }
    log.info({ order: order.number, invoice: number }, 'invoice issued');
    events.emit('invoice.issued', { order: updated });
    return updated;
  }

  return { ensureIssued };
}

export type InvoiceService = ReturnType<typeof createInvoiceService>;
