import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import { SANDBOX_API_KEY, SANDBOX_SLACK_SIGNING_SECRET } from '../../src/config.js';
import { ACTIONS } from '../../src/slack/blocks/ids.js';
import { API_KEY, startTestApp, type TestApp, uniqueDbName } from '../helpers/app.js';
import { createProduct, placeOrder, walk } from '../helpers/builders.js';
import { clickButton, postToSlackRoute } from '../helpers/slack.js';
import { FakeTwilio, twilioEnv } from '../helpers/twilio.js';

/**
 * "Nobody in": a live door next to the published sandbox secrets, the outbox, security
 * headers and invoice links that expire and outlive a key rotation.
 */

const DAY_MS = 24 * 3600_000;
let twilio: FakeTwilio;
/** Twilio live, Slack not configured, NODE_ENV unset (empty counts as unset): the setup. */
let live: TestApp;

beforeAll(async () => {
  twilio = await new FakeTwilio().start();
  live = await startTestApp('hardening', { ...twilioEnv(twilio), NODE_ENV: '' });
});
afterAll(async () => {
  await live?.close();
  await twilio?.stop();
});

async function invoicedOrder(app: TestApp): Promise<number> {
  const { sku } = await createProduct(app, { onHand: 5 });
  const order = await placeOrder(app, [{ sku, quantity: 1 }]);
  await walk(app, order.number, ['approve', 'start_picking', 'pack']);
  return order.number;
}

const local = (app: TestApp, url: string) => url.replace(/^https?:\/\/[^/]+/, app.url);

test('When Twilio is live and Slack is not, then an approval signed with the sandbox secret is refused and the order does not move', async () => {
  expect(live.deps.config.env).toBe('development');
  const { sku } = await createProduct(live, { onHand: 5 });
  const order = await placeOrder(live, [{ sku, quantity: 1 }]);

  const click = await clickButton(live.url, ACTIONS.approve, String(order.number), {
    user: 'UANYONE01',
    sign: { secret: SANDBOX_SLACK_SIGNING_SECRET },
  });
  expect(click.status).toBe(503);
  expect(click.body).toMatchObject({ error: { code: 'not_configured' } });
  const command = await postToSlackRoute(
    live.url,
    new URLSearchParams({ command: '/order', text: String(order.number), user_id: 'UANYONE01' }).toString(),
    'application/x-www-form-urlencoded',
    { secret: SANDBOX_SLACK_SIGNING_SECRET },
  );
  expect(command.status).toBe(503);

  const stored = await live.raw('orders').findOne({ _id: order.number } as never);
  expect(stored).toMatchObject({ status: 'pending_approval' });
  expect(stored?.history).toHaveLength(order.history.length);
});

test('When a door is live, then the outbox is not there (404), the page nor the API with a real key, and the sandbox API key is refused', async () => {
  const page = await fetch(`${live.url}/outbox`);
  expect(page.status).toBe(404);
  expect((await live.api('GET', '/api/v1/outbox')).status).toBe(404);
  expect((await live.api('GET', '/api/v1/orders', undefined, SANDBOX_API_KEY.key)).status).toBe(401);
});

test('When API_KEYS is unset next to a live door, then the REST API is closed (503), the sandbox key included', async () => {
  const app = await startTestApp('hardeningnokeys', { ...twilioEnv(twilio), NODE_ENV: '', API_KEYS: '' });
  try {
    const res = await app.api('GET', '/api/v1/orders', undefined, SANDBOX_API_KEY.key);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: { code: 'not_configured' } });
  } finally {
    await app.close();
  }
});

const expectCommonHeaders = (res: Response) => {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('x-powered-by')).toBeNull();
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
  return csp;
};

test('When PUBLIC_URL is https, then JSON answers (found, refused, not found) carry the security headers and HSTS', async () => {
  for (const res of [
    await fetch(`${live.url}/healthz`),
    await fetch(`${live.url}/api/v1/orders`, { headers: { authorization: `Bearer ${API_KEY}` } }),
    await fetch(`${live.url}/api/v1/orders`),
    await fetch(`${live.url}/nowhere`),
  ]) {
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expectCommonHeaders(res);
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
  }
});

