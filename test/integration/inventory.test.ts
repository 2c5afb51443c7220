import type { CommandStartedEvent, MongoClient } from 'mongodb';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { act, createProduct, placeOrder, uniqueSku, walk } from '../helpers/builders.js';

let app: TestApp;
const lowAlerts: string[] = [];
// What the service logs, for the cases whose only trace is a log line.
const logLines: { level: number; msg: string; [k: string]: unknown }[] = [];
beforeAll(async () => {
  app = await startTestApp(
    'inventory',
    {},
    { logStream: { write: (l: string) => logLines.push(JSON.parse(l)) } },
  );
  // The event bus calls its listeners in a microtask of the emit, and every emit of a request
  // happens before its response is written: an alert a request causes is counted by the time the
  // request returns, so the counts below need no wait.
  app.deps.events.on('stock.low', ({ product }) => {
    lowAlerts.push(product.sku);
  });
});
afterAll(() => app.close());

const stock = async (sku: string) => (await app.api('GET', `/api/v1/products/${sku}`)).body;

test('When an order is placed, then its quantities are reserved and available drops', async () => {
  const p = await createProduct(app, { onHand: 10 });
  await placeOrder(app, [{ sku: p.sku, quantity: 3 }]);
  expect(await stock(p.sku)).toMatchObject({ onHand: 10, reserved: 3, available: 7 });
});

test('When any line is short, then the whole order is refused naming each short SKU, and nothing stays reserved', async () => {
  const plenty = await createProduct(app, { onHand: 50 });
  const few = await createProduct(app, { onHand: 2 });
  const none = await createProduct(app, { onHand: 0 });
  const res = await app.api('POST', '/api/v1/orders', {
    channel: 'store',
    customer: { name: 'Avi', phone: '+15551230001' },
    items: [
      { sku: plenty.sku, quantity: 5 },
      { sku: few.sku, quantity: 3 },
      { sku: none.sku, quantity: 1 },
    ],
  });
  expect(res.status).toBe(409);
  expect(res.body.error.code).toBe('insufficient_stock');
  expect(res.body.error.details.items).toEqual([
    { sku: few.sku, requested: 3, available: 2 },
    { sku: none.sku, requested: 1, available: 0 },
  ]);
  expect(await stock(plenty.sku)).toMatchObject({ onHand: 50, reserved: 0, available: 50 });
  expect(await stock(few.sku)).toMatchObject({ reserved: 0, available: 2 });
  expect((await app.api('GET', '/api/v1/orders?phone=%2B15551230001')).body.items).toEqual([]);
});

// Placement checks stock by reading first, so the refusals below come from `reserve` itself only
// when another order took the units in between: called directly here, as placement would.
test('When a line is short at reservation, then it refuses with what is available and gives back the lines it had reserved', async () => {
  const prefix = uniqueSku('RACE');
  const first = await createProduct(app, { sku: `${prefix}-A`, onHand: 10 });
  const short = await createProduct(app, { sku: `${prefix}-B`, onHand: 5 });
  const after = await createProduct(app, { sku: `${prefix}-C`, onHand: 4 });
  const lines = [
    { sku: after.sku, quantity: 1 },
    { sku: short.sku, quantity: 7 },
    { sku: first.sku, quantity: 3 },
  ];
  const refused = await app.deps.inventory.reserve(990_001, lines).catch((err: unknown) => err);
  expect(refused).toMatchObject({
    code: 'insufficient_stock',
    details: { items: [{ sku: short.sku, requested: 7, available: 5 }] },
  });
  for (const p of [first, short, after]) {
    expect(await stock(p.sku)).toMatchObject({ onHand: p.onHand, reserved: 0, available: p.onHand });
    expect((await app.raw('products').findOne({ _id: p.sku as never }))?.reservations ?? {}).toEqual({});
  }
});

test('When a SKU is unknown at reservation, then it is a validation error naming it, and nothing stays reserved', async () => {
  const prefix = uniqueSku('GONE');
  const known = await createProduct(app, { sku: `${prefix}-A`, onHand: 6 });
  const refused = await app.deps.inventory
    .reserve(990_002, [
      { sku: `${prefix}-Z`, quantity: 1 },
      { sku: known.sku, quantity: 2 },
    ])
    .catch((err: unknown) => err);
  expect(refused).toMatchObject({ code: 'validation_error', details: [{ sku: `${prefix}-Z` }] });
  expect(await stock(known.sku)).toMatchObject({ reserved: 0, available: 6 });
});

test('When goods come back for a product deleted since, then an operator sees an error naming the SKU and quantity', async () => {
  const p = await createProduct(app, { onHand: 5 });
  await app.raw('products').deleteOne({ _id: p.sku as never });
  await app.deps.inventory.restock(990_003, [{ sku: p.sku, quantity: 2 }]);
  expect(logLines.filter((l) => l.msg === 'returned goods for a deleted product')).toEqual([
    expect.objectContaining({ level: 50, sku: p.sku, quantity: 2 }),
  ]);
  // A product that exists is restocked without that error.
  const kept = await createProduct(app, { onHand: 5, lowStockThreshold: 6 });
  await app.deps.inventory.restock(990_004, [{ sku: kept.sku, quantity: 2 }]);
  expect(await stock(kept.sku)).toMatchObject({ onHand: 7, available: 7 });
  expect(logLines.filter((l) => l.msg === 'returned goods for a deleted product')).toHaveLength(1);
});

