import type { CommandStartedEvent, MongoClient } from 'mongodb';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, orderBody } from '../helpers/builders.js';

/**
 * The order keys (`order_keys`) behind idempotent placement: a claim left by a placement that
 * died is taken over, a replay waits for a placement still running, and a placement that fails
 * gives its claim back so the shop's retry can place the order.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('placementkeys');
});
afterAll(() => app.close());

const keys = () => app.raw('order_keys');
const available = async (sku: string) =>
  (await app.api('GET', `/api/v1/products/${sku}`)).body.available as number;

test('When a placement died after claiming its key, then the next request takes the stale claim over and places the order', async () => {
  const p = await createProduct(app, { onHand: 5 });
  // What a placement that crashed after claiming leaves behind: a claim two minutes old.
  await keys().insertOne({
    _id: 'web:CRASHED-1' as never,
    token: 'dead-placement',
    state: 'claimed',
    claimedAt: new Date(Date.now() - 120_000),
  });
  const body = orderBody([{ sku: p.sku, quantity: 2 }], { channel: 'web', externalId: 'CRASHED-1' });
  const res = await app.api('POST', '/api/v1/orders', body);
  expect(res.status).toBe(201);
  const key = await keys().findOne({ _id: 'web:CRASHED-1' as never });
  expect(key).toMatchObject({ state: 'done', number: res.body.number });
  expect(key?.token).not.toBe('dead-placement');
  expect(await available(p.sku)).toBe(3);
});

test('When a replay arrives while the first placement still holds a fresh claim, then it waits and answers 200 with that order', async () => {
  const p = await createProduct(app, { onHand: 5 });
  const body = orderBody([{ sku: p.sku, quantity: 1 }], { channel: 'web', externalId: 'SLOW-1' });
  const first = await app.api('POST', '/api/v1/orders', body);
  expect(first.status).toBe(201);
  // Put the key back in the state a placement still running leaves it: claimed a moment ago.
  await keys().updateOne(
    { _id: 'web:SLOW-1' as never },
    { $set: { state: 'claimed', token: 'still-running', claimedAt: new Date() }, $unset: { number: '' } },
  );
  const replay = app.api('POST', '/api/v1/orders', body);
  await new Promise((r) => setTimeout(r, 400));
  // The first placement finishes.
  await keys().updateOne(
    { _id: 'web:SLOW-1' as never },
    { $set: { state: 'done', number: first.body.number } },
  );
  const res = await replay;
  expect(res.body.error).toBeUndefined();
  expect(res.status).toBe(200);
  expect(res.body.number).toBe(first.body.number);
  expect(await available(p.sku)).toBe(4);
});

test('When orders with their own externalIds race for the last unit, then the losers leave no claim behind and each is placed on retry once stock arrives', async () => {
  const p = await createProduct(app, { onHand: 1 });
  const ids = Array.from({ length: 10 }, (_, i) => `LAST-UNIT-${i}`);
  const bodies = ids.map((externalId) =>
    orderBody([{ sku: p.sku, quantity: 1 }], { channel: 'web', externalId }),
  );
  const results = await Promise.all(bodies.map((b) => app.api('POST', '/api/v1/orders', b)));
  expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);

  const left = await keys()
    .find({ _id: { $in: ids.map((id) => `web:${id}`) as never[] } })
    .toArray();
  expect(left.map((k) => k.state)).toEqual(['done']);

  await app.api('POST', `/api/v1/products/${p.sku}/stock`, { add: 9 });
  const retries = await Promise.all(
    bodies.filter((_, i) => results[i]?.status === 409).map((b) => app.api('POST', '/api/v1/orders', b)),
  );
  // A claim left by a failed attempt would make its retry wait, then answer 409 conflict.
  expect(retries.map((r) => r.status)).toEqual(Array(9).fill(201));
  expect(await available(p.sku)).toBe(0);
});

test('When five retries race for a claim a dead placement left, then one takes it over, all get that order, and no order number is spent on the others', async () => {
  const p = await createProduct(app, { onHand: 10 });
  await keys().insertOne({
    _id: 'web:CRASHED-2' as never,
    token: 'dead-placement',
    state: 'claimed',
    claimedAt: new Date(Date.now() - 120_000),
  });
  const body = orderBody([{ sku: p.sku, quantity: 1 }], { channel: 'web', externalId: 'CRASHED-2' });
  const results = await Promise.all(Array.from({ length: 5 }, () => app.api('POST', '/api/v1/orders', body)));
  expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
  const number = results.find((r) => r.status === 201)?.body.number;
  expect(new Set(results.map((r) => r.body.number))).toEqual(new Set([number]));
  expect(await available(p.sku)).toBe(9);
  // A retry that took the claim over too would have spent a number before finding the order.
  const next = await app.api('POST', '/api/v1/orders', orderBody([{ sku: p.sku, quantity: 1 }]));
  expect(next.body.number).toBe(number + 1);
});

test('When an order has no externalId, then placing it reads and writes no order key', async () => {
  const p = await createProduct(app, { onHand: 5 });
  const seen: string[] = [];
  const client = app.db.connection.getClient() as unknown as MongoClient;
  const record = (e: CommandStartedEvent) => {
    if (e.command[e.commandName] === 'order_keys') seen.push(e.commandName);
  };
  client.on('commandStarted', record);
  try {
    const res = await app.api('POST', '/api/v1/orders', orderBody([{ sku: p.sku, quantity: 1 }]));
    expect(res.status).toBe(201);
  } finally {
    client.off('commandStarted', record);
  }
  expect(seen).toEqual([]);
});

test('When the first placement holds a fresh claim and never finishes, then the replay waits, then answers 409 conflict and holds no stock', async () => {
  const p = await createProduct(app, { onHand: 5 });
  await keys().insertOne({
    _id: 'web:STUCK-1' as never,
    token: 'still-running',
    state: 'claimed',
    claimedAt: new Date(),
  });
  const body = orderBody([{ sku: p.sku, quantity: 1 }], { channel: 'web', externalId: 'STUCK-1' });
  const res = await app.api('POST', '/api/v1/orders', body);
  expect(res.status).toBe(409);
  expect(res.body.error).toMatchObject({
    code: 'conflict',
    message: 'The same order is still being placed by another request; retry shortly.',
  });
  expect(await available(p.sku)).toBe(5);
}, 30_000);

test('When a claim was already taken over or finished, then a take-over with the old token fails and changes nothing', async () => {
  const { orderKeys } = app.repos;
  const old = new Date(Date.now() - 120_000);
  await keys().insertMany([
    { _id: 'web:TAKEN-1' as never, token: 'second', state: 'claimed', claimedAt: old },
    { _id: 'web:DONE-1' as never, token: 'first', state: 'done', number: 4242, claimedAt: old },
  ]);
  // Two retries read the same stale claim; the second to try finds the token changed.
  expect(await orderKeys.takeOver('web:TAKEN-1', 'first', 'third')).toBe(false);
  // A finished placement's key is never taken over, whatever its age.
  expect(await orderKeys.takeOver('web:DONE-1', 'first', 'third')).toBe(false);
  const left = await keys()
    .find({ _id: { $in: ['web:TAKEN-1', 'web:DONE-1'] as never[] } })
    .sort({ _id: 1 })
    .toArray();
  expect(left).toEqual([
    expect.objectContaining({ _id: 'web:DONE-1', token: 'first', state: 'done', number: 4242 }),
    expect.objectContaining({ _id: 'web:TAKEN-1', token: 'second', state: 'claimed', claimedAt: old }),
  ]);
  expect(await orderKeys.takeOver('web:TAKEN-1', 'second', 'third')).toBe(true);
});

test('When the order exists but its key was lost (a placement that outlived its claim), then the replay answers 200 with that order and holds its stock once', async () => {
  const p = await createProduct(app, { onHand: 5 });
  const body = orderBody([{ sku: p.sku, quantity: 2 }], { channel: 'web', externalId: 'OUTLIVED-1' });
  const first = await app.api('POST', '/api/v1/orders', body);
  expect(first.status).toBe(201);
  // The claim is gone: the replay claims the key afresh and reaches the order's unique key.
  await keys().deleteOne({ _id: 'web:OUTLIVED-1' as never });
  const replay = await app.api('POST', '/api/v1/orders', body);
  expect(replay.body.error).toBeUndefined();
  expect(replay.status).toBe(200);
  expect(replay.body.number).toBe(first.body.number);
  expect(await available(p.sku)).toBe(3);
  expect(await app.raw('orders').countDocuments({ externalId: 'OUTLIVED-1' })).toBe(1);
});
