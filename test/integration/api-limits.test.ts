import { ConfigError, loadConfig } from '../../src/config.js';
import { API_KEY, OTHER_KEY, startTestApp, type TestApp } from '../helpers/app.js';
import { orderBody, uniqueSku } from '../helpers/builders.js';

/**
 * API_RATE_LIMIT requests a minute per API key, counted after authentication. Each test
 * starts its own app, so each has fresh one-minute windows.
 */

let app: TestApp;
afterEach(async () => {
  await app?.close();
});

/** A request with the response headers kept (the RateLimit and Retry-After headers are the point). */
async function call(method: string, path: string, key: string, body?: unknown) {
  const res = await fetch(`${app.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

test('When a key makes a 6th request within a minute with API_RATE_LIMIT=5, then it gets 429 rate_limited with Retry-After, and the refused order reserves nothing', async () => {
  app = await startTestApp('apilimits', { API_RATE_LIMIT: '5' });
  const sku = uniqueSku();
  const created = await call('POST', '/api/v1/products', API_KEY, {
    sku,
    name: 'Mug',
    price: 900,
    onHand: 5,
  });
  expect(created.status).toBe(201);
  expect(created.headers.get('ratelimit-limit')).toBe('5');
  expect(created.headers.get('ratelimit-remaining')).toBe('4');
  expect(created.headers.get('ratelimit-policy')).toBe('5;w=60');
  for (const remaining of ['3', '2', '1', '0']) {
    const res = await call('GET', `/api/v1/products/${sku}`, API_KEY);
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-remaining')).toBe(remaining);
  }

  const refused = await call('POST', '/api/v1/orders', API_KEY, orderBody([{ sku, quantity: 5 }]));
  expect(refused.status).toBe(429);
  const retryAfter = Number(refused.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(refused.headers.get('ratelimit-remaining')).toBe('0');
  expect(refused.body).toEqual({
    error: {
      code: 'rate_limited',
      message: expect.stringContaining('at most 5 a minute'),
      details: { limit: 5, windowSeconds: 60, retryAfter },
    },
  });

  // Nothing happened: the stock is untouched and no order exists (read with the other key).
  const product = await call('GET', `/api/v1/products/${sku}`, OTHER_KEY);
  expect(product.body).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
  expect(await app.raw('orders').countDocuments({})).toBe(0);
  expect(await app.raw('customers').countDocuments({})).toBe(0);
});

test('When one key is over its limit, then another key is served as usual and the limited key stays refused', async () => {
  app = await startTestApp('apilimits', { API_RATE_LIMIT: '5' });
  for (let i = 0; i < 5; i++) expect((await call('GET', '/api/v1/products', API_KEY)).status).toBe(200);
  expect((await call('GET', '/api/v1/products', API_KEY)).status).toBe(429);

  const sku = uniqueSku();
  const other = await call('POST', '/api/v1/products', OTHER_KEY, {
    sku,
    name: 'Tote',
    price: 500,
    onHand: 3,
  });
  expect(other.status).toBe(201);
  expect(other.headers.get('ratelimit-remaining')).toBe('4');
  for (let i = 0; i < 4; i++) expect((await call('GET', '/api/v1/products', OTHER_KEY)).status).toBe(200);

  expect((await call('GET', `/api/v1/products/${sku}`, API_KEY)).status).toBe(429);
});

test('When requests come without a valid key, then they get 401 and spend no key’s budget', async () => {
  app = await startTestApp('apilimits', { API_RATE_LIMIT: '5' });
  for (let i = 0; i < 8; i++) {
    const res = await call('GET', '/api/v1/products', 'not-a-key-0123456789');
    expect(res.status).toBe(401);
    expect(res.headers.get('ratelimit-limit')).toBeNull();
  }
  const first = await call('GET', '/api/v1/products', API_KEY);
  expect(first.status).toBe(200);
  expect(first.headers.get('ratelimit-remaining')).toBe('4');
});

test('When API_RATE_LIMIT is 0, then there is no limit and no RateLimit headers', async () => {
  app = await startTestApp('apilimits', { API_RATE_LIMIT: '0' });
  const results = await Promise.all(
    Array.from({ length: 30 }, () => call('GET', '/api/v1/products', API_KEY)),
  );
  expect(results.map((r) => r.status)).toEqual(Array(30).fill(200));
  expect(results[0]?.headers.get('ratelimit-limit')).toBeNull();
});

test('When the limits are not configured, then the defaults are 10 texts a minute, 3 open SMS orders and 600 API requests a minute; a negative limit stops start-up', () => {
  expect(loadConfig({ NODE_ENV: 'test' }).limits).toEqual({
    smsPerMinute: 10,
    smsMaxOpenOrders: 3,
    apiPerMinute: 600,
  });
  expect(
    loadConfig({ NODE_ENV: 'test', SMS_RATE_LIMIT: '0', SMS_MAX_OPEN_ORDERS: '0', API_RATE_LIMIT: '0' })
      .limits,
  ).toEqual({ smsPerMinute: 0, smsMaxOpenOrders: 0, apiPerMinute: 0 });
  expect(() => loadConfig({ NODE_ENV: 'test', API_RATE_LIMIT: '-1' })).toThrow(ConfigError);
  expect(() => loadConfig({ NODE_ENV: 'test', SMS_RATE_LIMIT: 'ten' })).toThrow(/SMS_RATE_LIMIT/);
});
