import PDFDocument from 'pdfkit';
import type { Order } from '../../models/order.js';
import { formatMoney } from '../money.js';

export interface InvoiceLayout {
  businessName: string;
  timezone: string;
}

/** Renders the issued invoice of an order as a one-page A4 PDF (pdfkit). */
export function renderInvoicePdf(order: Order, layout: InvoiceLayout): Promise<Buffer> {
  const invoice = order.invoice;
  if (!invoice) throw new Error(`order #${order.number} has no invoice`);
  const money = (minor: number) => formatMoney(minor, order.currency);
  const date = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: layout.timezone }).format(
    invoice.issuedAt,
  );

  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Invoice ${invoice.number}` } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.fontSize(20).text(layout.businessName).moveDown(0.5);
  doc.fontSize(14).text(`Invoice ${invoice.number}`);
  doc.fontSize(10).text(`Date: ${date}`).text(`Order: #${order.number}`).moveDown();

  doc
    .fontSize(11)
    .text('Bill to', { underline: true })
    .fontSize(10)
    .text(order.customer.name)
    .text(order.customer.phone);
  if (order.customer.email) doc.text(order.customer.email);
  const a = order.shippingAddress;
  if (a) {
    doc.text(a.line1);
    if (a.line2) doc.text(a.line2);
    doc.text([a.postalCode, a.city, a.region, a.country].filter(Boolean).join(', '));
  }
  doc.moveDown();

  const columns = [50, 150, 330, 390, 470];
  const row = (cells: string[], bold = false) => {
    const y = doc.y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    cells.forEach((cell, i) => {
      const x = columns[i] ?? 50;
      const width = (columns[i + 1] ?? 545) - x - 5;
      doc.text(cell, x, y, { width, align: i >= 2 ? 'right' : 'left' });
    });
    doc.moveDown(0.3);
    doc.x = 50;
  };
  row(['SKU', 'Item', 'Qty', 'Unit price', 'Amount'], true);
  for (const item of order.items) {
    row([item.sku, item.name, String(item.quantity), money(item.unitPrice), money(item.lineTotal)]);
  }
  doc.moveDown(0.5);
  row(['', '', '', 'Total', money(order.total)], true);
  doc.end();
  return done;
}
