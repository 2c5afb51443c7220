import { ACTIONS, INPUTS, VIEWS } from '../../src/slack/blocks/ids.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { act, createProduct, placeOrder, walk } from '../helpers/builders.js';
import { settled } from '../helpers/delivery.js';
import { eventually } from '../helpers/eventually.js';
import {
  CHANNELS,
  clickButton,
  FakeSlack,
  type SlackCall,
  sendEvent,
  slackEnv,
  submitView,
} from '../helpers/slack.js';

let fake: FakeSlack;
let app: TestApp;
let sku: string;

beforeAll(async () => {
  fake = await new FakeSlack().start();
  app = await startTestApp('slackrouting', slackEnv(fake, { SLACK_APPROVER_IDS: 'UAPPROVER1,UAPPROVER2' }), {
    jobs: true,
  });
  sku = (await createProduct(app, { onHand: 1000, name: 'Blue mug' })).sku;
});
afterAll(async () => {
  await app.close();
  await fake.stop();
});

const text = (call: SlackCall) => JSON.stringify(call.body);
const buttons = (call: SlackCall): { action_id: string; value: string }[] =>
  (call.body.blocks ?? [])
    .flatMap((b: any) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])])
    .filter((e: any) => e.type === 'button' && e.action_id);
const posted = (channel: string, number: number) => (calls: SlackCall[]) =>
  calls.find(
    (c) => c.method === 'chat.postMessage' && c.body.channel === channel && text(c).includes(`#${number}`),
  );
const updatedWith = (ts: string, needle: string) => (calls: SlackCall[]) =>
  calls.filter((c) => c.method === 'chat.update' && c.body.ts === ts && text(c).includes(needle)).at(-1);
const stored = async (number: number) => (await app.deps.orders.get(number)).slack;
const history = async (number: number) => (await app.deps.orders.get(number)).history;

test('When an order arrives through the REST API, then it is posted to the approvals channel with Approve and Reject, and the message is stored on the order', async () => {
  const order = await placeOrder(app, [{ sku, quantity: 2 }], {
    customer: { name: 'Dana Levi', phone: '+15551230001' },
  });
  const call = await fake.waitFor(posted(CHANNELS.approvals, order.number), 'the approval request');
  expect(call.token).toBe('xoxb-test-token');
  expect(text(call)).toContain('Dana Levi');
  expect(buttons(call).map((b) => [b.action_id, b.value])).toEqual([
    [ACTIONS.approve, String(order.number)],
    [ACTIONS.reject, String(order.number)],
  ]);
  const refs = await eventually(
    () => stored(order.number),
    (s) => s?.approval?.ts,
  );
  expect(refs?.approval).toMatchObject({
    channel: CHANNELS.approvals,
    ts: expect.any(String),
    shown: 'pending',
  });
});

