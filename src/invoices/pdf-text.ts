import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { TaxDocument } from './document.js';

/** The wording of an invoice or credit note PDF: its labels per language, and how values read in them. */

/** The words of a document in one language. */
export interface Labels {
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

export const LABELS: Record<TaxDocument['language'], Labels> = {
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

/** 17 → "17%", 7.25 → "7.25%", in the document's locale. */
export function percent(rate: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 3 }).format(rate / 100);
}

/** An E.164 number as people write it (+972 50-123-4567); anything else as it is. */
export function phone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed?.isPossible() ? parsed.formatInternational() : e164;
}

/** A country code as its name in the document's language ("IL" → "Israel" / "ישראל"). */
export function country(code: string, locale: string): string {
  if (!/^[A-Za-z]{2}$/.test(code)) return code;
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}
