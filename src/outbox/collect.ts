/**
 * What Orderly did after a request, read from the sandbox outbox: Slack answers a click with an
 * empty 200 and Orderly posts afterwards; customer texts go out after the change. The reader
 * notes the newest entry before it sends, then collects the entries that come after. The helpers
 * read the outbox over its API (scripts/outbox-watch.ts), the console's phone in the process.
 */

export interface CollectOptions<T> {
  /** Which new entries count (all of them by default). */
  match?: (e: T) => boolean;
  /** Stop this long after the request at the latest. */
  withinMs: number;
  /** Stop once something came and nothing more for this long. */
  quietMs: number;
  /** Stop this long after the request if nothing came at all (default withinMs). */
  idleMs?: number;
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `newest` (the latest entries, any order; undefined when they could not be read this time)
 * for entries numbered above `since`, until the options say stop. Oldest first.
 */
export async function collectAfter<T extends { id: string }>(
  newest: () => Promise<T[] | undefined>,
  since: number,
  { match = () => true, withinMs, quietMs, idleMs = withinMs, pollMs = 150 }: CollectOptions<T>,
): Promise<T[]> {
  const started = Date.now();
  const seen = new Map<string, T>();
  let lastNew = 0;
  for (;;) {
    for (const e of (await newest()) ?? []) {
      if (Number(e.id) > since && !seen.has(e.id) && match(e)) {
        seen.set(e.id, e);
        lastNew = Date.now();
      }
    }
    const now = Date.now();
    if (now - started >= withinMs) break;
    if (seen.size && now - lastNew >= quietMs) break;
    if (!seen.size && now - started >= idleMs) break;
    await sleep(pollMs);
  }
  return [...seen.values()].sort((a, b) => Number(a.id) - Number(b.id));
}
