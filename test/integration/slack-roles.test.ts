import { randomBytes } from 'node:crypto';
import { ACTIONS, INPUTS, VIEWS } from '../../src/slack/blocks/ids.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, placeOrder, uniquePhone, walk } from '../helpers/builders.js';
import { eventually } from '../helpers/eventually.js';
import {
  CHANNELS,
  clickButton,
  FakeSlack,
  postToSlackRoute,
  type SlackCall,
  sendCommand,
  sendEvent,
  slackEnv,
  submitView,
} from '../helpers/slack.js';

/**
 * Slack roles (README, Slack "Roles"): who may press which staff button or change stock, user groups resolved
 * through the (fake) Slack Web API, guests from another workspace, and the body limit.
 */

let fake: FakeSlack;
beforeAll(async () => {
  fake = await new FakeSlack().start();
  fake.userGroups.set('SPICKERS1', ['UOTHER001', 'UPICKGRP1']);
  fake.userGroups.set('SAPPROVERS', ['UAPPRGRP1']);
});
afterAll(async () => {
  await fake.stop();
});

/** Slack Web API reads the role checks make (who is in a group, which workspace is ours). */
const LOOKUPS = ['usergroups.users.list', 'auth.test'];
const text = (call: SlackCall) => JSON.stringify(call.body);
const shown = (res: { body: unknown }) => JSON.stringify(res.body);

/** The private note (ephemeral, or a direct message) that `user` got after call number `since`. */
const toldPrivately = (user: string, since: number, what = 'the private refusal') =>
  fake.waitFor(
    (calls) =>
      calls
        .slice(since)
        .find(
          (c) =>
            (c.method === 'chat.postEphemeral' && c.body.user === user) ||
            (c.method === 'chat.postMessage' && c.body.channel === user),
        ),
    what,
  );

