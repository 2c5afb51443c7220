import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { drawableRuns, isolate } from '../../src/invoices/bidi.js';
import type { TaxDocument, TaxLine } from '../../src/invoices/document.js';
import { renderDocumentPdf } from '../../src/invoices/pdf.js';
import { loadPdfFonts, type PdfFonts } from '../../src/invoices/pdf-fonts.js';

/**
 * The invoice and credit note PDFs, read back as a customer's PDF reader does: the text pdf.js
 * extracts, where it stands on the page, and the font the file carries. Set INVOICE_PDF_DIR to keep
 * the rendered files and look at them.
 */

const A4_CENTRE = 595.28 / 2;

const line = (
  sku: string,
  name: string,
  quantity: number,
  unitPrice: number,
  net: number,
  tax: number,
): TaxLine => ({
  sku,
  name,
  quantity,
  unitPrice,
  net,
  tax,
  gross: net + tax,
});

/** Prices without tax, 20% VAT on top, in pounds. */
const english: TaxDocument = {
  kind: 'invoice',
  number: 12,
  order: 1001,
  issuedAt: new Date('2026-11-25T23:30:00Z'),
  language: 'en',
  currency: 'GBP',
  issuer: { name: 'Corner Shop Ltd', address: '12 Market Street\nLondon N1 1AA', taxId: 'GB123456789' },
  customer: {
    name: 'Dana Levi',
    phone: '+447700900123',
    email: 'dana@example.com',
    address: { line1: '1 Elm Road', city: 'Leeds', postalCode: 'LS1 4AP', country: 'GB' },
  },
  lines: [
    line('MUG-BLUE', 'Blue mug', 2, 1250, 2500, 500),
    line('BEANS-1KG', 'Coffee beans, 1 kg', 1, 899, 899, 180),
  ],
  subtotal: 3399,
  tax: { rate: 20, amount: 680 },
  total: 4079,
  pricesIncludeTax: false,
};

/** A Hebrew customer, shekels, prices that include 17% VAT. */
const hebrew: TaxDocument = {
  kind: 'invoice',
  number: 7,
  order: 1002,
  issuedAt: new Date('2026-11-20T10:00:00Z'),
  language: 'he',
  currency: 'ILS',
  issuer: { name: 'חנות הפינה בע״מ', address: 'רחוב יפו 97, ירושלים', taxId: '514123456' },
  customer: {
    name: 'דנה לוי',
    phone: '+972501234567',
    email: 'dana@example.co.il',
    address: {
      line1: 'רחוב הרצל 12',
      line2: 'דירה 4',
      city: 'תל אביב',
      postalCode: '6100001',
      country: 'IL',
    },
  },
  lines: [
    line('MUG-BLUE', 'ספל (כחול)', 2, 4680, 8000, 1360),
    line('BEANS-1KG', 'פולי קפה Arabica 1 ק״ג', 1, 11700, 10000, 1700),
  ],
  subtotal: 18000,
  tax: { rate: 17, amount: 3060 },
  total: 21060,
  pricesIncludeTax: true,
};

/** The Hebrew invoice's first line returned. */
const creditNote: TaxDocument = {
  ...hebrew,
  kind: 'credit_note',
  number: 3,
  refersTo: { invoice: 7, issuedAt: hebrew.issuedAt },
  issuedAt: new Date('2026-12-02T09:00:00Z'),
  lines: [line('MUG-BLUE', 'ספל (כחול)', -2, 4680, -8000, -1360)],
  subtotal: -8000,
  tax: { rate: 17, amount: -1360 },
  total: -9360,
};

const englishCreditNote: TaxDocument = {
  ...english,
  kind: 'credit_note',
  number: 4,
  refersTo: { invoice: 12, issuedAt: english.issuedAt },
  issuedAt: new Date('2026-12-02T09:00:00Z'),
  lines: [line('MUG-BLUE', 'Blue mug', -1, 1250, -1250, -250)],
  subtotal: -1250,
  tax: { rate: 20, amount: -250 },
  total: -1500,
};

/** pdf.js puts a right-to-left item in logical order but leaves its brackets as drawn (mirrored). */
const logical = (str: string, dir: string) =>
  dir === 'rtl' ? str.replace(/[()[\]]/g, (c) => ({ '(': ')', ')': '(', '[': ']', ']': '[' })[c] ?? c) : str;

interface Item {
  str: string;
  x: number;
  /** Distance from the page's top, to the text's baseline. */
  y: number;
  width: number;
}

