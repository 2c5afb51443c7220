import fc from 'fast-check';
import {
  type Basket,
  computeSuggestions,
  createPairCounter,
  MIN_SUPPORT,
  rankForBasket,
  type Stocked,
} from '../../src/crosssell/compute.js';
import type { OrderStatus } from '../../src/orders/lifecycle.js';

/** Cross-sell on generated order histories whose right answer is known by construction. */

const order = (skus: string[], status: OrderStatus = 'delivered'): Basket => ({
  status,
  items: skus.map((sku) => ({ sku })),
});
const stock = (skus: string[], out: string[] = []): Stocked[] =>
  skus.map((sku) => ({ sku, available: out.includes(sku) ? 0 : 10 }));

/** A small seeded generator, so a "random" history is the same on every run. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 30 orders with A, planted: B in all of them; C in 12; D (out of stock) in 20; G and H in 5 each
 * (a tie); E in 1 (below support). F is in 10 more orders with A that were cancelled or rejected.
 * Around them, 500 orders of 20 other products (X0..X19) mixed at random, never with A..H.
 */
function plantedHistory(seed: number): Basket[] {
  const next = random(seed);
  const orders: Basket[] = [];
  for (let i = 0; i < 30; i++) {
    const skus = ['A', 'B'];
    if (i < 12) skus.push('C');
    if (i >= 10) skus.push('D');
    if (i >= 12 && i < 17) skus.push('G');
    if (i >= 17 && i < 22) skus.push('H');
    if (i === 29) skus.push('E');
    orders.push(order(skus));
  }
  for (let i = 0; i < 10; i++) orders.push(order(['A', 'F', 'B'], i % 2 ? 'cancelled' : 'rejected'));
  for (let i = 0; i < 500; i++) {
    const size = 1 + Math.floor(next() * 4);
    orders.push(order(Array.from({ length: size }, () => `X${Math.floor(next() * 20)}`)));
  }
  // Shuffled: the answer must not depend on the order of the history.
  for (let i = orders.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [orders[i], orders[j]] = [orders[j] as Basket, orders[i] as Basket];
  }
  return orders;
}

const CATALOGUE = stock(
  ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', ...Array.from({ length: 20 }, (_, i) => `X${i}`)],
  ['D'],
);

test('When A is always bought with B, often with C, and G and H tie, then A gets B, C, G (ties by SKU)', () => {
  const lists = computeSuggestions(plantedHistory(1), CATALOGUE);
  expect(lists.get('A')).toEqual(['B', 'C', 'G']);
  expect(computeSuggestions(plantedHistory(1), CATALOGUE, { max: 5 }).get('A')).toEqual(['B', 'C', 'G', 'H']);
  // B was in every A order, so its list mirrors A's.
  expect(lists.get('B')).toEqual(['A', 'C', 'G']);
  // C: 12 orders with A and B, 2 with D (out of stock), never with G or H.
  expect(lists.get('C')).toEqual(['A', 'B']);
});

test('When a product is out of stock, then it is never suggested, though it still gets suggestions', () => {
  const lists = computeSuggestions(plantedHistory(2), CATALOGUE, { max: 30 });
  for (const [sku, list] of lists) {
    expect(list).not.toContain('D');
    expect(list).not.toContain(sku);
  }
  expect(lists.get('D')).toEqual(['A', 'B', 'G', 'H', 'C']);
  // Back in stock, D is A's third choice (20 orders together).
  expect(computeSuggestions(plantedHistory(2), stock(CATALOGUE.map((p) => p.sku))).get('A')).toEqual([
    'B',
    'D',
    'C',
  ]);
});

test('When a pair was bought together only once (below the minimum support), then it is not suggested', () => {
  const lists = computeSuggestions(plantedHistory(3), CATALOGUE, { max: 30 });
  expect(MIN_SUPPORT).toBe(2);
  expect(lists.get('A')).not.toContain('E');
  expect(lists.get('E')).toEqual([]);
  // At support 1 the single order counts: A and B (D, also in it, is out of stock).
  expect(computeSuggestions(plantedHistory(3), CATALOGUE, { max: 30, minSupport: 1 }).get('E')).toEqual([
    'A',
    'B',
  ]);
  // Support 6 leaves only what A was bought with at least 6 times.
  expect(computeSuggestions(plantedHistory(3), CATALOGUE, { minSupport: 6 }).get('A')).toEqual(['B', 'C']);
});

