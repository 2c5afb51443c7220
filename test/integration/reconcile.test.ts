import { Types } from 'mongoose';
import { purgeProcessedRequests } from '../../jobs/purge-processed-requests.js';
import { reconcileReservations } from '../../jobs/reconcile-reservations.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, placeOrder, walk } from '../helpers/builders.js';

/** A process can die between two steps; the reconcile job finishes what it left. */

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('reconcile');
});
afterAll(() => app.close());

const later = () => new Date(Date.now() + 10 * 60_000);
const product = async (sku: string) => (await app.api('GET', `/api/v1/products/${sku}`)).body;

test('When a placement died after reserving and before storing the order, then the stock is released', async () => {
  const p = await createProduct(app, { onHand: 5 });
  await app.deps.inventory.reserve(new Types.ObjectId().toHexString(), [{ sku: p.sku, quantity: 3 }]);
  expect(await product(p.sku)).toMatchObject({ reserved: 3, available: 2 });

  expect(await reconcileReservations(app.deps)).toEqual({ released: 0, committed: 0, restocked: 0 }); // too young: maybe in flight
  await reconcileReservations(app.deps, later());
  expect(await product(p.sku)).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
});

test('When a cancel died before releasing, then the stock is released; open orders keep theirs', async () => {
  const p = await createProduct(app, { onHand: 5 });
  const open = await placeOrder(app, [{ sku: p.sku, quantity: 1 }]);
  const order = await placeOrder(app, [{ sku: p.sku, quantity: 2 }]);
  // The transition happened but the process died before the stock followed.
  await app.deps.models.Order.updateOne(
    { number: order.number },
    { $set: { status: 'cancelled', inventory: 'released' } },
  );
  await reconcileReservations(app.deps, later());
  expect(await product(p.sku)).toMatchObject({ onHand: 5, reserved: 1, available: 4 });
  expect((await app.api('GET', `/api/v1/orders/${open.number}`)).body.status).toBe('pending_approval');
});

test('When a ship died before committing, then on hand is decremented once', async () => {
  const p = await createProduct(app, { onHand: 5 });
  const order = await placeOrder(app, [{ sku: p.sku, quantity: 2 }]);
  await walk(app, order.number, ['approve', 'start_picking', 'pack']);
  await app.deps.models.Order.updateOne(
    { number: order.number },
    { $set: { status: 'shipped', inventory: 'committed' } },
  );
  await reconcileReservations(app.deps, later());
  await reconcileReservations(app.deps, later());
  expect(await product(p.sku)).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
});

test('When a placement claim was left by a crash, then a retry of the same externalId takes it over after a minute', async () => {
  const p = await createProduct(app, { onHand: 5 });
  await app.deps.models.ProcessedRequest.create({
    key: 'order:web:CRASHED-1',
    ref: new Types.ObjectId().toHexString(),
  });
  await app.deps.models.ProcessedRequest.updateOne(
    { key: 'order:web:CRASHED-1' },
    { $set: { claimedAt: new Date(Date.now() - 5 * 60_000) } },
  );
  const res = await app.api('POST', '/api/v1/orders', {
    channel: 'web',
    externalId: 'CRASHED-1',
    customer: { name: 'Retry', phone: '+15557770001' },
    items: [{ sku: p.sku, quantity: 1 }],
  });
  expect(res.status).toBe(201);
});

test('When a receive_return died before all goods were back, then the rest are put back, each exactly once', async () => {
  const a = await createProduct(app, { onHand: 5 });
  const b = await createProduct(app, { onHand: 5 });
  const order = await placeOrder(app, [
    { sku: a.sku, quantity: 2 },
    { sku: b.sku, quantity: 1 },
  ]);
  await walk(app, order.number, ['approve', 'start_picking', 'pack', 'ship', 'deliver', 'request_return']);
  // The transition was recorded and the first line restocked; then the process died.
  const stored = await app.deps.models.Order.findOneAndUpdate(
    { number: order.number },
    { $set: { status: 'returned', inventory: 'restocking' } },
    { returnDocument: 'after', lean: true },
  );
  await app.deps.inventory.restock(String(stored?._id), [{ sku: a.sku, quantity: 2 }]);
  expect(await product(a.sku)).toMatchObject({ onHand: 5 });

  expect((await reconcileReservations(app.deps, later())).restocked).toBe(1);
  expect((await reconcileReservations(app.deps, later())).restocked).toBe(0);
  expect(await product(a.sku)).toMatchObject({ onHand: 5, available: 5 });
  expect(await product(b.sku)).toMatchObject({ onHand: 5, available: 5 });
  const raw = await app.deps.models.Product.findOne({ sku: a.sku }).lean();
  expect(raw?.restocked ?? {}).toEqual({});
});

test('When old idempotency records pile up, then the daily purge deletes them and a replay still finds its order', async () => {
  const p = await createProduct(app, { onHand: 5 });
  const body = {
    channel: 'marketplace',
    externalId: 'OLD-1',
    customer: { name: 'Old', phone: '+15557770002' },
    items: [{ sku: p.sku, quantity: 1 }],
  };
  const first = await app.api('POST', '/api/v1/orders', body);
  const deleted = await purgeProcessedRequests(app.deps, new Date(Date.now() + 8 * 24 * 3600_000));
  expect(deleted).toBeGreaterThanOrEqual(1);
  expect(await app.deps.models.ProcessedRequest.countDocuments({ key: 'order:marketplace:OLD-1' })).toBe(0);
  const replay = await app.api('POST', '/api/v1/orders', body);
  expect(replay.status).toBe(200);
  expect(replay.body.number).toBe(first.body.number);
});
