import {
  ConfigError,
  loadConfig,
  SANDBOX_API_KEY,
  SANDBOX_SLACK_SIGNING_SECRET,
  SANDBOX_TWILIO_AUTH_TOKEN,
} from '../../src/config.js';

/** What production needs to print on an invoice. */
const ISSUER = {
  BUSINESS_NAME: 'Cafe Levi',
  BUSINESS_ADDRESS: '1 Herzl St, Tel Aviv',
  BUSINESS_TAX_ID: '514000000',
};

const base = { NODE_ENV: 'test' };
const fails = (env: Record<string, string>) => {
  try {
    loadConfig({ ...base, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

test('With nothing set, the defaults of SPEC.md apply and Slack and Twilio run in sandbox mode', () => {
  const c = loadConfig(base);
  expect(c).toMatchObject({
    port: 3000,
    currency: 'USD',
    defaultCountry: 'US',
    defaultLanguage: 'en',
    slack: { sandbox: true, apiUrl: 'https://slack.com/api/' },
    twilio: { sandbox: true, apiUrl: 'https://api.twilio.com' },
    followUpDelay: { ms: 3 * 24 * 3600 * 1000 },
    approvalReminderAfter: { ms: 30 * 60 * 1000 },
    jobPollInterval: { ms: 5000 },
  });
  expect(c.apiKeysFromEnv).toBe(false);
});

test.each([
  ['PORT', { PORT: 'eighty' }],
  ['PORT', { PORT: '70000' }],
  ['MONGODB_URI', { MONGODB_URI: 'postgres://x' }],
  ['CURRENCY', { CURRENCY: 'XYZW' }],
  ['DEFAULT_COUNTRY', { DEFAULT_COUNTRY: 'ZZ' }],
  ['DEFAULT_LANGUAGE', { DEFAULT_LANGUAGE: 'fr' }],
  ['BUSINESS_TIMEZONE', { BUSINESS_TIMEZONE: 'Mars/Olympus' }],
  ['FOLLOW_UP_DELAY', { FOLLOW_UP_DELAY: 'soon' }],
  ['JOB_POLL_INTERVAL', { JOB_POLL_INTERVAL: '0 seconds' }],
  ['SMS_REPLY_DEADLINE', { SMS_REPLY_DEADLINE: '15 seconds' }],
  ['RECONCILE_GRACE', { RECONCILE_GRACE: 'later' }],
  ['API_KEYS', { API_KEYS: 'no-colon-here' }],
  ['API_KEYS', { API_KEYS: 'shop:short' }],
  ['PUBLIC_URL', { PUBLIC_URL: 'not a url' }],
  ['SLACK_BOT_TOKEN', { SLACK_SIGNING_SECRET: 'abc' }],
  ['SLACK_CHANNEL_APPROVALS', { SLACK_SIGNING_SECRET: 'abc', SLACK_BOT_TOKEN: 'xoxb-1' }],
  ['SLACK_BOT_TOKEN', { SLACK_SIGNING_SECRET: 'abc', SLACK_BOT_TOKEN: 'xoxp-user-token' }],
  ['SLACK_CHANNEL_CALLS', { SLACK_CHANNEL_CALLS: '#calls' }],
  ['TWILIO_ACCOUNT_SID', { TWILIO_ACCOUNT_SID: 'nope', TWILIO_AUTH_TOKEN: 'x' }],
  ['TWILIO_PHONE_NUMBER', { TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'x' }],
  [
    'PUBLIC_URL',
    {
      TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'x',
      TWILIO_PHONE_NUMBER: '+15551234567',
    },
  ],
  ['TWILIO_AGENT_NUMBER', { TWILIO_AGENT_NUMBER: '555-1234' }],
  ['API_KEYS', { NODE_ENV: 'production', ...ISSUER }],
  ['BUSINESS_NAME', { NODE_ENV: 'production', API_KEYS: 'shop:abcdefgh1', ...ISSUER, BUSINESS_NAME: '' }],
  [
    'BUSINESS_ADDRESS',
    { NODE_ENV: 'production', API_KEYS: 'shop:abcdefgh1', ...ISSUER, BUSINESS_ADDRESS: '' },
  ],
  ['BUSINESS_TAX_ID', { NODE_ENV: 'production', API_KEYS: 'shop:abcdefgh1', ...ISSUER, BUSINESS_TAX_ID: '' }],
  ['TAX_RATE', { TAX_RATE: '17%' }],
  ['TAX_RATE', { TAX_RATE: '150' }],
  ['PRICES_INCLUDE_TAX', { PRICES_INCLUDE_TAX: 'maybe' }],
])('A bad or missing %s stops start-up with its name', (variable, env) => {
  const err = fails(env);
  expect(err.variable).toBe(variable);
  expect(err.message.startsWith(variable)).toBe(true);
  expect(err.message).not.toContain('\n');
});

test('API_KEYS pairs are parsed into names and keys', () => {
  expect(loadConfig({ ...base, API_KEYS: 'web:abcdefgh1, till:ijklmnop2' }).apiKeys).toEqual([
    { name: 'web', key: 'abcdefgh1' },
    { name: 'till', key: 'ijklmnop2' },
  ]);
});

test('Complete Slack and Twilio credentials turn sandbox mode off', () => {
  const c = loadConfig({
    ...base,
    SLACK_SIGNING_SECRET: 's',
    SLACK_BOT_TOKEN: 'xoxb-1',
    SLACK_CHANNEL_APPROVALS: 'C0APPROVAL',
    SLACK_CHANNEL_FULFILLMENT: 'C0FULFILL',
    SLACK_CHANNEL_INVENTORY: 'C0INVENTORY',
    SLACK_API_URL: 'http://127.0.0.1:9999/api',
    TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
    TWILIO_AUTH_TOKEN: 'tok',
    TWILIO_PHONE_NUMBER: '+15551234567',
    PUBLIC_URL: 'https://orders.example.com/',
  });
  expect(c.slack.sandbox).toBe(false);
  expect(c.slack.apiUrl).toBe('http://127.0.0.1:9999/api/');
  expect(c.twilio.sandbox).toBe(false);
  expect(c.publicUrl).toBe('https://orders.example.com');
});

const slackLive = {
  SLACK_SIGNING_SECRET: 's',
  SLACK_BOT_TOKEN: 'xoxb-1',
  SLACK_CHANNEL_APPROVALS: 'C0APPROVAL',
  SLACK_CHANNEL_FULFILLMENT: 'C0FULFILL',
  SLACK_CHANNEL_INVENTORY: 'C0INVENTORY',
  PUBLIC_URL: 'https://orders.example.com',
};
const twilioLive = {
  TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'tok',
  TWILIO_PHONE_NUMBER: '+15551234567',
  PUBLIC_URL: 'https://orders.example.com',
};

test.each([
  ['a lone comma', ','],
  ['commas and spaces', ' , , '],
  ['a channel ID', 'C0123456789'],
  ['a name', 'U0APPROVER1,@dana'],
  ['a lower-case ID', 'u0approver1'],
  ['a too short ID', 'U1'],
])(
  'When SLACK_APPROVER_IDS holds %s, then start-up stops naming it (never "anyone may approve")',
  (_, value) => {
    const err = fails({ SLACK_APPROVER_IDS: value });
    expect(err.variable).toBe('SLACK_APPROVER_IDS');
    expect(err.message).not.toContain('\n');
  },
);

test('When SLACK_APPROVER_IDS lists user IDs with spaces or a doubled comma, then those IDs approve; one bad entry among them still stops start-up', () => {
  expect(
    loadConfig({ ...base, SLACK_APPROVER_IDS: ' U0APPROVER1,,W0ENTERPRISE2 , ' }).slack.approverIds,
  ).toEqual(['U0APPROVER1', 'W0ENTERPRISE2']);
  expect(loadConfig(base).slack.approverIds).toBeUndefined();
  expect(fails({ SLACK_APPROVER_IDS: 'U0APPROVER1,,dana' }).message).toContain(
    '"dana" is not a Slack user ID',
  );
});

test('When Slack credentials are set without PUBLIC_URL, then start-up stops naming PUBLIC_URL', () => {
  const { PUBLIC_URL: _, ...withoutUrl } = slackLive;
  expect(fails(withoutUrl).variable).toBe('PUBLIC_URL');
});

test('With nothing live and no PUBLIC_URL, the sandbox secrets and the outbox are open (not in production)', () => {
  const c = loadConfig({ ...base, NODE_ENV: 'development' });
  expect(c.sandboxSecrets).toBe(true);
  expect(c.slack.signingSecret).toBe(SANDBOX_SLACK_SIGNING_SECRET);
  expect(c.twilio.webhookToken).toBe(SANDBOX_TWILIO_AUTH_TOKEN);
  expect(c.apiKeys).toEqual([SANDBOX_API_KEY]);
  expect(c.outbox).toEqual({ api: true, page: true });

  const prod = loadConfig({ NODE_ENV: 'production', API_KEYS: 'shop:abcdefgh1', ...ISSUER });
  expect(prod.sandboxSecrets).toBe(false);
  expect(prod.slack.signingSecret).toBeUndefined();
  expect(prod.twilio.webhookToken).toBeUndefined();
  expect(prod.outbox).toEqual({ api: true, page: false });
});

test.each([
  ['Twilio is live', twilioLive],
  ['Slack is live', slackLive],
  ['PUBLIC_URL is set', { PUBLIC_URL: 'https://orders.example.com' }],
])('When %s, then no sandbox secret opens a door and the API has no sandbox key', (_, env) => {
  const c = loadConfig({ NODE_ENV: 'development', ...env });
  expect(c.sandboxSecrets).toBe(false);
  if (c.slack.sandbox) expect(c.slack.signingSecret).toBeUndefined();
  if (c.twilio.sandbox) expect(c.twilio.webhookToken).toBeUndefined();
  expect(c.apiKeys).toEqual([]);
  expect(c.outbox.page).toBe(false);
});

test('When a door is live, then the outbox is closed even with ALLOW_SANDBOX_SECRETS=true, which only keeps the secrets', () => {
  const c = loadConfig({ NODE_ENV: 'development', ...twilioLive, ALLOW_SANDBOX_SECRETS: 'true' });
  expect(c.sandboxSecrets).toBe(true);
  expect(c.slack.signingSecret).toBe(SANDBOX_SLACK_SIGNING_SECRET);
  expect(c.twilio.webhookToken).toBe('tok');
  expect(c.outbox).toEqual({ api: false, page: false });
});

test('ALLOW_SANDBOX_SECRETS=false turns them off even locally; =true is refused in production; other values are invalid', () => {
  const off = loadConfig({ ...base, ALLOW_SANDBOX_SECRETS: 'false' });
  expect(off.sandboxSecrets).toBe(false);
  expect(off.slack.signingSecret).toBeUndefined();
  expect(
    fails({ NODE_ENV: 'production', API_KEYS: 'shop:abcdefgh1', ...ISSUER, ALLOW_SANDBOX_SECRETS: 'true' })
      .variable,
  ).toBe('ALLOW_SANDBOX_SECRETS');
  expect(fails({ ALLOW_SANDBOX_SECRETS: 'sure' }).variable).toBe('ALLOW_SANDBOX_SECRETS');
});

test('Invoice links: their own secret of 32+ characters (unset: generated later), a lifetime of 30 days by default', () => {
  const c = loadConfig(base);
  expect(c.invoiceLinks.secret).toBeUndefined();
  expect(c.invoiceLinks.ttl.ms).toBe(30 * 24 * 3600 * 1000);
  const set = loadConfig({ ...base, INVOICE_LINK_SECRET: 'x'.repeat(32), INVOICE_LINK_TTL: '2 hours' });
  expect(set.invoiceLinks).toEqual({ secret: 'x'.repeat(32), ttl: { text: '2 hours', ms: 2 * 3600 * 1000 } });
  expect(fails({ INVOICE_LINK_SECRET: 'short-secret' }).variable).toBe('INVOICE_LINK_SECRET');
  expect(fails({ INVOICE_LINK_TTL: 'forever' }).variable).toBe('INVOICE_LINK_TTL');
  // The link secret no longer comes from the API keys: rotating a key keeps every link working.
  expect(
    loadConfig({ ...base, API_KEYS: 'a:abcdefgh1', INVOICE_LINK_SECRET: 'x'.repeat(32) }).invoiceLinks,
  ).toEqual(
    loadConfig({ ...base, API_KEYS: 'b:ijklmnop2', INVOICE_LINK_SECRET: 'x'.repeat(32) }).invoiceLinks,
  );
});

test('The issuer and tax: production prints the configured business; elsewhere an unset issuer says it is not real; TAX_RATE and PRICES_INCLUDE_TAX are read', () => {
  const prod = loadConfig({
    NODE_ENV: 'production',
    API_KEYS: 'shop:abcdefgh1',
    ...ISSUER,
    TAX_RATE: '7.25',
    PRICES_INCLUDE_TAX: 'false',
  });
  expect(prod.issuer).toEqual({ name: 'Cafe Levi', address: '1 Herzl St, Tel Aviv', taxId: '514000000' });
  expect(prod.tax).toEqual({ rate: 7.25, pricesIncludeTax: false });
  const local = loadConfig({});
  expect(local.issuer.taxId).toContain('not a real');
  expect(local.issuer.address).toContain('not a real');
  expect(local.tax).toEqual({ rate: 0, pricesIncludeTax: true });
});
