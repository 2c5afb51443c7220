import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { createCatalogue } from '../../src/order-words/catalogue.js';
import { MAX_ITEM_QUANTITY, MAX_ORDER_ITEMS } from '../../src/order-words/limits.js';
import { createOrderReader } from '../../src/order-words/read.js';
import { runs } from './arbitraries.js';

/** Orders in words (src/order-words/) under generated texts: the same order however it is written. */

const reader = (products: { sku: string; name: string; aliases?: string[] }[]) =>
  createOrderReader(createCatalogue(products), { maxQuantity: MAX_ITEM_QUANTITY });
const sorted = (lines: { sku: string; quantity: number }[]) =>
  [...lines].sort((a, b) => a.sku.localeCompare(b.sku));

/**
 * Any order written in the SKU forms reads back as written. Two ambiguities are by design and
 * kept out: a SKU ending in "." (sentence punctuation ends an item) and, in the SKU-first forms, a
 * SKU starting with a digit (`2X 3` is 2 of SKU 3).
 */
test('When an order lists SKUs in any documented form and separator, then exactly those lines are read', () => {
  const anySku = fc.stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,20}[A-Za-z0-9_-])?$/);
  const letterFirst = fc.stringMatching(/^[A-Za-z](?:[A-Za-z0-9._-]{0,20}[A-Za-z0-9_-])?$/);
  const items = (sku: fc.Arbitrary<string>) =>
    fc.uniqueArray(fc.record({ sku, quantity: fc.integer({ min: 1, max: MAX_ITEM_QUANTITY }) }), {
      selector: (i) => i.sku.toUpperCase(),
      minLength: 1,
      maxLength: MAX_ORDER_ITEMS,
    });
  const qtyFirst = ['{q} {s}', '{q}x {s}', '{q} x {s}', '{q} × {s}', '{q}* {s}'];
  const skuFirst = ['{s} {q}', '{s} x{q}', '{s} x {q}', '{s} *{q}'];
  const written = fc.oneof(
    fc.tuple(items(anySku), fc.constantFrom(...qtyFirst)),
    fc.tuple(items(letterFirst), fc.constantFrom(...skuFirst)),
  );
  fc.assert(
    fc.property(written, fc.constantFrom(', ', '\n', '; ', ',', ' ;\n ', '\r\n'), ([list, form], sep) => {
      const r = reader(list.map((i) => ({ sku: i.sku.toUpperCase(), name: `Product ${i.sku}` })));
      const lines = list.map((i) =>
        i.quantity === 1 && form === '{q} {s}'
          ? i.sku
          : form.replace('{q}', String(i.quantity)).replace('{s}', i.sku),
      );
      const reading = r.read(lines.join(sep));
      expect(reading).toEqual({
        lines: list.map((i) => ({ sku: i.sku.toUpperCase(), quantity: i.quantity })),
        questions: [],
        unplaced: [],
      });
    }),
    runs(300),
  );
});

test('When an order repeats a SKU, then the quantities add up, and a sum over the limit is refused', () => {
  const r = reader([{ sku: 'MUG-01', name: 'Mug' }]);
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: MAX_ITEM_QUANTITY }), { minLength: 1, maxLength: 6 }),
      (qs) => {
        const reading = r.read(qs.map((q) => `${q} MUG-01`).join(', '));
        const sum = qs.reduce((a, b) => a + b, 0);
        if (sum <= MAX_ITEM_QUANTITY) expect(reading.lines).toEqual([{ sku: 'MUG-01', quantity: sum }]);
        else expect(reading.tooMuch).toBeDefined();
      },
    ),
    runs(200),
  );
});

// The corpus's catalogue: names and aliases in English and Hebrew.
const shop = reader(JSON.parse(readFileSync('test/fixtures/order-words/catalogue.json', 'utf8')));

/** Items as a customer may say them, each with the words for its quantity in both languages. */
const ITEMS = [
  { sku: 'MUG-BLUE', en: 'blue mug', enMany: 'blue mugs', he: 'ספל כחול', heMany: 'ספלים כחולים' },
  { sku: 'TOTE', en: 'tote', enMany: 'totes', he: 'תיק', heMany: 'תיקים' },
  { sku: 'CANDLE', en: 'soy candle', enMany: 'soy candles', he: 'נר סויה', heMany: 'נרות סויה' },
  { sku: 'HONEY', en: 'honey', enMany: 'honey', he: 'דבש', heMany: 'דבש' },
  { sku: 'TEE-L', en: 'large tee', enMany: 'large tees', he: 'חולצה גדולה', heMany: 'חולצות גדולות' },
  { sku: 'SPOON-WOOD', en: 'wooden spoon', enMany: 'wooden spoons', he: 'כף עץ', heMany: 'כפות עץ' },
];
const EN_COUNT: Record<number, string[]> = {
  1: ['a', 'one', '1', ''],
  2: ['two', '2', 'a couple of', 'a pair of', '2x'],
  3: ['three', '3', '3 x'],
  12: ['twelve', 'a dozen', '12'],
};
const HE_COUNT: Record<number, string[]> = {
  1: ['1', ''],
  2: ['2', 'שני', 'שתי', 'זוג'],
  3: ['3', 'שלושה', 'שלוש'],
  12: ['12'],
};

test('When the same order is written with any separators and quantity words, in English or Hebrew, then the same lines are read', () => {
  const order = fc.uniqueArray(
    fc.record({
      item: fc.constantFrom(...ITEMS),
      quantity: fc.constantFrom(1, 2, 3, 12),
      count: fc.nat(),
    }),
    { selector: (x) => x.item.sku, minLength: 1, maxLength: 4 },
  );
  fc.assert(
    fc.property(
      order,
      fc.constantFrom('en', 'he'),
      fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
      (list, lang, seps) => {
        const phrases = list.map(({ item, quantity, count }) => {
          const words = (lang === 'en' ? EN_COUNT : HE_COUNT)[quantity] ?? [String(quantity)];
          const q = words[count % words.length] ?? '';
          const name = quantity === 1 ? item[lang] : item[lang === 'en' ? 'enMany' : 'heMany'];
          return `${q} ${name}`.trim();
        });
        const separators =
          lang === 'en' ? [', ', ' and ', '\n', '; ', ' & ', ', and '] : [', ', '\n', '; ', ' ו'];
        const text = phrases.reduce((all, p, i) => {
          if (i === 0) return p;
          const sep = separators[(seps[i - 1] ?? 0) % separators.length] ?? ', ';
          return `${all}${sep}${p}`;
        }, '');
        const reading = shop.read(text);
        expect({ text, reading: { ...reading, lines: sorted(reading.lines) } }).toEqual({
          text,
          reading: {
            lines: sorted(list.map(({ item, quantity }) => ({ sku: item.sku, quantity }))),
            questions: [],
            unplaced: [],
          },
        });
      },
    ),
    runs(400),
  );
});

test('When a phrase fits several products, then it is a question listing them, however it is written', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(
        'a mug',
        '2 mugs',
        'mug',
        'enamel mugs',
        'ספל',
        'שני ספלים',
        'ספל אחד',
        'two enamel mugs',
      ),
      fc.constantFrom('', 'please', 'a tote and ', 'תיק, '),
      (phrase, around) => {
        const text = around === 'please' ? `${phrase} please` : `${around}${phrase}`;
        const reading = shop.read(text);
        expect(reading.questions.map((q) => q.options.map((o) => o.sku))).toEqual([['MUG-BLUE', 'MUG-RED']]);
        expect(reading.lines.filter((l) => l.sku.startsWith('MUG'))).toEqual([]);
      },
    ),
    runs(100),
  );
});
