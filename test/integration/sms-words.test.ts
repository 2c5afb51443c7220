import { countSegments } from '../../src/sms/segments.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { uniquePhone } from '../helpers/builders.js';
import { FakeSlack, randomId, slackEnv } from '../helpers/slack.js';
import { FakeTwilio, text, twilioEnv } from '../helpers/twilio.js';

/** SMS ORDER and ADD in the customer's own words, end to end through the signed webhook. */

let twilio: FakeTwilio;
let slack: FakeSlack;
let app: TestApp;

const CATALOGUE = [
  { sku: 'MUG-BLUE', name: 'Blue enamel mug', price: 1299, onHand: 40, aliases: ['blue mug', 'ספל כחול'] },
  { sku: 'MUG-RED', name: 'Red enamel mug', price: 1299, onHand: 25, aliases: ['red mug', 'ספל אדום'] },
  {
    sku: 'TOTE',
    name: 'Canvas tote bag',
    price: 1800,
    onHand: 30,
    aliases: ['tote', 'bag', 'תיק', 'תיק בד'],
  },
  { sku: 'CANDLE', name: 'Soy candle', price: 900, onHand: 2, aliases: ['candle', 'נר'] },
];

beforeAll(async () => {
  twilio = await new FakeTwilio().start();
  slack = await new FakeSlack().start();
  app = await startTestApp('sms-words', { ...twilioEnv(twilio), ...slackEnv(slack) }, { jobs: false });
  for (const p of CATALOGUE) expect((await app.api('POST', '/api/v1/products', p)).status).toBe(201);
});
afterAll(async () => {
  await app.close();
  await twilio.stop();
  await slack.stop();
});

const ordersOf = async (phone: string) =>
  (await app.api('GET', `/api/v1/orders?phone=${encodeURIComponent(phone)}`)).body.items as {
    channel: string;
    items: { sku: string; quantity: number }[];
  }[];
const lines = (order: { items: { sku: string; quantity: number }[] }) =>
  order.items.map((i) => ({ sku: i.sku, quantity: i.quantity })).sort((a, b) => a.sku.localeCompare(b.sku));
const draftOf = (phone: string) => app.raw('sms_drafts').findOne({ _id: phone as never });
const withinTwoSegments = (reply: string) => expect(countSegments(reply).segments).toBeLessThanOrEqual(2);

