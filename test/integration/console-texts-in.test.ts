import type { CommandStartedEvent, Db, MongoClient } from 'mongodb';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, placeOrder, uniquePhone } from '../helpers/builders.js';
import { ConsoleClient } from '../helpers/console.js';
import { eventually } from '../helpers/eventually.js';
import { FakeTwilio, text, twilioEnv } from '../helpers/twilio.js';

/**
 * Every text a customer sends and gets an answer to is on the console's timelines: the customer's
 * page shows all of that phone's texts, an order's page those that named the order. The records
 * are written in batches after the reply (src/sms/text-log.ts), so the tests wait for them.
 */

const PER_MINUTE = 8;
const KEY = 'console-key-0123456789';
const DAY_MS = 24 * 3600_000;

let twilio: FakeTwilio;
let app: TestApp;
let sku: string;
let client: ConsoleClient;

function env(): Record<string, string> {
  return {
    ...twilioEnv(twilio),
    SMS_RATE_LIMIT: String(PER_MINUTE),
    CONSOLE_API_KEY: `desk:${KEY}:read`,
  };
}

beforeAll(async () => {
  twilio = await new FakeTwilio().start();
  app = await startTestApp('consoletextsin', env());
  sku = (await createProduct(app, { onHand: 100 })).sku;
  client = new ConsoleClient(app.url);
  expect((await client.signIn({ key: KEY })).status).toBe(303);
});
afterAll(async () => {
  await app.close();
  await twilio.stop();
});

const stored = (filter: Record<string, unknown>) => app.raw('inbound_texts').find(filter).toArray();
/** Waits until the records of these MessageSids are written. */
const written = (sids: string[]) =>
  eventually(
    () => app.raw('inbound_texts').countDocuments({ _id: { $in: sids } as never }),
    (count) => count === sids.length,
    { what: `the records of ${sids.length} texts` },
  );

/** The inbound-text entries of a page's timeline, as shown. */
async function textsShown(path: string): Promise<string[]> {
  const page = await client.get(path);
  expect(page.status).toBe(200);
  const timeline = page.text.slice(page.text.indexOf('class="timeline"'));
  return [...timeline.matchAll(/<li class="event text_in">([\s\S]*?)<\/li>/g)].map((m) => m[1] as string);
}
const customerPath = (phone: string) => `/console/customers/${encodeURIComponent(phone)}`;
const said = (entries: string[], body: string) =>
  entries.filter((e) => e.includes(`<q dir="auto">${body}</q>`)).length;

test('When a customer texts STATUS of an order, HELP, ORDER and CONFIRM (one redelivered), then their page shows each once and each order page the texts that named it', async () => {
  const phone = uniquePhone();
  const customer = { name: 'Dana Levi', phone };
  const first = (await placeOrder(app, [{ sku, quantity: 1 }], { customer })) as { number: number };
  const second = (await placeOrder(app, [{ sku, quantity: 2 }], { customer })) as { number: number };

  const status = await text(app.url, phone, `STATUS ${first.number}`);
  expect(status.reply).toContain(`#${first.number}`);
  await written([status.sid]);
  // Redelivered after its record was written: the batch it lands in still writes the others.
  expect((await text(app.url, phone, `STATUS ${first.number}`, { sid: status.sid })).status).toBe(200);
  const help = await text(app.url, phone, 'HELP');
  const ordered = await text(app.url, phone, `ORDER 1 ${sku}`);
  expect(ordered.reply).toContain('CONFIRM');
  const confirm = await text(app.url, phone, 'CONFIRM');
  const placed = Number(/#(\d+)/.exec(confirm.reply)?.[1]);
  expect(placed).toBeGreaterThan(0);
  const other = await text(app.url, phone, `STATUS ${second.number}`);
  await written([help.sid, ordered.sid, confirm.sid, other.sid]);

  expect(await stored({ _id: status.sid })).toEqual([
    {
      _id: status.sid,
      phone,
      body: `STATUS ${first.number}`,
      asked: 'status',
      order: first.number,
      at: expect.any(Date),
    },
  ]);
  expect(await stored({ _id: confirm.sid })).toMatchObject([{ asked: 'confirm', order: placed }]);
  expect((await stored({ _id: help.sid }))[0]).not.toHaveProperty('order');

  const onCustomer = await textsShown(customerPath(phone));
  expect(onCustomer).toHaveLength(5);
  for (const body of [
    `STATUS ${first.number}`,
    'HELP',
    `ORDER 1 ${sku}`,
    'CONFIRM',
    `STATUS ${second.number}`,
  ])
    expect(said(onCustomer, body)).toBe(1);
  expect(onCustomer.join('\n')).toContain(
    'Customer texted: <q dir="auto">HELP</q> <span class="note">(help)</span>',
  );
  // The texts that named an order link to it.
  expect(onCustomer.find((e) => e.includes('CONFIRM'))).toContain(`href="/console/orders/${placed}"`);

  const onFirst = await textsShown(`/console/orders/${first.number}`);
  expect(onFirst).toHaveLength(1);
  expect(said(onFirst, `STATUS ${first.number}`)).toBe(1);
  const onPlaced = await textsShown(`/console/orders/${placed}`);
  expect(onPlaced.map((e) => said([e], 'CONFIRM'))).toEqual([1]);

  // In time order with the rest of the timeline.
  const page = (await client.get(customerPath(phone))).text;
  const times = [...page.slice(page.indexOf('class="timeline"')).matchAll(/datetime="([^"]+)"/g)].map(
    (m) => m[1] as string,
  );
  expect(times).toEqual([...times].sort());
});