test('When an approver clicks Approve, then the order is approved, the same message shows who decided, and a fulfillment task with Start picking is posted; the buttons walk it to shipped', async () => {
  const order = await placeOrder(app, [{ sku, quantity: 1 }]);
  const approval = await fake.waitFor(posted(CHANNELS.approvals, order.number), 'the approval request');
  const ts = (
    await eventually(
      () => stored(order.number),
      (s) => s?.approval?.ts,
    )
  )?.approval?.ts as string;

  const click = await clickButton(app.url, ACTIONS.approve, String(order.number), {
    user: 'UAPPROVER1',
    messageTs: ts,
  });
  expect(click.status).toBe(200);
  await fake.waitFor(updatedWith(ts, 'UAPPROVER1'), 'the approval message showing the approver');
  expect((await app.api('GET', `/api/v1/orders/${order.number}`)).body.status).toBe('approved');
  expect(approval.body.channel).toBe(CHANNELS.approvals);

  const task = await fake.waitFor(posted(CHANNELS.fulfillment, order.number), 'the fulfillment task');
  expect(buttons(task).map((b) => b.action_id)).toEqual([ACTIONS.startPicking]);
  const taskTs = (
    await eventually(
      () => stored(order.number),
      (s) => s?.task?.ts,
    )
  )?.task?.ts as string;

  await clickButton(app.url, ACTIONS.startPicking, String(order.number), {
    user: 'UPICKER01',
    channel: CHANNELS.fulfillment,
  });
  const picking = await fake.waitFor(updatedWith(taskTs, ACTIONS.pack), 'the task offering Packed');
  expect(buttons(picking).map((b) => b.action_id)).toEqual([ACTIONS.pack]);

  await clickButton(app.url, ACTIONS.pack, String(order.number), {
    user: 'UPICKER01',
    channel: CHANNELS.fulfillment,
  });
  const packed = await fake.waitFor(updatedWith(taskTs, ACTIONS.ship), 'the task offering Shipped');
  const invoiceUrl = text(packed)
    .match(/https?:[^"|>]+\/invoices\/\d+\.pdf\?exp=\d+&amp;sig=[\w-]+/)?.[0]
    ?.replace('&amp;', '&');
  expect(invoiceUrl).toBeDefined();
  const pdf = await fetch((invoiceUrl as string).replace(/^https?:\/\/[^/]+/, app.url));
  expect(pdf.status).toBe(200);
  expect(pdf.headers.get('content-type')).toBe('application/pdf');
  // The signature's first character changed to a different one (the same one, 1 time in 64, changed nothing).
  const tampered = await fetch(
    (invoiceUrl as string)
      .replace(/^https?:\/\/[^/]+/, app.url)
      .replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'X' ? 'Y' : 'X'}`),
  );
  expect(tampered.status).toBe(403);

  await clickButton(app.url, ACTIONS.ship, String(order.number), {
    user: 'UPICKER01',
    channel: CHANNELS.fulfillment,
  });
  const modal = await fake.waitFor(
    (calls) =>
      calls.find(
        (c) =>
          c.method === 'views.open' &&
          c.body.view?.callback_id === VIEWS.ship &&
          c.body.view.private_metadata.includes(String(order.number)),
      ),
    'the ship modal',
  );
  const metadata = modal.body.view.private_metadata as string;

  const blank = await submitView(
    app.url,
    VIEWS.ship,
    { [INPUTS.carrier]: 'UPS', [INPUTS.trackingNumber]: '  ' },
    { user: 'UPICKER01', privateMetadata: metadata },
  );
  expect(blank.body).toEqual({
    response_action: 'errors',
    errors: { [INPUTS.trackingNumber]: expect.any(String) },
  });
  expect((await app.api('GET', `/api/v1/orders/${order.number}`)).body.status).toBe('packed');

  const ok = await submitView(
    app.url,
    VIEWS.ship,
    { [INPUTS.carrier]: 'UPS', [INPUTS.trackingNumber]: '1Z999AA10123456784' },
    { user: 'UPICKER01', privateMetadata: metadata },
  );
  expect(ok.status).toBe(200);
  expect(ok.body).toBe('');
  const shipped = (await app.api('GET', `/api/v1/orders/${order.number}`)).body;
  expect(shipped.status).toBe('shipped');
  expect(shipped.shipment).toMatchObject({ carrier: 'UPS', trackingNumber: '1Z999AA10123456784' });
  expect(shipped.history.at(-1)).toMatchObject({ action: 'ship', by: 'UPICKER01', channel: 'slack' });
  const last = await fake.waitFor(
    updatedWith(taskTs, '1Z999AA10123456784'),
    'the task showing the tracking number',
  );
  expect(buttons(last)).toEqual([]);
});

test('When someone who is not an approver clicks Approve, then nothing changes and only they are told why', async () => {
  const order = await placeOrder(app, [{ sku, quantity: 1 }]);
  await fake.waitFor(posted(CHANNELS.approvals, order.number), 'the approval request');
  const before = fake.calls.length;
  const res = await clickButton(app.url, ACTIONS.approve, String(order.number), { user: 'UINTRUDER1' });
  expect(res.status).toBe(200);
  const told = await fake.waitFor(
    (calls) =>
      calls.slice(before).find((c) => c.method === 'chat.postEphemeral' && c.body.user === 'UINTRUDER1'),
    'the private refusal',
  );
  expect(told.body.channel).toBe(CHANNELS.approvals);
  expect(text(told)).toMatch(/approver/i);
  expect((await app.api('GET', `/api/v1/orders/${order.number}`)).body.status).toBe('pending_approval');

  await clickButton(app.url, ACTIONS.reject, String(order.number), { user: 'UINTRUDER1' });
  await fake.waitFor(
    (calls) =>
      calls.slice(before).filter((c) => c.method === 'chat.postEphemeral' && c.body.user === 'UINTRUDER1')
        .length === 2 || undefined,
    'the second refusal',
  );
  expect(fake.calls.slice(before).some((c) => c.method === 'views.open')).toBe(false);
  expect((await history(order.number)).length).toBe(1);
});

test('When two approvers double-click Approve at once, then the order is approved once and one fulfillment task is posted', async () => {
  const order = await placeOrder(app, [{ sku, quantity: 1 }]);
  await fake.waitFor(posted(CHANNELS.approvals, order.number), 'the approval request');
  const clicks = await Promise.all(
    ['UAPPROVER1', 'UAPPROVER1', 'UAPPROVER2', 'UAPPROVER2', 'UAPPROVER1', 'UAPPROVER2'].map((user) =>
      clickButton(app.url, ACTIONS.approve, String(order.number), { user }),
    ),
  );
  expect(clicks.map((c) => c.status)).toEqual([200, 200, 200, 200, 200, 200]);
  await fake.waitFor(posted(CHANNELS.fulfillment, order.number), 'the fulfillment task');
  // The five losing clicks are each told privately that the order had moved on.
  await fake.waitFor(
    (calls) =>
      calls.filter((c) => c.method === 'chat.postEphemeral' && text(c).includes(`#${order.number}`)).length >=
        5 || undefined,
    'five private "already approved" notes',
  );
  const approvals = (await history(order.number)).filter((h) => h.action === 'approve');
  expect(approvals).toHaveLength(1);
  expect(
    fake.calls.filter(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.body.channel === CHANNELS.fulfillment &&
        text(c).includes(`#${order.number}`),
    ),
  ).toHaveLength(1);
});

test('When a reject is submitted with a reason, then the order is rejected with that reason and the approval message says so', async () => {
  const order = await placeOrder(app, [{ sku, quantity: 3 }]);
  await fake.waitFor(posted(CHANNELS.approvals, order.number), 'the approval request');
  const ts = (
    await eventually(
      () => stored(order.number),
      (s) => s?.approval?.ts,
    )
  )?.approval?.ts as string;
  await clickButton(app.url, ACTIONS.reject, String(order.number), { user: 'UAPPROVER2' });
  const modal = await fake.waitFor(
    (calls) =>
      calls.find(
        (c) =>
          c.method === 'views.open' &&
          c.body.view?.callback_id === VIEWS.reject &&
          c.body.view.private_metadata.includes(String(order.number)),
      ),
    'the reject modal',
  );
  const res = await submitView(
    app.url,
    VIEWS.reject,
    { [INPUTS.reason]: 'Address is a PO box' },
    { user: 'UAPPROVER2', privateMetadata: modal.body.view.private_metadata },
  );
  expect(res.status).toBe(200);
  const rejected = (await app.api('GET', `/api/v1/orders/${order.number}`)).body;
  expect(rejected.status).toBe('rejected');
  expect(rejected.history.at(-1)).toMatchObject({
    action: 'reject',
    by: 'UAPPROVER2',
    note: 'Address is a PO box',
  });
  await fake.waitFor(updatedWith(ts, 'Address is a PO box'), 'the approval message with the reason');
  // Rejected before approval: no fulfillment task, and the stock is back.
  expect(posted(CHANNELS.fulfillment, order.number)(fake.calls)).toBeUndefined();
});

test('When an order moves through the API, then its Slack messages follow: task posted on approve, updated on each step', async () => {
  const order = await placeOrder(app, [{ sku, quantity: 1 }]);
  await walk(app, order.number, ['approve']);
  await fake.waitFor(posted(CHANNELS.fulfillment, order.number), 'the fulfillment task');
  const taskTs = (
    await eventually(
      () => stored(order.number),
      (s) => s?.task?.ts,
    )
  )?.task?.ts as string;
  await walk(app, order.number, ['start_picking']);
  await fake.waitFor(updatedWith(taskTs, ACTIONS.pack), 'the task updated to picking');
  expect((await act(app, order.number, 'cancel', { note: 'customer called' })).status).toBe(200);
  const cancelled = await fake.waitFor(
    updatedWith(taskTs, 'customer called'),
    'the task showing the cancellation',
  );
  expect(buttons(cancelled)).toEqual([]);
});

test('When Slack is down as an order arrives, then the approval request is posted once it is back', async () => {
  fake.failNext('chat.postMessage', 2);
  const order = await placeOrder(app, [{ sku, quantity: 1 }]);
  const call = await fake.waitFor(
    (calls) =>
      calls.filter((c) => c.method === 'chat.postMessage' && text(c).includes(`#${order.number}`)).length >=
        3 || undefined,
    'the third attempt',
    30_000,
  );
  expect(call).toBe(true);
  const refs = await eventually(
    () => stored(order.number),
    (s) => s?.approval?.ts,
  );
  expect(refs?.approval?.channel).toBe(CHANNELS.approvals);
});

test('When an old order that never had Slack messages moves (Slack configured after it was placed), then no "new order" or task is posted for it', async () => {
  const order = await placeOrder(app, [{ sku, quantity: 1 }]);
  await walk(app, order.number, ['approve', 'start_picking', 'pack', 'ship', 'deliver']);
  await fake
    .waitFor(
      updatedWith((await stored(order.number))?.task?.ts as string, 'Delivered'),
      'the task showing delivery',
    )
    .catch(() => undefined);
  // As if it had been placed and approved two days ago, before Slack was set up.
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600_000);
  const history = (await app.raw('orders').findOne({ _id: order.number as never }))?.history ?? [];
  await app.raw('orders').updateOne(
    { _id: order.number as never },
    {
      $unset: { slack: '' },
      $set: { createdAt: twoDaysAgo, history: history.map((h: object) => ({ ...h, at: twoDaysAgo })) },
    },
  );
  const before = fake.calls.length;
  await walk(app, order.number, ['request_return']);
  const other = await placeOrder(app, [{ sku, quantity: 1 }]);
  await fake.waitFor(posted(CHANNELS.approvals, other.number), 'a later order posted as usual');
  expect(
    fake.calls
      .slice(before)
      .filter((c) => c.method === 'chat.postMessage' && text(c).includes(`#${order.number}`)),
  ).toEqual([]);
});

