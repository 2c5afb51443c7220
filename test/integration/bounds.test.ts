import { randomBytes } from 'node:crypto';
import type { CommandSucceededEvent, MongoClient } from 'mongodb';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { act, createProduct, placeOrder, uniquePhone, walk } from '../helpers/builders.js';
import { FakeTwilio, postTwilio, text, twilioEnv } from '../helpers/twilio.js';

/**
 * Records without bounds: nothing a write touches may grow for ever. An order's history is capped
 * (and the delivered ⇄ return requested cycle with it), writes of a product's stock do not carry
 * its reservation ledger back, abandoned SMS claims are purged, and a call's menu path and a
 * phone's list of calls keep only their latest entries.
 */

const MAX_HISTORY = 200;
const KEEP_PATH = 50;
const KEEP_SIDS = 200;
const DAY = 24 * 3600_000;

let twilio: FakeTwilio;
let app: TestApp;
let sku: string;

beforeAll(async () => {
  twilio = await new FakeTwilio().start();
  app = await startTestApp('bounds', { ...twilioEnv(twilio), BUSINESS_HOURS: 'Sun-Sat 00:00-24:00' });
  sku = (await createProduct(app, { onHand: 1000 })).sku;
});
afterAll(async () => {
  await app.close();
  await twilio.stop();
});

const orders = () => app.raw('orders');
const historyOf = async (n: number) =>
  ((await orders().findOne({ _id: n as never }))?.history ?? []) as { action: string }[];

/** Old cycles written straight into the history, as if the order had gone round them before. */
async function addOldCycles(number: number, cycles: number) {
  const entries = Array.from({ length: cycles }, () => [
    {
      at: new Date(),
      action: 'request_return',
      from: 'delivered',
      to: 'return_requested',
      by: 'x',
      channel: 'api',
    },
    {
      at: new Date(),
      action: 'reject_return',
      from: 'return_requested',
      to: 'delivered',
      by: 'x',
      channel: 'api',
    },
  ]).flat();
  await orders().updateOne({ _id: number as never }, { $push: { history: { $each: entries } } as never });
}

async function deliveredOrder(phone = uniquePhone()) {
  const order = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Dana Levi', phone } });
  await walk(app, order.number, ['approve', 'start_picking', 'pack', 'ship', 'deliver']);
  return order.number as number;
}

