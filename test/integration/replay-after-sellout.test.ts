import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, orderBody } from '../helpers/builders.js';

/**
 * A shop's webhook retry must find its order even when that order took the last units: the replay
 * is answered from the order key before any stock check, which would refuse it.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('replaysellout');
});
afterAll(() => app.close());

test('When an order with an externalId took the last units and the shop sends it again, then 200 with the same order, not 409 insufficient_stock', async () => {
  const p = await createProduct(app, { onHand: 2 });
  const body = orderBody([{ sku: p.sku, quantity: 2 }], { channel: 'marketplace', externalId: 'SOLD-OUT-1' });
  const first = await app.api('POST', '/api/v1/orders', body);
  expect(first.status).toBe(201);
  expect((await app.api('GET', `/api/v1/products/${p.sku}`)).body).toMatchObject({ available: 0 });

  const retry = await app.api('POST', '/api/v1/orders', body);
  expect(retry.body.error).toBeUndefined();
  expect(retry.status).toBe(200);
  expect(retry.body.number).toBe(first.body.number);
  expect((await app.api('GET', `/api/v1/products/${p.sku}`)).body).toMatchObject({
    onHand: 2,
    reserved: 2,
    available: 0,
  });
});
