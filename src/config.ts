import { type ApiKey, unscopedKeyWarnings } from './access/scopes.js';
import { doorOf, listenHost, SLACK_DOOR, sandboxSecretsAllowed, TWILIO_DOOR } from './config-doors.js';
import { type Env, EnvSchema } from './config-env.js';
import { ConfigError } from './config-error.js';

export type { Door } from './config-doors.js';
export { ConfigError } from './config-error.js';

/**
 * The only reader of process.env. `loadConfig(env)` parses every variable of README "Configuration" once;
 * the typed result is handed to everything else.
 */

/**
 * A demo key so a newcomer can call the API without configuring anything; never in production.
 * It has every scope, like any key without scopes.
 */
export const SANDBOX_API_KEY: ApiKey = { name: 'sandbox', key: 'orderly-sandbox-key' };

/**
 * Signs requests to /slack/events when Slack has no credentials, so a newcomer can try the slash
 * commands with curl (README). Never accepted in production.
 */
export const SANDBOX_SLACK_SIGNING_SECRET = 'orderly-sandbox-signing-secret';

/** Likewise for Twilio webhooks without credentials (`npm run sms`); never accepted in production. */
export const SANDBOX_TWILIO_AUTH_TOKEN = 'orderly-sandbox-auth-token';
/** In sandbox mode a caller who asks for a person "rings" this made-up line (nobody answers: voicemail). */
export const SANDBOX_AGENT_NUMBER = '+15550000002';

/** The issuer outside production when none is configured: plainly not a real business. */
export const SANDBOX_ISSUER = {
  address: '1 Example Street, Sandbox City (not a real address)',
  taxId: 'SANDBOX-0000 (not a real tax ID)',
} as const;

export type Config = ReturnType<typeof buildConfig>;

