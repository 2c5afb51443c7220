import { SCOPE_MEANING, type Scope } from '../../src/access/scopes.js';
import { API_KEY, startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, orderBody, placeOrder, uniquePhone, walk } from '../helpers/builders.js';

/**
 * API key scopes (README, Configuration: API_KEYS): `read`, `place`, `act`, `stock`, `admin`, and `channel=<c>`
 * binding a key's new orders to one channel. A request outside the key's scopes is a 403
 * `forbidden` that names the scope it needs and changes nothing; a key without scopes may do
 * everything (as before scopes existed).
 */

const KEYS = {
  reader: 'reader-key-0123456789',
  till: 'till-key-0123456789',
  ops: 'ops-key-0123456789',
  stocker: 'stocker-key-0123456789',
  admin: 'admin-key-0123456789',
  everything: 'everything-key-0123456789',
  // Each has every scope but one: for checking that every operation asks for its own.
  noRead: 'no-read-key-0123456789',
  noPlace: 'no-place-key-0123456789',
  noAct: 'no-act-key-0123456789',
  noStock: 'no-stock-key-0123456789',
  noAdmin: 'no-admin-key-0123456789',
};
const WITHOUT: Record<string, string> = {
  read: KEYS.noRead,
  place: KEYS.noPlace,
  act: KEYS.noAct,
  stock: KEYS.noStock,
  admin: KEYS.noAdmin,
};

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('apiscopes', {
    API_KEYS: [
      `tester:${API_KEY}`,
      `reader:${KEYS.reader}:read`,
      `till:${KEYS.till}:read+place+channel=store`,
      `ops:${KEYS.ops}:read+act`,
      `stocker:${KEYS.stocker}:stock`,
      `admin:${KEYS.admin}:admin`,
      `everything:${KEYS.everything}`,
      `noread:${KEYS.noRead}:place+act+stock+admin`,
      `noplace:${KEYS.noPlace}:read+act+stock+admin`,
      `noact:${KEYS.noAct}:read+place+stock+admin`,
      `nostock:${KEYS.noStock}:read+place+act+admin`,
      `noadmin:${KEYS.noAdmin}:read+place+act+stock`,
    ].join(','),
  });
});
afterAll(() => app.close());

const storedOrder = (number: number) => app.raw('orders').findOne({ _id: number as never });
const storedProduct = (sku: string) => app.raw('products').findOne({ _id: sku as never });

function expectForbidden(res: { status: number; body: any }, scope: string) {
  expect(res.status).toBe(403);
  expect(res.body.error.code).toBe('forbidden');
  expect(res.body.error.message).toContain(`"${scope}"`);
  // The scope is also given as data, and the message says what the scope opens.
  expect(res.body.error.details).toEqual({ scope });
  expect(res.body.error.message).toContain(`(${SCOPE_MEANING[scope as Scope]})`);
}

describe('Order actions need "act"', () => {
  test.each([
    ['approve', {}],
    ['cancel', {}],
    ['ship', { carrier: 'UPS', trackingNumber: '1Z999AA10123456784' }],
  ])(
    'When a read-only key tries to %s, then 403 forbidden naming "act", and the stored order is unchanged',
    async (action, extra) => {
      const product = await createProduct(app, { onHand: 5 });
      const order = await placeOrder(app, [{ sku: product.sku, quantity: 2 }]);
      if (action === 'ship') await walk(app, order.number, ['approve', 'start_picking', 'pack']);
      const before = await storedOrder(order.number);

      const res = await app.api(
        'POST',
        `/api/v1/orders/${order.number}/actions`,
        { action, ...extra },
        KEYS.reader,
      );

      expectForbidden(res, 'act');
      expect(await storedOrder(order.number)).toEqual(before);
      expect(await storedProduct(product.sku)).toMatchObject({ onHand: 5, reserved: 2 });
    },
  );

  test('When a key with "act" approves, then the order is approved and its history names the key', async () => {
    const product = await createProduct(app);
    const order = await placeOrder(app, [{ sku: product.sku, quantity: 1 }]);

    const res = await app.api(
      'POST',
      `/api/v1/orders/${order.number}/actions`,
      { action: 'approve' },
      KEYS.ops,
    );

    expect(res.status).toBe(200);
    expect(res.body.status).toBe('approved');
    expect(res.body.history.at(-1)).toMatchObject({ from: 'pending_approval', to: 'approved', by: 'ops' });
    expect((await storedOrder(order.number))?.history.at(-1)).toMatchObject({ to: 'approved', by: 'ops' });
  });
});

