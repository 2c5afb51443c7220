import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, placeOrder, walk } from '../helpers/builders.js';

/**
 * Releasing an order's reservation is safe to repeat (a duplicate cancel delivery, a retry after a
 * crash, the reconcile job passing over an order already released): the ledger entry on the
 * product goes with the units, so a second release finds nothing to give back.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('releaseonce');
});
afterAll(() => app.close());

const stock = async (sku: string) => (await app.api('GET', `/api/v1/products/${sku}`)).body;

test('When a cancelled order is released again, then its units come back once and reserved and available stay exact', async () => {
  const p = await createProduct(app, { onHand: 10 });
  const other = await placeOrder(app, [{ sku: p.sku, quantity: 2 }]);
  const order = await placeOrder(app, [{ sku: p.sku, quantity: 3 }]);
  await walk(app, order.number, ['cancel']);
  expect(await stock(p.sku)).toMatchObject({ onHand: 10, reserved: 2, available: 8 });

  const placedAt = new Date(order.createdAt);
  await app.deps.inventory.release(order.number, [{ sku: p.sku, quantity: 3 }], placedAt);
  await app.deps.inventory.release(order.number, [{ sku: p.sku, quantity: 3 }], placedAt);
  expect(await stock(p.sku)).toMatchObject({ onHand: 10, reserved: 2, available: 8 });

  // The other order's reservation is untouched and still releases exactly its own units.
  await walk(app, other.number, ['reject']);
  expect(await stock(p.sku)).toMatchObject({ onHand: 10, reserved: 0, available: 10 });
});

test('When two releases of one reservation race, then the units come back once', async () => {
  const p = await createProduct(app, { onHand: 5 });
  const order = await placeOrder(app, [{ sku: p.sku, quantity: 4 }]);
  const line = [{ sku: p.sku, quantity: 4 }];
  await Promise.all([
    app.deps.inventory.release(order.number, line, new Date(order.createdAt)),
    app.deps.inventory.release(order.number, line, new Date(order.createdAt)),
  ]);
  expect(await stock(p.sku)).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
});
