import twilioLib from 'twilio';
import { countSegments } from '../../src/sms/segments.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { act, createProduct, placeOrder, uniquePhone, walk } from '../helpers/builders.js';
import { makeNextTryTheLast, settled, staffToldOfGiveUp } from '../helpers/delivery.js';
import { eventually } from '../helpers/eventually.js';
import { FakeSlack, randomId, slackEnv } from '../helpers/slack.js';
import {
  AUTH_TOKEN,
  FakeTwilio,
  OUR_NUMBER,
  PUBLIC_URL,
  postTwilio,
  text,
  twilioEnv,
} from '../helpers/twilio.js';

let twilio: FakeTwilio;
let slack: FakeSlack;
let app: TestApp;
let sku: string;

beforeAll(async () => {
  twilio = await new FakeTwilio().start();
  slack = await new FakeSlack().start();
  app = await startTestApp(
    'sms',
    { ...twilioEnv(twilio), ...slackEnv(slack), JOB_POLL_INTERVAL: '1 second', BUSINESS_NAME: 'Cafe Levi' },
    { jobs: true },
  );
  sku = (
    await createProduct(app, {
      sku: `MUG-${Date.now() % 100000}`,
      name: 'Blue mug',
      price: 1250,
      onHand: 100,
    })
  ).sku;
});
afterAll(async () => {
  await app.close();
  await twilio.stop();
  await slack.stop();
});

const hebrew = /[\u0590-\u05FF]/;
const product = async (s: string) => (await app.api('GET', `/api/v1/products/${s}`)).body;
const orderOf = async (n: number) => (await app.api('GET', `/api/v1/orders/${n}`)).body;
const customer = (phone: string) => app.deps.customers.findByPhone(phone);

describe('webhook security', () => {
  test.each([
    ['no signature', { unsigned: true }],
    ['a signature made with another token', { token: 'not-our-token-0123456789' }],
    ['a signature over the Host-header URL instead of PUBLIC_URL', { publicUrl: 'http://127.0.0.1' }],
  ])('When an SMS webhook comes with %s, then it gets 403 and does nothing', async (_what, opts) => {
    const phone = uniquePhone();
    const res = await text(app.url, phone, 'STOP', opts);
    expect(res.status).toBe(403);
    expect(await customer(phone)).toBeNull();
  });

  test('When a status callback is unsigned, then it gets 403', async () => {
    const res = await postTwilio(
      app.url,
      '/twilio/sms/status',
      { MessageSid: 'SM1', MessageStatus: 'delivered' },
      { unsigned: true },
    );
    expect(res.status).toBe(403);
  });
});