/** Each page's text items as pdf.js extracts them (a right-to-left item comes back in logical order). */
async function read(pdf: Buffer): Promise<Item[][]> {
  const loaded = await getDocument({
    data: new Uint8Array(pdf),
    useSystemFonts: false,
    isEvalSupported: false,
  }).promise;
  const pages: Item[][] = [];
  for (let p = 1; p <= loaded.numPages; p++) {
    const page = await loaded.getPage(p);
    const height = page.view[3] ?? 0;
    const { items } = await page.getTextContent();
    pages.push(
      items.flatMap((item) =>
        'str' in item && item.str.trim()
          ? [
              {
                str: logical(item.str, item.dir),
                x: item.transform[4],
                y: height - item.transform[5],
                width: item.width,
              },
            ]
          : [],
      ),
    );
  }
  await loaded.destroy();
  return pages;
}

/**
 * A page's text line by line, top to bottom; a line's pieces in reading order (right to left for
 * Hebrew), spaces collapsed. Pieces on one baseline in two blocks run together, in reading order.
 */
function text(items: Item[], rtl: boolean): string {
  const rows = new Map<number, Item[]>();
  for (const item of items) {
    const key = [...rows.keys()].find((y) => Math.abs(y - item.y) < 1.5) ?? item.y;
    rows.set(key, [...(rows.get(key) ?? []), item]);
  }
  return [...rows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, row]) =>
      row
        .sort((a, b) => (rtl ? b.x - a.x : a.x - b.x))
        .map((i) => i.str)
        .join(' ')
        .replace(/[\s\u00a0]+/g, ' ')
        .trim(),
    )
    .join('\n');
}

// Parsed once for the whole file, as the app's renderer does.
let fonts: PdfFonts;
beforeAll(async () => {
  fonts = await loadPdfFonts();
});

