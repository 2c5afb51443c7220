import { ConfigError, loadConfig } from '../../src/config.js';

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
  ['API_KEYS', { NODE_ENV: 'production' }],
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
