import { MongoClient } from 'mongodb';
import type { Browser, Page } from 'playwright-core';
import { testDatabaseUri, uniqueDbName } from '../helpers/app.js';
import { axeViolations, launchBrowser, newPage, screenshot } from '../helpers/browser.js';
import { type ServerProcess, spawnServer, uriWithDb, waitListening } from '../helpers/process.js';

/**
 * The console in a real Chromium against the built server (`npm run build`, as `npm start` runs
 * it) in sandbox mode on a fresh database: what staff do, as they do it. Screenshots of each page
 * in English and Hebrew go to reports/screenshots/.
 */

const SANDBOX_KEY = 'orderly-sandbox-key';
const AVERY = 'Avery'; // approver (SLACK_APPROVER_IDS)
const CASEY = 'Casey'; // no role

let server: ServerProcess;
let url: string;
const databaseUri = uriWithDb(testDatabaseUri(), uniqueDbName('e2e-console'));
let browser: Browser;

beforeAll(async () => {
  server = spawnServer({
    MONGODB_URI: databaseUri,
    SLACK_APPROVER_IDS: 'U0CONSOLEA',
    SLACK_FULFILLMENT_IDS: 'U0CONSOLEF',
  });
  url = await waitListening(server);
  await api('POST', '/api/v1/products', {
    sku: 'TOTE',
    name: 'Canvas tote bag',
    price: 1800,
    onHand: 1000,
    lowStockThreshold: 5,
  });
  browser = await launchBrowser();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  server?.child.kill('SIGTERM');
  await server?.exited;
});

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(url + path, {
    method,
    headers: {
      authorization: `Bearer ${SANDBOX_KEY}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

let phoneSeq = 0;
const newPhone = () => `+1555020${String(1000 + phoneSeq++).slice(-4)}`;
const place = (phone = newPhone(), name = 'Dana Levi') =>
  api('POST', '/api/v1/orders', {
    channel: 'web',
    customer: { name, phone },
    items: [{ sku: 'TOTE', quantity: 1 }],
  }) as Promise<{
    number: number;
  }>;
const outbox = async (door: 'slack' | 'sms') =>
  (await api('GET', `/api/v1/outbox?door=${door}&limit=500`)).items as {
    method: string;
    to: string;
    text: string;
    payload: Record<string, any>;
  }[];

async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}

async function signIn(who: string, opts: { locale?: string } = {}): Promise<Page> {
  const page = await newPage(browser, opts);
  await page.goto(`${url}/console/board`);
  await page.getByRole('button', { name: new RegExp(`^${who} `) }).click();
  await page.waitForURL('**/console/board');
  return page;
}

async function expectAccessible(page: Page, what: string): Promise<void> {
  const violations = await axeViolations(page);
  expect({ what, violations }).toEqual({ what, violations: [] });
}

test('When someone signs in, then they land on the board, and an order placed through the API appears on it within 2 s without a reload', async () => {
  const page = await signIn(AVERY);
  await expect(page.getByRole('heading', { level: 1, name: 'Board' }).isVisible()).resolves.toBe(true);
  // The live board listens before the order is placed.
  await page.waitForTimeout(300);
  const marker = await page.evaluate('window.marker = 42');
  const { number } = await place();
  const started = Date.now();
  await page.locator(`[data-order="${number}"]`).waitFor({ timeout: 2_000 });
  expect(Date.now() - started).toBeLessThan(2_000);
  // Not a reload: the page's own state survived.
  expect(await page.evaluate('window.marker')).toBe(marker);
  const pending = page.locator('[data-count="pending_approval"]');
  expect(Number(await pending.textContent())).toBe(
    await page.locator('#col-pending_approval ~ ul .card, section:has(#col-pending_approval) .card').count(),
  );
  await screenshot(page, 'console-board-en');
  await expectAccessible(page, 'board');
  await page.close();
}, 30_000);

test('When the approver approves from the order page, then the Slack card in the outbox updates and the customer is texted once', async () => {
  const phone = newPhone();
  const { number } = await place(phone);
  // The approval post went out first (as after any placement).
  await eventually(
    'the approval post',
    () => outbox('slack'),
    (items) => items.some((i) => i.method === 'chat.postMessage' && i.text.includes(`#${number}`)),
  );
  const page = await signIn(AVERY);
  await page.goto(`${url}/console/orders/${number}`);
  await screenshot(page, 'console-order-en');
  await expectAccessible(page, 'order page');
  await page.getByRole('button', { name: 'Approve', exact: true }).click();
  await page.waitForURL(`**/console/orders/${number}?done=approve`);
  await expect(page.getByRole('status').textContent()).resolves.toContain('Approve');
  const updates = await eventually(
    'the Slack card updated',
    () => outbox('slack'),
    (items) =>
      items.some(
        (i) => i.method === 'chat.update' && i.text.includes(`#${number}`) && /approved/i.test(i.text),
      ),
  );
  expect(updates.length).toBeGreaterThan(0);
  const texts = await eventually(
    'the approved text',
    async () => (await outbox('sms')).filter((i) => i.payload.ref === `${number}:approved`),
    (items) => items.length > 0,
  );
  // Nothing more comes: once.
  await page.waitForTimeout(1_500);
  const after = (await outbox('sms')).filter((i) => i.payload.ref === `${number}:approved`);
  expect(after).toHaveLength(1);
  expect(after[0]?.to).toBe(phone);
  expect(texts).toHaveLength(1);
  await page.close();
}, 40_000);

