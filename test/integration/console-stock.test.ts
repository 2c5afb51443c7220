import type { CommandStartedEvent, MongoClient } from 'mongodb';
import { addDays, localDay } from '../../src/digest/days.js';
import { lastCompleteDay } from '../../src/inventory/cover.js';
import { digestMessage } from '../../src/slack/blocks/digest.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, deliverAll, placeOrder, uniqueSku, walk } from '../helpers/builders.js';
import { ConsoleClient } from '../helpers/console.js';

/**
 * The console's stock page (README "Console", Stock): the numbers of a known sales history worked
 * by hand, the same days of cover in the low-stock alert and the digest, stock keepers adjusting
 * stock through the inventory service, and everyone else refused. The pace comes from each
 * product's sales per day (`sold.<day>`), written by placement's own reservation update.
 */

const TZ = 'Asia/Jerusalem';
const FRANKIE = 'U0CONSOLEF'; // the stock keeper (SLACK_STOCK_IDS)
const CASEY = 'U0CONSOLEC'; // a clerk: no role
const AVERY = 'U0CONSOLEA'; // an approver, not a stock keeper while SLACK_STOCK_IDS is set

let app: TestApp;
const logs: Record<string, unknown>[] = [];

beforeAll(async () => {
  app = await startTestApp(
    'consolestock',
    {
      SLACK_APPROVER_IDS: AVERY,
      SLACK_STOCK_IDS: FRANKIE,
      BUSINESS_TIMEZONE: TZ,
      REORDER_COVER_DAYS: '10',
    },
    { logStream: { write: (l: string) => void logs.push(JSON.parse(l)) } },
  );
});
afterAll(async () => {
  await app.close();
});

async function signedIn(user: string): Promise<ConsoleClient> {
  const client = new ConsoleClient(app.url);
  expect((await client.signIn({ user })).status).toBe(303);
  return client;
}

/** The last full local day, and `n` days before it: the days every pace is read from. */
const ago = (n: number) => addDays(lastCompleteDay(new Date(), TZ), -n);
const product = async (sku: string) => (await app.api('GET', `/api/v1/products/${sku}`)).body;
const stored = (sku: string) => app.raw('products').findOne({ _id: sku as never });

/** Gives a product a sales history (as if placed over past days) and an older creation date. */
async function history(sku: string, sold: Record<string, number>) {
  const set: Record<string, unknown> = { createdAt: new Date(Date.now() - 60 * 24 * 3600_000) };
  for (const [day, units] of Object.entries(sold)) set[`sold.${day}`] = units;
  await app.raw('products').updateOne({ _id: sku as never }, { $set: set });
}

/** The text of each cell of a product's row on the list, tags dropped. */
function row(page: string, sku: string): string[] {
  const tr = new RegExp(`<tr[^>]*data-sku="${sku}">([\\s\\S]*?)</tr>`).exec(page)?.[1];
  if (!tr) throw new Error(`no row for ${sku}`);
  return [...tr.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) =>
    (c[1] as string)
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}
const COLUMNS = [
  'product',
  'onHand',
  'reserved',
  'available',
  'threshold',
  'lead',
  'cover7',
  'cover28',
  'reorder',
];
const cellsOf = (page: string, sku: string) =>
  Object.fromEntries(COLUMNS.map((c, i) => [c, row(page, sku)[i]])) as Record<string, string>;

