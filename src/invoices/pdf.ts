import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { Order } from '../../models/order.js';
import { formatMoney } from '../money.js';
import { drawableWords, RTL } from './bidi.js';

// DejaVu Sans instead of PDF's built-in Helvetica, which has no Hebrew (or Cyrillic, Greek…)
// glyphs: a customer named in Hebrew must still be readable on their invoice.
const require = createRequire(import.meta.url);
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

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
  doc.registerFont('body', FONT);
  doc.registerFont('bold', FONT_BOLD);
  doc.font('body');
  /** One line of text that may be Hebrew: drawn word by word in bidi order. */
  const line = (text: string, x = doc.x, y = doc.y) => {
    if (!RTL.test(text)) {
      doc.text(text, x, y);
      return;
    }
    let cx = x;
    for (const word of drawableWords(text)) {
      doc.text(word, cx, y, { lineBreak: false });
      cx += doc.widthOfString(`${word} `);
    }
    doc.x = x;
    doc.y = y + doc.currentLineHeight(true);
  };
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.fontSize(20);
  line(layout.businessName);
  doc.moveDown(0.5);
  doc.fontSize(14).text(`Invoice ${invoice.number}`);
  doc.fontSize(10).text(`Date: ${date}`).text(`Order: #${order.number}`).moveDown();

  doc.fontSize(11).text('Bill to', { underline: true }).fontSize(10);
  line(order.customer.name);
  doc.text(order.customer.phone);
  if (order.customer.email) doc.text(order.customer.email);
  const a = order.shippingAddress;
  if (a) {
    line(a.line1);
    if (a.line2) line(a.line2);
    line([a.postalCode, a.city, a.region, a.country].filter(Boolean).join(', '));
  }
  doc.moveDown();

  const columns = [50, 150, 330, 390, 470];
  const row = (cells: string[], bold = false) => {
    const y = doc.y;
    let bottom = y;
    doc.font(bold ? 'bold' : 'body');
    cells.forEach((cell, i) => {
      const x = columns[i] ?? 50;
      const width = (columns[i + 1] ?? 545) - x - 5;
      if (RTL.test(cell)) line(cell, x, y);
      else doc.text(cell, x, y, { width, align: i >= 2 ? 'right' : 'left' });
      bottom = Math.max(bottom, doc.y); // a long item name wraps: the row is as tall as it
    });
    doc.y = bottom;
    doc.moveDown(0.3);
    doc.x = 50;
  };
  const header = ['SKU', 'Item', 'Qty', 'Unit price', 'Amount'];
  row(header, true);
  for (const item of order.items) {
    // Up to 100 lines: continue on a new page, with the column titles again.
    if (doc.y > doc.page.height - doc.page.margins.bottom - 60) {
      doc.addPage();
      row(header, true);
    }
    row([item.sku, item.name, String(item.quantity), money(item.unitPrice), money(item.lineTotal)]);
  }
  doc.moveDown(0.5);
  row(['', '', '', 'Total', money(order.total)], true);
  doc.end();
  return done;
}
