import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, placeOrder, uniquePhone } from '../helpers/builders.js';
import { FakeTwilio, text, twilioEnv } from '../helpers/twilio.js';

/**
 * "SMS abuse": SMS_RATE_LIMIT texts a minute per phone (one notice over it, then no paid
 * reply) and SMS_MAX_OPEN_ORDERS open orders placed by text per phone.
 */

const PER_MINUTE = 10;
const MAX_OPEN = 3;

let twilio: FakeTwilio;
let app: TestApp;
beforeAll(async () => {
  twilio = await new FakeTwilio().start();
  app = await startTestApp('smslimits', {
    ...twilioEnv(twilio),
    SMS_RATE_LIMIT: String(PER_MINUTE),
    SMS_MAX_OPEN_ORDERS: String(MAX_OPEN),
  });
});
afterAll(async () => {
  await app.close();
  await twilio.stop();
});

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const TOO_FAST = /^Too many texts from this number\. Please wait \d+ seconds, then try again\.$/;
const product = async (sku: string) => (await app.api('GET', `/api/v1/products/${sku}`)).body;
const draftOf = (phone: string) => app.raw('sms_drafts').findOne({ _id: phone as never });
const claims = (sids: string[]) =>
  app.raw('processed_requests').countDocuments({ _id: { $in: sids.map((s) => `sms:${s}`) } as never });

