import { createRequire } from 'node:module';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import PDFDocument from 'pdfkit';
import { formatMoney } from '../money.js';
import { drawableRuns, isolate } from './bidi.js';
import type { TaxDocument, TaxLine } from './document.js';

// DejaVu Sans instead of PDF's built-in Helvetica, which has no Hebrew (or Cyrillic, Greek…) glyphs
// nor ₪: embedded (subset) from the npm package, nothing taken from the system.
const require = createRequire(import.meta.url);
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

export interface RenderOptions {
  /** The business's IANA time zone: the day the document was issued there. */
  timezone: string;
}

/** The words of a document in one language. */
interface Labels {
  /** Locale for dates, and for numbers and money. */
  dateLocale: string;
  numberLocale: string;
  invoice: string;
  creditNote: string;
  forInvoice: (invoice: string, date: string) => string;
  issueDate: string;
  order: string;
  orderNumber: (n: number) => string;
  taxId: string;
  billTo: string;
  customer: string;
  sku: string;
  columns: [item: string, qty: string, unitPrice: string, net: string, tax: string, total: string];
  subtotal: string;
  tax: string;
  total: string;
  totalCredit: string;
  pricesIncludeTax: string;
  continued: string;
  page: (page: number, pages: number) => string;
}

const LABELS: Record<TaxDocument['language'], Labels> = {
  en: {
    dateLocale: 'en-GB',
    numberLocale: 'en-US',
    invoice: 'Invoice',
    creditNote: 'Credit note',
    forInvoice: (invoice, date) => `For invoice ${invoice} of ${date}`,
    issueDate: 'Issue date',
    order: 'Order',
    orderNumber: (n) => `#${n}`,
    taxId: 'Tax ID',
    billTo: 'Bill to',
    customer: 'Customer',
    sku: 'SKU',
    columns: ['Item', 'Qty', 'Unit price', 'Net', 'VAT', 'Total'],
    subtotal: 'Subtotal',
    tax: 'VAT',
    total: 'Total',
    totalCredit: 'Total credited',
    pricesIncludeTax: 'Prices include VAT',
    continued: 'continued',
    page: (page, pages) => `Page ${page} of ${pages}`,
  },
  he: {
    dateLocale: 'he-IL',
    numberLocale: 'he-IL',
    invoice: 'חשבונית מס',
    creditNote: 'חשבונית זיכוי',
    forInvoice: (invoice, date) => `עבור חשבונית מס ${invoice} מיום ${date}`,
    issueDate: 'תאריך הפקה',
    order: 'מספר הזמנה',
    orderNumber: (n) => String(n),
    taxId: 'מספר עוסק',
    billTo: 'לכבוד',
    customer: 'לכבוד',
    sku: 'מק״ט',
    columns: ['פריט', 'כמות', 'מחיר ליחידה', 'לפני מע״מ', 'מע״מ', 'סה״כ'],
    subtotal: 'סה״כ לפני מע״מ',
    tax: 'מע״מ',
    total: 'סה״כ לתשלום',
    totalCredit: 'סה״כ זיכוי',
    pricesIncludeTax: 'המחירים כוללים מע״מ',
    continued: 'המשך',
    page: (page, pages) => `עמוד ${page} מתוך ${pages}`,
  },
};

// A4 in points, and the layout's measures.
const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = 50;
const CONTENT = PAGE.width - 2 * MARGIN;
/** Where a page's content ends: below it only the footer. */
const BOTTOM = PAGE.height - MARGIN - 10;
const GREY = '#5f6368';
const RULE = '#d0d4d9';
const SHADE = '#f1f3f4';
/** The table's columns, from the reading start: item, quantity, unit price, net, tax, total. */
const COLUMN_WIDTHS = [165, 38, 72, 72, 70, 78.28];
const PAD = 4;

type FontName = 'body' | 'bold';
/** `start`/`end` follow the reading direction; `right` stays right (amounts, so their decimals line up). */
type Align = 'start' | 'end' | 'right';
interface Style {
  font?: FontName;
  size?: number;
  color?: string;
  align?: Align;
  /** One line only: the font shrinks until the text fits (an amount is never wrapped). */
  fit?: boolean;
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
  pdf.registerFont('body', FONT);
  pdf.registerFont('bold', FONT_BOLD);
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  // ---- text: every string goes through here, in both languages ----