test('When a clerk without the role opens an order, then Approve is not there, and a forged POST gets 403', async () => {
  const { number } = await place();
  const page = await signIn(CASEY);
  await page.goto(`${url}/console/orders/${number}`);
  await expect(page.getByRole('button', { name: 'Approve', exact: true }).count()).resolves.toBe(0);
  // The form a forger would send: this page's own token, an action the role does not allow.
  const status = await page.evaluate(`(async () => {
    const token = document.querySelector('input[name="_csrf"]').value;
    const body = new URLSearchParams({ _csrf: token, action: 'approve' });
    const res = await fetch('/console/orders/${number}/actions', { method: 'POST', body });
    return res.status;
  })()`);
  expect(status).toBe(403);
  expect((await api('GET', `/api/v1/orders/${number}`)).status).toBe('pending_approval');
  await page.close();
}, 30_000);

test('When reject is pressed without a reason, then the browser asks for one and nothing changes; with one, it is rejected', async () => {
  const { number } = await place();
  const page = await signIn(AVERY);
  await page.goto(`${url}/console/orders/${number}`);
  await page.getByRole('button', { name: 'Reject', exact: true }).click();
  // The required field stops the form: still on the page, still pending.
  expect(page.url()).toBe(`${url}/console/orders/${number}`);
  expect(await page.locator('#reject-note').evaluate((el: any) => el.validity.valueMissing)).toBe(true);
  expect((await api('GET', `/api/v1/orders/${number}`)).status).toBe('pending_approval');
  await page.getByLabel('Reason').fill('Address outside our area');
  await page.getByRole('button', { name: 'Reject', exact: true }).click();
  await page.waitForURL(`**/console/orders/${number}?done=reject`);
  const order = await api('GET', `/api/v1/orders/${number}`);
  expect(order.status).toBe('rejected');
  expect(order.history.at(-1).note).toBe('Address outside our area');
  await page.close();
}, 30_000);

