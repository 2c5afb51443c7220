import type { CommandStartedEvent, MongoClient } from 'mongodb';
import { HOUSEKEEPING } from '../../jobs/housekeeping.js';
import { ACTIONS } from '../../src/slack/blocks/ids.js';
import { startTestApp, type TestApp, testBackend } from '../helpers/app.js';
import { act, createProduct, placeOrder, uniquePhone } from '../helpers/builders.js';
import { settled } from '../helpers/delivery.js';
import { eventually } from '../helpers/eventually.js';
import { clickButton, FakeSlack, sendCommand, sendEvent, slackEnv } from '../helpers/slack.js';
import { FakeTwilio, OUR_NUMBER, postTwilio, text, twilioEnv } from '../helpers/twilio.js';

/**
 * Cost that stays flat as orders pile up, checked without a clock: every command the app sends to
 * a collection that grows with the business must find its documents by key (`_id`, or `_id: {$in}`),
 * which the index serves on MongoDB and (with our patch) on FerretDB. Lists read the order board,
 * which holds only open orders. The timings themselves are `npm run bench -- growth`.
 */

/** Collections that grow with orders and customers; the board, outbox ring and job queue stay small. */
const GROWING = [
  'orders',
  'customers',
  'sms_messages',
  'processed_requests',
  'order_keys',
  'sms_drafts',
  'calls',
  'phone_calls',
  // One counter per phone, API key and client address seen in the last day.
  'rate_counters',
];

let app: TestApp;
let slack: FakeSlack;
let twilio: FakeTwilio;
let sku: string;
let commands: CommandStartedEvent[] = [];

beforeAll(async () => {
  slack = await new FakeSlack().start();
  twilio = await new FakeTwilio().start();
  app = await startTestApp(
    'storage',
    {
      ...slackEnv(slack, { SLACK_CHANNEL_CALLS: 'CCALLS0001' }),
      ...twilioEnv(twilio, { TWILIO_AGENT_NUMBER: '+15557654321' }),
      BUSINESS_HOURS: 'Sun-Sat 00:00-24:00',
      JOB_POLL_INTERVAL: '1 second',
    },
    { jobs: true },
  );
  (app.db.connection.getClient() as unknown as MongoClient).on('commandStarted', (e) => commands.push(e));
  sku = (await createProduct(app, { onHand: 1000 })).sku;
  // The daily housekeeping runs once at start (its deletes by age are not a hot path): let it finish.
  await eventually(
    () => app.raw('agendaJobs').findOne({ name: HOUSEKEEPING, lastFinishedAt: { $ne: null } }),
    Boolean,
    { what: 'the first housekeeping run' },
  );
});
afterAll(async () => {
  await app.close();
  await slack.stop();
  await twilio.stop();
});

/** The filters an update, delete, find, count or findAndModify command carries. */
function filters(e: CommandStartedEvent): Record<string, unknown>[] {
  const c = e.command;
  if (c.updates) return (c.updates as { q: Record<string, unknown> }[]).map((u) => u.q);
  if (c.deletes) return (c.deletes as { q: Record<string, unknown> }[]).map((d) => d.q);
  if (c.findAndModify) return [c.query ?? {}];
  if (c.find || c.count) return [c.filter ?? c.query ?? {}];
  return [];
}

const collectionOf = (e: CommandStartedEvent) =>
  String(e.command[e.commandName] ?? e.command.find ?? e.command.findAndModify);

const byKey = (filter: Record<string, unknown>) => {
  const id = filter._id as unknown;
  if (id === undefined) return false;
  if (typeof id !== 'object' || id === null) return true;
  return Array.isArray((id as { $in?: unknown[] }).$in) || !Object.keys(id).some((k) => k.startsWith('$'));
};

/**
 * Slack posts and customer texts are delivered in the background, and a Slack click's work runs
 * after its acknowledgement: waits until that work is done and no delivery is left, timers
 * included (a text waits out the reply window on one).
 */