describe('order history', () => {
  test('When an order goes round delivered ⇄ return requested until its history is full, then the next return request gets 409 conflict naming the limit and nothing changes', async () => {
    const number = await deliveredOrder();
    // place … deliver is 6 entries; 95 old cycles make 196.
    await addOldCycles(number, 95);
    await walk(app, number, ['request_return', 'reject_return', 'request_return', 'reject_return']);
    expect(await historyOf(number)).toHaveLength(MAX_HISTORY);

    const before = await orders().findOne({ _id: number as never });
    const res = await act(app, number, 'request_return');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect(res.body.error.message).toContain(String(MAX_HISTORY));
    const after = await orders().findOne({ _id: number as never });
    expect(after).toEqual(before);
  });

  test('When the history has room for a return request but not for its answer, then the request is refused; with room for both, it is taken and can be answered', async () => {
    const tight = await deliveredOrder();
    await addOldCycles(tight, 96); // 198 entries
    await orders().updateOne(
      { _id: tight as never },
      {
        $push: {
          history: {
            at: new Date(),
            action: 'deliver',
            from: 'shipped',
            to: 'delivered',
            by: 'x',
            channel: 'api',
          },
        } as never,
      },
    );
    const refused = await act(app, tight, 'request_return');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conflict');
    expect(await historyOf(tight)).toHaveLength(MAX_HISTORY - 1);

    const roomy = await deliveredOrder();
    await addOldCycles(roomy, 96); // 198 entries
    expect((await act(app, roomy, 'request_return')).status).toBe(200);
    expect((await act(app, roomy, 'receive_return')).status).toBe(200);
    expect(await historyOf(roomy)).toHaveLength(MAX_HISTORY);
  });

  test('When an old order already holds the most history entries, then any action is refused with 409 conflict and the stored order is unchanged', async () => {
    const number = await deliveredOrder();
    await addOldCycles(number, 97); // 200 entries
    await orders().updateOne({ _id: number as never }, { $set: { status: 'return_requested' } });
    const before = await orders().findOne({ _id: number as never });
    const res = await act(app, number, 'reject_return');
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'conflict' });
    expect(res.body.error.message).toContain(String(MAX_HISTORY));
    expect(await orders().findOne({ _id: number as never })).toEqual(before);
  });

  test('When a writer moves an order whose history is full without checking first, then the conditional update itself matches nothing', async () => {
    const number = await deliveredOrder();
    await addOldCycles(number, 97);
    const entry = {
      at: new Date(),
      action: 'request_return',
      from: 'delivered' as const,
      to: 'return_requested' as const,
      by: 'x',
      channel: 'api' as const,
    };
    const moved = await app.repos.orders.transition(
      number,
      'delivered',
      { status: 'return_requested' },
      entry,
    );
    expect(moved).toBeNull();
    expect(await historyOf(number)).toHaveLength(MAX_HISTORY);
  });

  test('When a customer texts RETURN for an order whose history is full, then the reply says so and the order stays delivered', async () => {
    const phone = uniquePhone();
    const number = await deliveredOrder(phone);
    await addOldCycles(number, 97);
    const res = await text(app.url, phone, `RETURN ${number}`);
    expect(res.status).toBe(200);
    expect(res.reply).toContain(`#${number}`);
    expect(res.reply).toMatch(/too many return requests/i);
    expect((await orders().findOne({ _id: number as never }))?.status).toBe('delivered');
  });
});

describe('product reservation ledger', () => {
  test('When stock is reserved, released, committed and restocked, then no reply from the database carries the ledgers', async () => {
    const p = await createProduct(app, { onHand: 50 });
    // A ledger with many open orders in it, as a busy product has.
    const many = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [`${900000 + i}`, { qty: 1, at: new Date() }]),
    );
    await app
      .raw('products')
      .updateOne(
        { _id: p.sku as never },
        { $set: { reservations: many, reserved: 300, onHand: 350, available: 50 } },
      );
    const replies: CommandSucceededEvent[] = [];
    const listen = (e: CommandSucceededEvent) => replies.push(e);
    const client = app.db.connection.getClient() as unknown as MongoClient;
    client.on('commandSucceeded', listen);
    try {
      const cancelled = await placeOrder(app, [{ sku: p.sku, quantity: 2 }]);
      await walk(app, cancelled.number, ['cancel']);
      const returned = await placeOrder(app, [{ sku: p.sku, quantity: 1 }]);
      await walk(app, returned.number, [
        'approve',
        'start_picking',
        'pack',
        'ship',
        'deliver',
        'request_return',
      ]);
      await walk(app, returned.number, ['receive_return']);
    } finally {
      client.off('commandSucceeded', listen);
    }
    const withLedger = replies.filter((e) => /"(reservations|restocked)":/.test(JSON.stringify(e.reply)));
    expect(withLedger.map((e) => e.commandName)).toEqual([]);
    const stored = await app.raw('products').findOne({ _id: p.sku as never });
    expect(stored).toMatchObject({ onHand: 350, reserved: 300, available: 50 });
    expect(Object.keys(stored?.reservations ?? {})).toHaveLength(300);
  });
});