describe('the numbers', () => {
  test('When a product has a known sales history, then the list shows its stock, days of cover at 7 and 28 days and the suggested reorder as worked by hand', async () => {
    const sku = uniqueSku('COVER');
    await createProduct(app, { sku, onHand: 20, lowStockThreshold: 2, leadTimeDays: 5 });
    await placeOrder(app, [{ sku, quantity: 3 }]); // today: reserved, but not a full day yet
    // 2 a day over the last 7 days (14); 28 more over the 21 days before (42 in 28 days: 1.5 a
    // day); 100 the day before the 28, which no pace reads.
    const sold: Record<string, number> = {};
    for (let n = 0; n < 7; n++) sold[ago(n)] = 2;
    for (const n of [7, 10, 13, 16, 19, 22, 25]) sold[ago(n)] = 4;
    sold[ago(28)] = 100;
    await history(sku, sold);

    const client = await signedIn(CASEY);
    const page = await client.get('/console/stock');
    expect(page.status).toBe(200);
    // 17 available: 17 ÷ 2 a day = 8.5 days; 17 ÷ 1.5 = 11.3, shown whole from 10 days.
    // Reorder: 1.5 a day × (5 days' lead + 10 days' cover) = 22.5, less 17 = 5.5 → 6.
    expect(cellsOf(page.text, sku)).toMatchObject({
      onHand: '20',
      reserved: '3',
      available: '17',
      threshold: '2',
      lead: '5 d',
      cover7: '8.5 d',
      cover28: '11 d',
      reorder: '6',
    });
    expect(page.text).toContain('and 10 more days (REORDER_COVER_DAYS)');
    // The product's page says how: units sold over how many days.
    const detail = await client.get(`/console/stock/${sku}`);
    expect(detail.text).toContain('14 sold in 7 days (2 a day)');
    expect(detail.text).toContain('42 sold in 28 days (1.5 a day)');
  });

  test('When a product is new, then its pace is not known until a full day has passed, and the page says since when it is known', async () => {
    const fresh = (await createProduct(app, { onHand: 9 })).sku;
    const client = await signedIn(CASEY);
    const cells = cellsOf((await client.get('/console/stock')).text, fresh);
    expect(cells.cover7).toMatch(/^not known yet/);
    expect(cells.cover28).toMatch(/^not known yet/);
    expect(cells.reorder).toBe('not known yet');

    // Kept since three days ago (as the upgrade's migration stamps products it filled).
    const young = (await createProduct(app, { onHand: 9 })).sku;
    await history(young, { [ago(0)]: 3, [ago(2)]: 3, [ago(5)]: 50 });
    await app.raw('products').updateOne({ _id: young as never }, { $set: { soldSince: ago(2) } });
    const page = (await client.get('/console/stock')).text;
    // 6 sold in the 3 days known (the 50 were before them): 2 a day, 9 available → 4.5 days.
    expect(cellsOf(page, young).cover7).toMatch(/^4\.5 d sales known since /);
  });
});

describe('sales per day', () => {
  test("When an order is placed, then its units count on today's sales in the reservation's own update; a rejection takes them back", async () => {
    const { sku } = await createProduct(app, { onHand: 50 });
    const today = localDay(new Date(), TZ);
    const commands: CommandStartedEvent[] = [];
    const client = app.db.connection.getClient() as unknown as MongoClient;
    const listen = (e: CommandStartedEvent) => void commands.push(e);
    client.on('commandStarted', listen);
    const order = await placeOrder(app, [{ sku, quantity: 4 }]);
    client.off('commandStarted', listen);
    const writes = commands.filter((e) => e.commandName === 'update' && e.command.update === 'products');
    expect(writes).toHaveLength(1);
    expect(writes[0]?.command.updates[0].u.$inc).toEqual({
      reserved: 4,
      available: -4,
      [`sold.${today}`]: 4,
    });
    expect((await stored(sku))?.sold).toEqual({ [today]: 4 });

    await placeOrder(app, [{ sku, quantity: 1 }]);
    await walk(app, order.number, ['reject']);
    expect((await stored(sku))?.sold).toEqual({ [today]: 1 });
  });

  test('When the daily housekeeping runs, then days older than the 28-day pace are dropped and the rest kept', async () => {
    const { sku } = await createProduct(app, { onHand: 5 });
    const today = localDay(new Date(), TZ);
    const kept = addDays(today, -28);
    await history(sku, { [addDays(today, -29)]: 1, [addDays(today, -90)]: 2, [kept]: 3, [today]: 4 });
    const { products } = await app.deps.housekeeping.purge();
    expect(products).toBeGreaterThanOrEqual(1);
    expect((await stored(sku))?.sold).toEqual({ [kept]: 3, [today]: 4 });
  });
});

