import type { CommandStartedEvent, MongoClient } from 'mongodb';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, placeOrder, walk } from '../helpers/builders.js';
import { ConsoleClient } from '../helpers/console.js';

/**
 * The console's reports (README "Console"): the digest's numbers for a range of local days, the
 * 14-day chart as SVG, and the range's orders as CSV. A known set of orders is placed through the
 * API and dated with the raw driver; every expectation below is counted by hand from that set.
 */

const TZ = 'Asia/Jerusalem';
const CASEY = 'U0CONSOLEC'; // a clerk: no role, still signed in
const RANGE = 'from=2026-03-25&to=2026-03-27';

let app: TestApp;
let client: ConsoleClient;
const n: Record<string, number> = {};
let invoiceNumber: number;
let sku: string;

beforeAll(async () => {
  app = await startTestApp('consolereports', { BUSINESS_TIMEZONE: TZ, CURRENCY: 'ILS' });
  sku = (await createProduct(app, { price: 1000, onHand: 100 })).sku;
  // Placed in this order, then dated in the same order: order numbers rise with time.
  const orders: [name: string, channel: string, at: string, quantity: number][] = [
    ['before', 'web', '2026-03-24T21:59:59Z', 1], // 23:59:59 IST on the 24th: outside
    ['first', 'web', '2026-03-24T22:00:00Z', 2], // 00:00 IST on the 25th
    ['cancelled', 'sms', '2026-03-25T12:00:00Z', 3],
    ['euro', 'phone', '2026-03-26T09:00:00Z', 1],
    ['last', 'web', '2026-03-27T20:59:59Z', 1], // 23:59:59 IDT on the 27th (a 23-hour day)
    ['after', 'store', '2026-03-27T21:00:00Z', 1], // 00:00 IDT on the 28th: outside
  ];
  for (const [name, channel, at, quantity] of orders) {
    const order = await placeOrder(app, [{ sku, quantity }], {
      channel,
      customer: { name: 'Dana Levi', phone: '+972501234567' },
    });
    n[name] = order.number;
    await app.raw('orders').updateOne({ _id: order.number }, { $set: { createdAt: new Date(at) } });
  }
  await walk(app, n.first as number, ['approve', 'start_picking', 'pack']);
  invoiceNumber = (await app.api('GET', `/api/v1/orders/${n.first}/invoice`)).body.number;
  await walk(app, n.cancelled as number, ['cancel']);
  const set = (name: string, fields: Record<string, unknown>) =>
    app.raw('orders').updateOne({ _id: n[name] as never }, { $set: fields });
  // Names a spreadsheet would misread: a formula, a comma and quotes, a line break.
  await set('last', { 'customer.name': '=HYPERLINK("http://evil.example","x")' });
  await set('first', { 'customer.name': 'Levi, "Dana"' });
  await set('cancelled', { 'customer.name': 'Noa\nBar' });
  await set('euro', {
    currency: 'EUR',
    total: 1500,
    rating: { score: 4, at: new Date('2026-03-27T08:00:00Z') },
    'customer.name': '@Avi',
  });
  // An older order rated (low) within the range counts in the range's ratings, as in the digest.
  await set('before', { status: 'delivered', rating: { score: 1, at: new Date('2026-03-26T10:00:00Z') } });
  await set('last', {
    smsFailures: [
      { kind: 'placed', at: new Date('2026-03-27T20:59:59.500Z'), error: 'Twilio 21610: unsubscribed' },
    ],
  });
  await set('after', {
    smsFailures: [{ kind: 'placed', at: new Date('2026-03-27T21:00:01Z'), error: 'Twilio 30003: outside' }],
  });
  client = new ConsoleClient(app.url);
  expect((await client.signIn({ user: CASEY })).status).toBe(303);
});
afterAll(async () => {
  await app.close();
});

/** The text of a page without its tags, spaces collapsed. */
const textOf = (page: string) =>
  page
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

