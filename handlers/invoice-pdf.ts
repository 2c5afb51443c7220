import type { Response } from 'express';
import type { Config } from '../src/config.js';
import type { Order } from '../src/domain.js';

/** The invoice PDF as a response, for the API route and for the signed links staff click in Slack. */
export async function sendInvoicePdf(res: Response, order: Order, config: Config): Promise<void> {
  const invoice = order.invoice as NonNullable<Order['invoice']>;
  // Loaded on the first invoice: pdfkit and its fonts are 12 MB that most processes never need.
  const { renderInvoicePdf } = await import('../src/invoices/pdf.js');
  const pdf = await renderInvoicePdf(order, { businessName: config.businessName, timezone: config.timezone });
  // Chrome's PDF viewer draws itself with inline styles that our HTML/JSON policy forbids; framing
  // stays denied by X-Frame-Options.
  res.removeHeader('Content-Security-Policy');
  res
    .type('application/pdf')
    .set('Content-Disposition', `inline; filename="invoice-${invoice.number}.pdf"`)
    .set('Cache-Control', 'private, no-store')
    .send(pdf);
}
