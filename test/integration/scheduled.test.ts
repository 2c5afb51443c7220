import { startTestApp, type TestApp } from '../helpers/app.js';
import { act, createProduct, placeOrder, uniquePhone, walk } from '../helpers/builders.js';
import { eventually } from '../helpers/eventually.js';
import { CHANNELS, clickButton, FakeSlack, sendCommand, slackEnv } from '../helpers/slack.js';
import { FakeTwilio, text, twilioEnv } from '../helpers/twilio.js';

/**
 * Scheduled work with time under control: short intervals from configuration for the follow-up
 * (a real Agenda job, run by the app's own processor), and the approval sweep called with a
 * chosen "now" for reminders and expiry, never waiting for real minutes or days.
 */

const FOLLOW_UP_MS = 2_500;
let slack: FakeSlack;
let twilio: FakeTwilio;
let app: TestApp;
let sku: string;

beforeAll(async () => {
  slack = await new FakeSlack().start();
  twilio = await new FakeTwilio().start();
  app = await startTestApp(
    'scheduled',
    {
      ...slackEnv(slack),
      ...twilioEnv(twilio),
      SLACK_APPROVER_IDS: 'UAPPROVER1,UAPPROVER2',
      FOLLOW_UP_DELAY: `${FOLLOW_UP_MS / 1000} seconds`,
      APPROVAL_REMINDER_AFTER: '30 minutes',
      PENDING_ORDER_EXPIRY: '3 days',
      JOB_POLL_INTERVAL: '1 second',
      BUSINESS_NAME: 'Cafe Levi',
    },
    { jobs: true },
  );
  sku = (await createProduct(app, { onHand: 500, price: 1250 })).sku;
});
afterAll(async () => {
  await app.close();
  await slack.stop();
  await twilio.stop();
});

const MIN = 60_000;
const followUpsTo = (phone: string) => twilio.to(phone).filter((m) => m.body.includes('Reply 1 (poor) to 5'));

async function delivered(phone: string) {
  const order = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Dana Levi', phone } });
  await walk(app, order.number, ['approve', 'start_picking', 'pack', 'ship', 'deliver']);
  return order;
}

