import type { Store } from 'express-rate-limit';
import type { RateCounterRepository } from '../models/rate-counter.js';

/**
 * The request limits' counts, kept in the database (`rate_counters`) so that every process on it
 * counts the same requests: two processes together allow a limit, not twice it. Used by the SMS
 * limit per phone (src/sms/limits.ts) and, through `store`, by the HTTP limits made with
 * express-rate-limit (the API per key, invoice links per address), whose headers and 429 stay
 * the library's. Keys are prefixed per limit, so the limits never share a count.
 */
export function createRateCounts(deps: { counters: RateCounterRepository }) {
  const { counters } = deps;
  return {
    /** Counts one request under `key` in its window of `windowMs`. One command while the window runs. */
    hit: (key: string, windowMs: number, now?: Date) => counters.hit(key, windowMs, now),
    /** The window's one notice: true for the first caller across all processes. */
    claimNotice: (key: string, until: Date) => counters.claimNotice(key, until),
    /**
     * An express-rate-limit store on these counts (keys prefixed with `prefix`). The window's
     * length comes from the limiter's own `windowMs`.
     */
    store(prefix: string): Store {
      let windowMs = 60_000;
      return {
        localKeys: false,
        prefix,
        init(options) {
          windowMs = options.windowMs;
        },
        async increment(key) {
          const w = await counters.hit(prefix + key, windowMs);
          return { totalHits: w.count, resetTime: w.until };
        },
        decrement: (key) => counters.decrement(prefix + key),
        resetKey: (key) => counters.reset(prefix + key),
      };
    },
  };
}

export type RateCounts = ReturnType<typeof createRateCounts>;