test('When the outbox page is served (pure sandbox, http), then its CSP allows exactly its one style by hash, and there is no HSTS', async () => {
  const sandbox = await startTestApp('hardeningsandbox', { API_KEYS: '' });
  try {
    const page = await fetch(`${sandbox.url}/outbox`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = expectCommonHeaders(page);
    const html = await page.text();
    expect(html).not.toContain('<script');
    const styles = [...html.matchAll(/<style>([^<]*)<\/style>/g)].map((m) => m[1] as string);
    expect(styles).toHaveLength(1);
    const hash = createHash('sha256')
      .update(styles[0] as string)
      .digest('base64');
    expect(csp).toContain(`style-src 'sha256-${hash}'`);
    expect(page.headers.get('strict-transport-security')).toBeNull();
    // Pure sandbox still takes the sandbox key, so a newcomer can try the API.
    expect((await sandbox.api('GET', '/api/v1/outbox', undefined, SANDBOX_API_KEY.key)).status).toBe(200);
  } finally {
    await sandbox.close();
  }
});

test('When an invoice link is used, then a fresh one opens the PDF, an expired one is 410, an edited one 403', async () => {
  const number = await invoicedOrder(live);
  const links = live.deps.invoiceLinks;

  const fresh = await fetch(local(live, links.url(number)));
  expect(fresh.status).toBe(200);
  expect(fresh.headers.get('content-type')).toBe('application/pdf');
  expect(fresh.headers.get('x-content-type-options')).toBe('nosniff');

  // Made 31 days ago with the default lifetime of 30 days.
  const old = local(live, links.url(number, Date.now() - 31 * DAY_MS));
  const expired = await fetch(old);
  expect(expired.status).toBe(410);
  expect(await expired.json()).toMatchObject({ error: { code: 'link_expired' } });
  const page = await fetch(old, { headers: { accept: 'text/html' } });
  expect(page.status).toBe(410);
  expect(await page.text()).toContain('expired');
  expectCommonHeaders(page);

  // Moving the expiry forward, or pointing the link at another order, breaks the signature.
  const exp = Number(new URL(old).searchParams.get('exp'));
  expect((await fetch(old.replace(`exp=${exp}`, `exp=${exp + 40 * 86400}`))).status).toBe(403);
  expect((await fetch(old.replace(`/${number}.pdf`, `/${number + 1}.pdf`))).status).toBe(403);
  // One character of the signature changed (to another one, whatever it was).
  const edited = local(live, links.url(number)).replace(
    /sig=(.)/,
    (_m, c: string) => `sig=${c === 'X' ? 'Y' : 'X'}`,
  );
  expect((await fetch(edited)).status).toBe(403);
  // An invoice link is not a credit-note link: the kind is signed too.
  expect((await fetch(local(live, links.url(number)).replace('/invoices/', '/credit-notes/'))).status).toBe(
    403,
  );
  expect((await fetch(`${live.url}/invoices/${number}.pdf`)).status).toBe(403);
});

test('When INVOICE_LINK_SECRET is unset, then the generated secret is shared by processes on one database and survives a restart with rotated API keys', async () => {
  const dbName = uniqueDbName('hardeninglinks');
  // Two processes starting at once on an empty database: one secret wins, both sign with it.
  const [a, b] = await Promise.all([
    startTestApp('hardeninglinks', {}, { dbName }),
    startTestApp('hardeninglinks', {}, { dbName }),
  ]);
  let restarted: TestApp | undefined;
  try {
    const number = await invoicedOrder(a);
    const now = Date.now();
    const url = a.deps.invoiceLinks.url(number, now);
    expect(b.deps.invoiceLinks.url(number, now)).toBe(url);
    expect((await fetch(local(b, url))).status).toBe(200);
    expect(await a.raw('settings').countDocuments()).toBe(1);

    await a.stop();
    await b.stop();
    restarted = await startTestApp(
      'hardeninglinks',
      { API_KEYS: 'rotated:rotated-key-0123456789', SLACK_APPROVER_IDS: 'U0APPROVER1' },
      { dbName },
    );
    expect((await fetch(local(restarted, url))).status).toBe(200);
  } finally {
    // The last app standing drops the database; stopping twice is harmless.
    await (restarted ?? a).close();
    await a.stop();
    await b.stop();
  }
});

test('When INVOICE_LINK_SECRET is set, then links are signed with it, whatever the database or the API keys', async () => {
  const secret = 'an-invoice-link-secret-of-32-chars-or-more';
  const one = await startTestApp('hardeningsecret', { INVOICE_LINK_SECRET: secret });
  const other = await startTestApp('hardeningsecret', {
    INVOICE_LINK_SECRET: secret,
    API_KEYS: 'rotated:rotated-key-0123456789',
  });
  try {
    const number = await invoicedOrder(one);
    const now = Date.now();
    expect(other.deps.invoiceLinks.url(number, now)).toBe(one.deps.invoiceLinks.url(number, now));
    expect(await one.raw('settings').countDocuments()).toBe(0);
  } finally {
    await one.close();
    await other.close();
  }
});

test('When a client keeps an idle connection open past 5 s (Node’s default), then the server leaves it open for the client or proxy to close, so a request sent on it is not reset', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const get = () =>
    new Promise<{ status: number; socket: Socket }>((resolve, reject) => {
      request(`${live.url}/healthz`, { agent }, (res) => {
        const socket = res.socket;
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, socket }));
      })
        .on('error', reject)
        .end();
    });
  try {
    const first = await get();
    expect(first.status).toBe(200);
    let closed = false;
    first.socket.on('close', () => {
      closed = true;
    });
    // Time itself is what is tested: longer than Node's default keep-alive timeout.
    await new Promise((r) => setTimeout(r, 7_000));
    expect(closed).toBe(false);
    const second = await get();
    expect(second).toMatchObject({ status: 200 });
    expect(second.socket).toBe(first.socket);
  } finally {
    agent.destroy();
  }
}, 20_000);
