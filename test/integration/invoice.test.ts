import { API_KEY, startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, deliverAll, placeOrder, uniquePhone, walk } from '../helpers/builders.js';

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
    issuer: { name: 'Corner Shop' },
    lines: [expect.objectContaining({ sku: p.sku, quantity: 2, unitPrice: 1999, gross: 3998 })],
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

describe('numbers without gaps, tax, credit notes', () => {
  let vat: TestApp;
  let sku: string;
  beforeAll(async () => {
    vat = await startTestApp(
      'invoicevat',
      {
        BUSINESS_NAME: 'Cafe Levi',
        BUSINESS_ADDRESS: '1 Herzl St, Tel Aviv',
        BUSINESS_TAX_ID: '514000000',
        TAX_RATE: '17',
        PRICES_INCLUDE_TAX: 'true',
        CURRENCY: 'ILS',
      },
      { jobs: false },
    );
    sku = (await createProduct(vat, { price: 1170, onHand: 1000, name: 'Blue mug' })).sku;
  });
  afterAll(() => vat.close());

  const numbersOf = async (app: TestApp, orders: number[]) =>
    Promise.all(
      orders.map(async (n) => (await app.api('GET', `/api/v1/orders/${n}/invoice`)).body.number as number),
    );

  test('When many orders are packed and their invoices asked for at the same time, then the numbers are consecutive, without gap or duplicate, and each order keeps its number', async () => {
    const orders: number[] = [];
    for (let i = 0; i < 20; i++) {
      const o = await placeOrder(vat, [{ sku, quantity: 1 }]);
      await walk(vat, o.number, ['approve', 'start_picking']);
      orders.push(o.number);
    }
    const before = (await vat.raw('counters').findOne({ _id: 'invoice' as never }))?.seq ?? 0;
    await Promise.all(
      orders.flatMap((n) => [
        vat.api('POST', `/api/v1/orders/${n}/actions`, { action: 'pack' }),
        vat.api('GET', `/api/v1/orders/${n}/invoice`),
        vat.api('GET', `/api/v1/orders/${n}/invoice`),
      ]),
    );
    const numbers = await numbersOf(vat, orders);
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => before + 1 + i));
    expect(await numbersOf(vat, orders)).toEqual(numbers);
    expect(await vat.raw('invoices').countDocuments({})).toBe(before + 20);
  });

  test('When a process died between taking an invoice number and attaching it, or left the counter behind, then the next requests repair it without a gap', async () => {
    const [a, b] = [
      await placeOrder(vat, [{ sku, quantity: 1 }]),
      await placeOrder(vat, [{ sku, quantity: 1 }]),
    ];
    for (const o of [a, b]) await walk(vat, o.number, ['approve', 'start_picking']);
    // What a kill after the document's insert leaves: numbered, but not on the order, counter not moved.
    const last = (await vat.raw('counters').findOne({ _id: 'invoice' as never }))?.seq as number;
    await vat.raw('orders').updateOne({ _id: a.number as never }, { $set: { status: 'packed' } });
    await vat.raw('invoices').insertOne({
      _id: (last + 1) as never,
      kind: 'invoice',
      order: a.number,
      issuedAt: new Date(),
      language: 'en',
      currency: 'ILS',
      issuer: { name: 'Cafe Levi', address: '1 Herzl St, Tel Aviv', taxId: '514000000' },
      customer: { name: 'Dana', phone: '+15550000000' },
      lines: [],
      subtotal: 0,
      tax: { rate: 17, amount: 0 },
      total: 0,
      pricesIncludeTax: true,
    });
    const packedB = await walk(vat, b.number, ['pack']);
    expect(packedB.invoice.number).toBe(last + 2);
    const repaired = await vat.api('GET', `/api/v1/orders/${a.number}/invoice`);
    expect(repaired.body.number).toBe(last + 1);
    expect((await vat.api('GET', `/api/v1/orders/${a.number}`)).body.invoice.number).toBe(last + 1);
  });

  test('When a crash cut a pack before its invoice, or a received return before its credit note, then the reconcile job issues them', async () => {
    const [a, b] = [
      await placeOrder(vat, [{ sku, quantity: 1 }]),
      await placeOrder(vat, [{ sku, quantity: 1 }]),
    ];
    await walk(vat, a.number, ['approve', 'start_picking', 'pack']);
    await walk(vat, b.number, ['approve', 'start_picking', 'pack', 'ship', 'deliver', 'request_return']);
    // What the crashes leave: the status moved, the document never issued (and b still restocking).
    await vat.raw('orders').updateOne({ _id: a.number as never }, { $unset: { invoice: '' } });
    await vat.raw('invoices').deleteOne({ order: a.number });
    await vat.raw('counters').updateOne({ _id: 'invoice' as never }, { $inc: { seq: -1 } });
    await vat.raw('orders').updateOne(
      { _id: b.number as never },
      {
        $set: { status: 'returned', inventory: 'restocking' },
        $push: {
          history: {
            at: new Date(),
            action: 'receive_return',
            from: 'return_requested',
            to: 'returned',
            by: 'crash',
            channel: 'api',
          },
        } as never,
      },
    );
    await vat
      .raw('order_board')
      .updateOne({ _id: b.number as never }, { $set: { status: 'returned', v: 99 } }, { upsert: true });
    const later = new Date(Date.now() + 5 * 60_000);
    const result = await vat.deps.reconciler.reconcile(later);
    expect(result.documents).toBe(2);
    expect((await vat.api('GET', `/api/v1/orders/${a.number}`)).body.invoice).not.toBeNull();
    expect((await vat.api('GET', `/api/v1/orders/${b.number}`)).body.creditNote).not.toBeNull();
  });

  test('When prices include 17% VAT, then each line and the totals carry net, tax and gross, and the issuer is on it; a later change to the order does not alter the issued invoice', async () => {
    const o = await placeOrder(vat, [{ sku, quantity: 3 }]);
    await walk(vat, o.number, ['approve', 'start_picking', 'pack']);
    const inv = (await vat.api('GET', `/api/v1/orders/${o.number}/invoice`)).body;
    expect(inv).toMatchObject({
      issuer: { name: 'Cafe Levi', address: '1 Herzl St, Tel Aviv', taxId: '514000000' },
      lines: [{ sku, quantity: 3, unitPrice: 1170, net: 3000, tax: 510, gross: 3510 }],
      subtotal: 3000,
      tax: { rate: 17, amount: 510 },
      total: 3510,
      currency: 'ILS',
      pricesIncludeTax: true,
    });
    await vat
      .raw('orders')
      .updateOne(
        { _id: o.number as never },
        { $set: { 'items.0.name': 'Renamed mug', 'items.0.unitPrice': 1, 'customer.name': 'Someone else' } },
      );
    expect((await vat.api('GET', `/api/v1/orders/${o.number}/invoice`)).body).toEqual(inv);
  });

  test('When a return is received, then a credit note in its own series refers to the invoice with negative amounts, as JSON and PDF, and the shipped text linked the invoice', async () => {
    const phone = uniquePhone();
    const o = await placeOrder(vat, [{ sku, quantity: 2 }], { customer: { name: 'Noa', phone } });
    await walk(vat, o.number, ['approve', 'start_picking', 'pack', 'ship', 'deliver', 'request_return']);
    expect((await vat.api('GET', `/api/v1/orders/${o.number}/credit-note`)).status).toBe(404);
    const before = (await vat.raw('counters').findOne({ _id: 'credit_note' as never }))?.seq ?? 0;
    const returned = await walk(vat, o.number, ['receive_return']);
    expect(returned.creditNote).toMatchObject({ number: before + 1 });
    const invoice = (await vat.api('GET', `/api/v1/orders/${o.number}/invoice`)).body;
    const note = await vat.api('GET', `/api/v1/orders/${o.number}/credit-note`);
    expect(note.status).toBe(200);
    expect(note.body).toMatchObject({
      kind: 'credit_note',
      number: before + 1,
      refersTo: { invoice: invoice.number },
      subtotal: -invoice.subtotal,
      tax: { rate: 17, amount: -invoice.tax.amount },
      total: -invoice.total,
      lines: [expect.objectContaining({ quantity: -2, gross: -2340 })],
    });
    const pdf = await fetch(`${vat.url}/api/v1/orders/${o.number}/credit-note?format=pdf`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(pdf.headers.get('content-type')).toContain('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    // Asked again: the same note, no new number.
    expect((await vat.api('GET', `/api/v1/orders/${o.number}/credit-note`)).body.number).toBe(before + 1);
    // The "shipped" text carried a signed link to the invoice.
    await deliverAll(vat);
    const shipped = await vat.raw('sms_messages').findOne({ _id: `${o.number}:shipped` as never });
    expect(String(shipped?.body)).toMatch(new RegExp(`/invoices/${o.number}\\.pdf\\?exp=\\d+&sig=`));
  });
});