describe('follow-up after delivery', () => {
  test('When an order is delivered, then FOLLOW_UP_DELAY later the customer gets one text asking for a rating, scheduled as a job for that order', async () => {
    const phone = uniquePhone();
    const order = await delivered(phone);
    const job = await eventually(
      async () =>
        (await app.deps.scheduler.list()).find((j) => (j.data as { order?: number })?.order === order.number),
      Boolean,
      { what: 'the follow-up job' },
    );
    expect(job).toMatchObject({ name: 'follow-up' });
    const sent = await eventually(
      async () => followUpsTo(phone),
      (m) => m.length > 0,
      { what: 'the follow-up text', ms: 20_000 },
    );
    expect(sent[0]?.body).toContain(`order #${order.number}`);
    expect(sent[0]?.body).toContain('Cafe Levi');
    // Asked again (a redelivered effect, a second process): never twice.
    // The send is awaited to its end: a second text would have been recorded by now.
    await app.deps.followUps.send(order.number);
    expect(followUpsTo(phone)).toHaveLength(1);
  }, 30_000);

  test('When products are often bought together, then the follow-up names one the customer did not buy', async () => {
    const mug = (await createProduct(app, { onHand: 100, price: 1250 })).sku;
    const tote = (await createProduct(app, { onHand: 100, price: 990 })).sku;
    for (let i = 0; i < 3; i++) {
      await placeOrder(app, [
        { sku: mug, quantity: 1 },
        { sku: tote, quantity: 1 },
      ]);
    }
    await app.deps.crossSell.recompute();
    const phone = uniquePhone();
    const order = await placeOrder(app, [{ sku: mug, quantity: 1 }], {
      customer: { name: 'Dana Levi', phone },
    });
    await walk(app, order.number, ['approve', 'start_picking', 'pack', 'ship', 'deliver']);
    const sent = await eventually(
      async () => followUpsTo(phone),
      (m) => m.length > 0,
      { what: 'the follow-up text', ms: 20_000 },
    );
    expect(sent[0]?.body).toContain(`Often bought with it: ${tote}`);
  }, 30_000);

  test('When the customer texts STOP before the follow-up, or the order is returned meanwhile, then no follow-up is sent', async () => {
    const stopped = uniquePhone();
    const first = await delivered(stopped);
    expect((await text(app.url, stopped, 'STOP')).status).toBe(200);
    const returning = uniquePhone();
    const order = await delivered(returning);
    expect((await act(app, order.number, 'request_return')).status).toBe(200);
    // Both follow-ups are scheduled, then run to their end (a one-off job removes itself when done).
    const numbers = [first.number, order.number];
    const followUps = async () =>
      (await app.deps.scheduler.list()).filter(
        (j) => j.name === 'follow-up' && numbers.includes((j.data as { order?: number })?.order ?? 0),
      );
    await eventually(followUps, (jobs) => jobs.length === 2, { what: 'both follow-ups scheduled' });
    await eventually(followUps, (jobs) => jobs.length === 0, { what: 'both follow-ups run', ms: 20_000 });
    expect(followUpsTo(stopped)).toEqual([]);
    expect(followUpsTo(returning)).toEqual([]);
  }, 30_000);

  test('When a customer replies 1 or 2, then the order card with the rating goes to the approvals channel with a Call back button; the first click by an approver takes it', async () => {
    const phone = uniquePhone();
    const order = await delivered(phone);
    const reply = await text(app.url, phone, '2');
    expect(reply.reply).toContain(`#${order.number}`);
    const post = await slack.waitFor(
      (calls) =>
        calls.find(
          (c) =>
            c.method === 'chat.postMessage' &&
            c.body.metadata?.event_payload?.order === order.number &&
            c.body.metadata?.event_payload?.slot === 'rating',
        ),
      'the low-rating post',
    );
    expect(post.body.channel).toBe(CHANNELS.approvals);
    expect(JSON.stringify(post.body.blocks)).toContain('2/5');
    expect(JSON.stringify(post.body.blocks)).toContain('order_call_back');

    await clickButton(app.url, 'order_call_back', String(order.number), { user: 'UAPPROVER1' });
    const updated = await slack.waitFor(
      (calls) =>
        calls.find((c) => c.method === 'chat.update' && JSON.stringify(c.body.blocks).includes('UAPPROVER1')),
      'the post saying who calls back',
    );
    expect(JSON.stringify(updated.body.blocks)).not.toContain('order_call_back');
    expect((await app.api('GET', `/api/v1/orders/${order.number}`)).body.rating).toMatchObject({ score: 2 });
    const again = await clickButton(app.url, 'order_call_back', String(order.number), { user: 'UAPPROVER2' });
    expect(again.status).toBe(200);
    await slack.waitFor(
      (calls) =>
        calls.find(
          (c) =>
            c.method === 'chat.postEphemeral' && JSON.stringify(c.body).includes('is already calling back'),
        ),
      'the second clicker told who has it',
    );
    const stored = await app.raw('orders').findOne({ _id: order.number as never });
    expect(stored?.callBack).toMatchObject({ by: 'UAPPROVER1' });
  });

  test('When a customer rates 4, then nothing is posted', async () => {
    const phone = uniquePhone();
    const order = await delivered(phone);
    await text(app.url, phone, '4');
    await app.deps.delivery.idle();
    expect(slack.postsOf(order.number, 'rating')).toEqual([]);
  });
});

