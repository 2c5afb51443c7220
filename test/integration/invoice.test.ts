import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, placeOrder, walk } from '../helpers/builders.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('invoice', { BUSINESS_NAME: 'Corner Shop' });
});
afterAll(() => app.close());

test('When an order is not packed yet, then its invoice is 404 not_found', async () => {
  const p = await createProduct(app);
  const order = await placeOrder(app, [{ sku: p.sku, quantity: 1 }]);
  await walk(app, order.number, ['approve', 'start_picking']);
  const res = await app.api('GET', `/api/v1/orders/${order.number}/invoice`);
  expect(res.status).toBe(404);
  expect(res.body.error.code).toBe('not_found');
});

test('When orders are packed, then each gets the next invoice number, shown on the order', async () => {
  const p = await createProduct(app, { price: 1999 });
  const first = await placeOrder(app, [{ sku: p.sku, quantity: 2 }]);
  const second = await placeOrder(app, [{ sku: p.sku, quantity: 1 }]);
  const packed1 = await walk(app, first.number, ['approve', 'start_picking', 'pack']);
  const packed2 = await walk(app, second.number, ['approve', 'start_picking', 'pack']);
  expect(packed2.invoice.number).toBe(packed1.invoice.number + 1);

  const json = await app.api('GET', `/api/v1/orders/${first.number}/invoice`);
  expect(json.status).toBe(200);
  expect(json.body).toMatchObject({
    number: packed1.invoice.number,
    order: first.number,
    total: 3998,
    currency: 'USD',
    items: [expect.objectContaining({ sku: p.sku, quantity: 2, unitPrice: 1999, lineTotal: 3998 })],
  });

  // Shipping later does not issue a new invoice.
  const shipped = await walk(app, first.number, ['ship']);
  expect(shipped.invoice.number).toBe(packed1.invoice.number);
});

test('When the invoice is asked for as PDF, then a real PDF document comes back', async () => {
  const p = await createProduct(app);
  const order = await placeOrder(app, [{ sku: p.sku, quantity: 1 }]);
  await walk(app, order.number, ['approve', 'start_picking', 'pack']);
  for (const init of [
    { url: `/api/v1/orders/${order.number}/invoice?format=pdf`, accept: '*/*' },
    { url: `/api/v1/orders/${order.number}/invoice`, accept: 'application/pdf' },
  ]) {
    const res = await fetch(`${app.url}${init.url}`, {
      headers: { authorization: 'Bearer test-key-0123456789', accept: init.accept },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.length).toBeGreaterThan(1000);
  }
});

test('When the customer is named in Hebrew, then the PDF embeds a font that has Hebrew letters', async () => {
  const p = await createProduct(app, { name: 'ספל כחול' });
  const order = await placeOrder(app, [{ sku: p.sku, quantity: 1 }], {
    customer: { name: 'דנה לוי', phone: '+972501234567', language: 'he' },
    shippingAddress: { line1: 'רחוב הרצל 12', city: 'תל אביב', postalCode: '6100000', country: 'IL' },
  });
  await walk(app, order.number, ['approve', 'start_picking', 'pack']);
  const res = await fetch(`${app.url}/api/v1/orders/${order.number}/invoice?format=pdf`, {
    headers: { authorization: 'Bearer test-key-0123456789' },
  });
  expect(res.status).toBe(200);
  const pdf = Buffer.from(await res.arrayBuffer()).toString('latin1');
  expect(pdf).toContain('DejaVuSans');
  expect(pdf).not.toContain('/Helvetica');
});

test('When the invoice format is unknown, or an unknown parameter is given, then 400', async () => {
  const p = await createProduct(app);
  const order = await placeOrder(app, [{ sku: p.sku, quantity: 1 }]);
  await walk(app, order.number, ['approve', 'start_picking', 'pack']);
  for (const qs of ['?format=docx', '?download=1']) {
    const res = await app.api('GET', `/api/v1/orders/${order.number}/invoice${qs}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
  }
});
