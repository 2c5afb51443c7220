import { MAX_STOCK_UNITS } from '../../src/inventory/sku.js';
import { ORDER_LIMITS } from '../../src/orders/types.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { orderBody, uniquePhone, uniqueSku } from '../helpers/builders.js';

/**
 * The domain's own bounds (`ORDER_LIMITS`, `MAX_STOCK_UNITS`) hold whichever door an order or a
 * stock change comes through: here the services themselves are called, as a door that forgot its
 * schema would, and the REST API shows the bound the schema cannot see (a SKU on two lines).
 */

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('domainlimits');
});
afterAll(async () => {
  await app?.close();
});

async function product(onHand: number) {
  const sku = uniqueSku();
  const res = await app.api('POST', '/api/v1/products', { sku, name: 'Crate', price: 100, onHand });
  expect(res.status).toBe(201);
  return sku;
}

test('When one SKU comes on two lines that add up past the per-line bound, then placement refuses it (400) and reserves nothing', async () => {
  const sku = await product(3 * ORDER_LIMITS.quantityPerLine);
  const half = ORDER_LIMITS.quantityPerLine / 2 + 1;
  const res = await app.api(
    'POST',
    '/api/v1/orders',
    orderBody([
      { sku, quantity: half },
      { sku, quantity: half },
    ]),
  );
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('validation_error');
  expect(res.body.error.message).toContain(`1 to ${ORDER_LIMITS.quantityPerLine}`);
  const after = await app.api('GET', `/api/v1/products/${sku}`);
  expect(after.body).toMatchObject({ reserved: 0, available: 3 * ORDER_LIMITS.quantityPerLine });
});

test('When a door hands placement more lines or units than the domain allows, then it is a validation error and nothing is reserved', async () => {
  const sku = await product(3 * ORDER_LIMITS.quantityPerLine);
  const actor = { by: 'test', channel: 'api' as const };
  const customer = { name: 'Dana', phone: uniquePhone() };
  const place = (items: { sku: string; quantity: number }[]) =>
    app.deps.orders.place({ channel: 'web', customer, items }, actor);
  await expect(place([{ sku, quantity: ORDER_LIMITS.quantityPerLine + 1 }])).rejects.toMatchObject({
    code: 'validation_error',
  });
  await expect(place([{ sku, quantity: 0 }])).rejects.toMatchObject({ code: 'validation_error' });
  await expect(place([{ sku, quantity: 1.5 }])).rejects.toMatchObject({ code: 'validation_error' });
  await expect(place([])).rejects.toMatchObject({ code: 'validation_error' });
  const many = Array.from({ length: ORDER_LIMITS.lines + 1 }, (_, i) => ({
    sku: `${sku}-${i}`,
    quantity: 1,
  }));
  await expect(place(many)).rejects.toMatchObject({ code: 'validation_error' });
  const after = await app.api('GET', `/api/v1/products/${sku}`);
  expect(after.body.reserved).toBe(0);
  // At the bound itself, it is placed.
  const placed = await place([{ sku, quantity: ORDER_LIMITS.quantityPerLine }]);
  expect(placed.order.items[0]?.quantity).toBe(ORDER_LIMITS.quantityPerLine);
});

test('When stock is set, added or given a threshold past MAX_STOCK_UNITS by any door, then the inventory refuses it and the count is unchanged', async () => {
  const sku = await product(10);
  const inventory = app.deps.inventory;
  for (const attempt of [
    () => inventory.setStock(sku, MAX_STOCK_UNITS + 1),
    () => inventory.addStock(sku, MAX_STOCK_UNITS + 1),
    () => inventory.addStock(sku, -(MAX_STOCK_UNITS + 1)),
    () => inventory.setThreshold(sku, MAX_STOCK_UNITS + 1),
    () => inventory.setStock(sku, 2.5),
    () => inventory.create({ sku: uniqueSku(), name: 'Too many', price: 1, onHand: MAX_STOCK_UNITS + 1 }),
  ])
    await expect(attempt()).rejects.toMatchObject({ code: 'validation_error' });
  const after = await app.api('GET', `/api/v1/products/${sku}`);
  expect(after.body.onHand).toBe(10);
  await expect(inventory.setStock(sku, MAX_STOCK_UNITS)).resolves.toMatchObject({ onHand: MAX_STOCK_UNITS });
});
