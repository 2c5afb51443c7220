import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, orderBody, placeOrder, uniquePhone, walk } from '../helpers/builders.js';

let app: TestApp;
let sku: string;
beforeAll(async () => {
  app = await startTestApp('api');
  sku = (await createProduct(app, { onHand: 500 })).sku;
});
afterAll(() => app.close());

describe('Authentication', () => {
  test.each([
    ['no Authorization header', null],
    ['a wrong key', 'not-a-real-key-123'],
  ])('When a request has %s, then 401 unauthorized', async (_what, key) => {
    const res = await app.api('GET', '/api/v1/products', undefined, key);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  test('When the key is sent as Basic auth, then 401', async () => {
    const res = await fetch(`${app.url}/api/v1/products`, {
      headers: { authorization: 'Basic dGVzdDp0ZXN0' },
    });
    expect(res.status).toBe(401);
  });

  test('When a second configured key is used, then its name is the "who" in the history', async () => {
    const res = await app.api(
      'POST',
      '/api/v1/orders',
      orderBody([{ sku, quantity: 1 }]),
      'other-key-0123456789',
    );
    expect(res.status).toBe(201);
    expect(res.body.history[0].by).toBe('shop');
  });
});

describe('Validation: bad bodies are refused with 400 validation_error, never 500', () => {
  const good = () => orderBody([{ sku, quantity: 1 }]);
  const cases: [string, unknown][] = [
    ['an empty body', {}],
    ['a JSON array', [good()]],
    ['an unknown top-level field', { ...good(), discount: 10 }],
    ['an unknown customer field', { ...good(), customer: { name: 'A', phone: '+15551234567', vip: true } }],
    ['an unknown channel', { ...good(), channel: 'fax' }],
    ['no items', { ...good(), items: [] }],
    ['a zero quantity', { ...good(), items: [{ sku, quantity: 0 }] }],
    ['a fractional quantity', { ...good(), items: [{ sku, quantity: 1.5 }] }],
    ['a quantity as a string', { ...good(), items: [{ sku, quantity: '2' }] }],
    ['an unknown SKU', { ...good(), items: [{ sku: 'NOPE-404', quantity: 1 }] }],
    ['a query operator as SKU', { ...good(), items: [{ sku: { $gt: '' }, quantity: 1 }] }],
    ['a query operator as phone', { ...good(), customer: { name: 'A', phone: { $ne: null } } }],
    ['an invalid phone', { ...good(), customer: { name: 'A', phone: '12' } }],
    ['letters as phone', { ...good(), customer: { name: 'A', phone: 'call me maybe' } }],
    ['an invalid email', { ...good(), customer: { name: 'A', phone: '+15551234567', email: 'nope' } }],
    ['an unknown language', { ...good(), customer: { name: 'A', phone: '+15551234567', language: 'fr' } }],
    ['a blank customer name', { ...good(), customer: { name: '  ', phone: '+15551234567' } }],
    [
      'an address without city',
      { ...good(), shippingAddress: { line1: '1 Main St', postalCode: '10001', country: 'US' } },
    ],
    [
      'an unknown country',
      { ...good(), shippingAddress: { line1: '1 Main', city: 'X', postalCode: '1', country: 'QQ' } },
    ],
    [
      'a three-letter country',
      { ...good(), shippingAddress: { line1: '1 Main', city: 'X', postalCode: '1', country: 'USA' } },
    ],
  ];
  test.each(cases)('POST /orders with %s', async (_what, body) => {
    const res = await app.api('POST', '/api/v1/orders', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(typeof res.body.error.message).toBe('string');
  });

  const productCases: [string, unknown][] = [
    ['a negative price', { sku: 'P-1', name: 'x', price: -1, onHand: 1 }],
    ['a price in decimals', { sku: 'P-1', name: 'x', price: 19.99, onHand: 1 }],
    ['a SKU with spaces', { sku: 'P 1', name: 'x', price: 1, onHand: 1 }],
    ['missing onHand', { sku: 'P-1', name: 'x', price: 1 }],
    ['an unknown field', { sku: 'P-1', name: 'x', price: 1, onHand: 1, reserved: 5 }],
  ];
  test.each(productCases)('POST /products with %s', async (_what, body) => {
    const res = await app.api('POST', '/api/v1/products', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
  });

  test.each([
    ['both set and add', { set: 1, add: 1 }],
    ['neither', {}],
    ['a negative set', { set: -1 }],
    ['an operator', { set: { $inc: 1 } }],
  ])('POST /products/:sku/stock with %s', async (_what, body) => {
    const res = await app.api('POST', `/api/v1/products/${sku}/stock`, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
  });

  test('When the body is not valid JSON, then 400', async () => {
    const res = await app.api('POST', '/api/v1/orders', '{"channel": "web",');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
  });

  test('When the body is sent as a form, then 400 saying to send JSON', async () => {
    const res = await fetch(`${app.url}/api/v1/orders`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer test-key-0123456789',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'channel=web',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toMatch(/JSON/);
  });

  test('When the body is over 1 MB, then 413 payload_too_large', async () => {
    const res = await app.api('POST', '/api/v1/orders', {
      ...orderBody([{ sku, quantity: 1 }]),
      notes: 'x'.repeat(1_100_000),
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  test.each([
    ['status', '?status=lost'],
    ['limit', '?limit=0'],
    ['limit', '?limit=abc'],
    ['limit', '?limit=101'],
    ['a repeated status', '?status=approved&status=picking'],
    ['an operator in the query', '?status[$ne]=approved'],
    ['an unknown parameter', '?sort=-total'],
    ['a forged cursor', '?cursor=bm90LWEtY3Vyc29y'],
    ['a bad phone', '?phone=12'],
  ])('GET /orders with a bad %s (%s) → 400', async (_what, qs) => {
    const res = await app.api('GET', `/api/v1/orders${qs}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
  });
});

describe('Reading orders', () => {
  test('When an order does not exist, then 404 not_found; a non-number is 400', async () => {
    expect((await app.api('GET', '/api/v1/orders/999999')).body.error.code).toBe('not_found');
    expect((await app.api('GET', '/api/v1/orders/999999')).status).toBe(404);
    expect((await app.api('GET', '/api/v1/orders/abc')).status).toBe(400);
    expect((await app.api('POST', '/api/v1/orders/999999/actions', { action: 'approve' })).status).toBe(404);
    expect((await app.api('GET', '/api/v1/products/NOPE')).status).toBe(404);
    expect((await app.api('GET', '/api/v1/nothing-here')).status).toBe(404);
  });

  test('An order has the fields the README lists, with the phone in E.164', async () => {
    const res = await app.api(
      'POST',
      '/api/v1/orders',
      orderBody([{ sku, quantity: 2 }], {
        customer: { name: 'Noa', phone: '(555) 010-7788', email: 'noa@example.com', language: 'he' },
        shippingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '01101', country: 'us' },
        notes: 'leave at the door',
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      number: expect.any(Number),
      status: 'pending_approval',
      channel: 'web',
      customer: { name: 'Noa', phone: '+15550107788', email: 'noa@example.com', language: 'he' },
      items: [{ sku, name: 'Test product', quantity: 2, unitPrice: 1000 }],
      total: 2000,
      currency: 'USD',
      shipment: null,
      rating: null,
      shippingAddress: { country: 'US' },
      notes: 'leave at the door',
      history: [expect.objectContaining({ to: 'pending_approval' })],
    });
    const fetched = await app.api('GET', `/api/v1/orders/${res.body.number}`);
    expect(fetched.body).toEqual(res.body);
  });

  test('Pages are newest first and the cursor walks them without gaps or repeats', async () => {
    const phone = uniquePhone();
    const placed: number[] = [];
    for (let i = 0; i < 7; i++) {
      placed.push(
        (await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Pager', phone } })).number,
      );
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const qs: string = `?phone=${encodeURIComponent(phone)}&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await app.api('GET', `/api/v1/orders${qs}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((o: { number: number }) => o.number));
      cursor = res.body.next;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...placed].reverse());
  });

  test('Filters: status, channel, phone in a local format, and q by name, number or externalId', async () => {
    const phone = uniquePhone();
    const a = await placeOrder(app, [{ sku, quantity: 1 }], {
      channel: 'store',
      customer: { name: 'Zelda Quartz', phone },
    });
    const b = await placeOrder(app, [{ sku, quantity: 1 }], {
      channel: 'phone',
      externalId: 'CALL-77',
      customer: { name: 'Other', phone },
    });
    await walk(app, b.number, ['approve']);
    const get = async (qs: string) =>
      (await app.api('GET', `/api/v1/orders${qs}`)).body.items.map((o: { number: number }) => o.number);
    expect(await get(`?phone=${encodeURIComponent(phone)}&status=approved`)).toEqual([b.number]);
    expect(await get(`?phone=${encodeURIComponent(phone)}&channel=store`)).toEqual([a.number]);
    expect(await get(`?phone=${encodeURIComponent(phone.replace('+1', ''))}`)).toEqual([b.number, a.number]);
    expect(await get('?q=zelda%20QUARTZ')).toEqual([a.number]);
    expect(await get(`?q=${b.number}`)).toEqual([b.number]);
    expect(await get('?q=CALL-77')).toEqual([b.number]);
    expect(await get('?q=.*')).toEqual([]);
  });
});

describe('Health', () => {
  test('healthz and readyz answer 200 while the database answers, with a request id', async () => {
    const h = await fetch(`${app.url}/healthz`);
    expect(h.status).toBe(200);
    const r = await fetch(`${app.url}/readyz`, { headers: { 'x-request-id': 'probe-1' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-request-id')).toBe('probe-1');
  });
});

describe('Readiness', () => {
  test('When the database is gone, then readyz says 503 while healthz still says 200', async () => {
    const lonely = await startTestApp('readyz');
    try {
      await lonely.db.connection.dropDatabase();
      await lonely.db.close().catch(() => undefined);
      expect((await fetch(`${lonely.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${lonely.url}/healthz`)).status).toBe(200);
    } finally {
      await lonely.stop().catch(() => undefined);
    }
  });
});

describe('Logs', () => {
  test('When a request carries X-Request-Id, then the service log lines it causes carry it as reqId', async () => {
    const lines: Record<string, unknown>[] = [];
    const logged = await startTestApp(
      'logs',
      {},
      { logStream: { write: (l: string) => lines.push(JSON.parse(l)) } },
    );
    try {
      const p = await createProduct(logged, { onHand: 3 });
      const res = await fetch(`${logged.url}/api/v1/orders`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer test-key-0123456789',
          'content-type': 'application/json',
          'x-request-id': 'req-abc-123',
        },
        body: JSON.stringify(orderBody([{ sku: p.sku, quantity: 1 }])),
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('x-request-id')).toBe('req-abc-123');
      const placed = lines.find((l) => l.msg === 'order placed');
      expect(placed).toMatchObject({ reqId: 'req-abc-123', level: 30, service: 'orderly' });
      expect(JSON.stringify(lines)).not.toContain('test-key-0123456789');
    } finally {
      await logged.close();
    }
  });
});

test('The OpenAPI description lists every route and the request schemas the server enforces', async () => {
  const res = await app.api('GET', '/api/v1/openapi.json');
  expect(res.status).toBe(200);
  expect(Object.keys(res.body.paths).sort()).toEqual([
    '/calls',
    '/calls/{sid}',
    '/jobs',
    '/late-messages',
    '/orders',
    '/orders/{number}',
    '/orders/{number}/actions',
    '/orders/{number}/credit-note',
    '/orders/{number}/invoice',
    '/outbox',
    '/products',
    '/products/{sku}',
    '/products/{sku}/stock',
  ]);
  // Client generators name their methods after operationIds: every operation has one, unique.
  const operations = Object.values(res.body.paths).flatMap((item) => Object.values(item as object));
  const ids = operations.map((op) => (op as { operationId?: string }).operationId);
  expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
  expect(new Set(ids).size).toBe(ids.length);
  expect(res.body.info.license).toMatchObject({ name: 'MIT' });
  const placeSchema = res.body.paths['/orders'].post.requestBody.content['application/json'].schema;
  expect(placeSchema.additionalProperties).toBe(false);
  expect(placeSchema.required).toEqual(expect.arrayContaining(['channel', 'customer', 'items']));
});

test('With CURRENCY=ILS and DEFAULT_COUNTRY=IL, orders are priced in ILS and local phones become +972', async () => {
  const shop = await startTestApp('locale', { CURRENCY: 'ILS', DEFAULT_COUNTRY: 'IL' });
  try {
    const p = await createProduct(shop, { price: 4990 });
    expect((await shop.api('GET', `/api/v1/products/${p.sku}`)).body.currency).toBe('ILS');
    const order = await placeOrder(shop, [{ sku: p.sku, quantity: 2 }], {
      customer: { name: 'נועה', phone: '050-123-4567' },
    });
    expect(order).toMatchObject({ currency: 'ILS', total: 9980, customer: { phone: '+972501234567' } });
  } finally {
    await shop.close();
  }
});
