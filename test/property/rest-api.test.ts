import fc from 'fast-check';
import { CHANNELS, ORDER_ACTIONS } from '../../src/orders/lifecycle.js';
import { API_KEY } from '../helpers/app.js';
import { createProduct, placeOrder, uniqueSku } from '../helpers/builders.js';
import {
  API_FIELDS,
  HOSTILE_KEYS,
  jsonText,
  mutated,
  NUMBER_WORDS,
  oddPiece,
  runs,
  weirdString,
} from './arbitraries.js';
import { errorsSince, type PropertyApp, snapshot, startPropertyApp } from './harness.js';

/**
 * The REST API end to end under generated requests: any JSON (or not-JSON) body, any path segment,
 * any query string. Never a 500, never an error in the log, and a refused request (4xx) leaves the
 * database exactly as it was.
 */

let p: PropertyApp;
let sku: string;
const numbers: string[] = [];

beforeAll(async () => {
  p = await startPropertyApp('propapi');
  sku = (await createProduct(p.app, { onHand: 1_000_000, lowStockThreshold: 0 })).sku;
  for (let i = 0; i < 4; i++) numbers.push(String((await placeOrder(p.app, [{ sku, quantity: 1 }])).number));
});
afterAll(() => p.close());

async function call(method: string, path: string, body?: string, type = 'application/json') {
  const headers: Record<string, string> = { authorization: `Bearer ${API_KEY}` };
  if (body !== undefined) headers['content-type'] = type;
  const res = await fetch(`${p.app.url}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, body: parsed };
}

/** Sends one request and checks the three promises; `changes` says whether a 2xx may write. */
async function check(method: string, path: string, body?: string, type?: string, changes = true) {
  const before = await snapshot(p.app);
  const logged = p.errors.length;
  const res = await call(method, path, body, type);
  const what = `${method} ${path.slice(0, 300)} ${type ?? ''} ${body?.slice(0, 300) ?? ''} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
  expect({ what, status: res.status < 500 }).toEqual({ what, status: true });
  // Our refusals say why; Node's HTTP server answers an over-long URL itself (431).
  if (res.status >= 400 && res.status !== 431)
    expect({ what, code: typeof res.body?.error?.code }).toEqual({ what, code: 'string' });
  if (res.status >= 400 || !changes) expect(await snapshot(p.app)).toEqual(before);
  // New orders become targets of the action property.
  if (res.status === 201 && typeof res.body?.number === 'number') numbers.push(String(res.body.number));
  expect({ what, errors: errorsSince(p.errors, logged) }).toEqual({ what, errors: [] });
}

const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 8 },
  fc.constantFrom(
    'application/json; charset=utf-8',
    'application/json; charset=utf-16',
    'application/json; charset=bogus',
    'application/merge-patch+json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    '',
  ),
);
/** Mostly the real SKU, so that near-misses of a valid body get past the catalogue too. */
const realSku = () =>
  fc.oneof(
    { arbitrary: fc.constant(sku), weight: 6 },
    { arbitrary: fc.constantFrom(sku.toLowerCase(), uniqueSku(), 'MUG-01'), weight: 1 },
  );
/** Text a schema accepts that is still odd: right-to-left, emoji, control characters, NUL. */
const oddText = (max: number) =>
  fc
    .string({
      unit: fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), oddPiece),
      maxLength: 8,
    })
    .map((s) => s.slice(0, max))
    .filter((s) => s.trim().length > 0);
const validOrder = () =>
  fc.record(
    {
      channel: fc.constantFrom(...CHANNELS),
      externalId: oddText(200),
      customer: fc.record(
        {
          name: oddText(200),
          phone: fc.constantFrom(
            '+15551234567',
            '+972501234567',
            '(555) 010-0199',
            '050-123-4567',
            '+1 555 0100',
          ),
          email: fc.constantFrom('dana@example.com', 'דנה@example.co.il'),
          language: fc.constantFrom('en', 'he'),
        },
        { requiredKeys: ['name', 'phone'] },
      ),
      items: fc.array(fc.record({ sku: realSku(), quantity: fc.integer({ min: 1, max: 3 }) }), {
        minLength: 1,
        maxLength: 2,
      }),
      shippingAddress: fc.record(
        {
          line1: oddText(200),
          city: oddText(100),
          postalCode: oddText(20),
          country: fc.constantFrom('US', 'il', 'XX'),
        },
        { requiredKeys: ['line1', 'city', 'postalCode', 'country'] },
      ),
      notes: oddText(2000),
    },
    { requiredKeys: ['channel', 'customer', 'items'] },
  );
/** Garbage, near-misses of a valid body (one node replaced, a key added or repeated), and valid bodies. */
const body = (valid: fc.Arbitrary<Record<string, unknown>>) =>
  fc.oneof(
    { arbitrary: jsonText(API_FIELDS), weight: 2 },
    { arbitrary: mutated(valid, API_FIELDS), weight: 4 },
    { arbitrary: valid.map((v) => JSON.stringify(v)), weight: 3 },
    { arbitrary: weirdString, weight: 1 },
  );
/** Percent-encoding, with lone surrogates (which encodeURIComponent refuses) made replacement characters. */
const encode = (s: string) =>
  encodeURIComponent(
    s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'),
  );