describe('stock keepers adjust stock', () => {
  test('When the stock keeper sets, adds, removes and changes threshold and lead time, then each goes through and the page says so', async () => {
    const { sku } = await createProduct(app, { onHand: 10, lowStockThreshold: 1 });
    const client = await signedIn(FRANKIE);
    const page = await client.get(`/console/stock/${sku}`);
    for (const action of ['set', 'add', 'threshold', 'lead'])
      expect(page.text).toContain(`name="action" value="${action}"`);

    const steps: [string, string, Record<string, unknown>][] = [
      ['set', '40', { onHand: 40, available: 40 }],
      ['add', '5', { onHand: 45, available: 45 }],
      ['add', '−3', { onHand: 42, available: 42 }], // a typographic minus, as a phone keyboard may give
      ['threshold', '12', { lowStockThreshold: 12 }],
      ['lead', '21', { leadTimeDays: 21 }],
    ];
    for (const [action, value, after] of steps) {
      const res = await client.post(`/console/stock/${sku}`, { action, value });
      expect({ action, status: res.status, location: res.location }).toEqual({
        action,
        status: 303,
        location: `/console/stock/${sku}?done=${action}`,
      });
      expect(await product(sku)).toMatchObject(after);
    }
    expect((await client.get(`/console/stock/${sku}?done=lead`)).text).toContain('Lead time set.');
    expect(logs).toContainEqual(
      expect.objectContaining({
        msg: 'stock changed by hand',
        sku,
        by: FRANKIE,
        channel: 'console',
        change: 'removed 3',
      }),
    );
  });

  test('When stock falls to the threshold on the console, then the alert goes out as from Slack, and it, the digest and the page show the same days of cover', async () => {
    const sku = uniqueSku('ALERT');
    await createProduct(app, { sku, onHand: 30, lowStockThreshold: 10 });
    // 7 sold in the last 7 days (1 a day), 14 in the last 28 (0.5 a day).
    const sold: Record<string, number> = { [ago(0)]: 4, [ago(3)]: 3, [ago(8)]: 7 };
    await history(sku, sold);
    const client = await signedIn(FRANKIE);
    await client.get(`/console/stock/${sku}`);
    expect((await client.post(`/console/stock/${sku}`, { action: 'add', value: '-25' })).status).toBe(303);
    await deliverAll(app);

    const alerts = (await app.api('GET', '/api/v1/outbox?door=slack')).body.items.filter(
      (e: { to: string; text: string }) => e.to === 'inventory' && e.text.includes(sku),
    );
    expect(alerts).toHaveLength(1);
    // 5 available: 5 days at 1 a day, 10 at 0.5 a day.
    expect(JSON.stringify(alerts[0].payload.blocks)).toContain(
      "5.0 days of cover at the last 7 days' pace · 10 days of cover at the last 28 days' pace",
    );
    expect(cellsOf((await client.get('/console/stock')).text, sku)).toMatchObject({
      cover7: '5.0 d',
      cover28: '10 d',
    });
    const digest = await app.deps.digest.build(ago(0));
    expect(digest.lowStock.find((l) => l.sku === sku)).toMatchObject({ soldLastWeek: 7, daysOfCover: 5 });
    expect(
      digestMessage(digest, { chart: false }).text +
        JSON.stringify(digestMessage(digest, { chart: false }).blocks),
    ).toContain("5.0 days of cover at last week's pace (7 sold)");
  });

  test('When stock goes low and is restocked, then the episode is kept: when it went low, how low, and when it came back', async () => {
    const { sku } = await createProduct(app, { onHand: 20, lowStockThreshold: 5 });
    const client = await signedIn(FRANKIE);
    await client.get(`/console/stock/${sku}`);
    await client.post(`/console/stock/${sku}`, { action: 'add', value: '-16' }); // 4: low
    await placeOrder(app, [{ sku, quantity: 2 }]); // 2: lower
    let page = await client.get(`/console/stock/${sku}`);
    expect(page.text).toMatch(
      /<td class="num">2<\/td>\s*<td class="num">5<\/td><td><strong>still low<\/strong>/,
    );
    expect(cellsOf((await client.get('/console/stock')).text, sku).product).toContain('low');

    await client.post(`/console/stock/${sku}`, { action: 'add', value: '10' }); // 12: back above 5
    page = await client.get(`/console/stock/${sku}`);
    expect(page.text).not.toContain('still low');
    const episodes = (await stored(sku))?.lowEpisodes as Record<
      string,
      { lowest: number; from: Date; to?: Date }
    >;
    expect(Object.values(episodes)).toEqual([
      { from: expect.any(Date), to: expect.any(Date), lowest: 2, threshold: 5 },
    ]);
  });

  test('When a product has gone low more often than is kept, then only the last five episodes stay', async () => {
    const { sku } = await createProduct(app, { onHand: 10, lowStockThreshold: 5 });
    for (let i = 0; i < 7; i++) {
      await app.deps.inventory.addStock(sku, -6);
      await app.deps.inventory.addStock(sku, 6);
    }
    const episodes = Object.values((await stored(sku))?.lowEpisodes ?? {}) as { to?: Date }[];
    expect(episodes).toHaveLength(5);
    expect(episodes.every((e) => e.to instanceof Date)).toBe(true);
  });
});