test('When orders were cancelled or rejected, then they do not count; products never bought together get nothing', () => {
  const lists = computeSuggestions(plantedHistory(4), CATALOGUE, { max: 30 });
  expect(lists.get('F')).toEqual([]);
  expect(lists.get('A')).not.toContain('F');
  for (const p of CATALOGUE.filter((c) => c.sku.startsWith('X'))) {
    for (const s of lists.get(p.sku) ?? []) expect(s).toMatch(/^X/);
  }
  const counter = createPairCounter();
  for (const o of plantedHistory(4)) counter.add(o);
  expect(counter.together('A', 'F')).toBe(0);
  expect(counter.together('A', 'B')).toBe(30);
  expect(counter.together('B', 'A')).toBe(30);
});

test('When an order holds a product twice or in quantity, then the pair counts once for that order', () => {
  const orders = [
    { status: 'delivered' as const, items: [{ sku: 'A' }, { sku: 'A' }, { sku: 'B' }] },
    order(['A', 'B']),
    order(['A', 'A']),
  ];
  const counter = createPairCounter();
  for (const o of orders) counter.add(o);
  expect(counter.together('A', 'B')).toBe(2);
  expect(counter.together('A', 'A')).toBe(0);
  expect(computeSuggestions(orders, stock(['A', 'B'])).get('A')).toEqual(['B']);
});

test('When the same history comes in any order, then every list is the same (a naive count agrees)', () => {
  const skus = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6'];
  const basket = fc.record({
    status: fc.constantFrom<OrderStatus>('delivered', 'shipped', 'pending_approval', 'cancelled', 'rejected'),
    items: fc.array(fc.record({ sku: fc.constantFrom(...skus) }), { minLength: 1, maxLength: 5 }),
  });
  fc.assert(
    fc.property(
      fc.array(basket, { maxLength: 60 }),
      fc.subarray(skus),
      fc.integer({ min: 1, max: 4 }),
      (orders, out, minSupport) => {
        const catalogue = stock(skus, out);
        const lists = computeSuggestions(orders, catalogue, { minSupport });
        expect(computeSuggestions([...orders].reverse(), catalogue, { minSupport })).toEqual(lists);
        for (const a of skus) {
          const naive = skus
            .filter((b) => b !== a && !out.includes(b))
            .map((b) => ({
              b,
              n: orders.filter(
                (o) =>
                  o.status !== 'cancelled' &&
                  o.status !== 'rejected' &&
                  o.items.some((i) => i.sku === a) &&
                  o.items.some((i) => i.sku === b),
              ).length,
            }))
            .filter((x) => x.n >= minSupport)
            .sort((x, y) => y.n - x.n || (x.b < y.b ? -1 : 1))
            .slice(0, 3)
            .map((x) => x.b);
          expect(lists.get(a)).toEqual(naive);
        }
      },
    ),
    { numRuns: 200, seed: Number(process.env.FC_SEED ?? 42) },
  );
});

describe('rankForBasket', () => {
  test('When one product is in the basket, then its list comes back in order, without what is already in the basket', () => {
    expect(rankForBasket([{ sku: 'A', suggestions: ['B', 'C', 'G'] }])).toEqual([
      { sku: 'B', boughtWith: 'A' },
      { sku: 'C', boughtWith: 'A' },
      { sku: 'G', boughtWith: 'A' },
    ]);
    expect(
      rankForBasket([
        { sku: 'A', suggestions: ['B', 'C'] },
        { sku: 'B', suggestions: ['A', 'C'] },
      ]),
    ).toEqual([{ sku: 'C', boughtWith: 'A' }]);
  });

  test('When two basket products list the same candidate, then it adds up; equal scores go to the first met', () => {
    const ranked = rankForBasket([
      { sku: 'MUG', suggestions: ['SPOON', 'TOTE'] },
      { sku: 'TEA', suggestions: ['HONEY', 'TOTE'] },
      { sku: 'CAP' },
    ]);
    // TOTE: 2 + 2 = 4; SPOON and HONEY 3 each, SPOON met first.
    expect(ranked).toEqual([
      { sku: 'TOTE', boughtWith: 'MUG' },
      { sku: 'SPOON', boughtWith: 'MUG' },
      { sku: 'HONEY', boughtWith: 'TEA' },
    ]);
    expect(rankForBasket([])).toEqual([]);
  });
});
