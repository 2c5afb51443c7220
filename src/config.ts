import humanInterval from 'human-interval';
import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';

/**
 * The only reader of process.env. `loadConfig(env)` parses every variable of SPEC.md once;
 * the typed result is handed to everything else.
 */

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const slackChannelId = optionalString.refine((v) => v === undefined || /^[A-Z0-9]{6,}$/.test(v), {
  message: 'must be a Slack channel ID such as C0123456789',
});

const interval = (fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
    .refine((v) => {
      const ms = humanInterval(v);
      return typeof ms === 'number' && Number.isFinite(ms) && ms > 0;
    }, 'must be an interval such as "5 seconds", "30 minutes" or "3 days"')
    .transform((v) => ({ text: v, ms: humanInterval(v) as number }));

const currencies = new Set(Intl.supportedValuesOf('currency'));

/**
 * `U…,W…`: empty entries (a doubled or trailing comma) are tolerated, but anything else that is
 * not a user ID, or no ID at all, refuses to start: a typo must never mean "anyone may approve".
 */
const slackUserIds = optionalString.transform((raw, ctx) => {
  if (raw === undefined) return undefined;
  const ids = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = ids.find((id) => !/^[UW][A-Z0-9]{2,}$/.test(id));
  if (bad !== undefined || ids.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message:
        bad !== undefined
          ? `"${bad.slice(0, 40)}" is not a Slack user ID (comma-separated IDs such as U0123456789)`
          : 'has no Slack user ID (comma-separated IDs such as U0123456789; unset it to let anyone approve)',
    });
    return z.NEVER;
  }
  return ids;
});

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const apiKeys = optionalString.transform((raw, ctx) => {
  if (raw === undefined) return undefined;
  const keys: { name: string; key: string }[] = [];
  for (const pair of raw.split(',')) {
    const trimmed = pair.trim();
    if (trimmed === '') continue;
    const idx = trimmed.indexOf(':');
    const name = trimmed.slice(0, idx).trim();
    const key = trimmed.slice(idx + 1).trim();
    if (idx <= 0 || !/^[\w.-]{1,64}$/.test(name) || key.length < 8) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be comma-separated name:key pairs (name of letters/digits, key of 8+ characters)',
      });
      return z.NEVER;
    }
    keys.push({ name, key });
  }
  if (keys.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'has no name:key pair' });
    return z.NEVER;
  }
  return keys;
});

/** A count per phone or per API key (issue 9's abuse limits); `0` turns the limit off. */
const abuseLimit = (fallback: number) => z.coerce.number().int().min(0).max(1_000_000).default(fallback);

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  MONGODB_URI: optionalString.refine(
    (v) => v === undefined || /^mongodb(\+srv)?:\/\//.test(v),
    'must start with mongodb:// or mongodb+srv://',
  ),
  PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  BUSINESS_NAME: z.string().trim().min(1).max(100).default('Orderly'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset: the sandbox secrets work only while nothing is live (see `sandboxSecretsAllowed`). */
  ALLOW_SANDBOX_SECRETS: z.stringbool().optional(),
  INVOICE_LINK_SECRET: optionalString.refine(
    (v) => v === undefined || v.length >= 32,
    'must be at least 32 characters (e.g. openssl rand -base64 32)',
  ),
  INVOICE_LINK_TTL: interval('30 days'),

  SLACK_SIGNING_SECRET: optionalString,
  SLACK_BOT_TOKEN: optionalString.refine(
    (v) => v === undefined || v.startsWith('xoxb-'),
    'must be a bot token starting with xoxb-',
  ),
  SLACK_API_URL: z.url({ protocol: /^https?$/ }).default('https://slack.com/api/'),
  SLACK_CHANNEL_APPROVALS: slackChannelId,
  SLACK_CHANNEL_FULFILLMENT: slackChannelId,
  SLACK_CHANNEL_INVENTORY: slackChannelId,
  SLACK_CHANNEL_CALLS: slackChannelId,
  SLACK_APPROVER_IDS: slackUserIds,

  TWILIO_ACCOUNT_SID: optionalString.refine(
    (v) => v === undefined || /^AC[0-9a-fA-F]{32}$/.test(v),
    'must be an account SID: AC followed by 32 hex digits',
  ),
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_PHONE_NUMBER: optionalString.refine(
    (v) => v === undefined || /^\+[1-9]\d{6,14}$/.test(v),
    'must be in E.164 format, e.g. +15551234567',
  ),
  TWILIO_API_URL: z.url({ protocol: /^https?$/ }).default('https://api.twilio.com'),
  TWILIO_AGENT_NUMBER: optionalString.refine(
    (v) => v === undefined || /^\+[1-9]\d{6,14}$/.test(v),
    'must be in E.164 format, e.g. +15551234567',
  ),

  API_KEYS: apiKeys,

  CURRENCY: z
    .string()
    .trim()
    .toUpperCase()
    .default('USD')
    .refine((v) => currencies.has(v), 'must be an ISO 4217 currency code such as USD or ILS'),
  DEFAULT_COUNTRY: z
    .string()
    .trim()
    .toUpperCase()
    .default('US')
    .refine((v) => isSupportedCountry(v), 'must be an ISO 3166 alpha-2 country code such as US or IL'),
  DEFAULT_LANGUAGE: z.enum(['en', 'he']).default('en'),
  BUSINESS_TIMEZONE: z
    .string()
    .trim()
    .default('UTC')
    .refine(isTimeZone, 'must be an IANA time zone such as America/New_York'),

  FOLLOW_UP_DELAY: interval('3 days'),
  APPROVAL_REMINDER_AFTER: interval('30 minutes'),
  JOB_POLL_INTERVAL: interval('5 seconds'),

  // Delivery of Slack posts and customer texts (src/delivery/): never given up, retried at a
  // growing interval capped here; staff are shown what waits longer than DELIVERY_LATE_AFTER.
  DELIVERY_RETRY_MAX: interval('1 minute'),
  DELIVERY_LATE_AFTER: interval('10 minutes'),
  DELIVERY_SWEEP_EVERY: interval('1 minute'),

  // Abuse limits (issue 9): how much one phone or one API key may ask for; 0 turns a limit off.
  SMS_RATE_LIMIT: abuseLimit(10),
  SMS_MAX_OPEN_ORDERS: abuseLimit(3),
  API_RATE_LIMIT: abuseLimit(600),
});

