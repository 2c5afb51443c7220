import { isIP } from 'node:net';
import humanInterval from 'human-interval';
import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';
import { parseApiKeys } from './access/scopes.js';
import { isE164 } from './customers/phone.js';
import { DEFAULT_BUSINESS_HOURS, parseBusinessHours } from './voice/hours.js';

/**
 * Every environment variable of README "Configuration" and how each one alone is read and checked. The rules
 * between variables (one credential needs the other, production needs keys) are in config.ts.
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

const e164 = optionalString.refine(
  (v) => v === undefined || isE164(v),
  'must be in E.164 format, e.g. +15551234567',
);

const currencies = new Set(Intl.supportedValuesOf('currency'));

/**
 * A role list (SLACK_APPROVER_IDS, SLACK_FULFILLMENT_IDS, SLACK_STOCK_IDS): user IDs (`U…`, `W…`)
 * and user-group IDs (`S…`), comma-separated. Empty entries (a doubled or trailing comma) are
 * tolerated, but anything else that is not such an ID, or no ID at all, refuses to start: a typo
 * must never mean "anyone may".
 */
const slackUserIds = optionalString.transform((raw, ctx) => {
  if (raw === undefined) return undefined;
  const ids = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = ids.find((id) => !/^[UWS][A-Z0-9]{2,}$/.test(id));
  if (bad !== undefined || ids.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message:
        bad !== undefined
          ? `"${bad.slice(0, 40)}" is not a Slack user ID or user-group ID (comma-separated IDs such as U0123456789 or S0123456789)`
          : 'has no Slack user ID (comma-separated IDs such as U0123456789 or S0123456789; unset it to fall back to its default)',
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

/** `name:key[:scopes]`, comma-separated (src/access/scopes.ts): a bad entry stops the start. */
const apiKeys = optionalString.transform((raw, ctx) => {
  if (raw === undefined) return undefined;
  const parsed = parseApiKeys(raw);
  if ('problem' in parsed) {
    ctx.addIssue({ code: 'custom', message: parsed.problem });
    return z.NEVER;
  }
  return parsed.keys;
});

const HOST_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** A count per phone or per API key (README, Configuration); `0` turns the limit off. */
const abuseLimit = (fallback: number) => z.coerce.number().int().min(0).max(1_000_000).default(fallback);

export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  MONGODB_URI: optionalString.refine(
    (v) => v === undefined || /^mongodb(\+srv)?:\/\//.test(v),
    'must start with mongodb:// or mongodb+srv://',
  ),
  // Connections per process (src/db/connection.ts); unset: 20 on MongoDB, 4 on the patched FerretDB.
  MONGODB_POOL_SIZE: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.coerce.number().int().min(1).max(200).optional(),
  ),
  PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  BUSINESS_NAME: optionalString.refine(
    (v) => v === undefined || v.length <= 100,
    'must be at most 100 characters',
  ),
  // The issuer on every invoice and credit note; required in production (config.ts).
  BUSINESS_ADDRESS: optionalString.refine(
    (v) => v === undefined || v.length <= 300,
    'must be at most 300 characters',
  ),
  BUSINESS_TAX_ID: optionalString.refine(
    (v) => v === undefined || v.length <= 40,
    'must be at most 40 characters',
  ),
  TAX_RATE: z
    .string()
    .trim()
    .default('0')
    .refine(
      (v) => /^\d{1,2}(\.\d{1,2})?$/.test(v) && Number(v) < 100,
      'must be a percentage from 0 to 99.99, e.g. 17 or 7.25',
    )
    .transform(Number),
  PRICES_INCLUDE_TAX: z.stringbool().default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset: the sandbox secrets work only while nothing is live (see `sandboxSecretsAllowed`). */
  ALLOW_SANDBOX_SECRETS: z.stringbool().optional(),
  // A door turned off on purpose (SLACK_ENABLED=false, TWILIO_ENABLED=false): see `doorOf` in config.ts.
  SLACK_ENABLED: z.stringbool().default(true),
  TWILIO_ENABLED: z.stringbool().default(true),
  /** The interface to listen on; unset: see `listenHost` in config.ts. */
  HOST: optionalString.refine(
    (v) => v === undefined || isIP(v) !== 0 || HOST_NAME.test(v),
    'must be an IP address or host name to listen on, e.g. 127.0.0.1 or 0.0.0.0',
  ),
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
  SLACK_CHANNEL_DIGEST: slackChannelId,
  /** The Slack app's OAuth client: Sign in with Slack to the console (OpenID Connect). */
  SLACK_CLIENT_ID: optionalString,
  SLACK_CLIENT_SECRET: optionalString,
  SLACK_APPROVER_IDS: slackUserIds,
  SLACK_FULFILLMENT_IDS: slackUserIds,
  SLACK_STOCK_IDS: slackUserIds,

  TWILIO_ACCOUNT_SID: optionalString.refine(
    (v) => v === undefined || /^AC[0-9a-fA-F]{32}$/.test(v),
    'must be an account SID: AC followed by 32 hex digits',
  ),
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_PHONE_NUMBER: e164,
  TWILIO_API_URL: z.url({ protocol: /^https?$/ }).default('https://api.twilio.com'),
  TWILIO_AGENT_NUMBER: e164,

  API_KEYS: apiKeys,
  /** One `name:key:scopes` for signing in to the console without Slack (src/console/users.ts). */
  CONSOLE_API_KEY: optionalString.transform((raw, ctx) => {
    if (raw === undefined) return undefined;
    const parsed = parseApiKeys(raw);
    if ('problem' in parsed) {
      ctx.addIssue({ code: 'custom', message: parsed.problem });
      return z.NEVER;
    }
    if (parsed.keys.length !== 1) {
      ctx.addIssue({ code: 'custom', message: 'must be one name:key:scopes, not a list' });
      return z.NEVER;
    }
    return parsed.keys[0];
  }),

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

  BUSINESS_HOURS: z
    .string()
    .trim()
    .default(DEFAULT_BUSINESS_HOURS)
    .transform((raw, ctx) => {
      try {
        return parseBusinessHours(raw);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),

  FOLLOW_UP_DELAY: interval('3 days'),
  APPROVAL_REMINDER_AFTER: interval('30 minutes'),
  // `0` turns expiry off; otherwise an interval such as "3 days".
  PENDING_ORDER_EXPIRY: z
    .string()
    .trim()
    .default('3 days')
    .refine((v) => {
      if (v === '0') return true;
      const ms = humanInterval(v);
      return typeof ms === 'number' && Number.isFinite(ms) && ms > 0;
    }, 'must be 0 (off) or an interval such as "3 days"')
    .transform((v) => (v === '0' ? null : { text: v, ms: humanInterval(v) as number })),
  DIGEST_AT: z
    .string()
    .trim()
    .default('08:00')
    .refine((v) => /^([01]\d|2[0-3]):[0-5]\d$/.test(v), 'must be a time of day HH:MM such as 08:00')
    .transform((v) => ({ text: v, hour: Number(v.slice(0, 2)), minute: Number(v.slice(3, 5)) })),
  // The console's suggested reorder covers this many days of sales after a product's lead time.
  REORDER_COVER_DAYS: z
    .string()
    .trim()
    .default('14')
    .refine(
      (v) => /^\d{1,3}$/.test(v) && Number(v) >= 1 && Number(v) <= 365,
      'must be a whole number of days from 1 to 365, such as 14',
    )
    .transform(Number),
  JOB_POLL_INTERVAL: interval('5 seconds'),
  // Twilio waits 15 s for the reply to a text; past this, the reply is empty TwiML and what it
  // would have said goes as a separate text (handlers/twilio/sms.ts).
  SMS_REPLY_DEADLINE: interval('10 seconds').refine(
    (v) => v.ms <= 14_000,
    'must be at most 14 seconds (Twilio waits 15 s for the reply)',
  ),
  // How old a reservation must be before the crash repair may release it (src/orders/reconcile.ts).
  RECONCILE_GRACE: interval('2 minutes'),

  // Delivery of Slack posts and customer texts (src/delivery/): never given up, retried at a
  // growing interval capped here; staff are shown what waits longer than DELIVERY_LATE_AFTER.
  DELIVERY_RETRY_MAX: interval('1 minute'),
  DELIVERY_LATE_AFTER: interval('10 minutes'),
  DELIVERY_SWEEP_EVERY: interval('1 minute'),

  // Abuse limits (README, Configuration): how much one phone or one API key may ask for; 0 turns a limit off.
  SMS_RATE_LIMIT: abuseLimit(10),
  SMS_MAX_OPEN_ORDERS: abuseLimit(3),
  API_RATE_LIMIT: abuseLimit(600),
});

export type Env = z.infer<typeof EnvSchema>;
