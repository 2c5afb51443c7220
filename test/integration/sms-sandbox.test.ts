import { SANDBOX_TWILIO_AUTH_TOKEN } from '../../src/config.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, placeOrder, uniquePhone } from '../helpers/builders.js';
import { eventually } from '../helpers/eventually.js';
import { text } from '../helpers/twilio.js';

/** Without Twilio credentials, texts go to the outbox, and webhooks are signed with the sandbox token. */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('smssandbox', {}, { jobs: true });
});
afterAll(() => app.close());

test('When a customer texts a sandbox server (signed with the sandbox token over PUBLIC_URL), then the reply comes back; the real-looking token is refused', async () => {
  const publicUrl = app.deps.config.publicUrl;
  const ok = await text(app.url, uniquePhone(), 'HELP', { token: SANDBOX_TWILIO_AUTH_TOKEN, publicUrl });
  expect(ok.status).toBe(200);
  expect(ok.reply).toContain('STATUS');
  const wrong = await text(app.url, uniquePhone(), 'HELP', { token: 'some-other-token-0000', publicUrl });
  expect(wrong.status).toBe(403);
});

test('When an order is placed in sandbox mode, then the customer update is kept in the outbox instead of sent', async () => {
  const phone = uniquePhone();
  const { sku } = await createProduct(app);
  const order = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Sandy', phone } });
  const entry: any = await eventually(
    async () => (await app.api('GET', '/api/v1/outbox?door=sms')).body.items.find((e: any) => e.to === phone),
    Boolean,
    { what: 'the update in the outbox' },
  );
  expect(entry).toMatchObject({ door: 'sms', method: 'sms', to: phone });
  expect(entry.text).toContain(`#${order.number}`);
  const record = await app.raw('sms_messages').findOne({ to: phone });
  expect(record?.status).toBe('outbox');
});

test('When DEFAULT_LANGUAGE=he and a stranger texts only a number, then the reply is in Hebrew', async () => {
  const he = await startTestApp('smshe', { DEFAULT_LANGUAGE: 'he' });
  try {
    const res = await text(he.url, uniquePhone(), '1042', {
      token: SANDBOX_TWILIO_AUTH_TOKEN,
      publicUrl: he.deps.config.publicUrl,
    });
    expect(res.reply).toMatch(/[\u0590-\u05FF]/);
  } finally {
    await he.close();
  }
});

test('When production runs without Twilio (TWILIO_ENABLED=false), then the SMS routes do not exist', async () => {
  const prod = await startTestApp('smsprod', {
    NODE_ENV: 'production',
    BUSINESS_NAME: 'Cafe Levi',
    BUSINESS_ADDRESS: '1 Herzl St',
    BUSINESS_TAX_ID: '514000000',
    SLACK_ENABLED: 'false',
    TWILIO_ENABLED: 'false',
  });
  try {
    const res = await text(prod.url, uniquePhone(), 'HELP', {
      token: SANDBOX_TWILIO_AUTH_TOKEN,
      publicUrl: prod.deps.config.publicUrl,
    });
    expect(res.status).toBe(404);
  } finally {
    await prod.close();
  }
});
