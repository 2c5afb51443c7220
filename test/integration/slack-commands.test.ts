import { Agent, request } from 'node:http';
import { INPUTS, VIEWS } from '../../src/slack/blocks/ids.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, placeOrder } from '../helpers/builders.js';
import { FakeSlack, SIGNING_SECRET, sendCommand, slackEnv, submitView } from '../helpers/slack.js';

let fake: FakeSlack;
let app: TestApp;
let sku: string;

beforeAll(async () => {
  fake = await new FakeSlack().start();
  app = await startTestApp('slackcommands', slackEnv(fake, { SLACK_APPROVER_IDS: 'UAPPROVER1' }));
  sku = (await createProduct(app, { onHand: 50, name: 'Blue mug', lowStockThreshold: 0 })).sku;
});
afterAll(async () => {
  await app.close();
  await fake.stop();
});

const order = (status: number) => app.api('GET', `/api/v1/orders/${status}`).then((r) => r.body);
const shown = (res: { body: any }) => JSON.stringify(res.body);

describe('Slack signatures', () => {
  test.each([
    ['no signature', { unsigned: true }],
    ['a wrong secret', { secret: 'not-the-secret' }],
    ['a timestamp over 5 minutes old', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }],
  ])('When a command comes with %s, then it gets 401 and does nothing', async (_what, opts) => {
    const placed = await placeOrder(app, [{ sku, quantity: 1 }]);
    const res = await sendCommand(app.url, fake, '/order', `cancel ${placed.number}`, 'UAPPROVER1', opts);
    expect(res.status).toBe(401);
    expect((await order(placed.number)).status).toBe('pending_approval');
  });

  test('When the body is altered after signing, then it gets 401', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const { slackSignature } = await import('../helpers/slack.js');
    const res = await fetch(`${app.url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': slackSignature('command=%2Forder&text=help', ts, SIGNING_SECRET),
      },
      body: 'command=%2Forder&text=cancel+1001',
    });
    expect(res.status).toBe(401);
  });
});

test('When Slack verifies the Request URL (url_verification, signed), then the challenge is echoed', async () => {
  const { postToSlackRoute } = await import('../helpers/slack.js');
  const body = JSON.stringify({ token: 'x', challenge: 'c-123', type: 'url_verification' });
  const res = await postToSlackRoute(app.url, body, 'application/json');
  expect(res.status).toBe(200);
  expect(JSON.stringify(res.body)).toContain('c-123');
  const unsigned = await postToSlackRoute(app.url, body, 'application/json', { unsigned: true });
  expect(unsigned.status).toBe(401);
});

describe('/order', () => {
  test('When someone types /order help (or nothing), then every command is listed privately', async () => {
    for (const text of ['help', '']) {
      const res = await sendCommand(app.url, fake, '/order', text);
      expect(res.status).toBe(200);
      expect(res.body.response_type).toBe('ephemeral');
      for (const cmd of ['/order new', '/order status', '/order find', '/order list', '/order cancel'])
        expect(shown(res)).toContain(cmd);
    }
  });

  test('When someone asks for an order by number, then they get its card; an unknown number is said so', async () => {
    const placed = await placeOrder(app, [{ sku, quantity: 2 }], {
      customer: { name: 'Noa Cohen', phone: '+15551239876' },
    });
    for (const text of [`${placed.number}`, `#${placed.number}`, `status ${placed.number}`]) {
      const res = await sendCommand(app.url, fake, '/order', text);
      expect(res.status).toBe(200);
      expect(shown(res)).toContain(`#${placed.number}`);
      expect(shown(res)).toContain('Noa Cohen');
      expect(shown(res)).toContain(sku);
    }
    const missing = await sendCommand(app.url, fake, '/order', 'status 999999');
    expect(shown(missing)).toContain('No order #999999');
  });

  test('When someone searches by phone in a local format or by name, then the matching orders are listed', async () => {
    const placed = await placeOrder(app, [{ sku, quantity: 1 }], {
      customer: { name: 'Yael Mizrahi', phone: '+15551234400' },
    });
    const byPhone = await sendCommand(app.url, fake, '/order', 'find (555) 123-4400');
    expect(shown(byPhone)).toContain(`#${placed.number}`);
    const byName = await sendCommand(app.url, fake, '/order', 'find mizrahi');
    expect(shown(byName)).toContain(`#${placed.number}`);
    const none = await sendCommand(app.url, fake, '/order', 'find Nobody Atall');
    expect(shown(none)).toContain('No orders found');
  });

  test('When someone lists by status, then only that status is listed; a wrong status gets the list of statuses', async () => {
    const placed = await placeOrder(app, [{ sku, quantity: 1 }]);
    const pending = await sendCommand(app.url, fake, '/order', 'list pending');
    expect(shown(pending)).toContain(`#${placed.number}`);
    const shipped = await sendCommand(app.url, fake, '/order', 'list shipped');
    expect(shown(shipped)).not.toContain(`#${placed.number}`);
    const wrong = await sendCommand(app.url, fake, '/order', 'list sideways');
    expect(shown(wrong)).toContain('is not a status');
    expect(shown(wrong)).toContain('return_requested');
  });

  test('When a non-approver cancels, then nothing changes; when an approver cancels with a reason, then it is cancelled with that note', async () => {
    const placed = await placeOrder(app, [{ sku, quantity: 1 }]);
    const refused = await sendCommand(app.url, fake, '/order', `cancel ${placed.number} oops`, 'UCLERK01');
    expect(shown(refused)).toMatch(/only approvers/i);
    expect((await order(placed.number)).status).toBe('pending_approval');

    const ok = await sendCommand(
      app.url,
      fake,
      '/order',
      `cancel ${placed.number} customer called back`,
      'UAPPROVER1',
    );
    expect(shown(ok)).toContain('cancelled');
    const after = await order(placed.number);
    expect(after.status).toBe('cancelled');
    expect(after.history.at(-1)).toMatchObject({
      action: 'cancel',
      by: 'UAPPROVER1',
      channel: 'slack',
      note: 'customer called back',
    });
    const again = await sendCommand(app.url, fake, '/order', `cancel ${placed.number}`, 'UAPPROVER1');
    expect(shown(again)).toContain('cannot cancel');
  });

  test.each([
    ['frobnicate', "don't know"],
    ['status', 'Which order?'],
    ['cancel', 'Which order?'],
    ['find', 'Find what?'],
    ['status abc', 'Which order?'],
  ])('When someone types /order %s, then they get a helpful private reply', async (text, expected) => {
    const res = await sendCommand(app.url, fake, '/order', text);
    expect(res.status).toBe(200);
    expect(res.body.response_type).toBe('ephemeral');
    expect(shown(res)).toContain(expected);
  });

  test('When someone types /order new, then the phone-order modal opens with their trigger id', async () => {
    const before = fake.calls.length;
    const res = await sendCommand(app.url, fake, '/order', 'new');
    expect(res.status).toBe(200);
    const open = await fake.waitFor(
      (calls) => calls.slice(before).find((c) => c.method === 'views.open'),
      'views.open',
    );
    expect(open.body.trigger_id).toMatch(/^TRIG/);
    expect(open.body.view.callback_id).toBe(VIEWS.phoneOrder);
  });
});

