import type { Order } from '../../src/orders/order.js';

/**
 * The orders of a range as CSV (RFC 4180: comma-separated, CRLF line ends, a field quoted when it
 * holds a comma, a quote or a line break, its quotes doubled). A spreadsheet runs a cell that
 * starts with = + - @ (or a tab or carriage return before one) as a formula, so such a cell gets a
 * leading apostrophe and is read as text: a customer's name cannot become a formula on a
 * manager's computer. Phone numbers (+972…) get it too, which also keeps their leading + and zeros.
 */

export const CSV_COLUMNS = [
  'number',
  'placed_at',
  'channel',
  'status',
  'customer_name',
  'phone',
  'items',
  'total',
  'currency',
  'invoice',
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field, guarded against formulas and quoted when RFC 4180 needs it. */
export function csvCell(value: string): string {
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, with its CRLF. */
export const csvRow = (cells: readonly string[]): string => `${cells.map(csvCell).join(',')}\r\n`;

const digitsOf = new Map<string, number>();
/** The minor units of a currency (2 for ILS and USD, 0 for JPY), as Intl knows them. */
function minorDigits(currency: string): number {
  let digits = digitsOf.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits as number;
    digitsOf.set(currency, digits);
  }
  return digits;
}

/** An amount in minor units as major units with a point (1999 USD → `19.99`), exactly, without floats. */
export function majorUnits(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = minor < 0 ? '-' : '';
  const abs = String(Math.abs(Math.trunc(minor))).padStart(digits + 1, '0');
  return digits === 0 ? `${sign}${abs}` : `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}

/** An order's record, in the order of CSV_COLUMNS. */
export function orderCsvRow(o: Order): string {
  return csvRow([
    String(o.number),
    o.createdAt.toISOString(),
    o.channel,
    o.status,
    o.customer.name,
    o.customer.phone,
    o.items.map((i) => `${i.quantity}×${i.sku}`).join('; '),
    majorUnits(o.total, o.currency),
    o.currency,
    o.invoice ? String(o.invoice.number) : '',
  ]);
}

/** The first bytes of the file: a byte-order mark (so spreadsheets read Hebrew names as UTF-8) and the header. */
export const CSV_START = `\uFEFF${csvRow(CSV_COLUMNS)}`;
