import type { TaxLine } from './document.js';

/**
 * Tax arithmetic, in integer minor units (never floating point money).
 *
 * **The rounding rule** (one, documented in README "Invoices"): tax is worked out **per line**, on
 * the line's total (unit price × quantity), and rounded **half away from zero** to the minor unit.
 * - Prices include tax (`PRICES_INCLUDE_TAX=true`): gross = the line total; net = gross ÷ (1 + rate),
 *   rounded; tax = gross − net (so net + tax is exactly the price the customer saw).
 * - Prices exclude tax: net = the line total; tax = net × rate, rounded; gross = net + tax.
 * The document's subtotal, tax and total are the sums of its lines, so they always add up.
 */

/** `a / b` rounded half away from zero; `b > 0`; exact for |a| < 2^52. */
export function divideRounded(a: number, b: number): number {
  const sign = a < 0 ? -1 : 1;
  const abs = Math.abs(a);
  return sign * Math.floor((2 * abs + b) / (2 * b));
}

/** A percentage with up to two decimals (17, 7.25) as basis points (1700, 725). */
export const basisPoints = (ratePercent: number) => Math.round(ratePercent * 100);

export function lineAmounts(
  lineTotal: number,
  ratePercent: number,
  pricesIncludeTax: boolean,
): { net: number; tax: number; gross: number } {
  const bp = basisPoints(ratePercent);
  if (pricesIncludeTax) {
    const net = divideRounded(lineTotal * 10_000, 10_000 + bp);
    return { net, tax: lineTotal - net, gross: lineTotal };
  }
  const tax = divideRounded(lineTotal * bp, 10_000);
  return { net: lineTotal, tax, gross: lineTotal + tax };
}

/** The lines with their amounts, and the document's totals (sums of the lines). */
export function documentAmounts(
  items: readonly { sku: string; name: string; quantity: number; unitPrice: number }[],
  ratePercent: number,
  pricesIncludeTax: boolean,
): { lines: TaxLine[]; subtotal: number; tax: { rate: number; amount: number }; total: number } {
  const lines = items.map((i) => ({
    sku: i.sku,
    name: i.name,
    quantity: i.quantity,
    unitPrice: i.unitPrice,
    ...lineAmounts(i.unitPrice * i.quantity, ratePercent, pricesIncludeTax),
  }));
  const sum = (k: 'net' | 'tax' | 'gross') => lines.reduce((s, l) => s + l[k], 0);
  return { lines, subtotal: sum('net'), tax: { rate: ratePercent, amount: sum('tax') }, total: sum('gross') };
}
