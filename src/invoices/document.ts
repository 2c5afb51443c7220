import type { Address } from '../orders/order.js';

/**
 * An issued invoice or credit note, frozen at issue: every amount, name and address as they were
 * then, so a later price, name or address change never alters it. Amounts are in minor units of
 * `currency`; a credit note's are negative.
 */
export interface TaxDocument {
  kind: 'invoice' | 'credit_note';
  /** Consecutive in its own series (invoices 1, 2, …; credit notes 1, 2, …). */
  number: number;
  /** A credit note's invoice. */
  refersTo?: { invoice: number; issuedAt: Date };
  order: number;
  issuedAt: Date;
  /** The customer's language: the document's labels, dates and layout (he: right to left). */
  language: 'en' | 'he';
  currency: string;
  issuer: { name: string; address: string; taxId: string };
  customer: { name: string; phone: string; email?: string; address?: Address };
  lines: TaxLine[];
  /** The sum of the lines' net amounts. */
  subtotal: number;
  /** `rate` in percent (e.g. 17 or 7.25); `amount` the sum of the lines' tax. */
  tax: { rate: number; amount: number };
  /** The sum of the lines' gross amounts: what the customer pays (or gets back). */
  total: number;
  pricesIncludeTax: boolean;
}

export interface TaxLine {
  sku: string;
  name: string;
  quantity: number;
  /** The catalogue price per unit at the time (as the catalogue states it: with or without tax). */
  unitPrice: number;
  net: number;
  tax: number;
  gross: number;
}
