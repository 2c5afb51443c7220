import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, placeOrder, walk } from '../helpers/builders.js';

/**
 * Invoice numbers have no gaps even when many readers ask for an invoice that is due but not yet
 * attached: the window a pack cut short by a crash leaves (the order packed, no invoice on it).
 * Each reader tries to issue it; only the one stored document may use up a number. Its own
 * database, so the series starts at 1.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('invoicenumbers');
});
afterAll(() => app.close());

test('When 8 requests ask at once for the invoice of a packed order that has none attached yet, then all get invoice 1 and the next order gets invoice 2', async () => {
  const p = await createProduct(app, { onHand: 10 });
  const [a, b] = [
    await placeOrder(app, [{ sku: p.sku, quantity: 1 }]),
    await placeOrder(app, [{ sku: p.sku, quantity: 1 }]),
  ];
  for (const o of [a, b]) await walk(app, o.number, ['approve', 'start_picking']);
  // What a pack cut short leaves: the status moved, no invoice issued or attached.
  await app.raw('orders').updateOne({ _id: a.number as never }, { $set: { status: 'packed' } });
  expect(await app.raw('invoices').countDocuments({})).toBe(0);

  const reads = await Promise.all(
    Array.from({ length: 8 }, () => app.api('GET', `/api/v1/orders/${a.number}/invoice`)),
  );
  expect(reads.map((r) => r.status)).toEqual(Array(8).fill(200));
  expect(reads.map((r) => r.body.number)).toEqual(Array(8).fill(1));
  expect((await app.api('GET', `/api/v1/orders/${a.number}`)).body.invoice.number).toBe(1);

  const packedB = await walk(app, b.number, ['pack']);
  expect(packedB.invoice.number).toBe(2);
  expect(await app.raw('invoices').countDocuments({})).toBe(2);
});

test('When storing an invoice fails for another reason than a taken number, then that error comes back at once and no number is used', async () => {
  const before = await app.raw('invoices').countDocuments({});
  // A draft the schema refuses (no issuer, no lines): not a collision, so no retry under another number.
  const draft = { kind: 'invoice', order: 999_999, issuedAt: new Date() } as never;
  await expect(app.repos.invoiceDocuments.issue(draft)).rejects.toThrow(/validation failed/i);
  expect(await app.raw('invoices').countDocuments({})).toBe(before);
});