test('When someone deleted the fulfillment task, then the next step posts a fresh one instead of failing forever', async () => {
  const order = await placeOrder(app, [{ sku, quantity: 1 }]);
  await walk(app, order.number, ['approve']);
  await fake.waitFor(posted(CHANNELS.fulfillment, order.number), 'the fulfillment task');
  const first = (
    await eventually(
      () => stored(order.number),
      (s) => s?.task?.ts,
    )
  )?.task?.ts;
  fake.failNext('chat.update', 1, 'message_not_found');
  await walk(app, order.number, ['start_picking']);
  const fresh = await eventually(
    () => stored(order.number),
    (s) => s?.task?.ts && s.task.ts !== first,
  );
  expect(fresh?.task?.shown).toBe('picking');
  const reposted = fake.calls.filter(
    (c) =>
      c.method === 'chat.postMessage' &&
      c.body.channel === CHANNELS.fulfillment &&
      text(c).includes(`#${order.number}`),
  );
  expect(reposted).toHaveLength(2);
  expect(buttons(reposted[1] as SlackCall).map((b) => b.action_id)).toEqual([ACTIONS.pack]);
});

test('When the bot cannot post ephemerally in the channel, then the refused user gets a direct message instead', async () => {
  const order = await placeOrder(app, [{ sku, quantity: 1 }]);
  await fake.waitFor(posted(CHANNELS.approvals, order.number), 'the approval request');
  fake.failNext('chat.postEphemeral', 1, 'channel_not_found');
  await clickButton(app.url, ACTIONS.approve, String(order.number), { user: 'UOUTSIDER9' });
  const dm = await fake.waitFor(
    (calls) => calls.find((c) => c.method === 'chat.postMessage' && c.body.channel === 'UOUTSIDER9'),
    'the direct message',
  );
  expect(text(dm)).toMatch(/approver/i);
});