function buildConfig(e: Env) {
  const slackConfigured = e.SLACK_SIGNING_SECRET !== undefined || e.SLACK_BOT_TOKEN !== undefined;
  const twilioConfigured = e.TWILIO_ACCOUNT_SID !== undefined || e.TWILIO_AUTH_TOKEN !== undefined;
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
    // A live production workspace where anyone may approve is a mistake, never a default.
    if (e.NODE_ENV === 'production' && !e.SLACK_APPROVER_IDS)
      throw new ConfigError(
        'SLACK_APPROVER_IDS',
        'is required in production while Slack is live (comma-separated user or user-group IDs)',
      );
  }
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
    throw new ConfigError('API_KEYS', 'is required in production (comma-separated name:key:scopes)');
  }
  // An invoice a business can hand over names its issuer; the sandbox fills in a clearly fake one.
  if (e.NODE_ENV === 'production') {
    if (!e.BUSINESS_NAME)
      throw new ConfigError('BUSINESS_NAME', 'is required in production (the issuer on invoices)');
    if (!e.BUSINESS_ADDRESS)
      throw new ConfigError('BUSINESS_ADDRESS', 'is required in production (the issuer on invoices)');
    if (!e.BUSINESS_TAX_ID)
      throw new ConfigError('BUSINESS_TAX_ID', 'is required in production (the issuer on invoices)');
  }
  const slackDoor = doorOf(e, SLACK_DOOR, slackConfigured);
  const twilioDoor = doorOf(e, TWILIO_DOOR, twilioConfigured);
  const anyDoorLive = slackConfigured || twilioConfigured;
  const sandboxSecrets = sandboxSecretsAllowed(e, anyDoorLive);
  if ((e.SLACK_CLIENT_ID === undefined) !== (e.SLACK_CLIENT_SECRET === undefined)) {
    const missing = e.SLACK_CLIENT_ID === undefined ? 'SLACK_CLIENT_ID' : 'SLACK_CLIENT_SECRET';
    throw new ConfigError(
      missing,
      "is required with the other half of the Slack app's OAuth client (console sign-in)",
    );
  }
  const slackSignIn =
    slackDoor === 'live' && e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET
      ? { clientId: e.SLACK_CLIENT_ID, clientSecret: e.SLACK_CLIENT_SECRET }
      : undefined;
  // The outbox stands in for a door in sandbox mode; an off door records nothing, so with no door
  // in sandbox there is no outbox at all.
  const anyDoorSandbox = slackDoor === 'sandbox' || twilioDoor === 'sandbox';

  return {
    env: e.NODE_ENV,
    port: e.PORT,
    mongodbUri: e.MONGODB_URI,
    mongodbPoolSize: e.MONGODB_POOL_SIZE,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    businessName: e.BUSINESS_NAME ?? 'Orderly',
    /** Printed on every invoice and credit note. Outside production, unset parts say they are not real. */
    issuer: {
      name: e.BUSINESS_NAME ?? 'Orderly',
      address: e.BUSINESS_ADDRESS ?? SANDBOX_ISSUER.address,
      taxId: e.BUSINESS_TAX_ID ?? SANDBOX_ISSUER.taxId,
    },
    tax: { rate: e.TAX_RATE, pricesIncludeTax: e.PRICES_INCLUDE_TAX },
    /**
     * Where to listen: HOST, else 127.0.0.1 while a published sandbox secret (or the keyless
     * outbox page, which follows them) is accepted, else every interface (undefined).
     */
    listen: listenHost(e, sandboxSecrets),
    slack: {
      /** `live` (credentials), `sandbox` (none: the outbox) or `off` (SLACK_ENABLED=false: nothing). */
      door: slackDoor,
      sandbox: slackDoor === 'sandbox',
      /** Undefined without Slack credentials once sandbox secrets are off: /slack/events is closed. */
      signingSecret:
        e.SLACK_SIGNING_SECRET ??
        (sandboxSecrets && slackDoor === 'sandbox' ? SANDBOX_SLACK_SIGNING_SECRET : undefined),
      botToken: e.SLACK_BOT_TOKEN,
      apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
      channels: {
        approvals: e.SLACK_CHANNEL_APPROVALS,
        fulfillment: e.SLACK_CHANNEL_FULFILLMENT,
        inventory: e.SLACK_CHANNEL_INVENTORY,
        calls: e.SLACK_CHANNEL_CALLS,
        /** The daily digest; unset: the approvals channel. */
        digest: e.SLACK_CHANNEL_DIGEST,
      },
      approverIds: e.SLACK_APPROVER_IDS,
      /** Start picking, Packed, Shipped (and delivery, returns); unset: anyone (src/access/roles.ts). */
      fulfillmentIds: e.SLACK_FULFILLMENT_IDS,
      /** `/stock set|add|threshold`; unset: the approvers. */
      stockIds: e.SLACK_STOCK_IDS,
    },
    twilio: {
      /** `live` (credentials), `sandbox` (none: the outbox) or `off` (TWILIO_ENABLED=false: nothing). */
      door: twilioDoor,
      sandbox: twilioDoor === 'sandbox',
      accountSid: e.TWILIO_ACCOUNT_SID,
      authToken: e.TWILIO_AUTH_TOKEN,
      /** Checks X-Twilio-Signature; undefined without Twilio once sandbox secrets are off: closed. */
      webhookToken:
        e.TWILIO_AUTH_TOKEN ??
        (sandboxSecrets && twilioDoor === 'sandbox' ? SANDBOX_TWILIO_AUTH_TOKEN : undefined),
      phoneNumber: e.TWILIO_PHONE_NUMBER,
      apiUrl: e.TWILIO_API_URL.replace(/\/+$/, ''),
      /** Where option 2 rings; without one (live) callers leave a voicemail instead. */
      agentNumber: e.TWILIO_AGENT_NUMBER ?? (twilioDoor === 'sandbox' ? SANDBOX_AGENT_NUMBER : undefined),
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
    outbox: {
      api: !anyDoorLive && anyDoorSandbox,
      page: !anyDoorLive && anyDoorSandbox && sandboxSecrets,
    },
    /** Empty when API_KEYS is unset and sandbox secrets are off: the REST API is then closed (503). */
    apiKeys: e.API_KEYS ?? (sandboxSecrets ? [SANDBOX_API_KEY] : []),
    apiKeysFromEnv: e.API_KEYS !== undefined,
    /**
     * The staff console (handlers/console/): who may sign in. Slack users while Slack is live (its
     * sign-in is not built yet, so none for now), made-up users while sandbox secrets are
     * allowed, and the one CONSOLE_API_KEY. None of them: the console answers 404.
     */
    console: {
      /** Someone can sign in: the console is there (and Slack's screen pops link to it). */
      open: sandboxSecrets || e.CONSOLE_API_KEY !== undefined || slackSignIn !== undefined,
      /** Sign in with Slack (OpenID Connect): while Slack is live and its OAuth client is given. */
      slackSignIn,
      sandboxUsers: sandboxSecrets,
      apiKey: e.CONSOLE_API_KEY,
      /** Signs the session cookie: a secret of the deployment's, or a random one per process. */
      sessionSecret: e.CONSOLE_API_KEY?.key ?? e.SLACK_SIGNING_SECRET ?? e.INVOICE_LINK_SECRET,
    },
    /** Logged at start: in production, each key that still has every scope (main.ts). */
    apiKeyWarnings: e.NODE_ENV === 'production' ? unscopedKeyWarnings(e.API_KEYS ?? []) : [],
    currency: e.CURRENCY,
    defaultCountry: e.DEFAULT_COUNTRY as import('libphonenumber-js').CountryCode,
    defaultLanguage: e.DEFAULT_LANGUAGE,
    timezone: e.BUSINESS_TIMEZONE,
    /** When option 2 of the phone menu rings a person (BUSINESS_HOURS in BUSINESS_TIMEZONE). */
    businessHours: e.BUSINESS_HOURS,
    followUpDelay: e.FOLLOW_UP_DELAY,
    approvalReminderAfter: e.APPROVAL_REMINDER_AFTER,
    /** A still-pending order is cancelled this long after placement; null: never. */
    pendingOrderExpiry: e.PENDING_ORDER_EXPIRY,
    /** Local time (BUSINESS_TIMEZONE) of the daily digest. */
    digestAt: e.DIGEST_AT,
    /** Days of sales the suggested reorder covers after a product's lead time (src/inventory/cover.ts). */
    reorderCoverDays: e.REORDER_COVER_DAYS,
    jobPollInterval: e.JOB_POLL_INTERVAL,
    /** How long the reply to a customer's text may take, database included (Twilio waits 15 s). */
    smsReplyDeadline: e.SMS_REPLY_DEADLINE,
    /**
     * Work younger than this may belong to a request still in flight: the crash repair leaves it
     * alone. It also runs once this long after every start (jobs/reconcile-reservations.ts).
     */
    reconcileGrace: e.RECONCILE_GRACE,
    delivery: {
      retryMax: e.DELIVERY_RETRY_MAX,
      lateAfter: e.DELIVERY_LATE_AFTER,
      sweepEvery: e.DELIVERY_SWEEP_EVERY,
    },
    /**
     * Abuse limits, each 0 = off. Counted in the database (`rate_counters`), so every process on
     * it shares them (see README "Configuration").
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
    /** LOG_LEVEL for a tool that has no full configuration (`npm run db`). */
    logLevel: env.LOG_LEVEL?.trim() || undefined,
  };
}