describe('approval reminders and expiry', () => {
  const threadReplies = (ts: string) =>
    slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.thread_ts === ts);

  test('When an order waits for approval, then reminders go to its approval thread at 30 min, 90 min and 210 min mentioning the approvers, once each, and stop when it is decided', async () => {
    const order = await placeOrder(app, [{ sku, quantity: 1 }]);
    const approval = await slack.waitFor(
      () => slack.postsOf(order.number, 'approval')[0],
      'the approval message',
    );
    // The message's ts is stored on the order once Slack has answered the post.
    const ts = (await eventually(
      async () => (await app.raw('orders').findOne({ _id: order.number as never }))?.slack?.approval?.ts,
      Boolean,
      { what: "the approval message's ts on the order" },
    )) as string;
    const placedAt = new Date(order.createdAt).getTime();
    // Other tests' orders wait too: what counts is this order's reminders.
    const sweep = async (afterMs: number) => {
      await app.deps.reminders.run(new Date(placedAt + afterMs));
      return (await app.raw('orders').findOne({ _id: order.number as never }))?.reminders ?? 0;
    };

    expect(await sweep(29 * MIN)).toBe(0);
    expect(await sweep(31 * MIN)).toBe(1);
    await Promise.all([sweep(32 * MIN), sweep(32 * MIN)]);
    await app.deps.delivery.idle();
    expect(threadReplies(ts)).toHaveLength(1);
    expect(JSON.stringify(threadReplies(ts)[0]?.body)).toContain('<@UAPPROVER1> <@UAPPROVER2>');
    expect(threadReplies(ts)[0]?.body.channel).toBe(approval.body.channel);

    expect(await sweep(89 * MIN)).toBe(1);
    expect(await sweep(91 * MIN)).toBe(2);
    await app.deps.delivery.idle();
    expect(threadReplies(ts)).toHaveLength(2);

    expect((await act(app, order.number, 'approve')).status).toBe(200);
    expect(await sweep(211 * MIN)).toBe(2);
    await app.deps.delivery.idle();
    expect(threadReplies(ts)).toHaveLength(2);
  });

  test('When an order is still pending PENDING_ORDER_EXPIRY after placement, then the system cancels it once: stock released, history says so, customer told, approval message updated', async () => {
    const { sku: item } = await createProduct(app, { onHand: 10 });
    const phone = uniquePhone();
    const order = await placeOrder(app, [{ sku: item, quantity: 3 }], { customer: { name: 'Noa', phone } });
    await slack.waitFor(() => slack.postsOf(order.number, 'approval')[0], 'the approval message');
    const placedAt = new Date(order.createdAt).getTime();
    // Two sweeps at once (two processes): one cancel.
    await Promise.all([
      app.deps.reminders.run(new Date(placedAt + 3 * 24 * 60 * MIN + MIN)),
      app.deps.reminders.run(new Date(placedAt + 3 * 24 * 60 * MIN + MIN)),
    ]);
    const after = (await app.api('GET', `/api/v1/orders/${order.number}`)).body;
    expect(after.status).toBe('cancelled');
    expect(after.history.filter((h: { action: string }) => h.action === 'cancel')).toHaveLength(1);
    expect(after.history.at(-1)).toMatchObject({
      action: 'cancel',
      by: 'system',
      note: 'not approved within 3 days',
    });
    expect((await app.api('GET', `/api/v1/products/${item}`)).body).toMatchObject({
      onHand: 10,
      reserved: 0,
      available: 10,
    });
    await eventually(async () => twilio.to(phone).find((m) => m.body.includes('cancelled')), Boolean, {
      what: 'the customer told',
    });
    await slack.waitFor(
      (calls) =>
        calls.find(
          (c) =>
            c.method === 'chat.update' &&
            JSON.stringify(c.body).includes(`#${order.number}`) &&
            JSON.stringify(c.body.blocks).toLowerCase().includes('cancel'),
        ),
      'the approval message updated',
    );
  });
});

describe('operations', () => {
  test('When staff ask /order jobs, then they see each repeating job with its schedule and next run, and the follow-ups waiting', async () => {
    const order = await delivered(uniquePhone());
    // The follow-up is scheduled by the delivery in the background: wait for it, then ask.
    await eventually(
      async () =>
        (await app.deps.scheduler.list()).find((j) => (j.data as { order?: number })?.order === order.number),
      Boolean,
      { what: 'the follow-up job' },
    );
    const res = await sendCommand(app.url, slack, '/order', 'jobs');
    expect(res.status).toBe(200);
    const shown = JSON.stringify(res.body);
    expect(shown).toContain('approval-reminders');
    expect(shown).toContain('reconcile-reservations');
    expect(shown).toContain('follow-up');
    const api = await app.api('GET', '/api/v1/jobs');
    expect(api.status).toBe(200);
    expect(api.body.items.map((j: { name: string }) => j.name)).toContain('approval-reminders');
  });

  test('When a job gives up after its last retry, then staff are told in the approvals channel', async () => {
    app.agenda.emit('retry exhausted', new Error('Twilio said no'), {
      attrs: { name: 'follow-up', data: { order: 4242 }, failCount: 9 },
    });
    const told = await slack.waitFor(
      (calls) =>
        calls.find((c) => c.method === 'chat.postMessage' && String(c.body.text).includes('gave up')),
      'the staff notice',
    );
    expect(told.body.channel).toBe(CHANNELS.approvals);
    expect(told.body.text).toContain('order #4242');
    expect(told.body.text).toContain('Twilio said no');
  });
});