describe('Products and stock need "stock"', () => {
  test('When a read-only key creates a product, then 403 forbidden naming "stock", and no product exists', async () => {
    const res = await app.api(
      'POST',
      '/api/v1/products',
      { sku: 'SCOPE-NEW-1', name: 'Not allowed', price: 100, onHand: 3 },
      KEYS.reader,
    );
    expectForbidden(res, 'stock');
    expect(await storedProduct('SCOPE-NEW-1')).toBeNull();
  });

  test.each([
    ['set', { set: 99 }],
    ['add', { add: 7 }],
  ])(
    'When a read-only key tries to %s stock, then 403 forbidden, and on-hand is unchanged',
    async (_what, body) => {
      const product = await createProduct(app, { onHand: 4 });
      const res = await app.api('POST', `/api/v1/products/${product.sku}/stock`, body, KEYS.reader);
      expectForbidden(res, 'stock');
      expect(await storedProduct(product.sku)).toMatchObject({ onHand: 4, available: 4 });
    },
  );

  test('When a key with only "stock" creates a product and adds stock, then both work, but it cannot read the list', async () => {
    const created = await app.api(
      'POST',
      '/api/v1/products',
      { sku: 'SCOPE-STOCKER-1', name: 'Stocked', price: 100, onHand: 3 },
      KEYS.stocker,
    );
    expect(created.status).toBe(201);
    const added = await app.api('POST', '/api/v1/products/SCOPE-STOCKER-1/stock', { add: 2 }, KEYS.stocker);
    expect(added.status).toBe(200);
    expect(added.body.onHand).toBe(5);
    expectForbidden(await app.api('GET', '/api/v1/products', undefined, KEYS.stocker), 'read');
  });
});

describe('Reading needs "read"; jobs, late messages and the outbox need "admin"', () => {
  test.each([
    ['/api/v1/jobs', 'admin'],
    ['/api/v1/late-messages', 'admin'],
    ['/api/v1/outbox', 'admin'],
  ])('When a read-only key asks for %s, then 403 forbidden naming "%s"', async (path, scope) => {
    expectForbidden(await app.api('GET', path, undefined, KEYS.reader), scope);
  });

  test.each(['/api/v1/calls', '/api/v1/orders', '/api/v1/products'])(
    'When a key with only "admin" asks for %s, then 403 forbidden naming "read"',
    async (path) => {
      expectForbidden(await app.api('GET', path, undefined, KEYS.admin), 'read');
    },
  );

  test('When an admin key asks for jobs and late messages and a read-only key for calls, then both are answered', async () => {
    expect((await app.api('GET', '/api/v1/jobs', undefined, KEYS.admin)).status).toBe(200);
    expect((await app.api('GET', '/api/v1/late-messages', undefined, KEYS.admin)).status).toBe(200);
    expect((await app.api('GET', '/api/v1/calls', undefined, KEYS.reader)).status).toBe(200);
  });

  test('When a key with any scope asks for the OpenAPI description, then it gets it', async () => {
    expect((await app.api('GET', '/api/v1/openapi.json', undefined, KEYS.admin)).status).toBe(200);
    expect((await app.api('GET', '/api/v1/openapi.json', undefined, KEYS.stocker)).status).toBe(200);
  });
});

describe('Placement needs "place", and channel=<c> binds it', () => {
  test('When a place+channel=store key places an sms order, then 403 forbidden: no order, nothing reserved, no customer record', async () => {
    const product = await createProduct(app, { onHand: 5 });
    const phone = uniquePhone();
    const ordersBefore = await app.raw('orders').countDocuments();
    const counterBefore = await app.raw('counters').find().toArray();

    const res = await app.api(
      'POST',
      '/api/v1/orders',
      orderBody([{ sku: product.sku, quantity: 2 }], { channel: 'sms', customer: { name: 'Noa', phone } }),
      KEYS.till,
    );

    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect(res.body.error.message).toContain('store');
    expect(res.body.error.details).toEqual({ channel: 'store' });
    expect(await app.raw('orders').countDocuments()).toBe(ordersBefore);
    expect(await app.raw('counters').find().toArray()).toEqual(counterBefore);
    expect(await storedProduct(product.sku)).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
    // The customer's SMS open-order count reads the orders listed on the customer: none, nor a record.
    expect(await app.raw('customers').findOne({ _id: phone as never })).toBeNull();
  });

  test('When the same till key places a store order, then it is placed and its history names the key; it still cannot approve it', async () => {
    const product = await createProduct(app);
    const res = await app.api(
      'POST',
      '/api/v1/orders',
      orderBody([{ sku: product.sku, quantity: 1 }], { channel: 'store' }),
      KEYS.till,
    );
    expect(res.status).toBe(201);
    expect(res.body.history[0]).toMatchObject({ to: 'pending_approval', by: 'till' });
    expect((await storedOrder(res.body.number))?.history[0]).toMatchObject({ by: 'till' });

    const approve = await app.api(
      'POST',
      `/api/v1/orders/${res.body.number}/actions`,
      { action: 'approve' },
      KEYS.till,
    );
    expectForbidden(approve, 'act');
    expect((await storedOrder(res.body.number))?.status).toBe('pending_approval');
  });

  test('When a read-only key places an order, then 403 forbidden naming "place", and nothing is reserved', async () => {
    const product = await createProduct(app, { onHand: 5 });
    const res = await app.api(
      'POST',
      '/api/v1/orders',
      orderBody([{ sku: product.sku, quantity: 1 }]),
      KEYS.reader,
    );
    expectForbidden(res, 'place');
    expect(await storedProduct(product.sku)).toMatchObject({ reserved: 0 });
  });
});

