import fc from 'fast-check';
import { ZodError, type z } from 'zod';
import {
  actionBody,
  createProductBody,
  decodeCursor,
  encodeCursor,
  invoiceQuery,
  listOrdersQuery,
  orderNumberParam,
  placeOrderBody,
  stockBody,
} from '../../handlers/api/schemas.js';
import { validate } from '../../handlers/api/validate.js';
import { AppError } from '../../src/errors.js';
import { SKU_PATTERN } from '../../src/inventory/sku.js';
import { CHANNELS, ORDER_ACTIONS, ORDER_STATUSES } from '../../src/orders/lifecycle.js';
import { API_FIELDS, HOSTILE_KEYS, jsonText, mutated, runs, weirdString } from './arbitraries.js';

/**
 * The REST API's request schemas under generated JSON. What they promise: `safeParse` answers for
 * any value, `parse` throws nothing but a ZodError, `validate` nothing but a 400 AppError; and what
 * passes has only known fields, scalar leaves (no `{"$gt": …}` reaches a query) and values in range.
 */

const validOrder = fc.record(
  {
    channel: fc.constantFrom(...CHANNELS),
    externalId: fc.string({ minLength: 1, maxLength: 20 }),
    customer: fc.record(
      {
        name: fc.string({ minLength: 1, maxLength: 20 }),
        phone: fc.constantFrom('+15551234567', '+972501234567', '555-0100'),
        email: fc.constantFrom('dana@example.com', 'a@b.co'),
        language: fc.constantFrom('en', 'he'),
      },
      { requiredKeys: ['name', 'phone'] },
    ),
    items: fc.array(
      fc.record({
        sku: fc.constantFrom('MUG-01', 'TEE.L', 'a'),
        quantity: fc.integer({ min: 1, max: 10_000 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    shippingAddress: fc.record(
      {
        line1: fc.constant('1 Main St'),
        line2: fc.constant('Apt 2'),
        city: fc.constant('Springfield'),
        region: fc.constant('IL'),
        postalCode: fc.constant('62701'),
        country: fc.constantFrom('US', 'il', ' de '),
      },
      { requiredKeys: ['line1', 'city', 'postalCode', 'country'] },
    ),
    notes: fc.string({ maxLength: 20 }),
  },
  { requiredKeys: ['channel', 'customer', 'items'] },
);
const validProduct = fc.record(
  {
    sku: fc.constantFrom('MUG-01', 'X'),
    name: fc.constant('Mug'),
    price: fc.nat(1000),
    onHand: fc.nat(1000),
    lowStockThreshold: fc.nat(10),
  },
  { requiredKeys: ['sku', 'name', 'price', 'onHand'] },
);
const validAction = fc.record(
  {
    action: fc.constantFrom(...ORDER_ACTIONS),
    note: fc.string({ maxLength: 20 }),
    carrier: fc.constant('UPS'),
    trackingNumber: fc.constant('1Z999'),
  },
  { requiredKeys: ['action'] },
);
const validStock = fc.oneof(
  fc.record({ set: fc.nat(100) }),
  fc.record({ add: fc.integer({ min: -100, max: 100 }) }),
);

/** A JSON value as `express.json()` would hand it over: parsed from text, own `__proto__` keys and all. */
const bodyFrom = (valid: fc.Arbitrary<Record<string, unknown>>) =>
  fc.oneof(jsonText(API_FIELDS), mutated(valid, API_FIELDS)).map((text) => JSON.parse(text) as unknown);

/** Every string of the output: they end up in Slack messages, PDFs and TwiML. */
function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsOf(v, out);
  return out;
}

/** Every key of every object in the output must be one the schema declares. */
function keysOf(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysOf(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      keysOf(v, out);
    }
  return out;
}

/** Parses with every entry point and checks each keeps its promise; returns the data, if any. */
function parsesSafely<S extends z.ZodType>(schema: S, value: unknown): z.output<S> | undefined {
  const result = schema.safeParse(value);
  let thrown: unknown;
  try {
    schema.parse(value);
  } catch (err) {
    thrown = err;
  }
  expect(thrown === undefined).toBe(result.success);
  if (thrown !== undefined) expect(thrown).toBeInstanceOf(ZodError);
  try {
    validate(schema, value);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(400);
    expect((err as AppError).message.length).toBeLessThan(2_000);
  }
  if (!result.success) return undefined;
  for (const key of keysOf(result.data)) expect(API_FIELDS).toContain(key);
  // Only characters XML 1.0 can carry: the customer's STATUS reply (TwiML) quotes some of them.
  for (const s of stringsOf(result.data))
    expect(s).toMatch(/^[\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u);
  // Nothing but plain objects, arrays and scalars: no prototype was reached through `__proto__`.
  expect(Object.getPrototypeOf({}).polluted).toBeUndefined();
  return result.data;
}

const trimmedText = (s: string | undefined, max: number) => {
  if (s === undefined) return;
  expect(s).toBe(s.trim());
  expect(s.length).toBeLessThanOrEqual(max);
};

test('When any JSON is posted as an order, then it is refused or comes out strict, trimmed and in range', () => {
  fc.assert(
    fc.property(fc.oneof(bodyFrom(validOrder), validOrder), (body) => {
      const order = parsesSafely(placeOrderBody, body);
      if (!order) return;
      expect(CHANNELS).toContain(order.channel);
      trimmedText(order.customer.name, 200);
      expect(order.customer.name.length).toBeGreaterThan(0);
      trimmedText(order.customer.phone, 32);
      trimmedText(order.notes, 2000);
      expect(order.items.length).toBeGreaterThanOrEqual(1);
      expect(order.items.length).toBeLessThanOrEqual(100);
      for (const item of order.items) {
        expect(item.sku).toMatch(SKU_PATTERN);
        expect(Number.isSafeInteger(item.quantity) && item.quantity >= 1 && item.quantity <= 10_000).toBe(
          true,
        );
      }
      if (order.shippingAddress) expect(order.shippingAddress.country).toMatch(/^[A-Z]{2}$/);
    }),
    runs(300),
  );
});

test('When any JSON is posted as a product or a stock change, then it is refused or comes out in range', () => {
  fc.assert(
    fc.property(fc.oneof(bodyFrom(validProduct), validProduct), bodyFrom(validStock), (product, stock) => {
      const p = parsesSafely(createProductBody, product);
      if (p) {
        expect(p.sku).toMatch(SKU_PATTERN);
        for (const n of [p.price, p.onHand, p.lowStockThreshold ?? 0])
          expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
        trimmedText(p.name, 200);
      }
      const s = parsesSafely(stockBody, stock);
      if (s) {
        expect((s.set === undefined) !== (s.add === undefined)).toBe(true);
        if (s.set !== undefined) expect(Number.isSafeInteger(s.set) && s.set >= 0).toBe(true);
        if (s.add !== undefined) expect(Number.isSafeInteger(s.add)).toBe(true);
      }
    }),
    runs(300),
  );
});

test('When any JSON is posted as an order action, then it is refused or names a known action', () => {
  fc.assert(
    fc.property(fc.oneof(bodyFrom(validAction), validAction), (body) => {
      const a = parsesSafely(actionBody, body);
      if (!a) return;
      expect(ORDER_ACTIONS).toContain(a.action);
      trimmedText(a.note, 1000);
      trimmedText(a.carrier, 100);
      trimmedText(a.trackingNumber, 100);
    }),
    runs(300),
  );
});

/** A query string as Express's parser hands it over: strings, and arrays for repeated keys. */
const queryObject = fc
  .array(
    fc.tuple(
      fc.constantFrom('status', 'channel', 'phone', 'q', 'limit', 'cursor', 'format', ...HOSTILE_KEYS),
      fc.oneof(weirdString, fc.constantFrom(...ORDER_STATUSES, ...CHANNELS, 'json', 'pdf', '20', '0', '101')),
    ),
    { maxLength: 6 },
  )
  .map((pairs) => {
    const query: Record<string, string | string[]> = Object.create(null);
    for (const [k, v] of pairs) {
      const had = query[k];
      query[k] = had === undefined ? v : [...(Array.isArray(had) ? had : [had]), v];
    }
    return query;
  });

test('When any query string is given to the order list or the invoice, then it is refused or comes out in range', () => {
  fc.assert(
    fc.property(queryObject, (query) => {
      const list = listOrdersQuery.safeParse(query);
      expect(() => invoiceQuery.safeParse(query)).not.toThrow();
      if (!list.success) return;
      const q = list.data;
      if (q.limit !== undefined)
        expect(Number.isSafeInteger(q.limit) && q.limit >= 1 && q.limit <= 100).toBe(true);
      if (q.status !== undefined) expect(ORDER_STATUSES).toContain(q.status);
      trimmedText(q.q, 100);
      if (q.cursor !== undefined) expect(q.cursor.length).toBeLessThanOrEqual(100);
    }),
    runs(300),
  );
});

test('When any text is an order number or a cursor, then it is read as a positive number or refused, and cursors round-trip', () => {
  fc.assert(
    fc.property(weirdString, fc.integer({ min: 1, max: 999_999_999 }), (text, n) => {
      const parsed = orderNumberParam.safeParse(text);
      expect(parsed.success).toBe(/^\d{1,9}$/.test(text) && Number(text) > 0);
      if (parsed.success) expect(Number.isSafeInteger(parsed.data)).toBe(true);
      const decoded = decodeCursor(text);
      if (decoded !== undefined) expect(Number.isSafeInteger(decoded) && decoded > 0).toBe(true);
      expect(decodeCursor(encodeCursor(n))).toBe(n);
      expect(orderNumberParam.parse(String(n))).toBe(n);
    }),
    runs(300),
  );
  for (const zero of ['0', '000']) expect(orderNumberParam.safeParse(zero).success).toBe(false);
  expect(decodeCursor(encodeCursor(0))).toBeUndefined();
});
