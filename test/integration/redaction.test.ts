import { randomBytes } from 'node:crypto';
import { API_KEY, startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, placeOrder } from '../helpers/builders.js';
import { eventually } from '../helpers/eventually.js';
import { listen } from '../helpers/fake-server.js';

const ACCOUNT_SID = `AC${randomBytes(16).toString('hex')}`;
const AUTH_TOKEN = randomBytes(16).toString('hex');
const BASIC = Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64');

let app: TestApp;
let twilioApi: Awaited<ReturnType<typeof listen>>;
let attempts = 0;
const lines: string[] = [];
const log = () => lines.join('');

beforeAll(async () => {
  // Twilio's API as a network failure: each request arrives, Authorization header and all, and
  // the connection is reset instead of answered.
  twilioApi = await listen((req) => {
    attempts++;
    req.socket.resetAndDestroy();
  });
  app = await startTestApp(
    'redaction',
    {
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_PHONE_NUMBER: '+15550001111',
      PUBLIC_URL: 'https://orderly.example',
      TWILIO_API_URL: twilioApi.url,
      JOB_POLL_INTERVAL: '1 second',
    },
    { jobs: true, logStream: { write: (line: string) => lines.push(line) } },
  );
});
afterAll(async () => {
  await app.close();
  await twilioApi.close();
});

const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

test('When Twilio resets the connection while an order’s text is sent, then the failure is logged with its code and no log line holds the auth token or the Basic credentials', async () => {
  const product = await createProduct(app, { onHand: 5 });
  const order = await placeOrder(app, [{ sku: product.sku, quantity: 1 }]);
  expect(order.number).toEqual(expect.any(Number));

  const failure = await eventually(
    () => parsed().find((l) => Number(l.level) >= 40 && JSON.stringify(l).includes('ECONNRESET')),
    Boolean,
    { what: 'a logged Twilio failure', ms: 30_000, detail: () => log().slice(-2000) },
  );
  expect(attempts).toBeGreaterThan(0);
  expect(JSON.stringify(failure)).not.toContain('"config"');

  const all = log();
  expect(all).not.toContain(AUTH_TOKEN);
  expect(all).not.toContain(BASIC);
  expect(all).not.toContain('Basic ');
  expect(all).not.toContain(API_KEY);
});

test('When a signed invoice link is requested, then its request line keeps the path and the expiry but not the signature', async () => {
  const sig = randomBytes(16).toString('hex');
  await fetch(`${app.url}/invoices/999999.pdf?sig=${sig}&exp=1767225600`);

  const line = await eventually(
    () => parsed().find((l) => JSON.stringify(l).includes('/invoices/999999.pdf')),
    Boolean,
    { what: 'the request line of the invoice link', detail: () => log().slice(-2000) },
  );
  expect(JSON.stringify(line)).toContain('/invoices/999999.pdf?sig=[redacted]&exp=1767225600');
  expect(log()).not.toContain(sig);
});

test('When a 15,000-character URL is requested, then its request line keeps at most 512 characters of it and says how long it was', async () => {
  const marker = randomBytes(8).toString('hex');
  const url = `/nowhere-${marker}/${'a.'.repeat(7_500)}`.slice(0, 15_000);
  const res = await fetch(`${app.url}${url}`);
  expect(res.status).toBe(404);

  const line = await eventually(
    () => parsed().find((l) => JSON.stringify(l).includes(`/nowhere-${marker}/`)),
    Boolean,
    { what: 'the request line of the long URL', detail: () => log().slice(-2000) },
  );
  const logged = (line as { req: { url: string } }).req.url;
  expect(logged.length).toBeLessThanOrEqual(600);
  expect(logged).toContain('15000');
  expect(JSON.stringify(line).length).toBeLessThan(2_000);
});