test('When a key has no scopes, then it may do everything: stock, any channel, actions, jobs, late messages, calls', async () => {
  const key = KEYS.everything;
  const sku = `SCOPE-ALL-${Date.now() % 100000}`;
  expect(
    (await app.api('POST', '/api/v1/products', { sku, name: 'All', price: 100, onHand: 5 }, key)).status,
  ).toBe(201);
  expect((await app.api('POST', `/api/v1/products/${sku}/stock`, { add: 1 }, key)).status).toBe(200);
  const placed = await app.api(
    'POST',
    '/api/v1/orders',
    orderBody([{ sku, quantity: 1 }], { channel: 'sms' }),
    key,
  );
  expect(placed.status).toBe(201);
  expect(placed.body.history[0].by).toBe('everything');
  const approved = await app.api(
    'POST',
    `/api/v1/orders/${placed.body.number}/actions`,
    { action: 'approve' },
    key,
  );
  expect(approved.status).toBe(200);
  expect(approved.body.history.at(-1).by).toBe('everything');
  for (const path of ['/api/v1/jobs', '/api/v1/late-messages', '/api/v1/calls', '/api/v1/outbox']) {
    expect((await app.api('GET', path, undefined, key)).status).toBe(200);
  }
});

test('Every operation of the OpenAPI description names its scope, and a key with every other scope gets 403 forbidden for it', async () => {
  const product = await createProduct(app);
  const order = await placeOrder(app, [{ sku: product.sku, quantity: 1 }]);
  const doc = (await app.api('GET', '/api/v1/openapi.json')).body;
  const fill = (path: string) =>
    path.replace('{number}', String(order.number)).replace('{sku}', product.sku).replace('{sid}', 'CA0000');
  let checked = 0;
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
    for (const [method, op] of Object.entries(item)) {
      const scope = op.security?.[0]?.bearer?.[0];
      expect({ operation: op.operationId, scope }).toEqual({
        operation: op.operationId,
        scope: expect.stringMatching(/^(read|place|act|stock|admin)$/),
      });
      expect(op.responses[403]?.description).toContain(scope);
      const body = method === 'post' ? {} : undefined;
      const res = await app.api(method.toUpperCase(), `/api/v1${fill(path)}`, body, WITHOUT[scope]);
      expect({ operation: op.operationId, status: res.status, code: res.body?.error?.code }).toEqual({
        operation: op.operationId,
        status: 403,
        code: 'forbidden',
      });
      checked++;
    }
  }
  expect(checked).toBeGreaterThanOrEqual(15);
  expect(await storedOrder(order.number)).toMatchObject({ status: 'pending_approval' });
});

describe('GET /api/v1/products is paged like orders', () => {
  test('When the list is walked with a small limit, then every product comes once, by SKU, and the last page says next null', async () => {
    for (let i = 0; i < 5; i++) await createProduct(app);
    const all = (
      await app
        .raw('products')
        .find({}, { projection: { _id: 1 } })
        .toArray()
    ).map((d) => String(d._id));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const qs: string = cursor ? `?limit=3&cursor=${encodeURIComponent(cursor)}` : '?limit=3';
      const res = await app.api('GET', `/api/v1/products${qs}`, undefined, KEYS.reader);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.items.map((p: { sku: string }) => p.sku));
      cursor = res.body.next;
      pages++;
    } while (cursor !== null && pages < 100);
    expect(seen).toEqual([...all].sort());
    expect(pages).toBe(Math.ceil(all.length / 3));
  });

  test('When no limit is given, then a page holds at most 20 products; a cursor we did not give out is a 400', async () => {
    const res = await app.api('GET', '/api/v1/products', undefined, KEYS.reader);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(20);
    expect(res.body).toHaveProperty('next');
    const bad = await app.api('GET', '/api/v1/products?cursor=not-ours', undefined, KEYS.reader);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_error');
    expect((await app.api('GET', '/api/v1/products?limit=0', undefined, KEYS.reader)).status).toBe(400);
  });
});