test('When a customer texted, called and rated, then their page shows the text, the call and the rating in one timeline', async () => {
  const phone = newPhone();
  const { number } = await place(phone, 'Noa Cohen');
  for (const action of ['approve', 'start_picking', 'pack'])
    await api('POST', `/api/v1/orders/${number}/actions`, { action });
  await api('POST', `/api/v1/orders/${number}/actions`, {
    action: 'ship',
    carrier: 'UPS',
    trackingNumber: '1Z999',
  });
  await api('POST', `/api/v1/orders/${number}/actions`, { action: 'deliver' });
  const { twilioPost } = await import('../helpers/sandbox-twilio.js');
  expect((await twilioPost(url, '/twilio/sms', { From: phone, Body: '4' })).status).toBe(200);
  expect((await twilioPost(url, '/twilio/voice', { From: phone, CallStatus: 'ringing' })).status).toBe(200);
  await eventually(
    'the delivered text',
    async () => (await outbox('sms')).filter((i) => i.payload.ref === `${number}:delivered`),
    (t) => t.length > 0,
  );

  const page = await signIn(CASEY);
  await page.getByLabel('Customer by phone').fill(phone);
  await page.getByLabel('Customer by phone').press('Enter');
  await page.waitForURL(`**/console/customers/${encodeURIComponent(phone)}`);
  const timeline = page.locator('ol.timeline');
  await expect(timeline.locator('li.text').count()).resolves.toBeGreaterThan(0);
  await expect(timeline.locator('li.call').count()).resolves.toBe(1);
  await expect(timeline.locator('li.rating').textContent()).resolves.toContain('4/5');
  await screenshot(page, 'console-customer-timeline-en');
  await expectAccessible(page, 'customer page');
  await page.close();
}, 40_000);

test('When Hebrew is chosen, then every page is laid out right to left, and each page passes the accessibility scan in both languages', async () => {
  const { number } = await place();
  const phone = newPhone();
  await place(phone);
  for (const lang of ['en', 'he'] as const) {
    const page = await signIn(AVERY);
    if (lang === 'he') {
      await page.getByRole('button', { name: 'Switch to עברית' }).click();
      await page.waitForURL('**/console/board');
    }
    const pages: [string, string][] = [
      ['board', '/console/board'],
      ['order', `/console/orders/${number}`],
      ['customer', `/console/customers/${encodeURIComponent(phone)}`],
      ['operations', '/console/operations'],
      ['stock', '/console/stock'],
      ['stock-product', '/console/stock/TOTE'],
      ['reports', '/console/reports'],
      ['phone', '/console/phone'],
    ];
    for (const [name, path] of pages) {
      await page.goto(url + path);
      const dir = await page.evaluate(
        '[document.documentElement.dir, getComputedStyle(document.body).direction]',
      );
      expect({ name, dir }).toEqual({ name, dir: lang === 'he' ? ['rtl', 'rtl'] : ['ltr', 'ltr'] });
      if (lang === 'he') {
        // Right to left for real: the menu starts at the right edge.
        const brand = await page.locator('.top .brand').boundingBox();
        const viewport = page.viewportSize() as { width: number };
        expect((brand?.x ?? 0) + (brand?.width ?? 0)).toBeGreaterThan(viewport.width / 2);
      }
      await screenshot(page, `console-${name}-${lang}`);
      await expectAccessible(page, `${name} (${lang})`);
    }
    await page.goto(`${url}/console/sign-in`);
    await page.close();
  }
  const signInPage = await newPage(browser);
  await signInPage.goto(`${url}/console/sign-in`);
  await screenshot(signInPage, 'console-sign-in-en');
  await expectAccessible(signInPage, 'sign-in');
  await signInPage.close();
}, 90_000);

test('When a page is used with the keyboard alone, then the skip link and every control can be reached and work', async () => {
  const { number } = await place();
  const page = await signIn(AVERY);
  await page.goto(`${url}/console/orders/${number}`);
  await page.keyboard.press('Tab');
  await expect(page.evaluate('document.activeElement?.textContent')).resolves.toBe('Skip to content');
  // Tab to Approve and press Enter.
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate('document.activeElement?.textContent')) === 'Approve') break;
  }
  await page.keyboard.press('Enter');
  await page.waitForURL(`**/console/orders/${number}?done=approve`);
  expect((await api('GET', `/api/v1/orders/${number}`)).status).toBe('approved');
  await page.close();
}, 30_000);