describe('the numbers of a range', () => {
  test('When a clerk asks for three days, then the page has the digest’s numbers for exactly those local days, read by key only', async () => {
    const commands: CommandStartedEvent[] = [];
    const mongo = app.db.connection.getClient() as unknown as MongoClient;
    const record = (e: CommandStartedEvent) => commands.push(e);
    mongo.on('commandStarted', record);
    const page = await client
      .get(`/console/reports?${RANGE}`)
      .finally(() => mongo.off('commandStarted', record));
    expect(page.status).toBe(200);
    const text = textOf(page.text);
    // first, cancelled, euro, last: not the order a second before the range, nor the one a second after.
    expect(page.text).toContain('data-report="orders">4<');
    // first (2 × 10.00) and last (10.00); the cancelled one left out, the euro one counted apart.
    expect(page.text).toContain('data-report="revenue">₪30.00<');
    expect(text).toContain('Revenue of 2 orders; rejected and cancelled orders are not counted.');
    expect(text).toMatch(/Orders in other currencies, counted apart Currency Orders Amount EUR 1 €15.00/);
    expect(text).toContain('By channel Channel Orders Web 2 Phone 1 SMS 1');
    expect(text).toContain('By status now Status Orders Pending approval 2 Packed 1 Cancelled 1');
    // The 27th had 23 hours: 24 + 24 + 23.
    expect(text).toContain('Mar 25, 2026 – Mar 27, 2026 (3 days)');
    expect(text).toContain('The clocks changed in these days: 71 hours in all.');
    // Ratings given in the range: 1 (an older order's) and 4.
    expect(text).toContain('2.5 on average from 2 ratings.');
    expect(page.text).toContain(`<a href="/console/orders/${n.before}">#${n.before}</a></td><td>1/5</td>`);
    expect(page.text).not.toContain(`#${n.euro}</a></td><td>4/5`);
    // The failed text of the 27th's last second, not the one after midnight.
    expect(text).toContain('Failed customer texts (1)');
    expect(text).toContain('Twilio 21610: unsubscribed');
    expect(text).not.toContain('Twilio 30003');
    // Every order read by its key (orders.between), never a scan of the collection.
    expect(commands.some((e) => e.command.find === 'orders')).toBe(true);
    const scans = commands
      .filter((e) => e.command[e.commandName] === 'orders')
      .map((e) => e.command.filter ?? e.command.query ?? {})
      .filter((f: Record<string, unknown>) => f._id === undefined);
    expect(scans).toEqual([]);
  });

  test('When the page is shown, then its chart is an image from the console with a text alternative and the numbers as a table', async () => {
    const page = await client.get(`/console/reports?${RANGE}`);
    expect(page.text).toMatch(
      /<img src="\/console\/reports\/chart\.svg\?to=2026-03-27" alt="Bar chart of orders per day by channel from Mar 14, 2026 to Mar 27, 2026: 5 orders in all\./,
    );
    const table = textOf(page.text.slice(page.text.indexOf('<details>')));
    expect(table).toContain('Day Web Phone SMS Total');
    expect(table).toContain('Tue, Mar 24 1 0 0 1'); // the order a second before the range
    expect(table).toContain('Wed, Mar 25 1 0 1 2');
    expect(table).toContain('Thu, Mar 26 0 1 0 1');
    expect(table).toContain('Fri, Mar 27 1 0 0 1'); // not the one placed at midnight after
    expect(page.text).toContain(`href="/console/reports/orders.csv?${RANGE.replace('&', '&amp;')}"`);
  });

  test('When the page is asked for in Hebrew, then its words are Hebrew and it reads right to left', async () => {
    const he = new ConsoleClient(app.url);
    await he.signIn({ user: CASEY });
    await he.get('/console/board');
    await he.post('/console/language', { lang: 'he' });
    const page = await he.get(`/console/reports?${RANGE}`);
    expect(page.text).toContain('dir="rtl"');
    expect(textOf(page.text)).toContain('לפי ערוץ ערוץ הזמנות אתר 2 טלפון 1 SMS 1');
    expect(textOf(page.text)).toContain('ממוצע 2.5 מתוך 2 דירוגים.');
  });

  test('When no range is given, then the page shows the 7 days ending yesterday in the business’s time zone', async () => {
    const day = (offset: number) =>
      new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date(Date.now() + offset * 86_400_000));
    const page = await client.get('/console/reports');
    expect(page.status).toBe(200);
    // Around local midnight the clock may move between the two reads: either day's default is right.
    const expected = [0, 1].map((late) => [day(-7 + late), day(-1 + late)]);
    const from = /id="range-from" name="from" type="date" value="([^"]+)"/.exec(page.text)?.[1];
    const to = /id="range-to" name="to" type="date" value="([^"]+)"/.exec(page.text)?.[1];
    expect(expected).toContainEqual([from, to]);
  });

  test('When the console is asked for reports without signing in, then it asks to sign in first', async () => {
    const stranger = new ConsoleClient(app.url);
    for (const path of [
      `/console/reports?${RANGE}`,
      `/console/reports/orders.csv?${RANGE}`,
      '/console/reports/chart.svg',
    ]) {
      const res = await stranger.get(path);
      expect(res.status).toBe(303);
      expect(res.res.headers.get('location')).toMatch(/^\/console\/sign-in\?next=/);
    }
  });
});

