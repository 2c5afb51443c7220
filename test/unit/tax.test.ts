import { divideRounded, documentAmounts, lineAmounts } from '../../src/invoices/tax.js';

describe('tax arithmetic (minor units, per line, half away from zero)', () => {
  test('When a division lands on .5, then it rounds away from zero, for credit notes too', () => {
    expect(divideRounded(5, 2)).toBe(3);
    expect(divideRounded(-5, 2)).toBe(-3);
    expect(divideRounded(4, 3)).toBe(1);
    expect(divideRounded(5, 3)).toBe(2);
    expect(divideRounded(0, 7)).toBe(0);
  });

  test.each([
    // gross (prices include 17% VAT) → net, tax
    [100, 17, { net: 85, tax: 15, gross: 100 }], // 85.47 → 85
    [1170, 17, { net: 1000, tax: 170, gross: 1170 }],
    [1, 17, { net: 1, tax: 0, gross: 1 }], // 0.854 → 1: net + tax is still the price
    [999, 18, { net: 847, tax: 152, gross: 999 }], // 846.61 → 847
    [1085, 8.5, { net: 1000, tax: 85, gross: 1085 }],
    [1, 100 - 0.01, { net: 1, tax: 0, gross: 1 }],
  ])('When prices include tax, a line of %i at %s%% splits into %o', (gross, rate, expected) => {
    expect(lineAmounts(gross, rate, true)).toEqual(expected);
  });

  test.each([
    // net (prices exclude tax) → tax, gross
    [1000, 7.25, { net: 1000, tax: 73, gross: 1073 }], // 72.5 → 73 (half away from zero)
    [1990, 7.25, { net: 1990, tax: 144, gross: 2134 }], // 144.275 → 144
    [3, 17, { net: 3, tax: 1, gross: 4 }], // 0.51 → 1
    [2, 17, { net: 2, tax: 0, gross: 2 }], // 0.34 → 0
    [5000, 0, { net: 5000, tax: 0, gross: 5000 }],
  ])('When prices exclude tax, a line of %i at %s%% is %o', (net, rate, expected) => {
    expect(lineAmounts(net, rate, false)).toEqual(expected);
  });

  test('When a document has several lines, then tax is per line and the totals are the sums of the lines', () => {
    const doc = documentAmounts(
      [
        { sku: 'A', name: 'A', quantity: 3, unitPrice: 333 },
        { sku: 'B', name: 'B', quantity: 1, unitPrice: 1 },
        { sku: 'C', name: 'C', quantity: 7, unitPrice: 99 },
      ],
      17,
      true,
    );
    expect(doc.lines.map((l) => [l.net, l.tax, l.gross])).toEqual([
      [854, 145, 999], // 853.85 → 854
      [1, 0, 1],
      [592, 101, 693], // 592.31 → 592
    ]);
    expect(doc).toMatchObject({ subtotal: 1447, tax: { rate: 17, amount: 246 }, total: 1693 });
    expect(doc.subtotal + doc.tax.amount).toBe(doc.total);
  });
});