test('When a customer texts "ORDER 2 blue mugs and a tote", then the summary prices those lines and CONFIRM places them', async () => {
  const phone = uniquePhone();
  const summary = (await text(app.url, phone, 'ORDER 2 blue mugs and a tote')).reply;
  expect(summary).toContain('2x MUG-BLUE, 1x TOTE');
  expect(summary).toContain('Reply CONFIRM');
  withinTwoSegments(summary);
  expect((await ordersOf(phone)).length).toBe(0);
  expect((await text(app.url, phone, 'CONFIRM')).reply).toMatch(/^Order #\d+ placed/);
  const [order] = await ordersOf(phone);
  expect(order?.channel).toBe('sms');
  expect(order && lines(order)).toEqual([
    { sku: 'MUG-BLUE', quantity: 2 },
    { sku: 'TOTE', quantity: 1 },
  ]);
});

test('When a customer texts in Hebrew with aliases, "הזמנה 2 ספלים כחולים ותיק", then אישור places the same order', async () => {
  const phone = uniquePhone();
  const summary = (await text(app.url, phone, 'הזמנה 2 ספלים כחולים ותיק')).reply;
  expect(summary).toContain('2x MUG-BLUE, 1x TOTE');
  expect(summary).toContain('אישור');
  withinTwoSegments(summary);
  expect((await text(app.url, phone, 'אישור')).reply).toMatch(/^הזמנה #\d+ נקלטה/);
  const [order] = await ordersOf(phone);
  expect(order && lines(order)).toEqual([
    { sku: 'MUG-BLUE', quantity: 2 },
    { sku: 'TOTE', quantity: 1 },
  ]);
});

test('When "ORDER a mug" fits two products, then a numbered question comes back, "2" completes the draft, and CONFIRM places the red mug', async () => {
  const phone = uniquePhone();
  const question = (await text(app.url, phone, 'ORDER a mug')).reply;
  expect(question).toBe('Which "mug"? 1 Blue enamel mug, 2 Red enamel mug. Reply 1 or 2.');
  // Not yet a whole draft: CONFIRM asks the question again and places nothing.
  expect((await text(app.url, phone, 'CONFIRM')).reply).toBe(question);
  expect((await ordersOf(phone)).length).toBe(0);
  const summary = (await text(app.url, phone, '2')).reply;
  expect(summary).toContain('1x MUG-RED');
  expect(summary).toContain('Reply CONFIRM');
  expect((await text(app.url, phone, 'CONFIRM')).reply).toMatch(/^Order #\d+ placed/);
  const [order] = await ordersOf(phone);
  expect(order && lines(order)).toEqual([{ sku: 'MUG-RED', quantity: 1 }]);
});

test('When a Hebrew question is answered by name, then the Hebrew aliases are offered and "האדום" picks the red mug', async () => {
  const phone = uniquePhone();
  const question = (await text(app.url, phone, 'הזמנה שני ספלים ונר')).reply;
  expect(question).toBe('איזה "ספלים"? 1 ספל כחול, 2 ספל אדום. השיבו 1 או 2.');
  const summary = (await text(app.url, phone, 'האדום')).reply;
  expect(summary).toContain('2x MUG-RED');
  expect(summary).toContain('1x CANDLE');
});

test('When a Hebrew question is answered with a bare number, then the summary is in Hebrew too', async () => {
  const phone = uniquePhone();
  await text(app.url, phone, 'הזמנה ספל');
  const summary = (await text(app.url, phone, '1')).reply;
  expect(summary).toMatch(/^ההזמנה: 1x MUG-BLUE/);
});

test('When an answer picks nothing ("7", "green"), then the question is asked again and the draft waits', async () => {
  const phone = uniquePhone();
  const question = (await text(app.url, phone, 'ORDER a tote and 2 mugs')).reply;
  expect((await text(app.url, phone, '7')).reply).toBe(question);
  expect((await text(app.url, phone, 'green')).reply).toBe(question);
  const draft = await draftOf(phone);
  expect(draft?.items).toEqual([{ sku: 'TOTE', quantity: 1 }]);
  expect(draft?.questions).toEqual([{ phrase: 'mugs', quantity: 2, options: ['MUG-BLUE', 'MUG-RED'] }]);
  expect((await text(app.url, phone, 'blue')).reply).toContain('1x TOTE, 2x MUG-BLUE');
});

test('When Twilio delivers the same answer twice (one MessageSid), then the line is added once', async () => {
  const phone = uniquePhone();
  await text(app.url, phone, 'ORDER a mug');
  const sid = randomId('SM');
  const first = await text(app.url, phone, '1', { sid });
  const again = await text(app.url, phone, '1', { sid });
  expect(again.reply).toBe(first.reply);
  expect((await draftOf(phone))?.items).toEqual([{ sku: 'MUG-BLUE', quantity: 1 }]);
});

test('When words fit no product, then the reply names them with the closest product, and no draft is kept', async () => {
  const phone = uniquePhone();
  const reply = (await text(app.url, phone, 'ORDER 2 blue unicorns and a tote')).reply;
  expect(reply).toContain('"blue unicorns" (closest: Blue enamel mug)');
  withinTwoSegments(reply);
  expect(await draftOf(phone)).toBeNull();
  const he = (await text(app.url, phone, 'הזמנה פיצה')).reply;
  expect(he).toContain('"פיצה"');
});

test('When ADD names a product in words, or one that needs a question, then the draft grows the same way', async () => {
  const phone = uniquePhone();
  await text(app.url, phone, 'ORDER a tote');
  expect((await text(app.url, phone, 'ADD 2 blue mugs')).reply).toContain('1x TOTE, 2x MUG-BLUE');
  expect((await text(app.url, phone, 'ADD a mug')).reply).toBe(
    'Which "mug"? 1 Blue enamel mug, 2 Red enamel mug. Reply 1 or 2.',
  );
  expect((await text(app.url, phone, 'red')).reply).toContain('1x TOTE, 2x MUG-BLUE, 1x MUG-RED');
  expect((await text(app.url, phone, 'CONFIRM')).reply).toMatch(/^Order #\d+ placed/);
});

test('When more is asked than is in stock, then the answer that completes the draft says so and keeps nothing', async () => {
  const phone = uniquePhone();
  await text(app.url, phone, 'ORDER 3 candles, a mug');
  const reply = (await text(app.url, phone, '1')).reply;
  expect(reply).toContain('Not enough stock: CANDLE (2 left)');
  expect(await draftOf(phone)).toBeNull();
});

test('When a product is added through the API, then the next text can order it by its alias', async () => {
  const created = await app.api('POST', '/api/v1/products', {
    sku: 'HONEY',
    name: 'Wildflower honey jar',
    price: 1500,
    onHand: 10,
    aliases: ['honey', 'דבש'],
  });
  expect(created.status).toBe(201);
  const phone = uniquePhone();
  expect((await text(app.url, phone, 'הזמנה 2 דבש')).reply).toContain('2x HONEY');
  // And a rename of its aliases is known at once too.
  expect(
    (await app.api('PATCH', '/api/v1/products/HONEY', { aliases: ['jar of honey', 'צנצנת'] })).status,
  ).toBe(200);
  expect((await text(app.url, phone, 'ORDER a jar of honey')).reply).toContain('1x HONEY');
});
