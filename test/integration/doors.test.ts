import { APPROVAL_REMINDERS } from '../../jobs/approval-reminders.js';
import { DAILY_DIGEST } from '../../jobs/daily-digest.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, deliverAll, placeOrder, uniquePhone, walk } from '../helpers/builders.js';
import { CHANNELS, FakeSlack, postToSlackRoute, SIGNING_SECRET, slackEnv } from '../helpers/slack.js';
import { AUTH_TOKEN, FakeTwilio, postTwilio, text, twilioEnv } from '../helpers/twilio.js';

/**
 * A door turned off on purpose (SLACK_ENABLED=false, TWILIO_ENABLED=false) records nothing for
 * itself: no effect waits for it, nothing goes to the outbox, nothing is late, and its routes do
 * not exist. The other door works as usual. Both in production, where a door must be live or off.
 */

const PRODUCTION = {
  NODE_ENV: 'production',
  BUSINESS_NAME: 'Cafe Levi',
  BUSINESS_ADDRESS: '1 Herzl St, Tel Aviv',
  BUSINESS_TAX_ID: '514000000',
  // Everything recorded is "late" after a second, so late-messages shows what was asked for.
  DELIVERY_LATE_AFTER: '1 second',
  DELIVERY_RETRY_MAX: '1 second',
};

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function effectsOf(app: TestApp, number: number): Promise<string[]> {
  return (
    ((await app.raw('orders').findOne({ _id: number as never })) as { effects?: string[] } | null)?.effects ??
    []
  );
}

async function lateEffects(app: TestApp): Promise<string[]> {
  const res = await app.api('GET', '/api/v1/late-messages');
  expect(res.status).toBe(200);
  return (res.body.items as { effect: string }[]).map((i) => i.effect);
}