test('When a batch holds a record already stored (a redelivery), then the others are written, the stored one is left as it was and filed once', async () => {
  const phone = uniquePhone();
  const first = { sid: `SM${Date.now()}a`, phone, body: 'HELP', asked: 'help', at: new Date() };
  expect(await app.repos.inboundTexts.insertMany([first])).toBe(1);
  const next = { ...first, sid: `SM${Date.now()}b`, body: 'STATUS' };
  expect(await app.repos.inboundTexts.insertMany([{ ...first, body: 'again' }, next])).toBe(1);
  const rows = await stored({ _id: { $in: [first.sid, next.sid] } });
  expect(rows.map((r) => [r._id, r.body]).sort()).toEqual([
    [first.sid, 'HELP'],
    [next.sid, 'STATUS'],
  ]);
  expect(await app.raw('phone_texts').findOne({ _id: phone as never })).toEqual({
    _id: phone,
    sids: [first.sid, next.sid],
  });
});

test('When a phone has sent more texts than a page shows, then its page shows the latest 50', async () => {
  const phone = uniquePhone();
  const start = Date.now() - 300_000;
  const many = Array.from({ length: 55 }, (_, i) => ({
    sid: `SM${start}n${i}`,
    phone,
    body: `HELP ${i}`,
    asked: 'help',
    at: new Date(start + i * 1000),
  }));
  await app.repos.inboundTexts.insertMany(many);
  const shown = await textsShown(customerPath(phone));
  expect(shown).toHaveLength(50);
  expect(said(shown, 'HELP 4')).toBe(0);
  expect(said(shown, 'HELP 5')).toBe(1);
  expect(said(shown, 'HELP 54')).toBe(1);
});

test('When an order’s page and its customer’s page are read, then the texts are found by key (`_id`), never by a scan', async () => {
  const phone = uniquePhone();
  const order = (await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Dana', phone } })) as {
    number: number;
  };
  await written([(await text(app.url, phone, `STATUS ${order.number}`)).sid]);
  const finds: Record<string, unknown>[] = [];
  const driver = app.db.connection.getClient() as unknown as MongoClient;
  const watch = (e: CommandStartedEvent) => {
    if (['inbound_texts', 'phone_texts', 'order_texts'].includes(String(e.command.find)))
      finds.push(e.command.filter);
  };
  driver.on('commandStarted', watch);
  try {
    expect(await textsShown(`/console/orders/${order.number}`)).toHaveLength(1);
    expect(await textsShown(customerPath(phone))).toHaveLength(1);
  } finally {
    driver.off('commandStarted', watch);
  }
  expect(finds.length).toBeGreaterThanOrEqual(4);
  for (const filter of finds) expect(Object.keys(filter)).toEqual(['_id']);
});