describe('refusals', () => {
  test('When a clerk without the stock role opens a product, then no form is shown, and a POST of one is refused with 403 and changes nothing', async () => {
    const { sku } = await createProduct(app, { onHand: 10 });
    for (const user of [CASEY, AVERY]) {
      const client = await signedIn(user);
      const page = await client.get(`/console/stock/${sku}`);
      expect(page.status).toBe(200);
      expect(page.text).not.toContain(`action="/console/stock/${sku}"`);
      expect(page.text).toContain('Only stock keepers (SLACK_STOCK_IDS) change stock');
      const res = await client.post(`/console/stock/${sku}`, { action: 'set', value: '0' });
      expect(res.status).toBe(403);
      expect(await product(sku)).toMatchObject({ onHand: 10 });
      expect(logs).toContainEqual(
        expect.objectContaining({ level: 40, user, sku, msg: expect.stringMatching(/stock change refused/) }),
      );
    }
  });

  test('When a change comes without the page token, then it is refused with 403 and nothing changes', async () => {
    const { sku } = await createProduct(app, { onHand: 10 });
    const client = await signedIn(FRANKIE);
    await client.get(`/console/stock/${sku}`);
    for (const csrf of [null, 'x'.repeat(43)]) {
      expect(
        (await client.post(`/console/stock/${sku}`, { action: 'set', value: '0' }, { csrf })).status,
      ).toBe(403);
    }
    expect(await product(sku)).toMatchObject({ onHand: 10 });
  });

  test('When an input is bad, then the page answers 400 with what a good one is, and nothing changes', async () => {
    const { sku } = await createProduct(app, { onHand: 10, lowStockThreshold: 3 });
    const client = await signedIn(FRANKIE);
    await client.get(`/console/stock/${sku}`);
    const cases: [Record<string, string>, string][] = [
      [{ action: 'set', value: 'ten' }, 'On hand must be a whole number from 0 to 10,000,000.'],
      [{ action: 'set', value: '-1' }, 'On hand must be a whole number from 0 to 10,000,000.'],
      [{ action: 'set', value: '2.5' }, 'On hand must be a whole number from 0 to 10,000,000.'],
      [{ action: 'add', value: '0' }, 'Give a whole number of units to add'],
      [{ action: 'add', value: '' }, 'Give a whole number of units to add'],
      [
        { action: 'threshold', value: '10000001' },
        'The threshold must be a whole number from 0 to 10,000,000.',
      ],
      [{ action: 'lead', value: '366' }, 'The lead time must be a whole number of days from 0 to 365.'],
      [{ action: 'drop', value: '1' }, 'That change is not one this page makes.'],
    ];
    for (const [fields, message] of cases) {
      const res = await client.post(`/console/stock/${sku}`, fields);
      expect({ fields, status: res.status }).toEqual({ fields, status: 400 });
      expect(res.text).toContain(message);
      expect(res.text).toContain('role="alert"');
    }
    expect(await product(sku)).toMatchObject({ onHand: 10, lowStockThreshold: 3, leadTimeDays: 7 });
  });

  test('When the inventory refuses a change, then the page says why as Slack and the API do, and nothing changes', async () => {
    const { sku } = await createProduct(app, { onHand: 10 });
    await placeOrder(app, [{ sku, quantity: 4 }]);
    const client = await signedIn(FRANKIE);
    await client.get(`/console/stock/${sku}`);
    const below = await client.post(`/console/stock/${sku}`, { action: 'set', value: '3' });
    expect(below.status).toBe(409);
    expect(below.text).toContain(
      `Not changed: ${sku}: 4 units are reserved by open orders; on hand cannot be set below that.`,
    );
    const over = await client.post(`/console/stock/${sku}`, { action: 'add', value: '-7' });
    expect(over.status).toBe(409);
    expect(over.text).toContain(`Not changed: ${sku}: only 6 available, cannot remove 7.`);
    expect(await product(sku)).toMatchObject({ onHand: 10, reserved: 4, available: 6 });

    expect((await client.post('/console/stock/NO-SUCH-SKU', { action: 'set', value: '1' })).status).toBe(404);
    expect((await client.get('/console/stock/NO-SUCH-SKU')).status).toBe(404);
  });

  test('When a product is created through the API with a lead time out of bounds, then it is refused; without one it is 7 days', async () => {
    for (const leadTimeDays of [366, -1, 2.5, '5']) {
      const res = await app.api('POST', '/api/v1/products', {
        sku: uniqueSku(),
        name: 'Lead',
        price: 100,
        onHand: 1,
        leadTimeDays,
      });
      expect({ leadTimeDays, status: res.status }).toEqual({ leadTimeDays, status: 400 });
    }
    const { sku } = await createProduct(app, { onHand: 1 });
    expect(await product(sku)).toMatchObject({ leadTimeDays: 7 });
  });
});
