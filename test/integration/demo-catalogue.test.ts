import { DEMO_PRODUCTS, seedDemoCatalogue } from '../../src/demo-catalogue.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('demo');
});
afterAll(() => app.close());

test('When the demo catalogue is seeded, then its products can be ordered; seeding again changes nothing', async () => {
  expect(await seedDemoCatalogue(app.deps.inventory)).toEqual(DEMO_PRODUCTS.map((p) => p.sku));
  await app.api('POST', '/api/v1/products/MUG-BLUE/stock', { set: 3 });
  expect(await seedDemoCatalogue(app.deps.inventory)).toEqual([]);
  expect((await app.api('GET', '/api/v1/products/MUG-BLUE')).body.onHand).toBe(3);
  const order = await app.api('POST', '/api/v1/orders', {
    channel: 'web',
    customer: { name: 'Newcomer', phone: '+15551234567' },
    items: [{ sku: 'TEE-M', quantity: 2 }],
  });
  expect(order.status).toBe(201);
  expect(order.body.total).toBe(4800);
});