test('When the same SKU appears on two lines, then they are reserved together', async () => {
  const p = await createProduct(app, { onHand: 5 });
  const order = await placeOrder(app, [
    { sku: p.sku, quantity: 2 },
    { sku: p.sku, quantity: 3 },
  ]);
  expect(order.items).toEqual([expect.objectContaining({ sku: p.sku, quantity: 5, lineTotal: 5000 })]);
  expect(await stock(p.sku)).toMatchObject({ reserved: 5, available: 0 });
});

test.each(['reject', 'cancel'])('When an order is %sed, then its reservation is released', async (action) => {
  const p = await createProduct(app, { onHand: 4 });
  const order = await placeOrder(app, [{ sku: p.sku, quantity: 4 }]);
  await walk(app, order.number, [action]);
  expect(await stock(p.sku)).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
});

test('When a picking order is cancelled, then its reservation is released', async () => {
  const p = await createProduct(app, { onHand: 4 });
  const order = await placeOrder(app, [{ sku: p.sku, quantity: 1 }]);
  await walk(app, order.number, ['approve', 'start_picking', 'cancel']);
  expect(await stock(p.sku)).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
});

test('When an order ships, then the reservation becomes a decrement of on hand; a return puts it back', async () => {
  const p = await createProduct(app, { onHand: 10 });
  const order = await placeOrder(app, [{ sku: p.sku, quantity: 3 }]);
  await walk(app, order.number, ['approve', 'start_picking', 'pack']);
  expect(await stock(p.sku)).toMatchObject({ onHand: 10, reserved: 3, available: 7 });
  await walk(app, order.number, ['ship']);
  expect(await stock(p.sku)).toMatchObject({ onHand: 7, reserved: 0, available: 7 });
  // Committed once: the ledger entry goes with it, so nothing can commit it again.
  const ledger = (await app.raw('products').findOne({ _id: p.sku as never }))?.reservations ?? {};
  expect(ledger).toEqual({});
  await walk(app, order.number, ['deliver', 'request_return']);
  expect(await stock(p.sku)).toMatchObject({ onHand: 7, available: 7 });
  await walk(app, order.number, ['receive_return']);
  expect(await stock(p.sku)).toMatchObject({ onHand: 10, reserved: 0, available: 10 });
});

test('When a return is rejected, then the goods stay with the customer and stock is unchanged', async () => {
  const p = await createProduct(app, { onHand: 10 });
  const order = await placeOrder(app, [{ sku: p.sku, quantity: 3 }]);
  const delivered = await walk(app, order.number, [
    'approve',
    'start_picking',
    'pack',
    'ship',
    'deliver',
    'request_return',
    'reject_return',
  ]);
  expect(delivered.status).toBe('delivered');
  expect(await stock(p.sku)).toMatchObject({ onHand: 7, reserved: 0, available: 7 });
});

test('When stock is set or added, then available follows; it can never be set below what orders hold', async () => {
  const p = await createProduct(app, { onHand: 10 });
  await placeOrder(app, [{ sku: p.sku, quantity: 6 }]);
  expect((await app.api('POST', `/api/v1/products/${p.sku}/stock`, { set: 20 })).body).toMatchObject({
    onHand: 20,
    reserved: 6,
    available: 14,
  });
  expect((await app.api('POST', `/api/v1/products/${p.sku}/stock`, { add: -4 })).body).toMatchObject({
    onHand: 16,
    available: 10,
  });
  const tooLow = await app.api('POST', `/api/v1/products/${p.sku}/stock`, { set: 5 });
  expect(tooLow.status).toBe(409);
  expect(tooLow.body.error.code).toBe('conflict');
  const tooMuch = await app.api('POST', `/api/v1/products/${p.sku}/stock`, { add: -11 });
  expect(tooMuch.status).toBe(409);
  expect(await stock(p.sku)).toMatchObject({ onHand: 16, reserved: 6, available: 10 });
});

test('When available falls to the threshold, then one low-stock alert; none again until restocked above it', async () => {
  const p = await createProduct(app, { onHand: 10, lowStockThreshold: 3 });
  await placeOrder(app, [{ sku: p.sku, quantity: 6 }]);
  expect(lowAlerts.filter((s) => s === p.sku)).toHaveLength(0);
  await placeOrder(app, [{ sku: p.sku, quantity: 1 }]); // available 3: at the threshold
  await placeOrder(app, [{ sku: p.sku, quantity: 1 }]); // 2
  const cancelled = await placeOrder(app, [{ sku: p.sku, quantity: 1 }]); // 1
  await act(app, cancelled.number, 'cancel'); // back to 2, still low
  await placeOrder(app, [{ sku: p.sku, quantity: 1 }]);
  expect(lowAlerts.filter((s) => s === p.sku)).toHaveLength(1);

  await app.api('POST', `/api/v1/products/${p.sku}/stock`, { add: 10 }); // available 11: re-armed
  await placeOrder(app, [{ sku: p.sku, quantity: 9 }]); // 2: low again
  expect(lowAlerts.filter((s) => s === p.sku)).toHaveLength(2);
});

