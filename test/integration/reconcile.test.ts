import { pruneFailedJobs } from '../../jobs/housekeeping.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, deliverAll, placeOrder, walk } from '../helpers/builders.js';

/** A process can die between two steps; the reconcile job finishes what it left. */

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('reconcile');
});
afterAll(() => app.close());

const later = () => new Date(Date.now() + 10 * 60_000);
const product = async (sku: string) => (await app.api('GET', `/api/v1/products/${sku}`)).body;
const reconcile = (now?: Date) => app.deps.reconciler.reconcile(now);
/** What a crash right after the order's compare-and-set leaves: the order moved, nothing else. */
const moveOnly = (number: number, set: Record<string, unknown>) =>
  app.raw('orders').updateOne({ _id: number as never }, { $set: set });
const boardEntry = (number: number) => app.raw('order_board').findOne({ _id: number as never });

test('When a placement died after reserving and before storing the order, then the stock is released', async () => {
  const p = await createProduct(app, { onHand: 5 });
  await app.deps.inventory.reserve(999_999, [{ sku: p.sku, quantity: 3 }]);
  expect(await product(p.sku)).toMatchObject({ reserved: 3, available: 2 });

  // Too young: it may be a placement still in flight.
  expect(await reconcile()).toMatchObject({ released: 0, committed: 0, restocked: 0 });
  await reconcile(later());
  expect(await product(p.sku)).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
});

test('When a cancel died before releasing, then the stock is released, the order leaves the board, and open orders keep theirs', async () => {
  const p = await createProduct(app, { onHand: 5 });
  const open = await placeOrder(app, [{ sku: p.sku, quantity: 1 }]);
  const order = await placeOrder(app, [{ sku: p.sku, quantity: 2 }]);
  await moveOnly(order.number, { status: 'cancelled', inventory: 'released' });
  expect(await boardEntry(order.number)).toMatchObject({ status: 'pending_approval' });

  const result = await reconcile(later());
  expect(result.released).toBe(1);
  expect(result.boardRepaired).toBeGreaterThanOrEqual(1);
  expect(await product(p.sku)).toMatchObject({ onHand: 5, reserved: 1, available: 4 });
  // Off the board once its messages are out too.
  await deliverAll(app);
  expect(await boardEntry(order.number)).toBeNull();
  expect(await boardEntry(open.number)).toMatchObject({ status: 'pending_approval' });
  expect((await app.api('GET', `/api/v1/orders/${open.number}`)).body.status).toBe('pending_approval');
});

test('When a ship died before committing, then on hand is decremented once', async () => {
  const p = await createProduct(app, { onHand: 5 });
  const order = await placeOrder(app, [{ sku: p.sku, quantity: 2 }]);
  await walk(app, order.number, ['approve', 'start_picking', 'pack']);
  await moveOnly(order.number, { status: 'shipped', inventory: 'committed' });
  await reconcile(later());
  await reconcile(later());
  expect(await product(p.sku)).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
});

test('When an approval died before its board entry was updated, then the fulfillment list still shows the order once the sweep ran', async () => {
  const p = await createProduct(app, { onHand: 5 });
  const order = await placeOrder(app, [{ sku: p.sku, quantity: 1 }]);
  await moveOnly(order.number, { status: 'approved' });
  // The pending list reads the stale hint, checks the order, and puts the entry right.
  const pending = await app.api('GET', '/api/v1/orders?status=pending_approval&limit=100');
  expect(pending.body.items.map((o: { number: number }) => o.number)).not.toContain(order.number);
  expect(await boardEntry(order.number)).toMatchObject({ status: 'approved' });
  const approved = await app.api('GET', '/api/v1/orders?status=approved&limit=100');
  expect(approved.body.items.map((o: { number: number }) => o.number)).toContain(order.number);
});

test('When a placement claim was left by a crash, then a retry of the same externalId takes it over after a minute', async () => {
  const p = await createProduct(app, { onHand: 5 });
  await app.raw('order_keys').insertOne({
    _id: 'web:CRASHED-1' as never,
    token: 'crashed',
    state: 'claimed',
    claimedAt: new Date(Date.now() - 5 * 60_000),
  });
  const res = await app.api('POST', '/api/v1/orders', {
    channel: 'web',
    externalId: 'CRASHED-1',
    customer: { name: 'Retry', phone: '+15557770001' },
    items: [{ sku: p.sku, quantity: 1 }],
  });
  expect(res.status).toBe(201);
  expect(await app.raw('order_keys').findOne({ _id: 'web:CRASHED-1' as never })).toMatchObject({
    state: 'done',
    number: res.body.number,
  });
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
  await moveOnly(order.number, { status: 'returned', inventory: 'restocking', updatedAt: new Date() });
  await app.deps.inventory.restock(order.number, [{ sku: a.sku, quantity: 2 }]);
  expect(await product(a.sku)).toMatchObject({ onHand: 5 });

  expect((await reconcile(later())).restocked).toBe(1);
  expect((await reconcile(later())).restocked).toBe(0);
  expect(await product(a.sku)).toMatchObject({ onHand: 5, available: 5 });
  expect(await product(b.sku)).toMatchObject({ onHand: 5, available: 5 });
  const raw = await app.raw('products').findOne({ _id: a.sku as never });
  expect(raw?.restocked ?? {}).toEqual({});
  await deliverAll(app);
  expect(await boardEntry(order.number)).toBeNull();
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
  await app.deps.once.answerOnce('sms:SM-OLD-1', async () => ({ text: 'an old reply' }));
  const { requests } = await app.deps.housekeeping.purge(new Date(Date.now() + 8 * 24 * 3600_000));
  expect(requests).toBeGreaterThanOrEqual(1);
  expect(await app.raw('processed_requests').countDocuments({ _id: 'sms:SM-OLD-1' as never })).toBe(0);
  const replay = await app.api('POST', '/api/v1/orders', body);
  expect(replay.status).toBe(200);
  expect(replay.body.number).toBe(first.body.number);
});

test('When one-off jobs gave up long ago, then housekeeping removes them and keeps recent failures and waiting jobs', async () => {
  const days = (n: number) => new Date(Date.now() - n * 24 * 3600_000);
  const job = (name: string, failedAt: Date | null, nextRunAt: Date | null) => ({
    name,
    data: { number: 1 },
    type: 'normal',
    priority: 0,
    nextRunAt,
    ...(failedAt ? { failedAt, failCount: 16, failReason: 'Twilio is down', lastRunAt: failedAt } : {}),
  });
  await app
    .raw('agendaJobs')
    .insertMany([
      job('sms-customer-update', days(20), null),
      job('sms-customer-update', days(2), null),
      job('slack-sync-order', days(20), new Date(Date.now() + 60_000)),
      job('slack-sync-order', null, new Date(Date.now() + 3600_000)),
    ]);
  expect(await pruneFailedJobs(app.agenda, app.deps.log)).toBe(1);
  const left = await app.raw('agendaJobs').find({ 'data.number': 1 }).toArray();
  expect(left).toHaveLength(3);
  expect(left.some((j) => j.failedAt && j.failedAt < days(10) && !j.nextRunAt)).toBe(false);
});
