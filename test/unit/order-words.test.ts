import { readFileSync } from 'node:fs';
import { createCatalogue } from '../../src/order-words/catalogue.js';
import { stem, words } from '../../src/order-words/language.js';
import { MAX_ITEM_QUANTITY } from '../../src/order-words/limits.js';
import { createOrderReader } from '../../src/order-words/read.js';

/** The order reader's rules one by one (the corpus test checks them together on real texts). */

const shop = createOrderReader(
  createCatalogue(JSON.parse(readFileSync('test/fixtures/order-words/catalogue.json', 'utf8'))),
  { maxQuantity: MAX_ITEM_QUANTITY },
);
const codes = createOrderReader(
  createCatalogue(
    ['SKU-1', 'SKU-2', 'MUG-BLUE', 'TOTE', 'CAP.RED', 'PEN', 'STICKER', 'MUG', '2XL-TEE', 'ADD'].map(
      (sku) => ({
        sku,
        name: `Product ${sku}`,
      }),
    ),
  ),
  { maxQuantity: MAX_ITEM_QUANTITY },
);
const lines = (text: string, reader = shop) => reader.read(text).lines;

test('Stems: English plurals, Hebrew plural and feminine endings and final letters meet in one form', () => {
  expect(['mugs', 'mug', 'MUGS'].map(stem)).toEqual(['mug', 'mug', 'mug']);
  expect(['boxes', 'berries', 'glass', 'glasses', 't-shirts'].map(stem)).toEqual([
    'box',
    'berry',
    'glass',
    'glass',
    'tshirt',
  ]);
  expect(['ספלים', 'ספל'].map(stem)).toEqual(['ספל', 'ספל']);
  expect(['כחולים', 'כחולה', 'כחולות', 'כחול'].map(stem)).toEqual(['כחול', 'כחול', 'כחול', 'כחול']);
  expect(['חולצה', 'חולצות'].map(stem)).toEqual(['חולצ', 'חולצ']);
  // Final letters are their regular forms: אדום and אדומים meet.
  expect(stem('אדומים')).toBe(stem('אדום'));
  expect(words('2 blue mugs & a tote')).toEqual(['2', 'blue', 'mugs', 'and', 'a', 'tote']);
});

test('SKUs in every form read as before: quantity first or last, x or ×, any case, repeated SKUs add up', () => {
  expect(lines('2 SKU-1, 1 SKU-2', codes)).toEqual([
    { sku: 'SKU-1', quantity: 2 },
    { sku: 'SKU-2', quantity: 1 },
  ]);
  expect(lines('2 mug-blue; tote x3\n2x cap.red\nPEN 4, sticker', codes)).toEqual([
    { sku: 'MUG-BLUE', quantity: 2 },
    { sku: 'TOTE', quantity: 3 },
    { sku: 'CAP.RED', quantity: 2 },
    { sku: 'PEN', quantity: 4 },
    { sku: 'STICKER', quantity: 1 },
  ]);
  expect(lines('2 × MUG\nmug 3', codes)).toEqual([{ sku: 'MUG', quantity: 5 }]);
  // 2XL-TEE is a SKU, not "2 × L-TEE"; a SKU called ADD is a product like any other.
  expect(lines('2XL-TEE', codes)).toEqual([{ sku: '2XL-TEE', quantity: 1 }]);
  expect(lines('2 ADD', codes)).toEqual([{ sku: 'ADD', quantity: 2 }]);
});

test('Quantities out of bounds (0, over 100, or a sum over 100) are refused, naming the phrase', () => {
  expect(codes.read('0 MUG').tooMuch).toEqual({ phrase: 'MUG', quantity: 0 });
  expect(codes.read('101 MUG').tooMuch).toEqual({ phrase: 'MUG', quantity: 101 });
  expect(codes.read('MUG 100').lines).toEqual([{ sku: 'MUG', quantity: 100 }]);
  expect(codes.read('60 MUG, 50 mug').tooMuch).toEqual({ phrase: 'MUG', quantity: 110 });
});

test('Words it cannot place are named, with the closest product when one shares a word', () => {
  expect(codes.read('2 MUG, some tea please').unplaced).toEqual([{ phrase: 'tea' }]);
  const reading = shop.read('2 blue unicorns');
  expect(reading.lines).toEqual([]);
  expect(reading.unplaced).toMatchObject([{ phrase: 'blue unicorns', closest: { sku: 'MUG-BLUE' } }]);
  expect(shop.read('pizza').unplaced).toEqual([{ phrase: 'pizza' }]);
});

test('Light typos find the product: a letter wrong, missing, extra, or two swapped; never in short words', () => {
  for (const [text, sku] of [
    ['bleu mug', 'MUG-BLUE'],
    ['totte', 'TOTE'],
    ['cofee', 'BEANS-1KG'],
    ['candel', 'CANDLE'],
    ['wodden spoon', 'SPOON-WOOD'],
  ] as const) {
    expect({ text, lines: lines(text) }).toEqual({ text, lines: [{ sku, quantity: 1 }] });
  }
  expect(shop.read('red mgu').lines).toEqual([]);
});

test('An answer to a question picks by number or by words that fit one option, else nothing', () => {
  const [question] = shop.read('a mug').questions;
  if (!question) throw new Error('expected a question');
  expect(question.options.map((o) => o.sku)).toEqual(['MUG-BLUE', 'MUG-RED']);
  expect(shop.choose(question, '2')?.sku).toBe('MUG-RED');
  expect(shop.choose(question, ' 1. ')?.sku).toBe('MUG-BLUE');
  expect(shop.choose(question, 'the red one')?.sku).toBe('MUG-RED');
  expect(shop.choose(question, 'הכחול')?.sku).toBe('MUG-BLUE');
  expect(shop.choose(question, 'אדום')?.sku).toBe('MUG-RED');
  expect(shop.choose(question, '3')).toBeUndefined();
  expect(shop.choose(question, 'enamel')).toBeUndefined();
  expect(shop.choose(question, 'tote')).toBeUndefined();
});

test('Suggestions as an agent types: SKU prefixes, parts of names and aliases, typos', () => {
  const skus = (q: string) => shop.suggest(q, 10).map((p) => p.sku);
  expect(skus('MUG')).toEqual(expect.arrayContaining(['MUG-BLUE', 'MUG-RED']));
  expect(skus('tea')).toEqual(expect.arrayContaining(['TEA-GREEN', 'TEA-MINT']));
  expect(skus('cand')[0]).toBe('CANDLE');
  expect(skus('ספל כח')[0]).toBe('MUG-BLUE');
  expect(skus('honny')).toContain('HONEY');
  expect(shop.suggest('', 3)).toHaveLength(3);
  expect(skus('zzzz')).toEqual([]);
});

test('A SKU stored in lower case is found in any case and given back as stored', () => {
  const lower = createOrderReader(createCatalogue([{ sku: 'mug-1', name: 'Plain mug' }]), {
    maxQuantity: MAX_ITEM_QUANTITY,
  });
  expect(lower.read('2 MUG-1').lines).toEqual([{ sku: 'mug-1', quantity: 2 }]);
  expect(lower.read('a plain mug').lines).toEqual([{ sku: 'mug-1', quantity: 1 }]);
  expect(lower.suggest('MUG', 5).map((p) => p.sku)).toEqual(['mug-1']);
});
