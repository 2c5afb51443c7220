/**
 * How a failed delivery is retried (src/delivery/lane.ts):
 * - `outage`: the service itself is down, throttling us or refusing our credentials (network error,
 *   HTTP 5xx, 429, 401, Slack's `internal_error`, `invalid_auth`…): every delivery of that lane would
 *   fail alike, so they all wait, the first one is retried at a growing, capped interval, and the
 *   lane resumes in order once it goes through;
 * - `item`: this one delivery failed for its own reasons (a 4xx refusal of this message, or an error
 *   of ours while building or recording it: a malformed record, a bug, a database error): it alone
 *   backs off, with its own count kept on its failure record, while the others go on; past the
 *   retry limit it is given up and shown to staff;
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

/**
 * Slack's answers about our credentials or installation: every message would be refused alike, so
 * the lane waits (and keeps its order) until an operator fixes it, rather than giving them all up.
 */
const SLACK_ACCOUNT = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'missing_scope',
  'no_permission',
  'team_access_not_granted',
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
    const error = e.data?.error ?? '';
    return { kind: SLACK_TRANSIENT.has(error) || SLACK_ACCOUNT.has(error) ? 'outage' : 'item' };
  }
  // twilio-node: RestException carries the HTTP status; a network error carries Node's code.
  const status = e.status ?? e.statusCode;
  if (typeof status === 'number') {
    return { kind: status >= 500 || status === 429 || status === 401 ? 'outage' : 'item' };
  }
  const code = String(e.code ?? e.original?.code ?? e.cause?.code ?? '');
  if (NETWORK.test(code) || /timeout|socket hang up|network/i.test(String((err as Error)?.message))) {
    return { kind: 'outage' };
  }
  // Anything else (a malformed record, a bug, a database error) is this message's own trouble: it
  // must not hold up the messages behind it.
  return { kind: 'item' };
}

/** 1 s, 2 s, 4 s … up to `capMs`, with ±20% jitter so many processes do not retry in step. */
export function backoff(attempt: number, capMs: number): number {
  const base = Math.min(capMs, 1000 * 2 ** Math.min(attempt, 20));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