describe('When production runs Twilio live and Slack off (SLACK_ENABLED=false)', () => {
  const twilio = new FakeTwilio();
  let app: TestApp;
  beforeAll(async () => {
    await twilio.start();
    app = await startTestApp('doorsslackoff', {
      ...PRODUCTION,
      ...twilioEnv(twilio),
      SLACK_ENABLED: 'false',
    });
  });
  afterAll(async () => {
    await app?.close();
    await twilio.stop();
  });

  test('then orders placed by API and by SMS record no Slack effect and nothing in the outbox, nothing is late for Slack, and the customer texts reach Twilio', async () => {
    // A threshold the order crosses: the low-stock alert would be Slack's too.
    const product = await createProduct(app, { onHand: 3, lowStockThreshold: 1 });
    const apiPhone = uniquePhone();
    const order = await placeOrder(app, [{ sku: product.sku, quantity: 1 }], {
      customer: { name: 'Dana Levi', phone: apiPhone },
    });
    await walk(app, order.number, ['approve']);

    const smsPhone = uniquePhone();
    expect((await text(app.url, smsPhone, `ORDER 1 ${product.sku}`)).reply).toContain('CONFIRM');
    const confirmed = await text(app.url, smsPhone, 'CONFIRM');
    const smsNumber = Number(confirmed.reply.match(/#(\d+)/)?.[1]);
    expect(smsNumber).toBeGreaterThan(order.number);

    // Recorded with the changes: only the customer's texts.
    expect(await effectsOf(app, order.number)).toEqual(['sms:placed', 'sms:approved']);
    expect((await effectsOf(app, smsNumber)).filter((e) => e.startsWith('slack:'))).toEqual([]);
    const stock = await app.raw('products').findOne({ _id: product.sku as never });
    expect(stock).toMatchObject({ lowStockAlerted: true });
    expect(stock?.alertPending).toBeUndefined();

    // Twilio down while the sweep hands everything due to the lanes: what waits is then late.
    twilio.failNext(1_000);
    await app.deps.delivery.sweep({ products: true });
    await pause(1_100);
    const late = await lateEffects(app);
    expect(late.filter((e) => e.startsWith('slack:'))).toEqual([]);
    expect(late).toEqual(expect.arrayContaining(['sms:placed', 'sms:approved']));

    twilio.failNext(0);
    await deliverAll(app);
    expect(twilio.to(apiPhone).map((m) => m.body)).toEqual([
      expect.stringContaining(`#${order.number}`),
      expect.stringContaining(`#${order.number}`),
    ]);
    expect(await lateEffects(app)).toEqual([]);
    expect(await app.raw('outbox').countDocuments()).toBe(0);
  });

  test('then /slack/events does not exist (404) and there is no outbox', async () => {
    const res = await postToSlackRoute(
      app.url,
      'command=%2Forder&text=late',
      'application/x-www-form-urlencoded',
      {
        secret: SIGNING_SECRET,
      },
    );
    expect(res.status).toBe(404);
    expect((await app.api('GET', '/api/v1/outbox')).status).toBe(404);
    expect((await fetch(`${app.url}/outbox`)).status).toBe(404);
  });
});

describe('When production runs Slack live and Twilio off (TWILIO_ENABLED=false)', () => {
  const slack = new FakeSlack();
  let app: TestApp;
  beforeAll(async () => {
    await slack.start();
    app = await startTestApp('doorstwiliooff', {
      ...PRODUCTION,
      ...slackEnv(slack, { SLACK_APPROVER_IDS: 'U0APPROVER1' }),
      TWILIO_ENABLED: 'false',
    });
  });
  afterAll(async () => {
    await app?.close();
    await slack.stop();
  });

  test('then an order is posted for approval, records no SMS effect and nothing in the outbox, and nothing is late for SMS', async () => {
    const product = await createProduct(app);
    const order = await placeOrder(app, [{ sku: product.sku, quantity: 1 }]);
    await walk(app, order.number, ['approve']);
    expect((await effectsOf(app, order.number)).filter((e) => !e.startsWith('slack:'))).toEqual([]);

    await pause(1_100);
    const late = await lateEffects(app);
    expect(late.filter((e) => !e.startsWith('slack:'))).toEqual([]);

    await deliverAll(app);
    const posts = slack.calls.filter((c) => c.method === 'chat.postMessage');
    expect(posts.map((c) => c.body.channel)).toEqual(
      expect.arrayContaining([CHANNELS.approvals, CHANNELS.fulfillment]),
    );
    expect(await lateEffects(app)).toEqual([]);
    expect(await app.raw('outbox').countDocuments()).toBe(0);
    expect(await app.raw('sms_messages').countDocuments()).toBe(0);
  });

  test('then the Twilio routes do not exist (404), even signed with the right token', async () => {
    const sms = await text(app.url, uniquePhone(), 'HELP', { token: AUTH_TOKEN });
    expect(sms.status).toBe(404);
    for (const path of ['/twilio/sms/status', '/twilio/voice', '/twilio/voice/menu']) {
      expect((await postTwilio(app.url, path, { CallSid: 'CA1' }, { token: AUTH_TOKEN })).status).toBe(404);
    }
  });
});

test('When outside production Slack is off (SLACK_ENABLED=false) and Twilio has no credentials, then texts are kept in the outbox as sandbox texts and nothing is kept for Slack', async () => {
  const app = await startTestApp('doorsdevslackoff', {
    SLACK_ENABLED: 'false',
    DELIVERY_LATE_AFTER: '1 second',
  });
  try {
    const product = await createProduct(app);
    const phone = uniquePhone();
    const order = await placeOrder(app, [{ sku: product.sku, quantity: 1 }], {
      customer: { name: 'Dana Levi', phone },
    });
    expect(await effectsOf(app, order.number)).toEqual(['sms:placed']);
    await deliverAll(app);
    const kept = await app.api('GET', '/api/v1/outbox');
    expect(kept.status).toBe(200);
    expect((kept.body.items as { door: string; to: string }[]).map((e) => [e.door, e.to])).toEqual([
      ['sms', phone],
    ]);
    expect(await lateEffects(app)).toEqual([]);
  } finally {
    await app.close();
  }
});

test('When Slack is off, then no daily digest is scheduled (a stored one from before is dropped), while the other recurring work is', async () => {
  const dbName = `t_doorsdigest_${Date.now().toString(36)}`;
  const before = await startTestApp('doorsdigest', {}, { dbName, jobs: true });
  expect(await before.raw('agendaJobs').countDocuments({ name: DAILY_DIGEST })).toBe(1);
  await before.stop();
  const app = await startTestApp('doorsdigest', { SLACK_ENABLED: 'false' }, { dbName, jobs: true });
  try {
    expect(await app.raw('agendaJobs').countDocuments({ name: DAILY_DIGEST })).toBe(0);
    expect(await app.raw('agendaJobs').countDocuments({ name: APPROVAL_REMINDERS })).toBe(1);
  } finally {
    await app.close();
  }
});