describe('phone-order modal', () => {
  test('When the form has a bad phone, an unknown SKU, too much of a product and half an address, then each field shows its error and nothing is placed', async () => {
    const before = (await app.api('GET', '/api/v1/orders?limit=1')).body.items[0]?.number;
    const res = await submitView(app.url, VIEWS.phoneOrder, {
      [INPUTS.customerName]: 'Avi Ben',
      [INPUTS.customerPhone]: '12',
      [INPUTS.items]: `${sku} 999\nNOPE-1 1`,
      [INPUTS.city]: 'Haifa',
      [INPUTS.country]: 'ZZ',
      [INPUTS.channel]: { select: 'phone' },
    });
    expect(res.status).toBe(200);
    expect(res.body.response_action).toBe('errors');
    expect(Object.keys(res.body.errors).sort()).toEqual(
      [INPUTS.customerPhone, INPUTS.items, INPUTS.addressLine1, INPUTS.postalCode, INPUTS.country].sort(),
    );
    expect(res.body.errors[INPUTS.items]).toContain('NOPE-1: no such product');
    expect(res.body.errors[INPUTS.items]).toContain(`${sku}: only`);
    expect((await app.api('GET', '/api/v1/orders?limit=1')).body.items[0]?.number).toBe(before);
  });

  test('When a line of items cannot be read, then the items field says which line', async () => {
    const res = await submitView(app.url, VIEWS.phoneOrder, {
      [INPUTS.customerName]: 'Avi Ben',
      [INPUTS.customerPhone]: '+15551230077',
      [INPUTS.items]: `${sku} 1\ntwo frobnicators please`,
    });
    expect(res.body.response_action).toBe('errors');
    expect(res.body.errors[INPUTS.items]).toContain('Line 2: frobnicators: no such product.');
  });

  test('When a valid form is submitted, then the order is placed through the order service (phone number normalized, channel as chosen) and the modal shows its number; submitting the same modal again places nothing new', async () => {
    const values = {
      [INPUTS.customerName]: 'Avi Ben',
      [INPUTS.customerPhone]: '(555) 123-0099',
      [INPUTS.items]: `2 x ${sku}\n${sku} 1`,
      [INPUTS.addressLine1]: '1 Main St',
      [INPUTS.city]: 'Springfield',
      [INPUTS.postalCode]: '12345',
      [INPUTS.country]: 'us',
      [INPUTS.notes]: 'Leave at the door',
      [INPUTS.channel]: { select: 'store' },
    };
    const res = await submitView(app.url, VIEWS.phoneOrder, values, {
      user: 'UAGENT07',
      viewId: 'VFORM0001',
    });
    expect(res.status).toBe(200);
    expect(res.body.response_action).toBe('update');
    const number = Number(JSON.stringify(res.body.view).match(/#(\d+)/)?.[1]);
    const placed = await order(number);
    expect(placed).toMatchObject({
      status: 'pending_approval',
      channel: 'store',
      customer: { name: 'Avi Ben', phone: '+15551230099' },
      items: [{ sku, quantity: 3 }],
      shippingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
      notes: 'Leave at the door',
    });
    expect(placed.history[0]).toMatchObject({ by: 'UAGENT07' });

    const again = await submitView(app.url, VIEWS.phoneOrder, values, {
      user: 'UAGENT07',
      viewId: 'VFORM0001',
    });
    expect(JSON.stringify(again.body.view)).toContain(`#${number}`);
    const list = (await app.api('GET', '/api/v1/orders?phone=%2B15551230099')).body.items;
    expect(list).toHaveLength(1);
  });

  test('When the name is left empty for a phone we know, then the saved name is used; for a new phone the name is asked for', async () => {
    await placeOrder(app, [{ sku, quantity: 1 }], {
      customer: { name: 'Miriam Katz', phone: '+15551230555' },
    });
    const known = await submitView(app.url, VIEWS.phoneOrder, {
      [INPUTS.customerPhone]: '+1 555 123 0555',
      [INPUTS.items]: sku,
    });
    expect(known.body.response_action).toBe('update');
    expect(JSON.stringify(known.body.view)).toContain('Miriam Katz');

    const unknown = await submitView(app.url, VIEWS.phoneOrder, {
      [INPUTS.customerPhone]: '+15551230666',
      [INPUTS.items]: sku,
    });
    expect(unknown.body).toEqual({
      response_action: 'errors',
      errors: { [INPUTS.customerName]: expect.any(String) },
    });
  });
});

describe('/stock', () => {
  test('When someone types /stock, then every product is listed; /stock <sku> shows one', async () => {
    const all = await sendCommand(app.url, fake, '/stock', '');
    expect(shown(all)).toContain(sku);
    const one = await sendCommand(app.url, fake, '/stock', sku);
    expect(shown(one)).toContain('Blue mug');
    const missing = await sendCommand(app.url, fake, '/stock', 'NO-SUCH-SKU');
    expect(shown(missing)).toContain('No product with SKU NO-SUCH-SKU');
  });

  // SLACK_STOCK_IDS is unset here, so the approvers keep the stock (slack-roles.test.ts has the rest).
  test('When an approver sets, adds and removes stock and sets the threshold, then the product changes accordingly', async () => {
    const p = await createProduct(app, { onHand: 10 });
    const stock = (text: string) => sendCommand(app.url, fake, '/stock', text, 'UAPPROVER1');
    await stock(`set ${p.sku} 20`);
    expect((await app.api('GET', `/api/v1/products/${p.sku}`)).body.onHand).toBe(20);
    await stock(`add ${p.sku} 5`);
    await stock(`add ${p.sku} -3`);
    const res = await stock(`threshold ${p.sku} 4`);
    expect(shown(res)).toContain('alert threshold set to 4');
    expect((await app.api('GET', `/api/v1/products/${p.sku}`)).body).toMatchObject({
      onHand: 22,
      available: 22,
      lowStockThreshold: 4,
    });
    const tooMany = await stock(`add ${p.sku} -100`);
    expect(shown(tooMany)).toContain('only 22 available');
  });

  test.each([
    ['set SKU-1 -5', 'must be a whole number'],
    ['set SKU-1', 'Usage'],
    ['add SKU-1 0', 'non-zero'],
    ['threshold SKU-1 lots', 'must be a whole number'],
    ['bogus words here', "don't know"],
  ])(
    'When someone types /stock %s, then they get a helpful reply and nothing changes',
    async (text, expected) => {
      const res = await sendCommand(app.url, fake, '/stock', text);
      expect(res.status).toBe(200);
      expect(shown(res)).toContain(expected);
    },
  );
});

test('When a Slack body over the limit is refused before it is read (413), then the connection is closed, and the client’s next request goes on a new one and is answered', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const send = (path: string, body?: string) =>
    new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      const req = request(
        `${app.url}${path}`,
        {
          agent,
          method: body === undefined ? 'GET' : 'POST',
          headers: body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' },
          timeout: 5_000,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
        },
      );
      req.on('error', (err) => (err.message.includes('EPIPE') ? undefined : reject(err)));
      req.on('timeout', () => reject(new Error(`no answer to ${path} within 5 s`)));
      req.end(body);
    });
  try {
    const refused = await send('/slack/events', `payload=${'x'.repeat(100_000)}`);
    expect(refused).toEqual({ status: 413, connection: 'close' });
    expect((await send('/healthz')).status).toBe(200);
  } finally {
    agent.destroy();
  }
});