test('When stock falls to its threshold, then one low-stock alert goes to the inventory channel', async () => {
  const low = await createProduct(app, { onHand: 5, lowStockThreshold: 2, name: 'Red kettle' });
  await placeOrder(app, [{ sku: low.sku, quantity: 3 }]);
  await placeOrder(app, [{ sku: low.sku, quantity: 1 }]);
  await fake.waitFor(
    (calls) =>
      calls.find(
        (c) =>
          c.method === 'chat.postMessage' &&
          c.body.channel === CHANNELS.inventory &&
          text(c).includes(low.sku),
      ),
    'the low-stock alert',
  );
  await settled(app);
  expect(
    fake.calls.filter((c) => c.body.channel === CHANNELS.inventory && text(c).includes(low.sku)),
  ).toHaveLength(1);
});

test('When someone opens App Home, then it is published with pending approvals, orders in fulfillment and low stock', async () => {
  const pending = await placeOrder(app, [{ sku, quantity: 1 }]);
  const res = await sendEvent(app.url, {
    type: 'app_home_opened',
    user: 'UAPPROVER1',
    channel: 'DHOME',
    tab: 'home',
  });
  expect(res.status).toBe(200);
  const home = await fake.waitFor(
    (calls) => calls.filter((c) => c.method === 'views.publish' && c.body.user_id === 'UAPPROVER1').at(-1),
    'the published home view',
  );
  expect(home.body.view.type).toBe('home');
  expect(text(home)).toContain(`#${pending.number}`);
  expect(text(home)).toContain('Red kettle');
});
