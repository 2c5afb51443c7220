import { nextSequence } from '../../models/counter.js';
import type { Models } from '../../models/index.js';
import type { Order } from '../../models/order.js';
import { AppError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';

/** The order statuses at and after `pack`, i.e. those that have an invoice. */
const INVOICED = new Set(['packed', 'shipped', 'delivered', 'return_requested', 'returned']);

/**
 * Invoices are issued at `pack` with their own sequence (1, 2, …). Issuing is idempotent: the
 * number is attached only if the order has none, so a retry never consumes a second number, and
 * an order packed by a process that died before numbering gets its invoice on the next request.
 */
export function createInvoiceService({
  models,
  events,
  log,
}: {
  models: Models;
  events: EventBus;
  log: Logger;
}) {
  const { Order, Counter } = models;

  async function ensureIssued(order: Order): Promise<Order> {
    if (order.invoice?.number) return order;
    if (!INVOICED.has(order.status)) {
      throw new AppError(
        'not_found',
        `Order #${order.number} has no invoice yet; it is issued when the order is packed.`,
        {
          details: { number: order.number, status: order.status },
        },
      );
    }
    const number = await nextSequence(Counter, 'invoice', 0);
    const updated = await Order.findOneAndUpdate(
      { _id: order._id, 'invoice.number': { $exists: false } },
      { $set: { invoice: { number, issuedAt: new Date() } } },
      { returnDocument: 'after', lean: true },
    );
    if (!updated) {
      log.warn({ order: order.number, unused: number }, 'invoice number unused: issued concurrently');
      return (await Order.findById(order._id).lean<Order>()) as Order;
    }
    log.info({ order: order.number, invoice: number }, 'invoice issued');
    events.emit('invoice.issued', { order: updated as Order });
    return updated as Order;
  }

  return { ensureIssued };
}

export type InvoiceService = ReturnType<typeof createInvoiceService>;
