import { startTestApp, type TestApp } from '../helpers/app.js';
import { act, createProduct, deliverAll, placeOrder, uniquePhone, walk } from '../helpers/builders.js';

/**
 * The lists come from small sets, never from the whole order history (DEVELOPERS.md, "Storage"):
 * the order board for open statuses, the customer's numbers for a phone, and a bounded walk down
 * the order numbers for everything else. Each must still give exactly the right orders.
 */

let app: TestApp;
let sku: string;
beforeAll(async () => {
  app = await startTestApp('lists');
  sku = (await createProduct(app, { onHand: 1000 })).sku;
});
afterAll(() => app.close());

const numbers = (res: { body: { items: { number: number }[] } }) => res.body.items.map((o) => o.number);

/** Follows `next` to the end; returns every order number seen, in order. */
async function all(query: string): Promise<number[]> {
  const seen: number[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const res: { status: number; body: { items: { number: number }[]; next: string | null } } = await app.api(
      'GET',
      `/api/v1/orders?${query}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(res.status).toBe(200);
    seen.push(...numbers(res));
    cursor = res.body.next;
    if (!cursor) return seen;
  }
  throw new Error('more than 50 pages');
}

test('When orders move through the lifecycle, then each open status lists exactly its orders, newest first, and closed orders leave the board', async () => {
  const [a, b, c, d] = [
    await placeOrder(app, [{ sku, quantity: 1 }]),
    await placeOrder(app, [{ sku, quantity: 1 }]),
    await placeOrder(app, [{ sku, quantity: 1 }]),
    await placeOrder(app, [{ sku, quantity: 1 }]),
  ];
  await walk(app, b.number, ['approve']);
  await walk(app, c.number, ['approve', 'start_picking']);
  await walk(app, d.number, ['cancel']);

  const pending = await all('status=pending_approval&limit=100');
  expect(pending).toContain(a.number);
  expect(pending).not.toContain(b.number);
  expect(pending).toEqual([...pending].sort((x, y) => y - x));
  expect(await all('status=approved&limit=100')).toContain(b.number);
  expect(await all('status=picking&limit=100')).toContain(c.number);
  // A closed order stays on the board until its messages are delivered, then leaves it.
  expect(await app.raw('order_board').findOne({ _id: d.number as never })).not.toBeNull();
  await deliverAll(app);
  expect(await app.raw('order_board').findOne({ _id: d.number as never })).toBeNull();
  // A closed status is not on the board: found by walking the numbers.
  expect(await all('status=cancelled&limit=100')).toContain(d.number);
});

test('When a delivered order is returned, then it joins the board while the return is open and leaves it when received', async () => {
  const order = await placeOrder(app, [{ sku, quantity: 1 }]);
  await walk(app, order.number, ['approve', 'start_picking', 'pack']);
  await act(app, order.number, 'ship', { carrier: 'UPS', trackingNumber: '1Z1' });
  await walk(app, order.number, ['deliver']);
  await deliverAll(app);
  expect(await app.raw('order_board').findOne({ _id: order.number as never })).toBeNull();
  await walk(app, order.number, ['request_return']);
  expect(await all('status=return_requested&limit=100')).toContain(order.number);
  await walk(app, order.number, ['receive_return']);
  await deliverAll(app);
  expect(await app.raw('order_board').findOne({ _id: order.number as never })).toBeNull();
  expect(await all('status=return_requested&limit=100')).not.toContain(order.number);
});

test('When a phone has many orders, then ?phone= pages through exactly that customer’s orders, newest first', async () => {
  const phone = uniquePhone();
  const mine: number[] = [];
  for (let i = 0; i < 5; i++) {
    mine.push((await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Many', phone } })).number);
    await placeOrder(app, [{ sku, quantity: 1 }]);
  }
  await walk(app, mine[1] as number, ['approve']);
  expect(await all(`phone=${encodeURIComponent(phone)}&limit=2`)).toEqual([...mine].reverse());
  expect(await all(`phone=${encodeURIComponent(phone)}&status=approved`)).toEqual([mine[1]]);
});

test('When a filter no key serves is asked page by page, then following next yields every match once, newest first', async () => {
  const market: number[] = [];
  for (let i = 0; i < 9; i++) {
    const channel = i % 3 === 0 ? 'marketplace' : 'store';
    const order = await placeOrder(app, [{ sku, quantity: 1 }], { channel });
    if (channel === 'marketplace') market.push(order.number);
  }
  const found = await all('channel=marketplace&limit=1');
  expect(found.slice(0, market.length)).toEqual([...market].reverse());
  expect(new Set(found).size).toBe(found.length);
  expect(numbers(await app.api('GET', '/api/v1/orders?limit=3'))).toHaveLength(3);
});

test('When matches are sparser than one walk may look through, then the page is short but next continues where it stopped', async () => {
  const first = await placeOrder(app, [{ sku, quantity: 1 }], { channel: 'voice' });
  for (let i = 0; i < 6; i++) await placeOrder(app, [{ sku, quantity: 1 }]);
  const top = (await placeOrder(app, [{ sku, quantity: 1 }])).number + 1;
  const walkOnce = (below: number) =>
    app.repos.orders.walk({ channel: 'voice' }, { below, limit: 5, batch: 2, maxScan: 4, first: 1001 });
  const page = await walkOnce(top);
  expect(page.items).toEqual([]);
  expect(page.next).toBe(top - 4);
  let next: number | null = page.next;
  const seen: number[] = [];
  while (next !== null && !seen.includes(first.number)) {
    const more = await walkOnce(next);
    seen.push(...more.items.map((o) => o.number));
    next = more.next;
  }
  expect(seen).toContain(first.number);
});