describe('with all three role lists set', () => {
  let app: TestApp;
  let sku: string;
  beforeAll(async () => {
    app = await startTestApp(
      'slackroles',
      slackEnv(fake, {
        SLACK_APPROVER_IDS: 'UAPPROVER1,SAPPROVERS',
        SLACK_FULFILLMENT_IDS: 'UPICKER01,SPICKERS1',
        SLACK_STOCK_IDS: 'USTOCK001',
      }),
    );
    sku = (await createProduct(app, { onHand: 1000, name: 'Blue mug' })).sku;
  });
  afterAll(async () => {
    await app.close();
  });

  const orderOf = async (number: number) => (await app.api('GET', `/api/v1/orders/${number}`)).body;
  const orderAt = async (steps: string[], overrides = {}) => {
    const order = await placeOrder(app, [{ sku, quantity: 1 }], overrides);
    if (steps.length) await walk(app, order.number, steps);
    return order.number as number;
  };
  const onHand = async (s: string) => (await app.api('GET', `/api/v1/products/${s}`)).body.onHand;

  test('When someone outside SLACK_FULFILLMENT_IDS (an approver even) clicks Start picking, Packed or Shipped, then the order stays where it was and only they are told it needs fulfillment staff', async () => {
    const approved = await orderAt(['approve']);
    const picking = await orderAt(['approve', 'start_picking']);
    const packed = await orderAt(['approve', 'start_picking', 'pack']);
    const cases = [
      {
        number: approved,
        action: ACTIONS.startPicking,
        user: 'UAPPROVER1',
        verb: 'start picking',
        was: 'approved',
      },
      { number: picking, action: ACTIONS.pack, user: 'UINTRUDER1', verb: 'pack', was: 'picking' },
      { number: packed, action: ACTIONS.ship, user: 'UINTRUDER2', verb: 'ship', was: 'packed' },
    ];
    for (const c of cases) {
      const before = fake.calls.length;
      const res = await clickButton(app.url, c.action, String(c.number), {
        user: c.user,
        channel: CHANNELS.fulfillment,
      });
      expect(res.status).toBe(200);
      const told = await toldPrivately(c.user, before);
      expect(told.method).toBe('chat.postEphemeral');
      expect(told.body.channel).toBe(CHANNELS.fulfillment);
      expect(text(told)).toContain('SLACK_FULFILLMENT_IDS');
      expect(text(told)).toContain(c.verb);
      const order = await orderOf(c.number);
      expect(order.status).toBe(c.was);
      expect(order.history.at(-1).by).not.toBe(c.user);
      // Nothing else was said or opened on their behalf (no Ship modal).
      const said = fake.calls.slice(before).filter((x) => !LOOKUPS.includes(x.method));
      expect(said).toEqual([told]);
    }

    // A Ship form opened before (or forged) is checked again when it is submitted.
    const submitted = await submitView(
      app.url,
      VIEWS.ship,
      { [INPUTS.carrier]: 'UPS', [INPUTS.trackingNumber]: '1Z999AA10123456784' },
      {
        user: 'UINTRUDER2',
        privateMetadata: JSON.stringify({ number: packed, channel: CHANNELS.fulfillment }),
      },
    );
    expect(submitted.body).toEqual({
      response_action: 'errors',
      errors: { [INPUTS.carrier]: expect.stringContaining('SLACK_FULFILLMENT_IDS') },
    });
    expect((await orderOf(packed)).status).toBe('packed');
  });

  test('When fulfillment staff click, listed directly or through a user group Slack resolves, then the order moves through picking, packed and shipped', async () => {
    const number = await orderAt(['approve']);
    await clickButton(app.url, ACTIONS.startPicking, String(number), {
      user: 'UPICKER01',
      channel: CHANNELS.fulfillment,
    });
    await eventually(
      () => orderOf(number),
      (o) => o.status === 'picking',
      { what: 'picking' },
    );

    await clickButton(app.url, ACTIONS.pack, String(number), {
      user: 'UPICKGRP1',
      channel: CHANNELS.fulfillment,
    });
    await eventually(
      () => orderOf(number),
      (o) => o.status === 'packed',
      { what: 'packed' },
    );
    expect(
      fake.calls.some((c) => c.method === 'usergroups.users.list' && c.body.usergroup === 'SPICKERS1'),
    ).toBe(true);

    const before = fake.calls.length;
    await clickButton(app.url, ACTIONS.ship, String(number), {
      user: 'UPICKGRP1',
      channel: CHANNELS.fulfillment,
    });
    const modal = await fake.waitFor(
      (calls) => calls.slice(before).find((c) => c.method === 'views.open'),
      'the ship modal',
    );
    const ok = await submitView(
      app.url,
      VIEWS.ship,
      { [INPUTS.carrier]: 'UPS', [INPUTS.trackingNumber]: '1Z999AA10123456784' },
      { user: 'UPICKGRP1', privateMetadata: modal.body.view.private_metadata },
    );
    expect(ok.body).toBe('');
    const shipped = await orderOf(number);
    expect(shipped.status).toBe('shipped');
    expect(shipped.history.at(-1)).toMatchObject({ action: 'ship', by: 'UPICKGRP1' });
  });

  test('When Slack cannot say who is in a user group, then the click is refused (fail closed) and nothing changes; once it answers, the group member approves', async () => {
    const number = await orderAt([]);
    fake.failNext('usergroups.users.list', 1, 'internal_error');
    const before = fake.calls.length;
    await clickButton(app.url, ACTIONS.approve, String(number), { user: 'UAPPRGRP1' });
    const told = await toldPrivately('UAPPRGRP1', before);
    expect(text(told)).toContain('SLACK_APPROVER_IDS');
    expect((await orderOf(number)).status).toBe('pending_approval');

    await clickButton(app.url, ACTIONS.approve, String(number), { user: 'UAPPRGRP1' });
    const approved = await eventually(
      () => orderOf(number),
      (o) => o.status === 'approved',
      {
        what: 'approved',
      },
    );
    expect(approved.history.at(-1)).toMatchObject({ action: 'approve', by: 'UAPPRGRP1' });
  });

  test('When someone outside SLACK_STOCK_IDS (an approver even) runs /stock set, add or threshold, then stock is unchanged and only they are told; a stock keeper changes it; anyone may still look', async () => {
    const product = await createProduct(app, { onHand: 10, name: 'Red kettle' });
    for (const [user, text] of [
      ['UAPPROVER1', `set ${product.sku} 50`],
      ['UINTRUDER1', `add ${product.sku} 5`],
      ['UPICKER01', `threshold ${product.sku} 3`],
    ] as const) {
      const res = await sendCommand(app.url, fake, '/stock', text, user);
      expect(res.status).toBe(200);
      expect(res.body.response_type).toBe('ephemeral');
      expect(shown(res)).toContain('SLACK_STOCK_IDS');
    }
    const unchanged = (await app.api('GET', `/api/v1/products/${product.sku}`)).body;
    expect(unchanged).toMatchObject({ onHand: 10, lowStockThreshold: 0 });

    const set = await sendCommand(app.url, fake, '/stock', `set ${product.sku} 50`, 'USTOCK001');
    expect(shown(set)).toContain('on hand set to 50');
    expect(await onHand(product.sku)).toBe(50);

    const look = await sendCommand(app.url, fake, '/stock', product.sku, 'UINTRUDER1');
    expect(shown(look)).toContain('Red kettle');
    expect(shown(look)).not.toContain('SLACK_STOCK_IDS');
  });

  test('When a non-approver clicks Call back on a low rating, then nobody takes it and they are told it needs an approver; an approver takes it', async () => {
    const phone = uniquePhone();
    const number = await orderAt(['approve', 'start_picking', 'pack', 'ship', 'deliver'], {
      customer: { name: 'Noa Peretz', phone },
    });
    expect((await app.deps.orders.rateLatestDelivered(phone, 1, 3600_000))?.number).toBe(number);

    const before = fake.calls.length;
    await clickButton(app.url, ACTIONS.callBack, String(number), { user: 'UPICKER01' });
    const told = await toldPrivately('UPICKER01', before);
    expect(text(told)).toContain('SLACK_APPROVER_IDS');
    expect((await app.deps.orders.get(number)).callBack).toBeUndefined();

    await clickButton(app.url, ACTIONS.callBack, String(number), { user: 'UAPPROVER1' });
    const taken = await eventually(
      () => app.deps.orders.get(number),
      (o) => o.callBack,
      { what: 'the call back taken' },
    );
    expect(taken.callBack).toMatchObject({ by: 'UAPPROVER1' });
  });

  test('When a guest from another workspace (Slack Connect) clicks Approve, submits Reject or runs /stock set, then nothing changes and only they are told', async () => {
    const number = await orderAt([]);
    const product = await createProduct(app, { onHand: 10 });

    // The user ID is an approver's: only the workspace differs.
    const before = fake.calls.length;
    const click = await clickButton(app.url, ACTIONS.approve, String(number), {
      user: 'UAPPROVER1',
      userTeam: 'T0GUEST99',
    });
    expect(click.status).toBe(200);
    const told = await toldPrivately('UAPPROVER1', before);
    expect(text(told)).toMatch(/workspace/i);
    // Where they clicked, seen by them alone.
    expect(told).toMatchObject({ method: 'chat.postEphemeral', body: { channel: CHANNELS.approvals } });
    expect(fake.calls.some((c) => c.method === 'auth.test')).toBe(true);

    const reject = await submitView(
      app.url,
      VIEWS.reject,
      { [INPUTS.reason]: 'not ours to decide' },
      {
        user: 'UAPPROVER1',
        userTeam: 'T0GUEST99',
        privateMetadata: JSON.stringify({ number, channel: CHANNELS.approvals }),
      },
    );
    expect(reject.body).toEqual({
      response_action: 'errors',
      errors: { [INPUTS.reason]: expect.stringMatching(/workspace/i) },
    });

    const stock = await sendCommand(app.url, fake, '/stock', `set ${product.sku} 99`, 'USTOCK001', {
      team: 'T0GUEST99',
    });
    expect(stock.body.response_type).toBe('ephemeral');
    expect(shown(stock)).toMatch(/workspace/i);

    expect((await orderOf(number)).status).toBe('pending_approval');
    expect((await orderOf(number)).history).toHaveLength(1);
    expect(await onHand(product.sku)).toBe(10);
  });

  test('When an event arrives (App Home opened), then the workspace check lets it through: it is not a click, form or command', async () => {
    const before = fake.calls.length;
    await sendEvent(app.url, { type: 'app_home_opened', user: 'UAPPROVER1', tab: 'home' });
    await fake.waitFor(
      (calls) => calls.slice(before).find((c) => c.method === 'views.publish'),
      'App Home published',
    );
  });

  test('When a 100 KB body is posted to /slack/events, then it gets 413 before any signature check and the command is not run', async () => {
    const product = await createProduct(app, { onHand: 10 });
    const body = new URLSearchParams({
      token: 'deprecated',
      team_id: 'T0001',
      channel_id: 'CSALES01',
      user_id: 'USTOCK001',
      command: '/stock',
      text: `set ${product.sku} 77`,
      response_url: `${fake.url}/response/R1`,
      trigger_id: 'TRIG1',
      padding: randomBytes(50 * 1024).toString('hex'),
    }).toString();
    expect(body.length).toBeGreaterThan(100 * 1024);
    const signed = await postToSlackRoute(app.url, body, 'application/x-www-form-urlencoded');
    expect(signed.status).toBe(413);
    const unsigned = await postToSlackRoute(app.url, body, 'application/x-www-form-urlencoded', {
      unsigned: true,
    });
    expect(unsigned.status).toBe(413);
    expect(await onHand(product.sku)).toBe(10);
  });
});

