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
 * No credential reaches a line, whoever logs (issue 9): errors keep what an operator needs and
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

/**
 * A child made with its own serializers (pino-http's gives `err` pino's standard serializer,
 * which copies an axios error's config and headers) still serializes errors our way. Children
 * inherit `child` from the logger they come from, so this one override covers every descendant.
 */
function keepErrorSerializersInChildren(logger: Logger): void {
  const child = logger.child;
  logger.child = function (this: Logger, bindings, options) {
    const opts = options?.serializers
      ? { ...options, serializers: { ...options.serializers, ...errorSerializers } }
      : options;
    return child.call(this, bindings, opts);
  } as Logger['child'];
}
