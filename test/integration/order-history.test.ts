import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, placeOrder } from '../helpers/builders.js';

/** Orders by date, found by key (src/orders/history.ts): what the digest and cross-sell read. */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('orderhistory');
});
afterAll(() => app.close());

const DAY = 24 * 3600_000;
const T0 = Date.UTC(2026, 9, 1);

test('When orders span several days with numbers missing (cut placements), then a day range yields exactly the orders placed in it, oldest first', async () => {
  const { sku } = await createProduct(app, { onHand: 1000 });
  const numbers: number[] = [];
  for (let i = 0; i < 30; i++) numbers.push((await placeOrder(app, [{ sku, quantity: 1 }])).number);
  // Three orders a day from T0; some numbers never became orders.
  for (const [i, n] of numbers.entries()) {
    await app
      .raw('orders')
      .updateOne(
        { _id: n as never },
        { $set: { createdAt: new Date(T0 + Math.floor(i / 3) * DAY + i * 1000) } },
      );
  }
  const gone = [numbers[7], numbers[8], numbers[9], numbers[10], numbers[20]];
  await app.raw('orders').deleteMany({ _id: { $in: gone as never[] } });

  const collect = async (from: number, to: number) => {
    const found: number[] = [];
    for await (const o of app.deps.orders.between(new Date(from), new Date(to))) found.push(o.number);
    return found;
  };
  const expected = (fromDay: number, toDay: number) =>
    numbers.filter((n, i) => !gone.includes(n) && Math.floor(i / 3) >= fromDay && Math.floor(i / 3) < toDay);
  expect(await collect(T0 + 2 * DAY, T0 + 5 * DAY)).toEqual(expected(2, 5));
  expect(await collect(T0 + 3 * DAY, T0 + 4 * DAY)).toEqual(expected(3, 4)); // day 3: numbers 9-11, two gone
  expect(await collect(T0 - 5 * DAY, T0)).toEqual([]);
  expect(await collect(T0 + 9 * DAY, T0 + 30 * DAY)).toEqual(expected(9, 30));
  expect(await collect(T0 + 50 * DAY, T0 + 60 * DAY)).toEqual([]);
});