describe('processed requests', () => {
  test('When an SMS claim was left claimed by a crash over a week ago, then housekeeping purges it and keeps a fresh claim', async () => {
    const old = new Date(Date.now() - 8 * DAY);
    const requests = app.raw('processed_requests');
    await requests.insertMany([
      { _id: 'sms:SM-ABANDONED' as never, state: 'claimed', claimedAt: old, createdAt: old },
      { _id: 'sms:SM-FRESH' as never, state: 'claimed', claimedAt: new Date(), createdAt: new Date() },
      { _id: 'sms:SM-OLD-DONE' as never, state: 'done', ref: 'x', claimedAt: old, createdAt: old },
    ]);
    await app.deps.housekeeping.purge();
    const left = (await requests.find({}).toArray()).map((r) => r._id);
    expect(left).toContain('sms:SM-FRESH');
    expect(left).not.toContain('sms:SM-ABANDONED');
    expect(left).not.toContain('sms:SM-OLD-DONE');
  });
});

describe('calls', () => {
  const newSid = () => `CA${randomBytes(16).toString('hex')}`;
  const ring = (sid: string, from: string) =>
    postTwilio(app.url, '/twilio/voice', {
      CallSid: sid,
      AccountSid: `AC${'0'.repeat(32)}`,
      From: from,
      To: '+15550001111',
      Direction: 'inbound',
      CallStatus: 'ringing',
    });

  test('When a caller takes 500 steps in the menu, then the call keeps only the last 50 and still says it heard a status', async () => {
    const sid = newSid();
    expect((await ring(sid, uniquePhone())).status).toBe(200);
    const number = await deliveredOrder();
    await app.repos.calls.heard(sid, number);
    for (let i = 0; i < 500; i++) await app.deps.calls.step(sid, `step:${i}`);
    const stored = await app.raw('calls').findOne({ _id: sid as never });
    expect(stored?.path).toHaveLength(KEEP_PATH);
    expect(stored?.path.at(-1)).toBe('step:499');
    expect(stored?.path[0]).toBe(`step:${500 - KEEP_PATH}`);
    const log = (await app.api('GET', `/api/v1/calls/${sid}`)).body;
    expect(log.path).toHaveLength(KEEP_PATH);
    expect(log.outcome).toBe('status_heard');
  });

  test('When a phone has called 500 times before, then its next call keeps the last 200 calls by phone and the screen pop still counts all 501', async () => {
    const phone = uniquePhone();
    const old = Array.from({ length: 500 }, () => newSid());
    await app.raw('phone_calls').insertOne({ _id: phone as never, sids: old });
    const sid = newSid();
    expect((await ring(sid, phone)).status).toBe(200);
    const stored = await app.raw('phone_calls').findOne({ _id: phone as never });
    expect(stored?.sids).toHaveLength(KEEP_SIDS);
    expect(stored?.sids.at(-1)).toBe(sid);
    expect(stored?.sids[0]).toBe(old[500 - KEEP_SIDS + 1]);
    const call = await app.deps.calls.get(sid);
    expect((await app.deps.calls.card(call as never)).callsCount).toBe(501);
    const byPhone = await app.api('GET', `/api/v1/calls?phone=${encodeURIComponent(phone)}`);
    expect(byPhone.status).toBe(200);
    expect(byPhone.body.items.map((c: { sid: string }) => c.sid)).toEqual([sid]);
  });

  test('When a phone calls 210 times, then it keeps its last 200 calls, a redelivered first webhook adds nothing, and the count is 210', async () => {
    const phone = uniquePhone();
    const sids = Array.from({ length: 210 }, () => newSid());
    for (const sid of sids) expect((await ring(sid, phone)).status).toBe(200);
    expect((await ring(sids[209] as string, phone)).status).toBe(200);
    const stored = await app.raw('phone_calls').findOne({ _id: phone as never });
    expect(stored?.sids).toEqual(sids.slice(-KEEP_SIDS));
    const call = await app.deps.calls.get(sids[209] as string);
    expect((await app.deps.calls.card(call as never)).callsCount).toBe(210);
    const page = await app.api('GET', `/api/v1/calls?phone=${encodeURIComponent(phone)}&limit=5`);
    expect(page.body.items.map((c: { sid: string }) => c.sid)).toEqual(sids.slice(-5).reverse());
  });
});
