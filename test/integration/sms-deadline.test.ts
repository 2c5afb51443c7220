import { startTestApp, type TestApp, testDatabaseUri } from '../helpers/app.js';
import { createProduct, uniquePhone } from '../helpers/builders.js';
import { settled } from '../helpers/delivery.js';
import { eventually } from '../helpers/eventually.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { FakeTwilio, text, twilioEnv } from '../helpers/twilio.js';

/**
 * Twilio waits 15 s for the reply to a text. The reply to CONFIRM is the order's "placed" message,
 * recorded as sent before it goes out; a slow database must not hold that answer past the
 * deadline (SMS_REPLY_DEADLINE, here 2 s), and the customer hears "placed" exactly once: in the
 * reply when it was recorded in time, else by a separate text. The database is slowed at the
 * network edge, by a proxy between the app and the database server.
 */

const DEADLINE_MS = 2_000;
const SLOW_MS = 6_000;

let twilio: FakeTwilio;
let proxy: TcpProxy;
let app: TestApp;
let sku: string;

beforeAll(async () => {
  twilio = await new FakeTwilio().start();
  const target = new URL(testDatabaseUri());
  proxy = await new TcpProxy().start({ host: target.hostname, port: Number(target.port) });
  app = await startTestApp(
    'smsdeadline',
    { ...twilioEnv(twilio), SMS_REPLY_DEADLINE: `${DEADLINE_MS / 1000} seconds`, BUSINESS_NAME: 'Cafe Levi' },
    { jobs: true, uri: proxy.uriFor(testDatabaseUri()) },
  );
  sku = (await createProduct(app, { onHand: 100 })).sku;
});
afterAll(async () => {
  proxy.fast();
  await app.close();
  await proxy.stop();
  await twilio.stop();
});

const orderOf = async (phone: string) =>
  (await app.api('GET', `/api/v1/orders?phone=${encodeURIComponent(phone)}`)).body.items[0];

/** What time does for an SMS order's "placed" text: the reply window passes, the sweep looks. */
async function replyWindowPassed(number: number): Promise<void> {
  await app
    .raw('orders')
    .updateOne({ _id: number as never }, { $set: { createdAt: new Date(Date.now() - 60_000) } });
  await app.deps.delivery.sweep();
  // Whatever was due has been sent, and the replies' own work is done.
  await settled(app);
}

test('When the database is slow just as the CONFIRM reply is being recorded, then the reply is empty TwiML within the deadline, and the customer gets the "placed" text exactly once', async () => {
  const phone = uniquePhone();
  expect((await text(app.url, phone, `ORDER 1 ${sku}`)).reply).toContain('CONFIRM');
  // From the reply's record on, every command waits 6 s.
  proxy.slowFrom('sms_messages', SLOW_MS);
  const started = Date.now();
  const confirm = await text(app.url, phone, 'CONFIRM');
  const took = Date.now() - started;
  proxy.fast();

  expect(confirm.status).toBe(200);
  expect(confirm.reply).toBe('');
  expect(took).toBeLessThan(DEADLINE_MS + 1_500);
  const order = await orderOf(phone);
  expect(order.status).toBe('pending_approval');

  // The late record lands after the answer went out empty: it must not count as the message.
  const key = `${order.number}:placed`;
  await eventually(
    () => app.raw('sms_messages').findOne({ _id: key as never }),
    (m) => m?.status === 'pending' && m?.lostReply !== undefined,
    { what: 'the reply recorded as lost', ms: 20_000 },
  );
  await replyWindowPassed(order.number);
  const sent = await twilio.waitFor((s) => s.find((m) => m.to === phone), 'the placed text');
  expect(sent.body).toContain(`#${order.number}`);
  await replyWindowPassed(order.number);
  expect(twilio.to(phone)).toHaveLength(1);
  expect((await app.raw('orders').findOne({ _id: order.number as never }))?.effects ?? []).toEqual([]);
}, 60_000);

test('When the database answers in time, then the CONFIRM reply carries "placed" and no separate text is sent', async () => {
  const phone = uniquePhone();
  await text(app.url, phone, `ORDER 1 ${sku}`);
  const confirm = await text(app.url, phone, 'CONFIRM');
  expect(confirm.reply).toMatch(/placed/i);
  const order = await orderOf(phone);
  expect(confirm.reply).toContain(`#${order.number}`);
  await eventually(
    async () => (await app.raw('orders').findOne({ _id: order.number as never }))?.effects ?? [],
    (effects) => !effects.includes('sms:placed'),
    { what: 'the placed message settled' },
  );
  await replyWindowPassed(order.number);
  expect(twilio.to(phone)).toEqual([]);
  expect(await app.raw('sms_messages').findOne({ _id: `${order.number}:placed` as never })).toMatchObject({
    status: 'replied',
  });
}, 30_000);

test('When recording the CONFIRM reply fails, then the reply is empty TwiML and the customer gets the "placed" text exactly once', async () => {
  const phone = uniquePhone();
  await text(app.url, phone, `ORDER 1 ${sku}`);
  // The database connection is cut just as the reply's record is sent (its update sets `replied`),
  // not at another command on sms_messages that happens to come first (a delivery in the background).
  proxy.cutAt('sms_messages', 'replied');
  const confirm = await text(app.url, phone, 'CONFIRM');
  expect(confirm.status).toBe(200);
  expect(confirm.reply).toBe('');
  // The driver reconnects (until then the API answers 503).
  await eventually(() => app.deps.health.up(), Boolean, { what: 'the database back', ms: 20_000 });
  const order = await orderOf(phone);
  await eventually(
    () => app.raw('sms_messages').findOne({ _id: `${order.number}:placed` as never }),
    (m) => m?.status === 'pending' && m?.lostReply !== undefined,
    { what: 'the reply recorded as lost', ms: 20_000 },
  );
  await replyWindowPassed(order.number);
  const sent = await twilio.waitFor((s) => s.find((m) => m.to === phone), 'the placed text');
  expect(sent.body).toContain(`#${order.number}`);
  await replyWindowPassed(order.number);
  expect(twilio.to(phone)).toHaveLength(1);
}, 60_000);
