import { request } from 'node:http';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, placeOrder, walk } from '../helpers/builders.js';

/**
 * The signed invoice links are public (no API key): what they cost must not be anyone's to choose.
 * An issued document never changes, so its PDF is rendered once and served again from memory, and
 * each client address gets at most 30 link requests a minute.
 */

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('invoicelinks', { BUSINESS_NAME: 'Corner Shop' });
});
afterAll(() => app.close());

/** A link as the app makes it, pointed at the test server instead of PUBLIC_URL. */
const local = (url: string) => url.replace(app.deps.config.publicUrl, app.url);

async function packedOrder(language: 'en' | 'he' = 'en'): Promise<number> {
  const p = await createProduct(app, { name: language === 'he' ? 'ספל כחול' : 'Blue mug' });
  const order = await placeOrder(app, [{ sku: p.sku, quantity: 1 }], {
    customer: { name: 'Dana', phone: '+972501234567', language },
  });
  await walk(app, order.number, ['approve', 'start_picking', 'pack']);
  return order.number;
}

/** GET from a chosen loopback address, so the server sees another client. */
function getFrom(localAddress: string, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress, headers: { accept: 'application/json' } }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('When the same invoice is opened again by its link and through the API, then it is rendered once and the same PDF is served each time', async () => {
  const number = await packedOrder('he');
  const before = app.deps.pdfs.renders();
  const first = await fetch(local(app.deps.invoiceLinks.url(number)));
  expect(first.status).toBe(200);
  const firstBytes = Buffer.from(await first.arrayBuffer());
  expect(firstBytes.subarray(0, 5).toString()).toBe('%PDF-');
  expect(app.deps.pdfs.renders()).toBe(before + 1);

  const again = await fetch(local(app.deps.invoiceLinks.url(number)));
  const api = await fetch(`${app.url}/api/v1/orders/${number}/invoice?format=pdf`, {
    headers: { authorization: 'Bearer test-key-0123456789' },
  });
  expect([again.status, api.status]).toEqual([200, 200]);
  expect(Buffer.from(await again.arrayBuffer()).equals(firstBytes)).toBe(true);
  expect(Buffer.from(await api.arrayBuffer()).equals(firstBytes)).toBe(true);
  expect(again.headers.get('cache-control')).toBe('private, no-store');
  expect(app.deps.pdfs.renders()).toBe(before + 1);

  // Another order's invoice is its own PDF.
  const other = await packedOrder('en');
  const otherPdf = await fetch(local(app.deps.invoiceLinks.url(other)));
  expect(otherPdf.status).toBe(200);
  expect(Buffer.from(await otherPdf.arrayBuffer()).equals(firstBytes)).toBe(false);
  expect(app.deps.pdfs.renders()).toBe(before + 2);
});

test('When one client asks for more than 30 invoice links in a minute, then the 31st gets 429 rate_limited in the API error shape, and another client is still served', async () => {
  const number = await packedOrder();
  const genuine = local(app.deps.invoiceLinks.url(number));
  const from = '127.0.0.3';
  // Forged links count as well: checking a signature is cheap, but guessing costs the guesser.
  for (let i = 0; i < 30; i++) {
    const res = await getFrom(from, genuine.replace(/sig=[^&]+/, `sig=forged${i}`));
    expect(res.status).toBe(403);
  }
  const refused = await getFrom(from, genuine);
  expect(refused.status).toBe(429);
  expect(JSON.parse(refused.body)).toEqual({
    error: {
      code: 'rate_limited',
      message: expect.stringContaining('30 a minute'),
      details: expect.objectContaining({ limit: 30 }),
    },
  });
  expect((await getFrom('127.0.0.4', genuine)).status).toBe(200);
  // The API, behind its key, is not counted against the address.
  const api = await app.api('GET', `/api/v1/orders/${number}/invoice`);
  expect(api.status).toBe(200);
});
