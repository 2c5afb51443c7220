import type { OrderRepository } from '../../models/order.js';
import type { OrderBoardRepository } from '../../models/order-board.js';
import type { DocumentDraft, DocumentSeries } from '../../models/tax-document.js';
import type { Language } from '../customers/customer.js';
import { slackEffect } from '../delivery/effects.js';
import { AppError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';
import { belongsOnBoard } from '../orders/board.js';
import { INVOICED_STATUSES } from '../orders/lifecycle.js';
import type { Order } from '../orders/order.js';
import type { TaxDocument } from './document.js';
import { documentAmounts } from './tax.js';

/** The order statuses at and after `pack`, i.e. those that have an invoice (the lifecycle's group). */
const INVOICED: ReadonlySet<string> = new Set(INVOICED_STATUSES);

export interface InvoiceSettings {
  issuer: { name: string; address: string; taxId: string };
  tax: { rate: number; pricesIncludeTax: boolean };
  defaultLanguage: Language;
}

/**
 * Invoices (issued at `pack`) and credit notes (issued when a return is received), each in its own
 * series numbered without gaps (models/tax-document.ts). A document is frozen when issued: the
 * issuer, the customer, the lines, the tax and the amounts as they were, in the customer's
 * language; a later price or name change never alters it. The order keeps a reference to each
 * (`invoice`, `creditNote`), written with the Slack effect that links it in the task message.
 * Issuing is idempotent: a retry, a concurrent request or a request after a crash gets the same
 * document.
 */
export function createInvoiceService(deps: {
  orderRecords: OrderRepository;
  invoiceDocuments: DocumentSeries;
  creditNotes: DocumentSeries;
  board: OrderBoardRepository;
  events: EventBus;
  log: Logger;
  settings: InvoiceSettings;
}) {
  const { orderRecords, invoiceDocuments, creditNotes, events, log, settings } = deps;

  /** What an invoice for the order says if issued now. */
  function invoiceDraft(order: Order, issuedAt: Date): DocumentDraft {
    const amounts = documentAmounts(order.items, settings.tax.rate, settings.tax.pricesIncludeTax);
    return {
      kind: 'invoice',
      order: order.number,
      issuedAt,
      language: order.customer.language ?? settings.defaultLanguage,
      currency: order.currency,
      issuer: { ...settings.issuer },
      customer: {
        name: order.customer.name,
        phone: order.customer.phone,
        ...(order.customer.email ? { email: order.customer.email } : {}),
        ...(order.shippingAddress ? { address: order.shippingAddress } : {}),
      },
      ...amounts,
      pricesIncludeTax: settings.tax.pricesIncludeTax,
    };
  }

  /** Its board entry first when it is off the board: the document's Slack link is due with it. */
  async function onBoard(order: Order): Promise<void> {
    if (!belongsOnBoard(order)) await deps.board.put(order.number, order.status, order.history.length);
  }

  async function ensureIssued(order: Order): Promise<Order> {
    if (order.invoice?.number) return order;
    if (!INVOICED.has(order.status)) {
      throw new AppError(
        'not_found',
        `Order #${order.number} has no invoice yet; it is issued when the order is packed.`,
        { details: { number: order.number, status: order.status } },
      );
    }
    const { document, issued } = await invoiceDocuments.issue(invoiceDraft(order, new Date()));
    await onBoard(order);
    const updated = await orderRecords.attachInvoice(
      order.number,
      { number: document.number, issuedAt: document.issuedAt },
      [slackEffect('invoice')],
    );
    if (!updated) return (await orderRecords.get(order.number)) ?? order;
    if (issued) log.info({ order: order.number, invoice: document.number }, 'invoice issued');
    else
      log.warn({ order: order.number, invoice: document.number }, 'invoice found and attached after a crash');
    events.emit('invoice.issued', { order: updated });
    return updated;
  }

  /** The order's invoice document, issued if due (an order of the first release gets its frozen copy now). */
  async function invoiceOf(order: Order): Promise<TaxDocument> {
    const withInvoice = await ensureIssued(order);
    const ref = withInvoice.invoice as NonNullable<Order['invoice']>;
    return (
      (await invoiceDocuments.get(ref.number)) ??
      (await invoiceDocuments.adopt(ref.number, invoiceDraft(withInvoice, ref.issuedAt)))
    );
  }

  /**
   * The credit note for a received return: the invoice's lines and amounts, negative, referring to
   * it, in the next number of its own series.
   */
  async function ensureCreditNote(order: Order): Promise<Order> {
    if (order.creditNote?.number) return order;
    if (order.status !== 'returned') {
      throw new AppError(
        'not_found',
        `Order #${order.number} has no credit note; one is issued when a return is received.`,
        { details: { number: order.number, status: order.status } },
      );
    }
    const invoice = await invoiceOf(order);
    const negative = (n: number) => (n === 0 ? 0 : -n);
    const draft: DocumentDraft = {
      ...invoice,
      kind: 'credit_note',
      refersTo: { invoice: invoice.number, issuedAt: invoice.issuedAt },
      issuedAt: new Date(),
      lines: invoice.lines.map((l) => ({
        ...l,
        quantity: -l.quantity,
        net: negative(l.net),
        tax: negative(l.tax),
        gross: negative(l.gross),
      })),
      subtotal: negative(invoice.subtotal),
      tax: { rate: invoice.tax.rate, amount: negative(invoice.tax.amount) },
      total: negative(invoice.total),
    };
    delete (draft as Partial<TaxDocument>).number;
    const { document, issued } = await creditNotes.issue(draft);
    const current = (await orderRecords.get(order.number)) ?? order;
    await onBoard(current);
    const updated = await orderRecords.attachCreditNote(
      order.number,
      { number: document.number, issuedAt: document.issuedAt },
      [slackEffect('credit-note')],
    );
    if (!updated) return (await orderRecords.get(order.number)) ?? order;
    if (issued) log.info({ order: order.number, creditNote: document.number }, 'credit note issued');
    events.emit('order.effects_added', { order: updated });
    return updated;
  }

  async function creditNoteOf(order: Order): Promise<TaxDocument> {
    const withNote = await ensureCreditNote(order);
    const ref = withNote.creditNote as NonNullable<Order['creditNote']>;
    const document = await creditNotes.get(ref.number);
    if (!document)
      throw new AppError('not_found', `Credit note ${ref.number} of order #${order.number} is missing.`);
    return document;
  }

  return { ensureIssued, invoiceOf, ensureCreditNote, creditNoteOf };
}

export type InvoiceService = ReturnType<typeof createInvoiceService>;
