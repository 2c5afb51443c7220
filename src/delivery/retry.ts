/**
 * How a failed delivery is retried (src/delivery/lane.ts):
 * - `outage`: the service is down or throttling us (network error, HTTP 5xx, 429, Slack's
 *   `internal_error`…): every delivery of that lane waits, the first one is retried at a growing,
 *   capped interval, and the lane resumes in order once it goes through;
 * - `item`: this one delivery was refused (a bad request for this order): it alone is retried at
 *   the capped interval while the others go on;
 * - `later`: someone else is delivering it right now (another process holds the claim): look again
 *   once their claim runs out.
 */
export type FailureKind = 'outage' | 'item' | 'later';

export interface Failure {
  kind: FailureKind;
  /** At least this long before the next try (Retry-After, a claim's remaining lease). */
  afterMs?: number;
}

/** Thrown when another delivery holds the claim on this work; not a failure of the service. */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly afterMs: number,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

/** Slack answers these with HTTP 200 and `ok: false` while it is the one in trouble. */
const SLACK_TRANSIENT = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
  'team_added_to_org',
]);

/** Node's network errors: the request may never have reached the service. */
const NETWORK = /^(ECONN|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE|EHOSTUNREACH|ENETUNREACH|UND_ERR|ERR_SOCKET)/;

export function classify(err: unknown): Failure {
  if (err instanceof RetryLater) return { kind: 'later', afterMs: err.afterMs };
  const e = err as {
    code?: string | number;
    status?: number;
    statusCode?: number;
    retryAfter?: number;
    data?: { error?: string };
    original?: { code?: string };
    cause?: { code?: string };
  };
  // @slack/web-api: rate limited (Retry-After in seconds), HTTP error, request error, platform error.
  if (e.code === 'slack_webapi_rate_limited_error') {
    return { kind: 'outage', afterMs: (e.retryAfter ?? 1) * 1000 };
  }
  if (e.code === 'slack_webapi_http_error' || e.code === 'slack_webapi_request_error')
    return { kind: 'outage' };
  if (e.code === 'slack_webapi_platform_error') {
    return { kind: SLACK_TRANSIENT.has(e.data?.error ?? '') ? 'outage' : 'item' };
  }
  // twilio-node: RestException carries the HTTP status; a network error carries Node's code.
  const status = e.status ?? e.statusCode;
  if (typeof status === 'number') return { kind: status >= 500 || status === 429 ? 'outage' : 'item' };
  const code = String(e.code ?? e.original?.code ?? e.cause?.code ?? '');
  if (NETWORK.test(code) || /timeout|socket hang up|network/i.test(String((err as Error)?.message))) {
    return { kind: 'outage' };
  }
  // Anything else (a database error, a bug) is retried like an outage: never dropped.
  return { kind: 'outage' };
}

/** 1 s, 2 s, 4 s … up to `capMs`, with ±20% jitter so many processes do not retry in step. */
export function backoff(attempt: number, capMs: number): number {
  const base = Math.min(capMs, 1000 * 2 ** Math.min(attempt, 20));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
