import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, placeOrder, uniquePhone, walk } from '../helpers/builders.js';
import { eventually } from '../helpers/eventually.js';
import { CHANNELS, FakeSlack, sendCommand, slackEnv } from '../helpers/slack.js';
import { FakeTwilio, twilioEnv } from '../helpers/twilio.js';

/**
 * Outage drills: Slack down (503) or throttling (429 with Retry-After) for longer than the old
 * job's retries lasted, then back. Time is compressed: the retry interval is capped at 1 second
 * here instead of a minute, so 25 refused calls stand for a 20-minute outage.
 */

let slack: FakeSlack;
let twilio: FakeTwilio;
let app: TestApp;

beforeAll(async () => {
  slack = await new FakeSlack().start();
  twilio = await new FakeTwilio().start();
  app = await startTestApp(
    'outage',
    {
      ...slackEnv(slack),
      ...twilioEnv(twilio),
      DELIVERY_RETRY_MAX: '1 second',
      DELIVERY_LATE_AFTER: '1 second',
      DELIVERY_SWEEP_EVERY: '1 minute',
    },
    { jobs: true },
  );
});
afterEach(() => {
  slack.outage = undefined;
});
afterAll(async () => {
  await app.close();
  await slack.stop();
  await twilio.stop();
});

const approvalPosts = () =>
  slack.calls
    .filter((c) => c.method === 'chat.postMessage' && c.body.metadata?.event_payload?.slot === 'approval')
    .map((c) => c.body.metadata.event_payload.order as number);

test('When Slack answers 503 for far longer than the old retries lasted, then staff can see what is late, and once it is back every message is posted, in order, once', async () => {
  // Five orders of 2 take it to 0 (low); the rejected one gives 2 back, still low.
  const product = await createProduct(app, { onHand: 10, lowStockThreshold: 3 });
  await app.deps.delivery.idle();
  slack.outage = { status: 503 };
  const refusedBefore = slack.refused;
  const orders = [];
  for (let i = 0; i < 5; i++) {
    orders.push(
      await placeOrder(app, [{ sku: product.sku, quantity: 2 }], {
        customer: { name: `O${i}`, phone: uniquePhone() },
      }),
    );
  }
  // Two are decided while Slack is down: their cards must end up showing it.
  await walk(app, orders[1].number, ['approve']);
  await walk(app, orders[3].number, ['reject']);

  // The old job gave up after 10 tries; these go on (two calls per try: the client retries once).
  await eventually(
    () => slack.refused - refusedBefore,
    (n) => n >= 25,
    { what: 'Slack to be tried over and over', ms: 60_000 },
  );
  const late = (await app.api('GET', '/api/v1/late-messages')).body.items;
  // Every one is listed; the one at the head of the line (tried over and over) says why.
  for (const o of orders) {
    expect(late).toContainEqual(expect.objectContaining({ order: o.number, effect: 'slack:1' }));
  }
  expect(late[0]).toMatchObject({ order: orders[0].number, lastError: expect.stringContaining('503') });
  expect(late).toContainEqual(expect.objectContaining({ sku: product.sku, effect: 'slack:low-stock' }));
  // Staff can ask in Slack too (the command's answer goes out on the request, not through the lane).
  const asked = await sendCommand(app.url, slack, '/order', 'late');
  expect(JSON.stringify(asked.body)).toContain(`#${orders[0].number}: Slack card`);
  expect(JSON.stringify(asked.body)).toContain('503');
  // Texts do not wait for Slack.
  for (const o of orders) expect(twilio.to(o.customer.phone).length).toBeGreaterThanOrEqual(1);

  slack.outage = undefined;
  await eventually(
    async () => (await app.api('GET', '/api/v1/late-messages')).body.items.length,
    (n) => n === 0,
    { what: 'every late message to go out', ms: 30_000 },
  );
  expect(JSON.stringify((await sendCommand(app.url, slack, '/order', 'late')).body)).toContain(
    'Nothing is late',
  );
  const numbers = orders.map((o) => o.number);
  const posted = approvalPosts().filter((n) => numbers.includes(n));
  expect(posted).toEqual(numbers);
  const approved = orders[1].number;
  const rejected = orders[3].number;
  const task = slack.calls.filter(
    (c) => c.method === 'chat.postMessage' && c.body.metadata?.event_payload?.order === approved,
  );
  expect(task.map((c) => c.body.metadata.event_payload.slot)).toEqual(['approval', 'task']);
  // Posted already showing the decision, or updated to show it.
  const shows = (n: number, word: RegExp) =>
    slack.calls.some(
      (c) =>
        ['chat.postMessage', 'chat.update'].includes(c.method) &&
        c.body.channel === CHANNELS.approvals &&
        JSON.stringify(c.body.blocks).includes(`#${n}`) &&
        word.test(JSON.stringify(c.body.blocks)),
    );
  expect(shows(approved, /Approved/i)).toBe(true);
  expect(shows(rejected, /Rejected/i)).toBe(true);
  const alerts = slack.calls.filter(
    (c) =>
      c.method === 'chat.postMessage' &&
      c.body.channel === CHANNELS.inventory &&
      c.body.text.includes(product.sku),
  );
  expect(alerts).toHaveLength(1);
  for (const n of numbers) {
    expect((await app.raw('orders').findOne({ _id: n as never }))?.effects ?? []).toEqual([]);
  }
}, 120_000);

test('When Slack throttles with 429 and Retry-After, then nothing is sent to it before that time, and everything is posted once after', async () => {
  const product = await createProduct(app, { onHand: 50 });
  await app.deps.delivery.idle();
  slack.outage = { status: 429, retryAfter: 2 };
  const from = slack.refusedAt.length;
  const orders: { number: number }[] = [];
  for (let i = 0; i < 3; i++) {
    orders.push(
      await placeOrder(app, [{ sku: product.sku, quantity: 1 }], {
        customer: { name: `T${i}`, phone: uniquePhone() },
      }),
    );
  }
  await eventually(
    () => slack.refusedAt.length - from,
    (n) => n >= 3,
    { what: 'a few throttled calls', ms: 30_000 },
  );
  slack.outage = undefined;
  const throttled = slack.refusedAt.slice(from);
  for (let i = 1; i < throttled.length; i++) {
    expect((throttled[i] as number) - (throttled[i - 1] as number)).toBeGreaterThanOrEqual(1900);
  }
  await eventually(
    () => approvalPosts().filter((n) => orders.some((o) => o.number === n)),
    (posted) => posted.length === 3,
    { what: 'the three approval posts', ms: 30_000 },
  );
  await app.deps.delivery.idle();
  expect(approvalPosts().filter((n) => orders.some((o) => o.number === n))).toEqual(
    orders.map((o) => o.number),
  );
}, 60_000);