test('When another phone asks for the status of an order, then the text is on that phone’s page, linked to the order, and not on the order’s page', async () => {
  const owner = uniquePhone();
  const stranger = uniquePhone();
  const order = (await placeOrder(app, [{ sku, quantity: 1 }], {
    customer: { name: 'Noa', phone: owner },
  })) as { number: number };
  const asked = await text(app.url, stranger, `STATUS ${order.number}`);
  await written([asked.sid]);
  expect(await textsShown(`/console/orders/${order.number}`)).toEqual([]);
  const onStranger = await textsShown(customerPath(stranger));
  expect(onStranger).toHaveLength(1);
  expect(onStranger[0]).toContain(`href="/console/orders/${order.number}"`);
});

test('When a phone texts past its per-minute limit, then only the answered texts are recorded', async () => {
  const phone = uniquePhone();
  const answered = [];
  for (let i = 0; i < PER_MINUTE; i++) answered.push(await text(app.url, phone, 'HELP'));
  const notice = await text(app.url, phone, 'HELP');
  expect(notice.reply).toMatch(/Too many texts/);
  const silent = await text(app.url, phone, 'HELP');
  expect(silent.reply).toBe('');
  await written(answered.map((r) => r.sid));
  // The refused never entered the buffer: once it is written out, neither is stored.
  await app.deps.textLog.flush();
  expect(await stored({ _id: { $in: [notice.sid, silent.sid] } })).toEqual([]);
  expect(await textsShown(customerPath(phone))).toHaveLength(PER_MINUTE);
});

test('When a text carries markup, then the page shows it as text; a phone that only texted has a page', async () => {
  const phone = uniquePhone();
  const hostile = await text(app.url, phone, '<script>alert(1)</script> & "hi"');
  await written([hostile.sid]);
  const page = await client.get(customerPath(phone));
  expect(page.status).toBe(200);
  expect(page.text).toContain('<q dir="auto">&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;hi&quot;</q>');
  expect(page.text).not.toContain('<script>alert(1)');
});

test('When the console is in Hebrew, then a customer’s text is shown with the Hebrew words', async () => {
  const phone = uniquePhone();
  const asked = await text(app.url, phone, 'סטטוס');
  await written([asked.sid]);
  const hebrew = new ConsoleClient(app.url);
  await hebrew.signIn({ key: KEY });
  await hebrew.get('/console/board');
  expect((await hebrew.post('/console/language', { lang: 'he', next: '/console/board' })).status).toBe(303);
  const page = await hebrew.get(customerPath(phone));
  expect(page.text).toContain('הודעה מהלקוח: <q dir="auto">סטטוס</q>');
});

test('When the app stops (SIGTERM), then the texts still waiting for their batch are written first', async () => {
  const stopping = await startTestApp('consoletextsinstop', env());
  const records = (app.db.connection.getClient().db(stopping.dbName) as unknown as Db).collection(
    'inbound_texts',
  );
  try {
    const asked = await text(stopping.url, uniquePhone(), 'HELP');
    expect(stopping.deps.textLog.waiting()).toBe(1);
    await stopping.stop();
    expect(await records.countDocuments({ _id: asked.sid as never })).toBe(1);
  } finally {
    await app.db.connection.getClient().db(stopping.dbName).dropDatabase();
    await stopping.stop();
  }
});

test('When the daily housekeeping runs, then customers’ texts older than 400 days are deleted and newer ones kept, and long lists are cut to their latest', async () => {
  const phone = uniquePhone();
  const asked = await text(app.url, phone, 'HELP');
  await written([asked.sid]);
  const long = uniquePhone();
  const sids = Array.from({ length: 210 }, (_, i) => `SMlong${i}`);
  await app.raw('phone_texts').insertOne({ _id: long as never, sids });
  await app.deps.housekeeping.purge(new Date(Date.now() + 399 * DAY_MS));
  expect(await stored({ _id: asked.sid })).toHaveLength(1);
  expect((await app.raw('phone_texts').findOne({ _id: long as never }))?.sids).toEqual(sids.slice(10));
  const { texts } = await app.deps.housekeeping.purge(new Date(Date.now() + 401 * DAY_MS));
  expect(texts).toBeGreaterThanOrEqual(1);
  expect(await stored({ _id: asked.sid })).toEqual([]);
});