async function render(doc: TaxDocument, name: string) {
  const pdf = await renderDocumentPdf(doc, { timezone: 'Asia/Jerusalem', fonts });
  const dir = process.env.INVOICE_PDF_DIR;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.pdf`), pdf);
  }
  const pages = await read(pdf);
  return { pdf, pages, text: pages.map((p) => text(p, doc.language === 'he')).join('\n') };
}

/** The header's text: the lines above the issuer's block (title, credit note's invoice, date, order). */
function header(items: Item[], issuer: string): Item[] {
  const issuerY = items.find((i) => i.str.includes(issuer.split(' ')[0] as string))?.y ?? 0;
  return items.filter((i) => i.y < issuerY - 14);
}

test('An English invoice with tax excluded names its issuer, tax ID, VAT line and totals, left to right', async () => {
  const { pages, text } = await render(english, 'invoice-en');
  expect(pages).toHaveLength(1);
  expect(text).toContain('Invoice 12');
  expect(text).toContain('Issue date 26 November 2026'); // 01:30 in Jerusalem
  expect(text).toContain('Order #1001');
  expect(text).toContain('Corner Shop Ltd');
  expect(text).toContain('London N1 1AA');
  expect(text).toContain('Tax ID: GB123456789');
  expect(text).toContain('Dana Levi');
  expect(text).toContain('+44 7700 900123');
  expect(text).toContain('LS1 4AP');
  expect(text).toContain('United Kingdom');
  expect(text).toContain('Item Qty Unit price Net VAT Total');
  expect(text).toContain('Blue mug 2 £12.50 £25.00 £5.00 £30.00');
  expect(text).toContain('SKU: MUG-BLUE');
  expect(text).toContain('Subtotal £33.99');
  expect(text).toContain('VAT 20% £6.80');
  expect(text).toContain('Total £40.79');
  expect(text).not.toContain('Prices include VAT');

  const top = header(pages[0] ?? [], 'Corner Shop Ltd');
  expect(top.map((i) => i.str).join(' ')).toContain('Invoice 12');
  for (const item of top) expect(item.x + item.width).toBeLessThan(A4_CENTRE);
});

test('A Hebrew invoice is in Hebrew, right to left, with its VAT included and amounts in shekels', async () => {
  const { pages, text } = await render(hebrew, 'invoice-he');
  expect(pages).toHaveLength(1);
  expect(text).toContain('חשבונית מס 7');
  expect(text).toContain('תאריך הפקה 20 בנובמבר 2026');
  expect(text).toContain('מספר הזמנה 1002');
  expect(text).toContain('חנות הפינה בע״מ');
  expect(text).toContain('מספר עוסק: 514123456');
  expect(text).toContain('דנה לוי');
  expect(text).toContain('רחוב הרצל 12');
  expect(text).toContain('דירה 4');
  expect(text).toContain('תל אביב, 6100001');
  expect(text).toContain('ישראל');
  expect(text).toContain('+972 50 123 4567');
  expect(text).toContain('פריט כמות מחיר ליחידה לפני מע״מ מע״מ סה״כ');
  expect(text).toContain('ספל (כחול)');
  expect(text).toContain('פולי קפה Arabica 1 ק״ג');
  // pdf.js reads a line with no more Hebrew than Latin left to right: the SKU stands left of its label.
  expect(text).toContain('MUG-BLUE :מק״ט');
  // An amount in Hebrew (Intl's he-IL format, bidi marks included) has the ₪ on its left.
  expect(text).toContain('ספל (כחול) 2 ₪ 46.80 ₪ 80.00 ₪ 13.60 ₪ 93.60');
  expect(text).toContain('סה״כ לפני מע״מ ₪ 180.00');
  expect(text).toContain('מע״מ 17% ₪ 30.60');
  expect(text).toContain('סה״כ לתשלום ₪ 210.60');
  expect(text).toContain('המחירים כוללים מע״מ');
  expect(text).not.toMatch(/Invoice|Total|VAT|Tax ID|SKU/);

  const top = header(pages[0] ?? [], 'חנות');
  expect(top.map((i) => i.str).join(' ')).toContain('חשבונית מס');
  for (const item of top) expect(item.x).toBeGreaterThan(A4_CENTRE);
  // The table's first column (the item) is at the right, its last (the total) at the left.
  const items = pages[0] ?? [];
  const at = (s: string) => items.find((i) => i.str.includes(s))?.x ?? Number.NaN;
  expect(at('פריט')).toBeGreaterThan(at('כמות'));
  expect(at('כמות')).toBeGreaterThan(at('סה״כ'));
});

test('A credit note names the invoice it credits, with negative amounts', async () => {
  const en = await render(englishCreditNote, 'credit-note-en');
  expect(en.text).toContain('Credit note 4');
  expect(en.text).toContain('For invoice 12 of 26 November 2026');
  expect(en.text).toContain('Issue date 2 December 2026');
  expect(en.text).toContain('VAT 20% -£2.50');
  expect(en.text).toContain('Total credited -£15.00');

  const he = await render(creditNote, 'credit-note-he');
  expect(he.text).toContain('חשבונית זיכוי 3');
  expect(he.text).toContain('עבור חשבונית מס 7 מיום 20 בנובמבר 2026');
  expect(he.text).toContain('ספל (כחול) -2 ₪ 46.80 ₪ -80.00 ₪ -13.60 ₪ -93.60');
  expect(he.text).toContain('סה״כ זיכוי ₪ -93.60');
});

test('The font is DejaVu Sans, embedded in the file; nothing is taken from the system', async () => {
  const { pdf } = await render(hebrew, 'font');
  const bytes = pdf.toString('latin1');
  expect(bytes).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/);
  expect(bytes).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans-Bold\b/);
  expect(bytes.match(/\/FontFile2 /g)?.length).toBe(2);
  expect(bytes).not.toContain('/Helvetica');
});

test('A document of 100 lines continues over pages, each with the column titles and its page number', async () => {
  const lines = Array.from({ length: 100 }, (_, i) => line(`SKU-${i}`, `Item ${i}`, 1, 100, 100, 20));
  const long = { ...english, lines, subtotal: 10000, tax: { rate: 20, amount: 2000 }, total: 12000 };
  const { pages, text } = await render(long, 'invoice-long');
  expect(pages.length).toBeGreaterThanOrEqual(3);
  for (const [i, page] of pages.entries()) {
    const t = page.map((p) => p.str).join(' ');
    expect(t).toContain('Item Qty Unit price Net VAT Total');
    expect(t).toContain(`Page ${i + 1} of ${pages.length}`);
  }
  expect(text).toContain('Item 99');
  expect(text).toContain('Total £120.00');
});

test.each([
  ['Dana Levi', ['Dana Levi']],
  // fontkit reverses a Hebrew run again, so it is handed over in logical order; the number stays left of it
  ['מע״מ 17%', ['17%', 'מע״מ ']],
  ['ספל (כחול)', ['ספל )כחול(']],
  // Intl's he-IL amounts carry bidi marks: the ₪ stands left of the number, the marks are not drawn
  [formatIls(9360), ['₪\u00a0', '93.60']],
  [formatIls(-9360), ['₪\u00a0', '-93.60']],
  // an isolated phone number keeps its own order inside a Hebrew sentence
  [`טלפון: ${isolate('+972 50-123-4567')}`, ['+972 50-123-4567', 'טלפון: ']],
])('%s is drawn as the runs %j, left to right', (text, runs) => {
  expect(drawableRuns(text)).toEqual(runs);
});

function formatIls(minor: number) {
  return new Intl.NumberFormat('he-IL', { style: 'currency', currency: 'ILS' }).format(minor / 100);
}
