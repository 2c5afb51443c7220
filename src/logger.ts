import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type DestinationStream, type Logger } from 'pino';
import { isErrorLike, scrubSecrets, serializeError } from './redact.js';

export type { Logger };

/** What every log line written while handling one request carries (its request id). */
export interface LogContext {
  reqId?: string;
}

/**
 * Carries the request id from the HTTP door down into services and repositories without passing
 * a logger through every call: pino's `mixin` adds it to each line written in that async context.
 */
const logContext = new AsyncLocalStorage<LogContext>();

export function runWithLogContext<T>(context: LogContext, fn: () => T): T {
  return logContext.run(context, fn);
}

/** Fields that hold what was thrown; Error values under any other key are serialized the same way. */
const errorSerializers = { err: serializeError, error: serializeError, cause: serializeError };

/** Error-valued fields become `serializeError`'s shape; the object is copied only when one is found. */
function serializeErrorFields(obj: Record<string, unknown>): Record<string, unknown> {
  let out = obj;
  for (const key in obj) {
    const value = obj[key];
    if (!isErrorLike(value) || !Object.hasOwn(obj, key)) continue;
    if (out === obj) out = { ...obj };
    out[key] = serializeError(value);
  }
  return out;
}

/**
 * Structured JSON logs (stdout unless a destination is given); children carry extra context.
 * No credential reaches a line, whoever logs (README, Security): errors keep what an operator needs and
 * lose their HTTP client's request and config, and every finished line is scrubbed of
 * credential-shaped text (`src/redact.ts`), a pass linear in the line's length.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const logger = pino(
    {
      level,
      base: { service: 'orderly' },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: () => ({ ...logContext.getStore() }),
      serializers: errorSerializers,
      formatters: { log: serializeErrorFields },
      hooks: { streamWrite: scrubSecrets },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["x-twilio-signature"]',
          'req.headers["x-slack-signature"]',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
  keepErrorSerializersInChildren(logger);
  return logger;
}

/** How much of a request's URL a line keeps: enough to tell routes and queries apart. */
export const MAX_LOGGED_URL = 512;

/** Where a URL may be cut without leaving the start of a secret behind (see `capUrl`). */
const URL_BOUNDARY = /[/?&#;]/;

/**
 * A request's URL as a line keeps it (README, Security): at most `MAX_LOGGED_URL` characters and a note of
 * the whole length, cut before redaction runs, so a long URL costs little however it is shaped.
 * The cut goes back to the last `/`, `?`, `&`, `#` or `;`, so the line never ends in the first
 * characters of a password or token whose end (`@`, its length) the redaction needs to see.
 */
export function capUrl(url: string): string {
  if (url.length <= MAX_LOGGED_URL) return url;
  let end = MAX_LOGGED_URL;
  while (end > 0 && !URL_BOUNDARY.test(url.charAt(end - 1))) end--;
  return `${url.slice(0, end)}…[${url.length} chars in all]`;
}

type Serializer = (value: unknown) => unknown;

/** A `req` serializer (pino-http's) whose `url` comes out capped. */
function cappingUrl(serialize: Serializer): Serializer {
  return (value) => {
    const out = serialize(value);
    if (typeof out !== 'object' || out === null) return out;
    const url = (out as { url?: unknown }).url;
    return typeof url === 'string' && url.length > MAX_LOGGED_URL ? { ...out, url: capUrl(url) } : out;
  };
}

/**
 * A child made with its own serializers (pino-http's gives `err` pino's standard serializer,
 * which copies an axios error's config and headers) still serializes errors our way, and its
 * request serializer logs a capped URL. Children inherit `child` from the logger they come from,
 * so this one override covers every descendant.
 */
function keepErrorSerializersInChildren(logger: Logger): void {
  const child = logger.child;
  logger.child = function (this: Logger, bindings, options) {
    const given = options?.serializers as Record<string, Serializer> | undefined;
    const opts = given
      ? {
          ...options,
          serializers: {
            ...given,
            ...(given.req ? { req: cappingUrl(given.req) } : {}),
            ...errorSerializers,
          },
        }
      : options;
    return child.call(this, bindings, opts);
  } as Logger['child'];
}