describe('with only SLACK_APPROVER_IDS set', () => {
  let app: TestApp;
  let sku: string;
  beforeAll(async () => {
    app = await startTestApp('slackroles2', slackEnv(fake, { SLACK_APPROVER_IDS: 'UAPPROVER1' }));
    sku = (await createProduct(app, { onHand: 100 })).sku;
  });
  afterAll(async () => {
    await app.close();
  });

  test('When SLACK_STOCK_IDS is unset, then the approvers change stock and anyone else is refused with the variables named', async () => {
    const refused = await sendCommand(app.url, fake, '/stock', `add ${sku} 5`, 'UINTRUDER1');
    expect(shown(refused)).toContain('SLACK_STOCK_IDS');
    expect(shown(refused)).toContain('SLACK_APPROVER_IDS');
    expect((await app.api('GET', `/api/v1/products/${sku}`)).body.onHand).toBe(100);

    const added = await sendCommand(app.url, fake, '/stock', `add ${sku} 5`, 'UAPPROVER1');
    expect(shown(added)).toContain('added 5');
    expect((await app.api('GET', `/api/v1/products/${sku}`)).body.onHand).toBe(105);
  });

  test('When SLACK_FULFILLMENT_IDS is unset, then anyone may work the fulfillment steps', async () => {
    const order = await placeOrder(app, [{ sku, quantity: 1 }]);
    await walk(app, order.number, ['approve']);
    await clickButton(app.url, ACTIONS.startPicking, String(order.number), {
      user: 'UANYONE01',
      channel: CHANNELS.fulfillment,
    });
    const moved = await eventually(
      async () => (await app.api('GET', `/api/v1/orders/${order.number}`)).body,
      (o) => o.status === 'picking',
      { what: 'picking' },
    );
    expect(moved.history.at(-1)).toMatchObject({ action: 'start_picking', by: 'UANYONE01' });
  });
});

describe('in production', () => {
  test('When Slack is live in production without SLACK_FULFILLMENT_IDS, then the start says once that anyone may move orders', async () => {
    const lines: { level: number; msg: string }[] = [];
    const app = await startTestApp(
      'slackrolesprod',
      slackEnv(fake, {
        NODE_ENV: 'production',
        TWILIO_ENABLED: 'false',
        SLACK_APPROVER_IDS: 'UAPPROVER1',
        BUSINESS_NAME: 'Cafe Levi',
        BUSINESS_ADDRESS: '1 Herzl St, Tel Aviv',
        BUSINESS_TAX_ID: '514000000',
      }),
      { logStream: { write: (l: string) => lines.push(JSON.parse(l)) } },
    );
    await app.close();
    const warned = lines.filter((l) => l.msg.includes('SLACK_FULFILLMENT_IDS'));
    expect(warned).toHaveLength(1);
    expect(warned[0]?.level).toBe(40);
  });
});