/** A demo key so a newcomer can call the API without configuring anything; never in production. */
export const SANDBOX_API_KEY = { name: 'sandbox', key: 'orderly-sandbox-key' } as const;

/**
 * Signs requests to /slack/events when Slack has no credentials, so a newcomer can try the slash
 * commands with curl (README). Never accepted in production.
 */
export const SANDBOX_SLACK_SIGNING_SECRET = 'orderly-sandbox-signing-secret';

/** Likewise for Twilio webhooks without credentials (`npm run sms`); never accepted in production. */
export const SANDBOX_TWILIO_AUTH_TOKEN = 'orderly-sandbox-auth-token';

export type Config = ReturnType<typeof buildConfig>;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

function buildConfig(e: z.infer<typeof EnvSchema>) {
  const slackConfigured = e.SLACK_SIGNING_SECRET !== undefined || e.SLACK_BOT_TOKEN !== undefined;
  if (slackConfigured) {
    if (!e.SLACK_SIGNING_SECRET)
      throw new ConfigError('SLACK_SIGNING_SECRET', 'is required with SLACK_BOT_TOKEN');
    if (!e.SLACK_BOT_TOKEN) throw new ConfigError('SLACK_BOT_TOKEN', 'is required with SLACK_SIGNING_SECRET');
    for (const name of [
      'SLACK_CHANNEL_APPROVALS',
      'SLACK_CHANNEL_FULFILLMENT',
      'SLACK_CHANNEL_INVENTORY',
    ] as const) {
      if (!e[name]) throw new ConfigError(name, 'is required when Slack credentials are set');
    }
    // Invoice links and callbacks posted in Slack must not point at localhost.
    if (!e.PUBLIC_URL) throw new ConfigError('PUBLIC_URL', 'is required when Slack credentials are set');
  }
  const twilioConfigured = e.TWILIO_ACCOUNT_SID !== undefined || e.TWILIO_AUTH_TOKEN !== undefined;
  if (twilioConfigured) {
    if (!e.TWILIO_ACCOUNT_SID)
      throw new ConfigError('TWILIO_ACCOUNT_SID', 'is required with TWILIO_AUTH_TOKEN');
    if (!e.TWILIO_AUTH_TOKEN)
      throw new ConfigError('TWILIO_AUTH_TOKEN', 'is required with TWILIO_ACCOUNT_SID');
    if (!e.TWILIO_PHONE_NUMBER)
      throw new ConfigError('TWILIO_PHONE_NUMBER', 'is required when Twilio credentials are set');
    // Twilio signs the URL it called; behind a proxy only the configured public URL is right.
    if (!e.PUBLIC_URL) throw new ConfigError('PUBLIC_URL', 'is required when Twilio credentials are set');
  }
  if (e.NODE_ENV === 'production' && !e.API_KEYS) {
    throw new ConfigError('API_KEYS', 'is required in production (comma-separated name:key pairs)');
  }
  const anyDoorLive = slackConfigured || twilioConfigured;
  const sandboxSecrets = sandboxSecretsAllowed(e, anyDoorLive);

  return {
    env: e.NODE_ENV,
    port: e.PORT,
    mongodbUri: e.MONGODB_URI,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    businessName: e.BUSINESS_NAME,
    slack: {
      sandbox: !slackConfigured,
      /** Undefined without Slack credentials once sandbox secrets are off: /slack/events is closed. */
      signingSecret: e.SLACK_SIGNING_SECRET ?? (sandboxSecrets ? SANDBOX_SLACK_SIGNING_SECRET : undefined),
      botToken: e.SLACK_BOT_TOKEN,
      apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
      channels: {
        approvals: e.SLACK_CHANNEL_APPROVALS,
        fulfillment: e.SLACK_CHANNEL_FULFILLMENT,
        inventory: e.SLACK_CHANNEL_INVENTORY,
        calls: e.SLACK_CHANNEL_CALLS,
      },
      approverIds: e.SLACK_APPROVER_IDS,
    },
    twilio: {
      sandbox: !twilioConfigured,
      accountSid: e.TWILIO_ACCOUNT_SID,
      authToken: e.TWILIO_AUTH_TOKEN,
      /** Checks X-Twilio-Signature; undefined without Twilio once sandbox secrets are off: closed. */
      webhookToken: e.TWILIO_AUTH_TOKEN ?? (sandboxSecrets ? SANDBOX_TWILIO_AUTH_TOKEN : undefined),
      phoneNumber: e.TWILIO_PHONE_NUMBER,
      apiUrl: e.TWILIO_API_URL.replace(/\/+$/, ''),
      agentNumber: e.TWILIO_AGENT_NUMBER,
    },
    /**
     * Signed invoice links (posted in Slack). Their own secret, so rotating an API key or the
     * Slack secret breaks no link; unset, one is generated once and kept in the database.
     */
    invoiceLinks: { secret: e.INVOICE_LINK_SECRET, ttl: e.INVOICE_LINK_TTL },
    /** Whether the published sandbox secrets (Slack, Twilio, API key) are accepted. */
    sandboxSecrets,
    /**
     * The outbox holds customers' orders and texts. Once a door is live it is not shown at all
     * (404): API keys belong to shops and tills, not to the staff who read messages. The page
     * needs no key, so it also follows the sandbox secrets (never in production).
     */
    outbox: { api: !anyDoorLive, page: !anyDoorLive && sandboxSecrets },
    /** Empty when API_KEYS is unset and sandbox secrets are off: the REST API is then closed (503). */
    apiKeys: e.API_KEYS ?? (sandboxSecrets ? [SANDBOX_API_KEY] : []),
    apiKeysFromEnv: e.API_KEYS !== undefined,
    currency: e.CURRENCY,
    defaultCountry: e.DEFAULT_COUNTRY as import('libphonenumber-js').CountryCode,
    defaultLanguage: e.DEFAULT_LANGUAGE,
    timezone: e.BUSINESS_TIMEZONE,
    followUpDelay: e.FOLLOW_UP_DELAY,
    approvalReminderAfter: e.APPROVAL_REMINDER_AFTER,
    jobPollInterval: e.JOB_POLL_INTERVAL,
    delivery: {
      retryMax: e.DELIVERY_RETRY_MAX,
      lateAfter: e.DELIVERY_LATE_AFTER,
      sweepEvery: e.DELIVERY_SWEEP_EVERY,
    },
    /**
     * Abuse limits (issue 9), each 0 = off. Counted in this process's memory: the product runs one
     * process per database, so that is the whole traffic (see README "Configuration").
     */
    limits: {
      /** Texts per minute per phone; over it one short notice, then silence (no paid replies). */
      smsPerMinute: e.SMS_RATE_LIMIT,
      /** Orders placed by text and still open (not yet shipped) that one phone may have at once. */
      smsMaxOpenOrders: e.SMS_MAX_OPEN_ORDERS,
      /** REST requests per minute per API key name. */
      apiPerMinute: e.API_RATE_LIMIT,
    },
  };
}

