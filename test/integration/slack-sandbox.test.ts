import { SANDBOX_SLACK_SIGNING_SECRET } from '../../src/config.js';
import { ACTIONS } from '../../src/slack/blocks/ids.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, placeOrder } from '../helpers/builders.js';
import { eventually } from '../helpers/eventually.js';
import { clickButton, FakeSlack, postToSlackRoute, sendCommand } from '../helpers/slack.js';

/** Without Slack credentials, what would go to Slack is kept in the outbox for a person to read. */

let app: TestApp;
let fake: FakeSlack;
beforeAll(async () => {
  fake = await new FakeSlack().start();
  app = await startTestApp('slacksandbox', { SLACK_API_URL: `${fake.url}/api/` }, { jobs: true });
});
afterAll(async () => {
  await app.close();
  await fake.stop();
});

async function outbox(): Promise<any[]> {
  return (await app.api('GET', '/api/v1/outbox?door=slack')).body.items;
}

const waitForOutbox = (pick: (items: any[]) => any): Promise<any> =>
  eventually(async () => pick(await outbox()), Boolean, { what: 'an outbox entry' });

test('When an order is placed in sandbox mode, then its approval request is kept in the outbox (not sent), readable as JSON and on the /outbox page', async () => {
  const { sku } = await createProduct(app, { onHand: 5 });
  const order = await placeOrder(app, [{ sku, quantity: 1 }], {
    customer: { name: 'Sandbox <Sam>', phone: '+15551231111' },
  });
  const entry = await waitForOutbox((items) =>
    items.find((e) => e.method === 'chat.postMessage' && e.text.includes(`#${order.number}`)),
  );
  expect(entry.to).toBe('approvals');
  expect(JSON.stringify(entry.payload.blocks)).toContain(ACTIONS.approve);
  expect(fake.calls).toEqual([]);

  const page = await fetch(`${app.url}/outbox`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain(`#${order.number}`);
  // Escaped for Slack's mrkdwn, then for HTML: the customer's text never becomes markup.
  expect(html).toContain('Sandbox &amp;lt;Sam&amp;gt;');
  expect(html).not.toContain('<Sam>');
});

test('When a command signed with the sandbox secret (as the README shows) is sent, then it is answered; an unsigned one gets 401', async () => {
  const body = new URLSearchParams({
    command: '/order',
    text: 'help',
    user_id: 'UME',
    trigger_id: 'T1',
    response_url: `${fake.url}/response/x`,
  }).toString();
  const ok = await sendCommand(app.url, fake, '/order', 'help', 'UME', {
    secret: SANDBOX_SLACK_SIGNING_SECRET,
  });
  expect(ok.status).toBe(200);
  expect(JSON.stringify(ok.body)).toContain('/order new');
  const unsigned = await postToSlackRoute(app.url, body, 'application/x-www-form-urlencoded', {
    unsigned: true,
  });
  expect(unsigned.status).toBe(401);
});

test('When SLACK_APPROVER_IDS is unset, then anyone may approve', async () => {
  const { sku } = await createProduct(app, { onHand: 5 });
  const order = await placeOrder(app, [{ sku, quantity: 1 }]);
  const res = await clickButton(app.url, ACTIONS.approve, String(order.number), {
    user: 'UANYONE01',
    sign: { secret: SANDBOX_SLACK_SIGNING_SECRET },
  });
  expect(res.status).toBe(200);
  const approved = await eventually(
    async () => (await app.api('GET', `/api/v1/orders/${order.number}`)).body,
    (o) => o.status === 'approved',
  );
  expect(approved.history.at(-1)).toMatchObject({ action: 'approve', by: 'UANYONE01', channel: 'slack' });
});

test('When production runs without Slack (SLACK_ENABLED=false), then /slack/events does not exist and there is no outbox', async () => {
  const prod = await startTestApp('slackprod', {
    NODE_ENV: 'production',
    BUSINESS_NAME: 'Cafe Levi',
    BUSINESS_ADDRESS: '1 Herzl St',
    BUSINESS_TAX_ID: '514000000',
    SLACK_ENABLED: 'false',
    TWILIO_ENABLED: 'false',
  });
  try {
    const body = 'command=%2Forder&text=help';
    const res = await postToSlackRoute(prod.url, body, 'application/x-www-form-urlencoded', {
      secret: SANDBOX_SLACK_SIGNING_SECRET,
    });
    expect(res.status).toBe(404);
    expect((await fetch(`${prod.url}/outbox`)).status).toBe(404);
    expect((await prod.api('GET', '/api/v1/outbox')).status).toBe(404);
  } finally {
    await prod.close();
  }
});