  const use = (style: Style) => pdf.font(style.font ?? 'body').fontSize(style.size ?? 9.5);
  /** Width of a run as drawn: whole (features set), as `drawableRuns` wants it. */
  const runWidth = (run: string) => pdf.widthOfString(run, { features: [] });
  const drawnWidth = (line: string) => drawableRuns(line).reduce((sum, run) => sum + runWidth(run), 0);
  const lineHeight = (style: Style) => use(style).currentLineHeight(true);

  /** The lines of `text` within `width` (logical order, wrapped at spaces, a long word cut). */
  const wrap = (text: string, width: number, style: Style): string[] => {
    use(style);
    const lines: string[] = [];
    for (const paragraph of text.split('\n')) {
      let current = '';
      for (const word of paragraph.split(/ +/)) {
        const candidate = current ? `${current} ${word}` : word;
        if (pdf.widthOfString(candidate) <= width || !current) {
          current = candidate;
        } else {
          lines.push(current);
          current = word;
        }
        // A word wider than the column (a long SKU or e-mail) is cut where it must be.
        while (pdf.widthOfString(current) > width && [...current].length > 1) {
          const chars = [...current];
          let n = chars.length - 1;
          while (n > 1 && pdf.widthOfString(chars.slice(0, n).join('')) > width) n--;
          lines.push(chars.slice(0, n).join(''));
          current = chars.slice(n).join('');
        }
      }
      if (current || !lines.length) lines.push(current);
    }
    return lines;
  };

  /** Physical x of a box given from the reading start (mirrored for Hebrew). */
  const boxX = (start: number, width: number) => (rtl ? PAGE.width - start - width : start);

  /**
   * Draws `text` in the box that begins `start` points from the reading start and is `width` wide,
   * from `y` down; returns the height used. With `measure` nothing is drawn.
   */
  const text = (
    value: string,
    start: number,
    width: number,
    y: number,
    style: Style = {},
    measure = false,
  ) => {
    const size = style.size ?? 9.5;
    const lines = style.fit ? [value] : wrap(value, width, style);
    let fitted = size;
    if (style.fit) {
      use(style);
      while (fitted > 6 && drawnWidth(value) > width) {
        fitted -= 0.5;
        use({ ...style, size: fitted });
      }
    }
    const fittedStyle = { ...style, size: fitted };
    const height = lineHeight(fittedStyle);
    if (measure) return lines.length * lineHeight(style);
    const x0 = boxX(start, width);
    const align = style.align ?? 'start';
    const right = align === 'right' || (align === 'start' ? rtl : !rtl);
    use(fittedStyle).fillColor(style.color ?? 'black');
    lines.forEach((line, i) => {
      const runs = drawableRuns(line.trim());
      const total = runs.reduce((sum, run) => sum + runWidth(run), 0);
      let x = right ? x0 + width - total : x0;
      for (const run of runs) {
        pdf.text(run, x, y + i * height, { lineBreak: false, features: [] });
        x += runWidth(run);
      }
    });
    return lines.length * height;
  };

  /** A horizontal rule from `start` (from the reading start) to the content's end side. */
  const rule = (y: number, { start = MARGIN, color = RULE, width = 0.6 } = {}) => {
    const x = boxX(start, PAGE.width - MARGIN - start);
    pdf
      .moveTo(x, y)
      .lineTo(x + PAGE.width - MARGIN - start, y)
      .lineWidth(width)
      .strokeColor(color)
      .stroke();
  };

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

  const starts = COLUMN_WIDTHS.map((_, i) => MARGIN + COLUMN_WIDTHS.slice(0, i).reduce((s, w) => s + w, 0));
  const column = (i: number) => ({
    start: (starts[i] ?? MARGIN) + PAD,
    width: (COLUMN_WIDTHS[i] ?? 0) - 2 * PAD,
  });
  const align = (i: number): Align => (i === 0 ? 'start' : 'right');

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

/** 17 → "17%", 7.25 → "7.25%", in the document's locale. */
function percent(rate: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 3 }).format(rate / 100);
}

/** An E.164 number as people write it (+972 50-123-4567); anything else as it is. */
function phone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed?.isPossible() ? parsed.formatInternational() : e164;
}

/** A country code as its name in the document's language ("IL" → "Israel" / "ישראל"). */
function country(code: string, locale: string): string {
  if (!/^[A-Za-z]{2}$/.test(code)) return code;
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}
