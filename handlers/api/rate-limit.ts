import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { AppError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { RateCounts } from '../../src/rate-counts.js';

const WINDOW_MS = 60_000;

/**
 * At most `perMinute` requests per API key name in a fixed one-minute window (API_RATE_LIMIT;
 * 0 = no limit). It runs after `requireApiKey`, so it counts per key, not per IP: a shop behind a
 * NAT and a till on the same network do not share a budget, and a stranger without a key gets 401
 * without spending anyone's. It runs before the body is parsed, so a refused request costs no
 * parsing and changes nothing.
 *
 * The counts live in the database (`rate_counters`, src/rate-counts.ts), one command per request,
 * so every process on it counts against the same budget: several processes allow `perMinute`
 * together, not each.
 *
 * Every answer carries `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and
 * `RateLimit-Policy` (the IETF draft's separate headers, which most clients read); a refusal is a
 * 429 `rate_limited` with `Retry-After` in seconds, through the one error sink.
 */
export function limitPerApiKey(
  perMinute: number,
  counts: Pick<RateCounts, 'store'>,
  log: Logger,
): RequestHandler {
  if (perMinute <= 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-6',
    legacyHeaders: false,
    store: counts.store('api:'),
    keyGenerator: (_req, res) => `key:${String(res.locals.apiKeyName)}`,
    handler: (req, res, next) => {
      const retryAfter = Number(res.getHeader('Retry-After') ?? WINDOW_MS / 1000);
      req.log.warn(
        { key: res.locals.apiKeyName, limit: perMinute, retryAfter },
        'api request refused: rate limit',
      );
      next(
        new AppError(
          'rate_limited',
          `Too many requests for this API key: at most ${perMinute} a minute. Retry in ${retryAfter} s.`,
          { details: { limit: perMinute, windowSeconds: WINDOW_MS / 1000, retryAfter } },
        ),
      );
    },
    // The key is the API key's name, never the client IP: the IP and proxy checks do not apply.
    validate: { ip: false, trustProxy: false, xForwardedForHeader: false, forwardedHeader: false },
    logger: log,
  });
}