test('When the board is opened on a phone, then it fits the screen (no sideways scrolling) with the columns stacked', async () => {
  await place();
  const page = await newPage(browser, { viewport: { width: 390, height: 844 } });
  await page.goto(`${url}/console/board`);
  await page.getByRole('button', { name: new RegExp(`^${AVERY} `) }).click();
  await page.waitForURL('**/console/board');
  const [scrollWidth, innerWidth] = (await page.evaluate(
    '[document.documentElement.scrollWidth, innerWidth]',
  )) as number[];
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth as number);
  const columns = await page
    .locator('.column')
    .evaluateAll((els) => els.map((el) => (el as any).getBoundingClientRect().x));
  expect(new Set(columns.map((x: number) => Math.round(x))).size).toBe(1);
  await screenshot(page, 'console-board-phone');
  await page.close();
}, 30_000);

test('When a product has a known history of sales, then its stock page shows the days of cover and the reorder computed by hand', async () => {
  await api('POST', '/api/v1/products', {
    sku: 'E2E-COVER',
    name: 'Cover lamp',
    price: 5000,
    onHand: 10,
    lowStockThreshold: 2,
  });
  // The history the pace is read from (units sold per local day, kept on the product): 14 units in
  // the last 7 full days, 28 in the last 28, known for 40 days (the product is as old). The server's business day is UTC.
  const day = (back: number) => new Date(Date.now() - back * 86_400_000).toISOString().slice(0, 10);
  const client = await MongoClient.connect(databaseUri);
  try {
    await client
      .db()
      .collection<{ _id: string }>('products')
      .updateOne(
        { _id: 'E2E-COVER' },
        {
          $set: {
            createdAt: new Date(Date.now() - 40 * 86_400_000),
            soldSince: day(40),
            [`sold.${day(1)}`]: 7,
            [`sold.${day(3)}`]: 7,
            [`sold.${day(10)}`]: 14,
          },
        },
      );
  } finally {
    await client.close();
  }
  const page = await signIn(AVERY);
  await page.goto(`${url}/console/stock/E2E-COVER`);
  const pace = (await page.locator('section[aria-labelledby="pace-h"]').textContent()) ?? '';
  // 7 days: 14 units → 2 a day → 10 available last 5.0 days; 28 days: 1 a day → 10 days.
  expect(pace).toMatch(/7-day pace\s*5\.0 d\b/);
  expect(pace).toMatch(/28-day pace\s*10 d\b/);
  // Reorder: (7 lead + 14 cover) days × 1 a day − 10 available = 11.
  await expect(page.locator('[data-reorder]').textContent()).resolves.toMatch(/^11\b/);
  await screenshot(page, 'console-stock-cover-en');
  await expectAccessible(page, 'stock product page');
  await page.close();
}, 30_000);

test('When the phone simulator texts an order and confirms it, then the order is placed through SMS and reaches the board', async () => {
  const phone = newPhone();
  const page = await signIn(AVERY);
  await page.goto(`${url}/console/phone`);
  const textBox = page.locator('form[action="/console/phone/text"]');
  await textBox.getByLabel('From (phone number)').fill(phone);
  await textBox.getByLabel('Message').fill('ORDER 2 TOTE');
  await textBox.getByRole('button', { name: 'Send' }).click();
  await page.waitForLoadState('domcontentloaded');
  await expect(page.locator('.phone-chat').textContent()).resolves.toMatch(/CONFIRM/);
  const again = page.locator('form[action="/console/phone/text"]');
  await again.getByLabel('Message').fill('CONFIRM');
  await again.getByRole('button', { name: 'Send' }).click();
  await page.waitForLoadState('domcontentloaded');
  const orders = await eventually(
    'the SMS order',
    async () =>
      (await api('GET', `/api/v1/orders?phone=${encodeURIComponent(phone)}`)).items as {
        number: number;
        channel: string;
      }[],
    (items) => items.length === 1,
  );
  expect(orders[0]?.channel).toBe('sms');
  await expect(page.locator('.phone-chat').textContent()).resolves.toContain(`#${orders[0]?.number}`);
  await screenshot(page, 'console-phone-en');
  await page.goto(`${url}/console/board`);
  await page.locator(`[data-order="${orders[0]?.number}"]`).waitFor({ timeout: 2_000 });
  await page.close();
}, 40_000);