describe('keywords', () => {
  test('When a customer texts HELP or עזרה, then the commands come back in that language as TwiML within 2 segments', async () => {
    const en = await text(app.url, uniquePhone(), '  help ');
    expect(en.status).toBe(200);
    expect(en.twiml).toMatch(/^<\?xml.*<Response><Message>/);
    expect(en.reply).toContain('STATUS');
    expect(en.reply).toContain('CONFIRM');
    const he = await text(app.url, uniquePhone(), 'עזרה');
    expect(he.reply).toMatch(hebrew);
    expect(he.reply).toContain('אישור');
    for (const r of [en, he]) expect(countSegments(r.reply).segments).toBeLessThanOrEqual(2);
  });

  test('When the owner asks STATUS in any form, then they get status and items; a stranger gets exactly the reply for an order that does not exist', async () => {
    const owner = uniquePhone();
    const order = await placeOrder(app, [{ sku, quantity: 2 }], { customer: { name: 'Dana', phone: owner } });
    for (const body of [
      `STATUS ${order.number}`,
      `status #${order.number}`,
      `${order.number}`,
      ` Status  ${order.number}. `,
    ]) {
      const { reply } = await text(app.url, owner, body);
      expect(reply).toContain(`#${order.number}`);
      expect(reply).toContain(sku);
    }
    const he = await text(app.url, owner, `סטטוס ${order.number}`);
    expect(he.reply).toMatch(hebrew);
    expect(he.reply).toContain(`${order.number}`);

    const stranger = uniquePhone();
    const theirs = await text(app.url, stranger, `STATUS ${order.number}`);
    const missing = await text(app.url, stranger, 'STATUS 99999999');
    const ownMissing = await text(app.url, owner, 'STATUS 99999999');
    expect(theirs.reply).toBe(missing.reply);
    expect(ownMissing.reply).toBe(missing.reply);
    expect(theirs.reply).not.toContain(sku);
  });

  test('When a customer texts STATUS alone, then they get their recent orders', async () => {
    const phone = uniquePhone();
    const a = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Avi', phone } });
    const b = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Avi', phone } });
    const { reply } = await text(app.url, phone, 'STATUS');
    expect(reply).toContain(`#${a.number}`);
    expect(reply).toContain(`#${b.number}`);
    expect((await text(app.url, uniquePhone(), 'status')).reply).toBe(
      (await text(app.url, uniquePhone(), 'STATUS 99999999')).reply,
    );
  });

  test('When a customer texts ORDER, then they get the priced summary and nothing is reserved; CONFIRM places it for approval; a lone YES is not a confirmation', async () => {
    const phone = uniquePhone();
    const before = (await product(sku)).available;
    const summary = await text(app.url, phone, `order 2 ${sku.toLowerCase()}`);
    expect(summary.reply).toContain('$25.00');
    expect(summary.reply).toContain('CONFIRM');
    expect((await product(sku)).available).toBe(before);

    const yes = await text(app.url, phone, 'YES');
    expect(yes.reply).not.toMatch(/placed/i);
    expect(
      (await app.api('GET', `/api/v1/orders?phone=${encodeURIComponent(phone)}`)).body.items,
    ).toHaveLength(0);

    const placed = await text(app.url, phone, 'Confirm');
    const number = Number(placed.reply.match(/#(\d+)/)?.[1]);
    const order = await orderOf(number);
    expect(order).toMatchObject({
      channel: 'sms',
      status: 'pending_approval',
      items: [{ sku, quantity: 2 }],
      customer: { phone },
    });
    expect((await product(sku)).available).toBe(before - 2);
    // Routed for approval like any other order.
    await slack.waitFor(
      (calls) =>
        calls.find((c) => c.method === 'chat.postMessage' && JSON.stringify(c.body).includes(`#${number}`)),
      'the approval request',
    );

    const again = await text(app.url, phone, 'CONFIRM');
    expect(again.reply).toMatch(/nothing to confirm/i);
  });

  test('When a message has no words (just a number), then the reply is in the customer’s saved language', async () => {
    const phone = uniquePhone();
    const order = await placeOrder(app, [{ sku, quantity: 1 }], {
      customer: { name: 'Hila', phone, language: 'he' },
    });
    expect((await text(app.url, phone, `${order.number}`)).reply).toMatch(hebrew);
    expect((await text(app.url, uniquePhone(), `${order.number}`)).reply).not.toMatch(hebrew);
  });

  test('When a customer orders in Hebrew, then the summary and the confirmation are in Hebrew', async () => {
    const phone = uniquePhone();
    const summary = await text(app.url, phone, `הזמנה 1 ${sku}`);
    expect(summary.reply).toMatch(hebrew);
    const placed = await text(app.url, phone, 'אישור');
    expect(placed.reply).toMatch(hebrew);
    expect(placed.reply).toMatch(/#?\d{4,}/);
    // The reply to CONFIRM is the confirmation: no second "placed" text, and none left due.
    await settled(app);
    expect(twilio.to(phone)).toEqual([]);
    const number = Number(placed.reply.match(/(\d{4,})/)?.[1]);
    expect((await app.raw('orders').findOne({ _id: number as never }))?.effects ?? []).toEqual([]);
    expect((await customer(phone))?.language).toBe('he');
  });

  test('When the CONFIRM reply went out, then it counts as the "placed" message: recorded as replied, nothing left due', async () => {
    const phone = uniquePhone();
    await text(app.url, phone, `ORDER 1 ${sku}`);
    const placed = await text(app.url, phone, 'CONFIRM');
    const number = Number(placed.reply.match(/#(\d+)/)?.[1]);
    await eventually(async () => (await app.repos.smsMessages.get(`${number}:placed`))?.status === 'replied');
    await eventually(
      async () => ((await app.raw('orders').findOne({ _id: number as never }))?.effects ?? []).length === 0,
    );
    expect(twilio.to(phone)).toEqual([]);
  });

  test('When the process died before the CONFIRM reply went out, then the "placed" text is sent once the reply window has passed', async () => {
    const phone = uniquePhone();
    // What a kill between storing the order and answering leaves: an SMS order whose "placed"
    // message is still due (the reply was never recorded as sent).
    const order = (
      await app.deps.orders.place(
        {
          channel: 'sms',
          externalId: randomId('SM'),
          customer: { name: phone, phone },
          items: [{ sku, quantity: 1 }],
        },
        { by: phone, channel: 'sms' },
      )
    ).order;
    // Delivery has looked at it and is waiting out the reply window.
    await settled(app);
    expect(twilio.to(phone)).toEqual([]);
    // Once Twilio's 15 s for the reply are long over, the sweep texts it.
    await app
      .raw('orders')
      .updateOne({ _id: order.number as never }, { $set: { createdAt: new Date(Date.now() - 60_000) } });
    await app.deps.delivery.sweep();
    const sent = await twilio.waitFor((s) => s.find((m) => m.to === phone), 'the placed text');
    expect(sent.body).toContain(`#${order.number}`);
    await app.deps.delivery.sweep();
    await settled(app);
    expect(twilio.to(phone)).toHaveLength(1);
  });

  test('When an ORDER names an unknown SKU or more than is in stock, or cannot be read, then the reply says so and no draft is kept', async () => {
    const phone = uniquePhone();
    expect((await text(app.url, phone, 'ORDER 1 NOPE-404')).reply).toContain('NOPE-404');
    const scarce = await createProduct(app, { onHand: 3 });
    const short = (await text(app.url, phone, `ORDER 2 ${scarce.sku}, 2 ${scarce.sku}`)).reply;
    expect(short).toContain(scarce.sku);
    expect(short).toContain('3');
    expect((await text(app.url, phone, 'ORDER please send mugs')).reply).toContain('ORDER 2');
    expect((await text(app.url, phone, 'CONFIRM')).reply).toMatch(/nothing to confirm/i);
  });

  test('When a draft is older than 30 minutes, then CONFIRM says it expired and places nothing', async () => {
    const phone = uniquePhone();
    await text(app.url, phone, `ORDER 1 ${sku}`);
    await app
      .raw('sms_drafts')
      .updateOne({ _id: phone as never }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await text(app.url, phone, 'CONFIRM')).reply).toMatch(/expired/i);
    expect(
      (await app.api('GET', `/api/v1/orders?phone=${encodeURIComponent(phone)}`)).body.items,
    ).toHaveLength(0);
  });

  test('When the owner texts CANCEL <n>, then it is cancelled; after shipping it is refused with an explanation; a stranger gets "no order found"', async () => {
    const phone = uniquePhone();
    const a = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Noa', phone } });
    const stranger = await text(app.url, uniquePhone(), `CANCEL ${a.number}`);
    expect(stranger.reply).toBe((await text(app.url, uniquePhone(), 'STATUS 99999999')).reply);
    expect((await orderOf(a.number)).status).toBe('pending_approval');

    await slack.waitFor(
      (calls) =>
        calls.find((c) => c.method === 'chat.postMessage' && JSON.stringify(c.body).includes(`#${a.number}`)),
      'the approval request',
    );
    expect((await text(app.url, phone, `cancel ${a.number}`)).reply).toBe(`Order #${a.number} is cancelled.`);
    // Staff see it in Slack too: the approval message now says who cancelled (the customer's phone).
    await slack.waitFor(
      (calls) =>
        calls.find(
          (c) =>
            c.method === 'chat.update' &&
            JSON.stringify(c.body).includes(`#${a.number}`) &&
            JSON.stringify(c.body).includes('Cancelled'),
        ),
      'the approval message showing the cancellation',
    );
    const cancelled = await orderOf(a.number);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.history.at(-1)).toMatchObject({ action: 'cancel', by: phone, channel: 'sms' });

    const b = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Noa', phone } });
    await walk(app, b.number, ['approve', 'start_picking', 'pack', 'ship']);
    const refused = await text(app.url, phone, `ביטול ${b.number}`);
    expect(refused.reply).toMatch(hebrew);
    expect((await orderOf(b.number)).status).toBe('shipped');
    expect((await text(app.url, phone, `CANCEL ${b.number}`)).reply).toBe(
      `Order #${b.number} is shipped and can't be cancelled. Reply RETURN ${b.number} once it arrives.`,
    );
    expect((await text(app.url, phone, `CANCEL ${a.number}`)).reply).toBe(
      `Order #${a.number} is already cancelled.`,
    );
  });

  test('When the owner texts RETURN <n> for a delivered order, then a return is requested; before delivery it is refused', async () => {
    const phone = uniquePhone();
    const order = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Eli', phone } });
    expect((await text(app.url, phone, `RETURN ${order.number}`)).reply).toBe(
      `Order #${order.number} isn't delivered yet (awaiting approval). Reply CANCEL ${order.number} to cancel it instead.`,
    );
    expect((await orderOf(order.number)).status).toBe('pending_approval');
    await walk(app, order.number, ['approve', 'start_picking', 'pack', 'ship', 'deliver']);
    // Shipped and delivered: the status now names the carrier and the tracking number.
    const status = (await text(app.url, phone, `STATUS ${order.number}`)).reply;
    expect(status).toContain('UPS');
    expect(status).toContain('1Z999AA10123456784');
    await text(app.url, phone, `החזרה ${order.number}`);
    expect((await orderOf(order.number)).status).toBe('return_requested');
    // The reply follows the language of the text: English now.
    expect((await text(app.url, phone, `RETURN ${order.number}`)).reply).toBe(
      `A return for order #${order.number} is already requested.`,
    );
    const other = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Eli', phone } });
    await walk(app, other.number, ['approve', 'start_picking', 'pack', 'ship', 'deliver']);
    expect((await text(app.url, phone, `RETURN ${other.number}`)).reply).toBe(
      `Return requested for order #${other.number}. We'll contact you with the next steps.`,
    );
    expect((await orderOf(other.number)).status).toBe('return_requested');
  });

  test('When a customer replies 1-5 after delivery, then it is stored as that order’s rating; a 6 is not', async () => {
    const phone = uniquePhone();
    const order = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Rina', phone } });
    expect((await text(app.url, phone, '4')).reply).not.toContain(`#${order.number}`);
    await walk(app, order.number, ['approve', 'start_picking', 'pack', 'ship', 'deliver']);
    expect((await text(app.url, phone, '6')).reply).not.toContain(`#${order.number}`);
    expect((await text(app.url, phone, ' 5 ')).reply).toContain(`#${order.number}`);
    expect((await orderOf(order.number)).rating).toMatchObject({ score: 5 });
    await text(app.url, phone, '1');
    expect((await orderOf(order.number)).rating).toMatchObject({ score: 5 });
  });
});

describe('redelivery', () => {
  test('When Twilio delivers the same MessageSid five times at once, then it has one effect and every delivery gets the same reply', async () => {
    const phone = uniquePhone();
    await text(app.url, phone, `ORDER 1 ${sku}`);
    const sid = 'SMduplicate0000000000000000000001';
    const replies = await Promise.all([1, 2, 3, 4, 5].map(() => text(app.url, phone, 'CONFIRM', { sid })));
    expect(new Set(replies.map((r) => r.status))).toEqual(new Set([200]));
    const orders = (await app.api('GET', `/api/v1/orders?phone=${encodeURIComponent(phone)}`)).body.items;
    expect(orders).toHaveLength(1);
    const answered = replies.map((r) => r.reply).filter(Boolean);
    expect(new Set(answered).size).toBe(1);
    expect(answered[0]).toContain(`#${orders[0].number}`);
    const later = await text(app.url, phone, 'CONFIRM', { sid });
    expect(later.reply).toBe(answered[0]);
    expect(await app.raw('processed_requests').findOne({ _id: `sms:${sid}` as never })).toMatchObject({
      state: 'done',
    });
  });

  test('When the process died after claiming a MessageSid, then a redelivery a minute later takes the claim over and places the order once', async () => {
    const phone = uniquePhone();
    await text(app.url, phone, `ORDER 1 ${sku}`);
    const sid = 'SMcrashedclaim0000000000000000001';
    // What a kill -9 right after the claim leaves: a claim nobody will finish.
    await app
      .raw('processed_requests')
      .insertOne({ _id: `sms:${sid}` as never, state: 'claimed', claimedAt: new Date(Date.now() - 61_000) });
    const res = await text(app.url, phone, 'CONFIRM', { sid });
    expect(res.reply).toMatch(/#\d+/);
    const again = await text(app.url, phone, 'CONFIRM', { sid });
    expect(again.reply).toBe(res.reply);
    const orders = (await app.api('GET', `/api/v1/orders?phone=${encodeURIComponent(phone)}`)).body.items;
    expect(orders).toHaveLength(1);
  });

  test('When a MessageSid was claimed moments ago, then a redelivery does not take it over', async () => {
    const phone = uniquePhone();
    await text(app.url, phone, `ORDER 1 ${sku}`);
    const sid = 'SMfreshclaim000000000000000000001';
    await app
      .raw('processed_requests')
      .insertOne({ _id: `sms:${sid}` as never, state: 'claimed', claimedAt: new Date() });
    const res = await text(app.url, phone, 'CONFIRM', { sid });
    expect(res.reply).toBeFalsy();
    const orders = (await app.api('GET', `/api/v1/orders?phone=${encodeURIComponent(phone)}`)).body.items;
    expect(orders).toHaveLength(0);
  }, 30_000);

  test('When a CONFIRM is answered too late for Twilio, then an answer that only repeats what the customer was told is not texted, and one that says something new is', async () => {
    // A placement held up by a claim a killed request left (it waits up to 15 s): the TwiML goes
    // out empty after 12 s and the answer is ready only later.
    const held = async (phone: string, product: string) => {
      const sid = randomId('SM');
      await text(app.url, phone, `ORDER 1 ${product}`, { sid });
      await app
        .raw('order_keys')
        .insertOne({ _id: `sms:${sid}` as never, token: 'killed', state: 'claimed', claimedAt: new Date() });
      const confirming = text(app.url, phone, 'CONFIRM');
      return { key: `sms:${sid}`, confirming };
    };
    // Repeat: meanwhile the killed request's order turns out stored and already announced.
    const repeatPhone = uniquePhone();
    const { order: announced } = await app.deps.orders.place(
      {
        channel: 'sms',
        externalId: randomId('SM'),
        customer: { name: repeatPhone, phone: repeatPhone },
        items: [{ sku, quantity: 1 }],
      },
      { by: repeatPhone, channel: 'sms' },
    );
    await app.deps.customerUpdates.recordReply(
      announced.number,
      'placed',
      'placed',
      repeatPhone,
      randomId('SM'),
    );
    const repeat = await held(repeatPhone, sku);
    // Something new: meanwhile the last unit was sold, so CONFIRM finds it out of stock.
    const newsPhone = uniquePhone();
    const last = await createProduct(app, { onHand: 1 });
    const news = await held(newsPhone, last.sku);

    const [late1, late2] = await Promise.all([repeat.confirming, news.confirming]);
    expect([late1.status, late1.reply, late2.status, late2.reply]).toEqual([200, '', 200, '']);
    await placeOrder(app, [{ sku: last.sku, quantity: 1 }]);
    await app
      .raw('order_keys')
      .updateOne({ _id: repeat.key as never }, { $set: { state: 'done', number: announced.number } });
    await app.raw('order_keys').deleteOne({ _id: news.key as never });

    const told = await twilio.waitFor((s) => s.find((m) => m.to === newsPhone), 'the late answer');
    expect(told.body).toContain(last.sku);
    await settled(app);
    expect(twilio.to(repeatPhone)).toEqual([]);
  }, 40_000);

  test('When a STATUS question is redelivered, then it is simply answered again and no claim is stored for it', async () => {
    const phone = uniquePhone();
    const order = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Ron', phone } });
    const sid = 'SMstatusquestion00000000000000001';
    const first = await text(app.url, phone, `STATUS ${order.number}`, { sid });
    const again = await text(app.url, phone, `STATUS ${order.number}`, { sid });
    expect(first.reply).toContain(`#${order.number}`);
    expect(again.reply).toBe(first.reply);
    expect(await app.raw('processed_requests').findOne({ _id: `sms:${sid}` as never })).toBeNull();
  });
});

describe('customer updates', () => {
  test('When an order is placed, approved, shipped and delivered, then the customer gets a text for each, with carrier and tracking when shipped', async () => {
    const phone = uniquePhone();
    const order = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Tal', phone } });
    await twilio.waitFor((s) => s.some((m) => m.to === phone), 'the placed text');
    await walk(app, order.number, ['approve', 'start_picking', 'pack', 'ship', 'deliver']);
    const all = await twilio.waitFor(
      (s) => (s.filter((m) => m.to === phone).length >= 4 ? s.filter((m) => m.to === phone) : undefined),
      'four texts',
    );
    expect(all.map((m) => m.from)).toEqual([OUR_NUMBER, OUR_NUMBER, OUR_NUMBER, OUR_NUMBER]);
    const bodies = all.map((m) => m.body).join('\n');
    expect(bodies).toContain('1Z999AA10123456784');
    expect(bodies).toContain('UPS');
    // Each status callback names its record, so it is found by key.
    expect(all[0]?.statusCallback).toBe(`${PUBLIC_URL}/twilio/sms/status?m=${order.number}%3Aplaced`);
    for (const m of all) expect(countSegments(m.body).segments).toBeLessThanOrEqual(2);
    const records = await app.repos.smsMessages.forOrder(order.number);
    expect(records.map((r) => r.kind).sort()).toEqual(['approved', 'delivered', 'placed', 'shipped']);
  });

  test('When an order is rejected or cancelled, then the customer is told, with the reason, in their language', async () => {
    const phone = uniquePhone();
    const a = await placeOrder(app, [{ sku, quantity: 1 }], {
      customer: { name: 'Gal', phone, language: 'he' },
    });
    await act(app, a.number, 'reject', { note: 'אין משלוח לכתובת' });
    const b = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Gal', phone } });
    await act(app, b.number, 'cancel');
    const texts = await twilio.waitFor(
      (s) => (s.filter((m) => m.to === phone).length >= 4 ? s.filter((m) => m.to === phone) : undefined),
      'four texts',
    );
    const rejected = texts.find((m) => m.body.includes(`${a.number}`) && m.body.includes('אין משלוח'));
    expect(rejected?.body).toMatch(hebrew);
    expect(texts.some((m) => m.body.includes(`${b.number}`) && m !== texts[0])).toBe(true);
  });

  test('When a customer texts STOP, then no update is sent even for one already queued; after START they are sent again; their own requests are still answered', async () => {
    const phone = uniquePhone();
    const order = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Omer', phone } });
    await twilio.waitFor((s) => s.find((m) => m.to === phone), 'the placed text');
    expect((await text(app.url, phone, 'STOP')).reply).toMatch(/START/);
    expect((await customer(phone))?.optedOut).toBe(true);

    await act(app, order.number, 'approve');
    const skipped = async () => app.repos.smsMessages.get(`${order.number}:approved`);
    await eventually(async () => (await skipped())?.status === 'skipped_opted_out');
    expect(twilio.to(phone)).toHaveLength(1);
    expect((await text(app.url, phone, `STATUS ${order.number}`)).reply).toContain(`#${order.number}`);

    expect((await text(app.url, phone, 'start')).reply).toBeTruthy();
    expect((await customer(phone))?.optedOut).toBe(false);
    await act(app, order.number, 'start_picking');
    await act(app, order.number, 'cancel');
    await twilio.waitFor(
      (s) => s.filter((m) => m.to === phone).length === 2 || undefined,
      'the cancelled text',
    );
  });

  test('When a lone CANCEL comes in, then it is an opt-out, not a cancellation', async () => {
    const phone = uniquePhone();
    const order = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Ido', phone } });
    await text(app.url, phone, 'CANCEL');
    expect((await customer(phone))?.optedOut).toBe(true);
    expect((await orderOf(order.number)).status).toBe('pending_approval');
  });

  test('When Twilio is down for several attempts, then the update still arrives, once', async () => {
    const phone = uniquePhone();
    twilio.failNext(3);
    const before = twilio.attempts;
    await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Maya', phone } });
    await twilio.waitFor((s) => s.find((m) => m.to === phone), 'the text after the outage', 40_000);
    expect(twilio.attempts - before).toBeGreaterThanOrEqual(4);
    await settled(app);
    expect(twilio.to(phone)).toHaveLength(1);
    const record = await app.raw('sms_messages').findOne({ to: phone });
    expect(record).toMatchObject({ status: 'queued', attempts: 4 });
    expect(record?.lastError).toBeUndefined();
  });

  test('When Twilio reports delivery, then the message record follows, and a late "sent" does not undo "delivered"', async () => {
    const phone = uniquePhone();
    const order = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Lior', phone } });
    const sent = await twilio.waitFor((s) => s.find((m) => m.to === phone), 'the placed text');
    // Posted to the callback URL we gave Twilio, query included, signed over all of it as Twilio does.
    const path = (sent.statusCallback as string).slice(PUBLIC_URL.length);
    const callback = (status: string) =>
      postTwilio(app.url, path, { MessageSid: sent.sid, MessageStatus: status, To: phone });
    expect((await callback('delivered')).status).toBe(204);
    expect((await callback('sent')).status).toBe(204);
    expect((await app.repos.smsMessages.get(`${order.number}:placed`))?.status).toBe('delivered');
  });

  test('When a status callback of a message sent by the previous release arrives (no record key), then it is found by its sid', async () => {
    const phone = uniquePhone();
    const order = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Noa', phone } });
    const sent = await twilio.waitFor((s) => s.find((m) => m.to === phone), 'the placed text');
    const res = await postTwilio(app.url, '/twilio/sms/status', {
      MessageSid: sent.sid,
      MessageStatus: 'delivered',
      To: phone,
    });
    expect(res.status).toBe(204);
    expect((await app.repos.smsMessages.get(`${order.number}:placed`))?.status).toBe('delivered');
  });

  test('When a status callback names a record but its signature covered another query, then it is refused', async () => {
    const phone = uniquePhone();
    const order = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Gal', phone } });
    const sent = await twilio.waitFor((s) => s.find((m) => m.to === phone), 'the placed text');
    const fields = { MessageSid: sent.sid, MessageStatus: 'delivered', To: phone };
    const signature = twilioLib.getExpectedTwilioSignature(
      AUTH_TOKEN,
      `${PUBLIC_URL}/twilio/sms/status`,
      fields,
    );
    const res = await postTwilio(app.url, `/twilio/sms/status?m=${order.number}%3Aplaced`, fields, {
      signature,
    });
    expect(res.status).toBe(403);
    expect((await app.repos.smsMessages.get(`${order.number}:placed`))?.status).not.toBe('delivered');
  });

  test('When Twilio refuses an update for good (not a mobile number), then it is given up at once, kept on the order, and staff are told in Slack', async () => {
    const phone = uniquePhone();
    twilio.failNext(1, { status: 400, code: 21614, message: "'To' number is not a valid mobile number" });
    const order = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Shir', phone } });
    await eventually(async () => (await orderOf(order.number)).customerUpdateFailures?.length > 0);
    expect((await orderOf(order.number)).customerUpdateFailures).toEqual([
      expect.objectContaining({
        kind: 'placed',
        error: expect.stringContaining('not a valid mobile number'),
      }),
    ]);
    await slack.waitFor(
      (calls) =>
        calls.find((c) =>
          JSON.stringify(c.body).includes(`Could not text the customer about order #${order.number}`),
        ),
      'the staff warning',
    );
    expect((await app.repos.smsMessages.get(`${order.number}:placed`))?.status).toBe('failed');
    expect((await app.raw('orders').findOne({ _id: order.number as never }))?.effects ?? []).not.toContain(
      'sms:placed',
    );
  });

  test('When Twilio keeps failing an update until its last try, then it is given up: dropped from the order, its failure kept for staff, and staff told in Slack', async () => {
    const phone = uniquePhone();
    // Refused for its own reasons (not an outage, which never gives up; not a 400, given up at once).
    twilio.failNext(1_000_000, { status: 404, code: 20404, message: 'The requested resource was not found' });
    try {
      const order = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Noa', phone } });
      // The SMS lane's failure record, as every process reads it (its lane's name is in the key).
      const id = `sms:order:${order.number}`;
      await makeNextTryTheLast(app, id);
      await eventually(
        async () => (await app.raw('orders').findOne({ _id: order.number as never }))?.effects ?? [],
        (effects) => !effects.includes('sms:placed'),
        { what: 'the text given up', ms: 30_000 },
      );
      await staffToldOfGiveUp(slack, `order #${order.number}: sms:placed`);
      // Marked given up after staff are told: wait for it rather than read it at once.
      await eventually(
        () => app.raw('delivery_failures').findOne({ _id: id as never }),
        (r) => r?.givenUpAt instanceof Date,
        { what: 'the failure record marked given up' },
      );
    } finally {
      twilio.failNext(0);
    }
  });
});
