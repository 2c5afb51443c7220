import { formatMoney } from '../../src/money.js';

test('Each currency and locale keeps its own format, however the calls interleave', () => {
  // Formatters are kept per locale and currency: a mix-up would show one's digits or symbol in another.
  for (let i = 0; i < 2; i++) {
    expect(formatMoney(1999, 'USD')).toBe('$19.99');
    expect(formatMoney(1999, 'JPY')).toBe('¥1,999');
    expect(formatMoney(1999, 'USD', 'de-DE')).toBe('19,99\u00a0$');
    expect(formatMoney(123456, 'ILS', 'he-IL')).toBe(
      new Intl.NumberFormat('he-IL', { style: 'currency', currency: 'ILS' }).format(1234.56),
    );
  }
});

test('An unknown currency is still an error, not a cached formatter of another', () => {
  expect(() => formatMoney(100, 'NOT-A-CODE')).toThrow(RangeError);
});