const jobsDone = async (_what: string) => {
  await settled(app);
  await app.deps.delivery.idle();
};

/** Runs `work` (and waits for the jobs it starts), then returns each command that did not go by key. */
async function scans(work: () => Promise<unknown>): Promise<string[]> {
  await jobsDone('earlier jobs');
  commands = [];
  await work();
  await jobsDone('the jobs it started');
  // The check sees the app's own commands (it would pass vacuously if it saw none).
  expect(commands.some((e) => GROWING.includes(collectionOf(e)))).toBe(true);
  return commands
    .filter((e) => GROWING.includes(collectionOf(e)))
    .flatMap((e) =>
      filters(e)
        .filter((f) => !byKey(f))
        .map((f) => `${e.commandName} ${collectionOf(e)} ${JSON.stringify(f)}`),
    );
}

test('When an order is placed through the API (with its Slack post and text), then every read and write of a growing collection is by key', async () => {
  expect(
    await scans(() => placeOrder(app, [{ sku, quantity: 1 }], { externalId: `EXT-${Date.now()}` })),
  ).toEqual([]);
});

test("When an order's first text goes out, then its record costs two writes: made already claimed, then marked sent", async () => {
  await jobsDone('earlier jobs');
  commands = [];
  const order = await placeOrder(app, [{ sku, quantity: 1 }]);
  await jobsDone('the text');
  expect(twilio.sent.some((m) => m.body.includes(`#${order.number}`))).toBe(true);
  // Writes go first under FerretDB's write lock, so each one saved is throughput (DEVELOPERS.md).
  expect(commands.filter((e) => collectionOf(e) === 'sms_messages').map((e) => e.commandName)).toEqual([
    'insert',
    'update',
  ]);
});

test('When orders are approved through the API and by a Slack button, then every command is by key', async () => {
  const one = await placeOrder(app, [{ sku, quantity: 1 }]);
  const two = await placeOrder(app, [{ sku, quantity: 1 }]);
  expect(await scans(() => act(app, one.number, 'approve'))).toEqual([]);
  expect(await scans(() => clickButton(app.url, ACTIONS.approve, String(two.number)))).toEqual([]);
});

test('When a customer texts STATUS with and without a number, then every command is by key', async () => {
  const phone = uniquePhone();
  const order = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Dana', phone } });
  expect(await scans(() => text(app.url, phone, `STATUS ${order.number}`))).toEqual([]);
  expect(await scans(() => text(app.url, phone, 'STATUS'))).toEqual([]);
});

test('When the nightly cross-sell runs and a customer texts ORDER (with its suggestion), ADD and CONFIRM, then every command is by key', async () => {
  const tote = (await createProduct(app, { onHand: 1000 })).sku;
  for (let i = 0; i < 2; i++)
    await placeOrder(app, [
      { sku, quantity: 1 },
      { sku: tote, quantity: 1 },
    ]);
  expect(await scans(() => app.deps.crossSell.recompute())).toEqual([]);
  const phone = uniquePhone();
  let reply = '';
  expect(await scans(async () => ({ reply } = await text(app.url, phone, `ORDER 1 ${sku}`)))).toEqual([]);
  expect(reply).toContain(`ADD ${tote}`);
  expect(await scans(() => text(app.url, phone, `ADD ${tote} 2`))).toEqual([]);
  expect(await scans(() => text(app.url, phone, 'CONFIRM'))).toEqual([]);
});