/**
 * The sandbox secrets are published in the README: they may open a door only on a machine where
 * nothing is live (no Slack or Twilio credentials) and that says it is not public (no PUBLIC_URL),
 * unless ALLOW_SANDBOX_SECRETS says otherwise. Never in production.
 */
function sandboxSecretsAllowed(e: z.infer<typeof EnvSchema>, anyDoorLive: boolean): boolean {
  if (e.NODE_ENV === 'production') {
    if (e.ALLOW_SANDBOX_SECRETS === true) {
      throw new ConfigError('ALLOW_SANDBOX_SECRETS', 'cannot be true in production');
    }
    return false;
  }
  return e.ALLOW_SANDBOX_SECRETS ?? (!anyDoorLive && e.PUBLIC_URL === undefined);
}

/** Parses the environment. Throws ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // `PORT=` in a shell or .env file means "not set", not "port 0" or "currency ''".
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = EnvSchema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    const value = env[variable];
    const problem =
      value === undefined || value === '' ? `is missing: ${issue?.message}` : `is invalid: ${issue?.message}`;
    throw new ConfigError(variable, problem);
  }
  return buildConfig(parsed.data);
}

/** Project paths that tools (launcher, seed) need; kept here so nothing else reads the environment. */
export function toolEnv(env: Record<string, string | undefined> = process.env) {
  return {
    /** Passed to child processes such as the FerretDB build (`go` needs PATH and HOME). */
    childEnv: { ...env },
    /** `ferretdb`: skip the mongod download attempt; `mongod`: retry it after a recent failure. */
    embeddedDb: env.ORDERLY_EMBEDDED_DB,
    /** Where the embedded database keeps its data (default `.data/`); drills use a temporary one. */
    dataDir: env.ORDERLY_DATA_DIR?.trim() || undefined,
  };
}