async function placeByText(phone: string, sku: string, quantity = 1): Promise<number> {
  expect((await text(app.url, phone, `ORDER ${quantity} ${sku}`)).reply).toContain('CONFIRM');
  const placed = await text(app.url, phone, 'CONFIRM');
  const number = Number(/#(\d+)/.exec(placed.reply)?.[1]);
  if (!number) throw new Error(`not placed: ${placed.reply}`);
  return number;
}

test('When a phone sends 30 ORDER texts at once, then 10 are answered, one gets the over-limit notice, the rest get an empty answer, and nothing is stored for the refused ones', async () => {
  const { sku } = await createProduct(app, { onHand: 100 });
  const phone = uniquePhone();

  const results = await Promise.all(
    Array.from({ length: 30 }, () => text(app.url, phone, `ORDER 100 ${sku}`)),
  );

  expect(results.every((r) => r.status === 200)).toBe(true);
  const answered = results.filter((r) => r.reply.includes('Reply CONFIRM'));
  const notices = results.filter((r) => TOO_FAST.test(r.reply));
  const silent = results.filter((r) => r.twiml === EMPTY_TWIML);
  expect([answered.length, notices.length, silent.length]).toEqual([PER_MINUTE, 1, 30 - PER_MINUTE - 1]);
  // The answered ones went through once-per-MessageSid as usual; the refused left no claim.
  expect(await claims(answered.map((r) => r.sid))).toBe(PER_MINUTE);
  expect(await claims([...notices, ...silent].map((r) => r.sid))).toBe(0);

  // Still over the limit: CONFIRM is refused in silence and places nothing; the draft is untouched.
  const confirm = await text(app.url, phone, 'CONFIRM');
  expect(confirm.twiml).toBe(EMPTY_TWIML);
  expect(await claims([confirm.sid])).toBe(0);
  expect(await product(sku)).toMatchObject({ reserved: 0, available: 100 });
  expect(await app.raw('orders').countDocuments({ 'customer.phone': phone })).toBe(0);
  expect(await draftOf(phone)).toMatchObject({ items: [{ sku, quantity: 100 }] });
  expect(twilio.to(phone)).toEqual([]);

  // Another phone is not affected by the flood.
  const other = uniquePhone();
  const number = await placeByText(other, sku, 2);
  expect((await app.api('GET', `/api/v1/orders/${number}`)).body).toMatchObject({
    channel: 'sms',
    customer: { phone: other },
  });
  expect(await product(sku)).toMatchObject({ reserved: 2 });
});

test('When a phone over the limit texts STOP and START, then both are honoured and confirmed, while other texts stay unanswered; a Hebrew text gets the notice in Hebrew', async () => {
  const phone = uniquePhone();
  for (let i = 0; i < PER_MINUTE; i++) expect((await text(app.url, phone, 'HELP')).reply).toContain('STATUS');
  const notice = await text(app.url, phone, 'עזרה');
  expect(notice.reply).toMatch(/^יותר מדי הודעות מהמספר הזה\. נסו שוב בעוד \d+ שניות\.$/);
  expect((await text(app.url, phone, 'HELP')).twiml).toBe(EMPTY_TWIML);
  expect((await text(app.url, phone, 'STATUS')).twiml).toBe(EMPTY_TWIML);

  const stop = await text(app.url, phone, 'STOP');
  expect(stop.reply).toContain('unsubscribed');
  expect(await app.deps.customers.findByPhone(phone)).toMatchObject({ optedOut: true });

  const start = await text(app.url, phone, 'START');
  expect(start.reply).toContain('subscribed');
  expect(await app.deps.customers.findByPhone(phone)).toMatchObject({ optedOut: false });

  // STOP and START did not open the gate for anything else.
  expect((await text(app.url, phone, 'HELP')).twiml).toBe(EMPTY_TWIML);
});

test('When a phone already has 3 open orders placed by text, then a new CONFIRM and a new ORDER are refused saying so, nothing is reserved, and the waiting draft can be confirmed once an order is cancelled', async () => {
  const { sku } = await createProduct(app, { onHand: 100 });
  const phone = uniquePhone();
  const first = await placeByText(phone, sku);
  await placeByText(phone, sku);
  expect((await text(app.url, phone, `ORDER 5 ${sku}`)).reply).toContain('CONFIRM');
  // The third open order arrives while the draft waits (an SMS order relayed through the API).
  await placeOrder(app, [{ sku, quantity: 1 }], { channel: 'sms', customer: { name: 'Dana', phone } });
  expect(await product(sku)).toMatchObject({ reserved: 3 });

  const confirm = await text(app.url, phone, 'CONFIRM');
  expect(confirm.reply).toBe(
    'You already have 3 open orders by text (at most 3 at a time). Text STATUS to see them; ' +
      'you can order again once one ships or is cancelled.',
  );
  const order = await text(app.url, phone, `ORDER 1 ${sku}`);
  expect(order.reply).toBe(confirm.reply);
  expect(await product(sku)).toMatchObject({ reserved: 3, available: 97 });
  expect(await app.raw('orders').countDocuments({ 'customer.phone': phone })).toBe(3);
  expect(await draftOf(phone)).toMatchObject({ items: [{ sku, quantity: 5 }] });

  expect((await text(app.url, phone, `CANCEL ${first}`)).reply).toContain('cancelled');
  const placed = await text(app.url, phone, 'CONFIRM');
  expect(placed.reply).toMatch(/^Order #\d+ placed/);
  expect(await product(sku)).toMatchObject({ reserved: 3 - 1 + 5 });

  // Another phone orders as usual meanwhile.
  await placeByText(uniquePhone(), sku);
});

test('When only orders placed another way are open, then they do not count against the text limit', async () => {
  const { sku } = await createProduct(app, { onHand: 100 });
  const phone = uniquePhone();
  for (let i = 0; i < MAX_OPEN; i++) {
    await placeOrder(app, [{ sku, quantity: 1 }], { channel: 'phone', customer: { name: 'Dana', phone } });
  }
  await placeByText(phone, sku);
  expect(await app.raw('orders').countDocuments({ 'customer.phone': phone })).toBe(MAX_OPEN + 1);
});

test('When SMS_RATE_LIMIT and SMS_MAX_OPEN_ORDERS are 0, then every text is answered and any number of orders may be open', async () => {
  const unlimited = await startTestApp('smsnolimits', {
    ...twilioEnv(twilio),
    SMS_RATE_LIMIT: '0',
    SMS_MAX_OPEN_ORDERS: '0',
  });
  try {
    const { sku } = await createProduct(unlimited, { onHand: 100 });
    const phone = uniquePhone();
    for (let i = 0; i < MAX_OPEN + 2; i++) {
      expect((await text(unlimited.url, phone, `ORDER 1 ${sku}`)).reply).toContain('CONFIRM');
      expect((await text(unlimited.url, phone, 'CONFIRM')).reply).toMatch(/^Order #\d+ placed/);
    }
    const helps = await Promise.all(Array.from({ length: 15 }, () => text(unlimited.url, phone, 'HELP')));
    expect(helps.every((r) => r.reply.includes('STATUS'))).toBe(true);
  } finally {
    await unlimited.close();
  }
});