test('When staff ask /order <n>, /order find <phone> and the daily lists, then every command is by key', async () => {
  const phone = uniquePhone();
  const order = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Lior', phone } });
  expect(await scans(() => sendCommand(app.url, slack, '/order', String(order.number)))).toEqual([]);
  expect(await scans(() => sendCommand(app.url, slack, '/order', `find ${phone}`))).toEqual([]);
  expect(await scans(() => sendCommand(app.url, slack, '/order', 'list pending'))).toEqual([]);
  expect(await scans(() => app.api('GET', '/api/v1/orders?limit=20'))).toEqual([]);
  expect(await scans(() => app.api('GET', `/api/v1/orders?phone=${encodeURIComponent(phone)}`))).toEqual([]);
  expect(
    await scans(async () => {
      await sendEvent(app.url, { type: 'app_home_opened', user: 'UHOME01', tab: 'home' });
      await slack.waitFor((calls) => calls.find((c) => c.method === 'views.publish'), 'App Home');
    }),
  ).toEqual([]);
});

test('When a customer calls, hears their order, asks for a person (with the screen pop) and hangs up, and the log is read by phone, then every command is by key', async () => {
  const phone = uniquePhone();
  await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Noa', phone } });
  const CallSid = `CA${Date.now()}${'0'.repeat(19)}`;
  const step = (path: string, fields: Record<string, string> = {}) =>
    postTwilio(app.url, path, { CallSid, From: phone, To: OUR_NUMBER, CallStatus: 'in-progress', ...fields });
  expect(await scans(() => step('/twilio/voice', { CallStatus: 'ringing' }))).toEqual([]);
  expect(await scans(() => step('/twilio/voice/menu?lang=en&try=0', { Digits: '1' }))).toEqual([]);
  expect(await scans(() => step('/twilio/voice/menu?lang=en&try=0', { Digits: '2' }))).toEqual([]);
  expect(
    await scans(() =>
      step('/twilio/voice/dialed?lang=en', { DialCallStatus: 'completed', DialCallDuration: '30' }),
    ),
  ).toEqual([]);
  expect(
    await scans(() => step('/twilio/voice/status', { CallStatus: 'completed', CallDuration: '40' })),
  ).toEqual([]);
  expect(await scans(() => app.api('GET', `/api/v1/calls?phone=${encodeURIComponent(phone)}`))).toEqual([]);
});

test('When the reminder sweep, the delivery sweep and the late list run, then every command on a growing collection is by key', async () => {
  for (let i = 0; i < 3; i++) await placeOrder(app, [{ sku, quantity: 1 }]);
  const later = new Date(Date.now() + 31 * 60_000);
  expect(await scans(() => app.deps.reminders.run(later))).toEqual([]);
  expect(await scans(() => app.deps.delivery.sweep({ products: true }))).toEqual([]);
  // The late list reads no order at all while the lanes are empty (so `scans` would call it vacuous).
  await jobsDone('the sweeps');
  commands = [];
  await app.deps.delivery.late();
  const growing = commands.filter((e) => GROWING.includes(collectionOf(e)));
  expect(growing.flatMap((e) => filters(e).filter((f) => !byKey(f)))).toEqual([]);
});

test('When the database is FerretDB, then a lookup by _id with other conditions, or by a list of _id, uses the _id index (our patch)', async () => {
  if ((await testBackend()) !== 'ferretdb') {
    console.warn('SKIPPED FerretDB patch check: the test database is not FerretDB');
    return;
  }
  const order = await placeOrder(app, [{ sku, quantity: 1 }]);
  const explain = async (filter: object) =>
    (await app.raw('orders').find(filter).explain()) as unknown as {
      filterPushdown: boolean;
      queryPlanner: { Plan: string[] };
    };
  for (const filter of [
    { _id: order.number },
    { _id: order.number, status: 'pending_approval' },
    { _id: { $in: [order.number, order.number - 1] } },
  ]) {
    const plan = await explain(filter);
    expect({ filter, pushdown: plan.filterPushdown, plan: plan.queryPlanner.Plan.join(' ') }).toEqual({
      filter,
      pushdown: true,
      plan: expect.stringMatching(/SEARCH .* USING INDEX/),
    });
  }
  expect((await explain({ status: 'pending_approval' })).queryPlanner.Plan.join(' ')).toMatch(/SCAN/);
});