test('When a cancelled order brings a low product back above its threshold, then the alert re-arms and the next drop alerts again', async () => {
  const p = await createProduct(app, { onHand: 10, lowStockThreshold: 3 });
  const big = await placeOrder(app, [{ sku: p.sku, quantity: 8 }]); // available 2: low
  expect(lowAlerts.filter((s) => s === p.sku)).toHaveLength(1);
  expect((await app.raw('products').findOne({ _id: p.sku as never }))?.lowStockAlerted).toBe(true);
  await act(app, big.number, 'cancel'); // available 10: above the threshold, re-armed
  expect((await app.raw('products').findOne({ _id: p.sku as never }))?.lowStockAlerted).toBe(false);
  await placeOrder(app, [{ sku: p.sku, quantity: 8 }]); // 2: low again
  expect(lowAlerts.filter((s) => s === p.sku)).toHaveLength(2);
});

test('When returned goods bring a low product back above its threshold, then the alert re-arms', async () => {
  const p = await createProduct(app, { onHand: 10, lowStockThreshold: 3 });
  const order = await placeOrder(app, [{ sku: p.sku, quantity: 5 }]);
  await walk(app, order.number, ['approve', 'start_picking', 'pack', 'ship', 'deliver']);
  await placeOrder(app, [{ sku: p.sku, quantity: 3 }]); // available 2: low
  expect(lowAlerts.filter((s) => s === p.sku)).toHaveLength(1);
  await walk(app, order.number, ['request_return', 'receive_return']); // available 7
  expect((await app.raw('products').findOne({ _id: p.sku as never }))?.lowStockAlerted).toBe(false);
  await placeOrder(app, [{ sku: p.sku, quantity: 5 }]); // 2: low again
  expect(lowAlerts.filter((s) => s === p.sku)).toHaveLength(2);
});

test('When a product is created at or below its threshold, then it alerts once at once', async () => {
  const p = await createProduct(app, { onHand: 2, lowStockThreshold: 5 });
  await app.api('POST', `/api/v1/products/${p.sku}/stock`, { add: 1 });
  expect(lowAlerts.filter((s) => s === p.sku)).toHaveLength(1);
});

test('When a product is listed, then it shows onHand, reserved and available but not the ledger', async () => {
  const p = await createProduct(app, { onHand: 3, price: 1999 });
  // The list is paged by SKU (20 a page by default); this file makes far fewer than 100 products.
  const all = await app.api('GET', '/api/v1/products?limit=100');
  const listed = all.body.items.find((x: { sku: string }) => x.sku === p.sku);
  expect(listed).toMatchObject({
    sku: p.sku,
    price: 1999,
    currency: 'USD',
    onHand: 3,
    reserved: 0,
    available: 3,
  });
  expect(listed).not.toHaveProperty('reservations');
});

test('When a product SKU already exists, then 409 conflict', async () => {
  const p = await createProduct(app);
  const res = await app.api('POST', '/api/v1/products', { sku: p.sku, name: 'Again', price: 1, onHand: 1 });
  expect(res.status).toBe(409);
  expect(res.body.error.code).toBe('conflict');
});

/** The commands `work` sends to the products collection, by name. */
async function productCommands(work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const client = app.db.connection.getClient() as unknown as MongoClient;
  const record = (e: CommandStartedEvent) => {
    if (e.command[e.commandName] === 'products') seen.push(e.commandName);
  };
  client.on('commandStarted', record);
  try {
    await work();
  } finally {
    client.off('commandStarted', record);
  }
  return seen;
}

test('When stock moves far from the low-stock threshold, then each line costs one write and nothing is read back', async () => {
  const p = await createProduct(app, { onHand: 100, lowStockThreshold: 3 });
  let number = 0;
  // The check reads the products once; the reservation, well above the threshold, is one update.
  expect(
    await productCommands(async () => {
      number = (await placeOrder(app, [{ sku: p.sku, quantity: 2 }])).number;
    }),
  ).toEqual(['find', 'update']);
  // No alert is out: the release is one update, with nothing read back for the low-stock rule.
  expect(await productCommands(() => act(app, number, 'cancel'))).toEqual(['update']);
});

test('When a reservation reaches the threshold, then it is not tried the quick way first: one update, then the product read for the low-stock rule', async () => {
  const p = await createProduct(app, { onHand: 10, lowStockThreshold: 3 });
  const seen = await productCommands(() => placeOrder(app, [{ sku: p.sku, quantity: 7 }]));
  // The check's read, then the reservation (an update, the product read back), then the alert's flag.
  expect(seen.slice(0, 3)).toEqual(['find', 'update', 'find']);
  expect(seen.filter((c) => c === 'update')).toHaveLength(2);
});
