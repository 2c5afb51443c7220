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
/** Production with both doors turned off on purpose: the REST API alone. */
const PROD_DOORS_OFF = {
  NODE_ENV: 'production',
  API_KEYS: 'shop:abcdefgh1',
  ...ISSUER,
  SLACK_ENABLED: 'false',
  TWILIO_ENABLED: 'false',
};
const fails = (env: Record<string, string>) => {
  try {
    loadConfig({ ...base, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

test('With nothing set, the documented defaults apply and Slack and Twilio run in sandbox mode', () => {
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
  ['MONGODB_POOL_SIZE', { MONGODB_POOL_SIZE: '0' }],
  ['MONGODB_POOL_SIZE', { MONGODB_POOL_SIZE: 'many' }],
  ['MONGODB_POOL_SIZE', { MONGODB_POOL_SIZE: '201' }],
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

test('When MONGODB_POOL_SIZE is set, then it is the pool asked for; unset or empty, the backend decides', () => {
  expect(loadConfig({ MONGODB_POOL_SIZE: '8' }).mongodbPoolSize).toBe(8);
  expect(loadConfig({ MONGODB_POOL_SIZE: '' }).mongodbPoolSize).toBeUndefined();
  expect(loadConfig({}).mongodbPoolSize).toBeUndefined();
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

  const prod = loadConfig(PROD_DOORS_OFF);
  expect(prod.sandboxSecrets).toBe(false);
  expect(prod.slack.signingSecret).toBeUndefined();
  expect(prod.twilio.webhookToken).toBeUndefined();
  // Both doors off: nothing is kept anywhere, so there is no outbox to read.
  expect(prod.outbox).toEqual({ api: false, page: false });
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

test.each([
  ['Twilio', twilioLive],
  ['Slack', slackLive],
])(
  'When %s is live and ALLOW_SANDBOX_SECRETS=true outside production, then start-up stops naming ALLOW_SANDBOX_SECRETS (a published secret never opens a door next to a live one)',
  (_, live) => {
    const err = fails({ NODE_ENV: 'development', ...live, ALLOW_SANDBOX_SECRETS: 'true' });
    expect(err.variable).toBe('ALLOW_SANDBOX_SECRETS');
    expect(err.message).toContain('live');
    expect(err.message).not.toContain('\n');
    // Turning them off explicitly next to a live door is fine.
    expect(
      loadConfig({ NODE_ENV: 'development', ...live, ALLOW_SANDBOX_SECRETS: 'false' }).sandboxSecrets,
    ).toBe(false);
  },
);

test('ALLOW_SANDBOX_SECRETS=false turns them off even locally; =true is refused in production; other values are invalid', () => {
  const off = loadConfig({ ...base, ALLOW_SANDBOX_SECRETS: 'false' });
  expect(off.sandboxSecrets).toBe(false);
  expect(off.slack.signingSecret).toBeUndefined();
  expect(fails({ ...PROD_DOORS_OFF, ALLOW_SANDBOX_SECRETS: 'true' }).variable).toBe('ALLOW_SANDBOX_SECRETS');
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
    ...PROD_DOORS_OFF,
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

describe('Slack role lists', () => {
  // Twilio off on purpose: production wants each door live or off, and these cases are about Slack.
  const production = {
    NODE_ENV: 'production',
    API_KEYS: 'shop:abcdefgh1',
    TWILIO_ENABLED: 'false',
    ...ISSUER,
  };

  test('When Slack is live in production without SLACK_APPROVER_IDS, then start-up stops with one line naming it; with it, or with Slack in sandbox, it starts', () => {
    const err = fails({ ...production, ...slackLive });
    expect(err.variable).toBe('SLACK_APPROVER_IDS');
    expect(err.message).toContain('production');
    expect(err.message).not.toContain('\n');
    expect(
      loadConfig({ ...production, ...slackLive, SLACK_APPROVER_IDS: 'S0SALES01' }).slack.approverIds,
    ).toEqual(['S0SALES01']);
    // Slack off on purpose in production: no approvers needed.
    expect(loadConfig({ ...production, SLACK_ENABLED: 'false' }).slack.approverIds).toBeUndefined();
    // Outside production a live Slack may leave it unset (anyone approves), as before.
    expect(loadConfig({ ...base, ...slackLive }).slack.approverIds).toBeUndefined();
  });

  test('When SLACK_FULFILLMENT_IDS and SLACK_STOCK_IDS are unset, then both are undefined (anyone, and the approvers); set, they take user and user-group IDs', () => {
    const unset = loadConfig(base).slack;
    expect(unset.fulfillmentIds).toBeUndefined();
    expect(unset.stockIds).toBeUndefined();
    const set = loadConfig({
      ...base,
      SLACK_APPROVER_IDS: 'U0SALES01,S0SALES01',
      SLACK_FULFILLMENT_IDS: ' W0PICKER1 ,S0WAREHOUSE,',
      SLACK_STOCK_IDS: 'S0STOCK01',
    }).slack;
    expect(set).toMatchObject({
      approverIds: ['U0SALES01', 'S0SALES01'],
      fulfillmentIds: ['W0PICKER1', 'S0WAREHOUSE'],
      stockIds: ['S0STOCK01'],
    });
  });

  test.each(['SLACK_FULFILLMENT_IDS', 'SLACK_STOCK_IDS'])(
    'When %s holds something that is not a user or user-group ID, then start-up stops naming it',
    (variable) => {
      for (const value of [',', 'C0123456789', 'U0PICKER1,@dana', 's0lower']) {
        const err = fails({ [variable]: value });
        expect(err.variable).toBe(variable);
        expect(err.message).not.toContain('\n');
      }
    },
  );
});

describe('No half-configured production: each door live or off on purpose', () => {
  // Approvers named: production requires them while Slack is live, and these cases are about doors.
  const prod = {
    NODE_ENV: 'production',
    API_KEYS: 'shop:abcdefgh1',
    SLACK_APPROVER_IDS: 'U0SALES01',
    ...ISSUER,
  };

  test('When production has Twilio live and Slack neither live nor off, then start-up stops with one line naming Slack credentials and SLACK_ENABLED', () => {
    const err = fails({ ...prod, ...twilioLive });
    expect(err.message).toBe(
      'SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not set: set them, or SLACK_ENABLED=false to run without Slack (NODE_ENV=production has no sandbox)',
    );
  });

  test('When production has Slack live and Twilio neither live nor off, then start-up stops with one line naming TWILIO_ENABLED', () => {
    const err = fails({ ...prod, ...slackLive });
    expect(err.message).toContain('TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not set');
    expect(err.message).toContain('TWILIO_ENABLED=false');
    expect(err.message).not.toContain('\n');
  });

  test('When production has Twilio live and SLACK_ENABLED=false, then it starts with Slack off: no Slack secret, no outbox', () => {
    const c = loadConfig({ ...prod, ...twilioLive, SLACK_ENABLED: 'false' });
    expect(c.slack).toMatchObject({ door: 'off', sandbox: false, signingSecret: undefined });
    expect(c.twilio).toMatchObject({ door: 'live', sandbox: false, webhookToken: 'tok' });
    expect(c.outbox).toEqual({ api: false, page: false });
  });

  test('When production has Slack live and TWILIO_ENABLED=false, then it starts with Twilio off: no webhook token, no agent line', () => {
    const c = loadConfig({ ...prod, ...slackLive, TWILIO_ENABLED: 'false' });
    expect(c.twilio).toMatchObject({
      door: 'off',
      sandbox: false,
      webhookToken: undefined,
      agentNumber: undefined,
    });
    expect(c.slack.door).toBe('live');
  });

  test.each([
    ['SLACK_ENABLED', slackLive, 'SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set'],
    ['TWILIO_ENABLED', twilioLive, 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are set'],
  ])(
    'When %s=false and that door has credentials, then start-up stops as contradictory (in any environment)',
    (variable, live, names) => {
      for (const env of [
        { ...prod, ...slackLive, ...twilioLive },
        { NODE_ENV: 'development', ...live },
      ]) {
        const err = fails({ ...env, [variable]: 'false' });
        expect(err.variable).toBe(variable);
        expect(err.message).toContain(names);
      }
    },
  );

  test('Outside production, a door without credentials is in sandbox unless =false turns it off; other values are invalid', () => {
    const local = loadConfig({ NODE_ENV: 'development' });
    expect([local.slack.door, local.twilio.door]).toEqual(['sandbox', 'sandbox']);
    const slackOff = loadConfig({ NODE_ENV: 'development', SLACK_ENABLED: 'false' });
    expect(slackOff.slack).toMatchObject({ door: 'off', sandbox: false, signingSecret: undefined });
    expect(slackOff.twilio).toMatchObject({ door: 'sandbox', webhookToken: SANDBOX_TWILIO_AUTH_TOKEN });
    expect(slackOff.outbox).toEqual({ api: true, page: true });
    const bothOff = loadConfig({ NODE_ENV: 'development', SLACK_ENABLED: 'false', TWILIO_ENABLED: 'false' });
    expect(bothOff.outbox).toEqual({ api: false, page: false });
    expect(loadConfig({ NODE_ENV: 'development', SLACK_ENABLED: 'true' }).slack.door).toBe('sandbox');
    expect(fails({ SLACK_ENABLED: 'maybe' }).variable).toBe('SLACK_ENABLED');
    expect(fails({ TWILIO_ENABLED: 'nope' }).variable).toBe('TWILIO_ENABLED');
  });
});

describe('HOST: where the server listens', () => {
  test('When the sandbox secrets are accepted, then it listens on 127.0.0.1 only unless HOST says otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).listen).toEqual({ host: '127.0.0.1', localOnly: true });
    expect(
      loadConfig({ NODE_ENV: 'development', ALLOW_SANDBOX_SECRETS: 'true', PUBLIC_URL: 'https://x.example' })
        .listen,
    ).toEqual({
      host: '127.0.0.1',
      localOnly: true,
    });
    expect(loadConfig({ NODE_ENV: 'development', HOST: '0.0.0.0' }).listen).toEqual({
      host: '0.0.0.0',
      localOnly: false,
    });
  });

  test('When no sandbox secret is accepted, then it listens on all interfaces unless HOST says otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'development', ...twilioLive }).listen).toEqual({
      host: undefined,
      localOnly: false,
    });
    expect(loadConfig(PROD_DOORS_OFF).listen.host).toBeUndefined();
    expect(loadConfig({ ...PROD_DOORS_OFF, HOST: '::1' }).listen.host).toBe('::1');
    expect(loadConfig({ ...PROD_DOORS_OFF, HOST: 'localhost' }).listen.host).toBe('localhost');
  });

  test('When HOST is not an address or host name, then start-up stops naming HOST', () => {
    expect(fails({ HOST: 'http://0.0.0.0' }).variable).toBe('HOST');
    expect(fails({ HOST: 'two words' }).variable).toBe('HOST');
  });
});
