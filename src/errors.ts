/** One error type for the whole app; `toAppError` turns anything thrown into one for a reply. */
export type ErrorCode =
  | 'validation_error'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'invalid_transition'
  | 'insufficient_stock'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'database_unavailable'
  | 'internal';

const STATUS: Record<ErrorCode, number> = {
  validation_error: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  invalid_transition: 409,
  insufficient_stock: 409,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  database_unavailable: 503,
  internal: 500,
};

export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  readonly details?: unknown;
  /** Whether the message may be shown to the caller (internal errors are not). */
  readonly expose: boolean;

  constructor(
    readonly code: ErrorCode,
    message: string,
    opts: { details?: unknown; cause?: unknown; status?: number; expose?: boolean } = {},
  ) {
    super(message, { cause: opts.cause });
    this.status = opts.status ?? STATUS[code];
    this.details = opts.details;
    this.expose = opts.expose ?? this.status < 500;
  }
}

export const isAppError = (err: unknown): err is AppError => err instanceof AppError;

/** MongoDB's duplicate-key error, raised by a unique index. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/** The API's error body, `{error: {code, message, details}}`, for any thrown value. */
export function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  const e = err as { type?: string; status?: number; expose?: boolean; message?: string };
  // body-parser's errors carry a `type`; they are the client's fault and safe to describe.
  if (e?.type === 'entity.too.large') {
    return new AppError('payload_too_large', 'The body is larger than 1 MB.', { cause: err });
  }
  if (e?.type === 'entity.parse.failed') {
    return new AppError('validation_error', 'The body is not valid JSON.', { cause: err });
  }
  // Express could not decode a percent-escape in the path (`/products/%`): the client's fault.
  if (err instanceof URIError) {
    return new AppError('validation_error', 'The path has a malformed percent-escape.', { cause: err });
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
    return new AppError('validation_error', e.message ?? 'Bad request.', { cause: err, status: e.status });
  }
  if (isDatabaseUnreachable(err)) {
    return new AppError(
      'database_unavailable',
      'The database is unreachable; nothing was changed. Retry shortly.',
      {
        cause: err,
      },
    );
  }
  return new AppError('internal', 'Something went wrong on our side; it has been logged.', {
    cause: err,
    expose: true,
  });
}

/**
 * The driver's (and mongoose's) errors for a database it cannot reach, by class name. Subclasses
 * count: the driver's PoolClearedOnNetworkError (a heartbeat timed out while an operation waited
 * for a connection) is a MongoPoolClearedError, itself a MongoNetworkError.
 */
const UNREACHABLE = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MongoPoolClosedError',
  'MongoServerClosedError',
]);

/** `name` as each class in the error's prototype chain reports it. */
function classNames(err: object): string[] {
  const names: string[] = [];
  for (
    let proto = Object.getPrototypeOf(err);
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    const own = Object.getOwnPropertyDescriptor(proto, 'name');
    const name = own?.get ? own.get.call(err) : own?.value;
    if (typeof name === 'string') names.push(name);
  }
  return names;
}

/**
 * Socket errors the driver lets through unwrapped: writing a command to a connection the server
 * has just closed throws Node's own `EPIPE` ("This socket has been ended by the other party"),
 * a plain Error. Outbound HTTP clients (Slack's, Twilio's) wrap theirs in their own classes.
 */
const SOCKET_GONE = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED']);

export function isDatabaseUnreachable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: string; message?: string; code?: unknown };
  if (UNREACHABLE.has(e.name ?? '') || classNames(err).some((n) => UNREACHABLE.has(n))) return true;
  if (Object.getPrototypeOf(err) === Error.prototype && SOCKET_GONE.has(String(e.code))) return true;
  // mongoose queues commands while disconnected, then gives up with this message.
  return e.name === 'MongooseError' && /buffering timed out/.test(e.message ?? '');
}