describe('bad ranges', () => {
  test.each([
    [
      'a day that does not exist',
      'from=2026-02-30&to=2026-03-01',
      'from',
      'The start date “2026-02-30” is not a real date. Write it as YYYY-MM-DD',
    ],
    ['not a date', 'from=2026-03-01&to=yesterday', 'to', 'The end date “yesterday” is not a real date'],
    [
      'a year past what days can name',
      'from=2026-03-01&to=10000-01-01',
      'to',
      'The end date “10000-01-01” is not a real date',
    ],
    [
      'the start after the end',
      'from=2026-03-02&to=2026-03-01',
      'from',
      'The start date is after the end date',
    ],
    ['367 days', 'from=2025-03-01&to=2026-03-02', 'from', 'A range is at most 366 days; this one is 367.'],
  ])(
    'When the range is %s, then the page answers 400 with the error and the form to correct it',
    async (_what, query, field, message) => {
      for (const path of ['/console/reports', '/console/reports/orders.csv']) {
        const page = await client.get(`${path}?${query}`);
        expect(page.status).toBe(400);
        expect(page.res.headers.get('content-type')).toMatch(/^text\/html/);
        expect(page.res.headers.get('content-disposition')).toBeNull();
        expect(page.text).toMatch(/<p id="range-error" class="error" role="alert">/);
        expect(textOf(page.text)).toContain(message);
        expect(page.text).toMatch(new RegExp(`id="range-${field}"[^>]*aria-invalid="true"`));
        expect(page.text).toContain('<form method="get" action="/console/reports"');
        expect(page.text).not.toContain('data-report="orders"');
      }
    },
  );

  test('When the range is 366 days, then it is shown', async () => {
    const page = await client.get('/console/reports?from=2025-03-27&to=2026-03-27');
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-report="orders">5<'); // all but the order of the 28th
  });

  test('When the chart is asked for a day that is not one, then it answers 400', async () => {
    expect((await client.get('/console/reports/chart.svg?to=2026-13-01')).status).toBe(400);
  });
});

describe('the chart', () => {
  test('When the chart of a fortnight is asked for, then it is an SVG drawn by the digest’s spec, under the console’s CSP', async () => {
    const res = await client.get('/console/reports/chart.svg?to=2026-03-27');
    expect(res.status).toBe(200);
    expect(res.res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(res.res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.text).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(res.text).toContain('Orders per day by channel, Sat, Mar 14 – Fri, Mar 27');
    for (const label of ['Web', 'Phone', 'SMS']) expect(res.text).toContain(`>${label}<`);
    expect(res.text).not.toContain('>Store<'); // the order of the 28th is not in it
    // A fortnight no page has just shown is read for the image itself.
    const earlier = await client.get('/console/reports/chart.svg?to=2026-03-25');
    expect(earlier.status).toBe(200);
    expect(earlier.text).toContain('Orders per day by channel, Thu, Mar 12 – Wed, Mar 25');
    expect(earlier.text).toContain('>SMS<');
    expect(earlier.text).not.toContain('>Phone<'); // placed on the 26th
  });
});

describe('the CSV export', () => {
  test('When the orders of a range are exported, then each is one RFC 4180 row with its facts, as a download', async () => {
    const res = await client.get(`/console/reports/orders.csv?${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(res.res.headers.get('content-disposition')).toBe(
      'attachment; filename="orders-2026-03-25-to-2026-03-27.csv"',
    );
    expect(res.res.headers.get('cache-control')).toBe('no-store');
    const body = res.text;
    // fetch's text() drops a byte-order mark; the raw bytes keep it (spreadsheets read UTF-8 by it).
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const raw = await fetch(`${app.url}/console/reports/orders.csv?${RANGE}`, { headers: { cookie } });
    expect([...Buffer.from(await raw.arrayBuffer()).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(body.endsWith('\r\n')).toBe(true);
    const rows = body.split('\r\n');
    expect(rows).toEqual([
      'number,placed_at,channel,status,customer_name,phone,items,total,currency,invoice',
      `${n.first},2026-03-24T22:00:00.000Z,web,packed,"Levi, ""Dana""",'+972501234567,2×${sku},20.00,ILS,${invoiceNumber}`,
      `${n.cancelled},2026-03-25T12:00:00.000Z,sms,cancelled,"Noa\nBar",'+972501234567,3×${sku},30.00,ILS,`,
      `${n.euro},2026-03-26T09:00:00.000Z,phone,pending_approval,'@Avi,'+972501234567,1×${sku},15.00,EUR,`,
      `${n.last},2026-03-27T20:59:59.000Z,web,pending_approval,"'=HYPERLINK(""http://evil.example"",""x"")",'+972501234567,1×${sku},10.00,ILS,`,
      '',
    ]);
  });
});