/**
 * A path segment: real ones, numbers at the edges, and anything else, percent-encoded or raw.
 * Malformed escapes (`%`, `%E0%A4%A`) are a known bug with its own test below.
 */
const segment = (real: () => fc.Arbitrary<string>) =>
  fc.oneof(
    { arbitrary: real(), weight: 4 },
    { arbitrary: fc.constantFrom(...NUMBER_WORDS), weight: 2 },
    { arbitrary: weirdString.map(encode), weight: 2 },
    {
      arbitrary: fc.constantFrom(
        '%00',
        '..',
        '.',
        '%2F',
        '%2e%2e',
        '%25',
        '__proto__',
        '$where',
        '%EF%BF%BF',
      ),
      weight: 2,
    },
  );

test('When any body is posted to POST /api/v1/orders, then no 500, no logged error, and a refusal changes nothing', async () => {
  await fc.assert(
    fc.asyncProperty(body(validOrder()), contentType, (text, type) =>
      check('POST', '/api/v1/orders', text, type),
    ),
    runs(60),
  );
});

test('When any action body is posted to any order path, then no 500, no logged error, and a refusal changes nothing', async () => {
  const validAction = fc.record(
    {
      action: fc.constantFrom(...ORDER_ACTIONS),
      note: oddText(1000),
      carrier: fc.constantFrom('UPS', 'דואר ישראל'),
      trackingNumber: oddText(100),
    },
    { requiredKeys: ['action'] },
  );
  await fc.assert(
    fc.asyncProperty(
      segment(() => fc.constantFrom(...numbers)),
      body(validAction),
      (number, text) => check('POST', `/api/v1/orders/${number}/actions`, text),
    ),
    runs(50),
  );
});

test('When any body is posted to the product routes, then no 500, no logged error, and a refusal changes nothing', async () => {
  const validProduct = fc.record(
    {
      sku: fc.oneof(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/), realSku()),
      name: oddText(200),
      price: fc.constantFrom(0, 1, 1_000_000_000, 1_000_000_001),
      onHand: fc.constantFrom(0, 5, 10_000_000),
      lowStockThreshold: fc.constantFrom(0, 1),
    },
    { requiredKeys: ['sku', 'name', 'price', 'onHand'] },
  );
  const validStock = fc.oneof(
    fc.record({ set: fc.integer({ min: 100_000, max: 5_000_000 }) }),
    fc.record({ add: fc.integer({ min: -50, max: 50 }) }),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.boolean(),
      segment(() => realSku()),
      body(validProduct),
      body(validStock),
      (create, s, productText, stockText) =>
        create
          ? check('POST', '/api/v1/products', productText)
          : check('POST', `/api/v1/products/${s}/stock`, stockText),
    ),
    runs(40),
  );
});

test('When any query string or path is read, or an unknown method is used, then no 500, no logged error, and nothing changes', async () => {
  const pair = fc.tuple(
    fc.oneof(
      fc.constantFrom(
        'status',
        'channel',
        'phone',
        'q',
        'limit',
        'cursor',
        'a[b]',
        'status[]',
        ...HOSTILE_KEYS,
      ),
      oddPiece,
    ),
    fc.oneof(
      weirdString,
      fc.constantFrom('pending_approval', 'web', '+15551234567', 'bjoxMDAx', '1', '100', '101'),
    ),
    fc.boolean(),
  );
  const query = fc
    .array(pair, { maxLength: 5 })
    .map((pairs) => pairs.map(([k, v, raw]) => (raw ? `${k}=${v}` : `${encode(k)}=${encode(v)}`)).join('&'));
  const request = fc.oneof(
    query.map((q) => ['GET', `/api/v1/orders?${q}`] as const),
    segment(() => fc.constantFrom(...numbers)).map((n) => ['GET', `/api/v1/orders/${n}`] as const),
    segment(() => realSku()).map((s) => ['GET', `/api/v1/products/${s}`] as const),
    fc
      .tuple(
        fc.constantFrom('PATCH', 'PUT', 'DELETE', 'OPTIONS', 'GET'),
        fc.constantFrom(
          '/api/v1/orders',
          '/api/v1/products',
          '/api/v1/orders/1',
          '/api/v1/nothing',
          '/api/v2/orders',
        ),
        segment(() => fc.constantFrom(...numbers)),
      )
      .map(([method, path, seg]) => [method, `${path}/${seg}`] as const),
  );
  await fc.assert(
    fc.asyncProperty(request, async ([method, path]) => check(method, path, undefined, undefined, false)),
    runs(60),
  );
});

/**
 * Fixed (found by fast-check): Express's router answers a malformed
 * percent-escape in a path parameter (`/api/v1/products/%`) with a URIError whose status is 400
 * but no `expose`; `toAppError` turned it into a 500 "internal". It is a validation error now.
 */
test('When a path parameter is a malformed percent-escape, then it is refused with a 4xx', async () => {
  for (const path of ['/api/v1/products/%', '/api/v1/orders/%E0%A4%A', '/api/v1/orders/%zz/actions']) {
    const res = await call(
      path.endsWith('actions') ? 'POST' : 'GET',
      path,
      path.endsWith('actions') ? '{}' : undefined,
    );
    expect(res.status).toBeLessThan(500);
  }
});
