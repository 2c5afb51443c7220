import PDFDocument from 'pdfkit';
import { formatMoney } from '../money.js';
import { isolate } from './bidi.js';
import type { TaxDocument, TaxLine } from './document.js';
import type { PdfFonts } from './pdf-fonts.js';
import {
  align,
  BOTTOM,
  COLUMN_WIDTHS,
  CONTENT,
  column,
  GREY,
  layout,
  MARGIN,
  PAD,
  PAGE,
  SHADE,
  type Style,
  starts,
} from './pdf-layout.js';
import { country, LABELS, percent, phone } from './pdf-text.js';

export interface RenderOptions {
  /** The business's IANA time zone: the day the document was issued there. */
  timezone: string;
  /** DejaVu Sans and its bold, parsed once (./pdf-fonts.ts). */
  fonts: PdfFonts;
}

/**
 * Renders an issued invoice or credit note as an A4 PDF: one page, continued on more when the
 * lines need them (with the column titles again). A Hebrew document is laid out right to left:
 * its blocks and columns mirrored, its text right-aligned, each line in bidi visual order.
 */
export function renderDocumentPdf(document: TaxDocument, opts: RenderOptions): Promise<Buffer> {
  const L = LABELS[document.language];
  const rtl = document.language === 'he';
  const money = (minor: number) => formatMoney(minor, document.currency, L.numberLocale);
  const number = (n: number) => new Intl.NumberFormat(L.numberLocale, { maximumFractionDigits: 3 }).format(n);
  const date = (d: Date) =>
    new Intl.DateTimeFormat(L.dateLocale, { dateStyle: 'long', timeZone: opts.timezone }).format(d);
  const credit = document.kind === 'credit_note';
  const title = `${credit ? L.creditNote : L.invoice} ${document.number}`;

  const pdf = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    lang: rtl ? 'he-IL' : 'en-GB',
    displayTitle: true,
    info: { Title: title, Author: document.issuer.name, Subject: `${L.order} ${document.order}` },
  });
  // pdfkit 0.20 takes a font fontkit parsed as it takes a file (its types name only files).
  pdf.registerFont('body', opts.fonts.body as unknown as Buffer);
  pdf.registerFont('bold', opts.fonts.bold as unknown as Buffer);
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  const { lineHeight, text, rule } = layout(pdf, rtl);

  // ---- the header: title, dates, order; issuer and customer ----

  let y = MARGIN;
  y += text(title, MARGIN, CONTENT, y, { font: 'bold', size: 20 });
  if (credit && document.refersTo) {
    y += 2;
    const { invoice, issuedAt } = document.refersTo;
    y += text(L.forInvoice(String(invoice), date(issuedAt)), MARGIN, CONTENT, y, { size: 10.5 });
  }
  y += 8;
  const meta: [string, string][] = [
    [L.issueDate, date(document.issuedAt)],
    [L.order, L.orderNumber(document.order)],
  ];
  const labelWidth = 82;
  for (const [label, value] of meta) {
    text(label, MARGIN, labelWidth, y, { color: GREY });
    y += text(value, MARGIN + labelWidth + 6, 200, y);
    y += 1;
  }

  y += 18;
  const half = (CONTENT - 30) / 2;
  const issuerLines = [
    ...document.issuer.address.split('\n').filter((l) => l.trim()),
    ...(document.issuer.taxId ? [`${L.taxId}: ${isolate(document.issuer.taxId)}`] : []),
  ];
  const c = document.customer;
  const a = c.address;
  const customerLines = [
    phone(c.phone),
    ...(c.email ? [c.email] : []),
    ...(a
      ? [
          a.line1,
          ...(a.line2 ? [a.line2] : []),
          [a.city, a.region, a.postalCode].filter(Boolean).join(', '),
          country(a.country, L.dateLocale),
        ]
      : []),
  ].filter((l) => l.trim());

  const blockTop = y;
  let left = blockTop;
  left += text(document.issuer.name, MARGIN, half, left, { font: 'bold', size: 11 });
  for (const line of issuerLines) left += text(line, MARGIN, half, left);

  const customerStart = MARGIN + half + 30;
  let right = blockTop;
  right += text(credit ? L.customer : L.billTo, customerStart, half, right, { size: 8.5, color: GREY });
  right += 1;
  right += text(c.name, customerStart, half, right, { font: 'bold', size: 11 });
  for (const line of customerLines) right += text(line, customerStart, half, right);
  y = Math.max(left, right) + 22;

  // ---- the lines ----

  const header = () => {
    const style: Style = { font: 'bold', size: 8.5, color: GREY };
    const height = lineHeight(style) + 8;
    pdf.rect(MARGIN, y, CONTENT, height).fill(SHADE);
    L.columns.forEach((label, i) => {
      const { start, width } = column(i);
      text(label, start, width, y + 4, { ...style, align: align(i), fit: true });
    });
    y += height;
  };
  const newPage = () => {
    pdf.addPage();
    y = MARGIN;
    y += text(`${title} (${L.continued})`, MARGIN, CONTENT, y, { size: 9, color: GREY }) + 10;
  };

  const itemStyle: Style = { size: 9.5 };
  const skuStyle: Style = { size: 7.5, color: GREY };
  const row = (line: TaxLine) => {
    const item = column(0);
    const sku = `${L.sku}: ${isolate(line.sku)}`;
    const height =
      text(line.name, item.start, item.width, 0, itemStyle, true) +
      text(sku, item.start, item.width, 0, skuStyle, true) +
      10;
    if (y + height > BOTTOM) {
      newPage();
      header();
    }
    const top = y + 5;
    const nameHeight = text(line.name, item.start, item.width, top, itemStyle);
    text(sku, item.start, item.width, top + nameHeight, skuStyle);
    const cells = [
      number(line.quantity),
      money(line.unitPrice),
      money(line.net),
      money(line.tax),
      money(line.gross),
    ];
    cells.forEach((cell, i) => {
      const { start, width } = column(i + 1);
      text(cell, start, width, top, { ...itemStyle, align: 'right', fit: true });
    });
    y += height;
    rule(y);
  };

  header();
  for (const line of document.lines) row(line);

  // ---- the totals, under the amounts columns; the note on prices beside them ----

  const totals: [string, string, Style][] = [
    [L.subtotal, money(document.subtotal), {}],
    [`${L.tax} ${percent(document.tax.rate, L.numberLocale)}`, money(document.tax.amount), {}],
    [credit ? L.totalCredit : L.total, money(document.total), { font: 'bold', size: 11 }],
  ];
  const totalsHeight = totals.reduce((s, [, , style]) => s + lineHeight({ size: 9.5, ...style }) + 6, 0) + 14;
  if (y + totalsHeight > BOTTOM) newPage();
  y += 10;
  if (document.pricesIncludeTax) {
    const item = column(0);
    text(L.pricesIncludeTax, item.start, item.width + (COLUMN_WIDTHS[1] ?? 0), y, { size: 8.5, color: GREY });
  }
  // Labels from the unit price column on; amounts right-aligned in the total column, under the lines' totals.
  const labels = {
    start: (starts[2] ?? 0) + PAD,
    width: (COLUMN_WIDTHS[2] ?? 0) + (COLUMN_WIDTHS[3] ?? 0) + (COLUMN_WIDTHS[4] ?? 0) - 2 * PAD,
  };
  const amounts = column(5);
  totals.forEach(([label, amount, style], i) => {
    const last = i === totals.length - 1;
    if (last) {
      y += 3;
      rule(y, { start: starts[2] ?? MARGIN, color: 'black', width: 0.8 });
      y += 5;
    }
    text(label, labels.start, labels.width, y, { size: 9.5, ...style });
    y +=
      text(amount, amounts.start, amounts.width, y, { size: 9.5, ...style, align: 'right', fit: true }) + 6;
  });

  // ---- the footer of every page: who, which document, which page ----

  const range = pdf.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    pdf.switchToPage(range.start + i);
    const footerY = PAGE.height - MARGIN + 12;
    rule(footerY - 6, { width: 0.4 });
    const style: Style = { size: 7.5, color: GREY };
    text(`${document.issuer.name} · ${title}`, MARGIN, CONTENT * 0.7, footerY, { ...style, fit: true });
    if (range.count > 1)
      text(L.page(i + 1, range.count), MARGIN + CONTENT * 0.7, CONTENT * 0.3, footerY, {
        ...style,
        align: 'end',
      });
  }
  pdf.end();
  return done;
}
