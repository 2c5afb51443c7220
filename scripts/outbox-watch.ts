import { type ApiKey, hasScope } from '../src/access/scopes.js';
import { collectAfter, type CollectOptions as OutboxCollectOptions } from '../src/outbox/collect.js';
import type { OutboxItem } from '../src/slack/plain-text.js';

/**
 * What Orderly did after a helper's request, read from the sandbox outbox (`GET /api/v1/outbox`
 * with the API key): the helper notes the newest entry before it sends, then collects the entries
 * that come after (src/outbox/collect.ts, which the console's phone uses in the process).
 */

export type OutboxWatch =
  | { available: true; collect(opts: CollectOptions): Promise<OutboxItem[]> }
  /** `why`: the outbox is off (a door is live), the key was refused, or the server did not answer. */
  | { available: false; why: 'live' | 'key' | 'unreachable' | 'unexpected'; status?: number };

export type CollectOptions = OutboxCollectOptions<OutboxItem>;

async function newest(base: string, apiKey: string, limit: number): Promise<Response> {
  return fetch(`${base}/api/v1/outbox?limit=${limit}`, {
    headers: { authorization: `Bearer ${apiKey}` },
    signal: AbortSignal.timeout(5_000),
  });
}

/** The first configured key that may read the outbox (the `admin` scope, or no scopes at all). */
export const outboxKey = (keys: readonly ApiKey[]): string | undefined =>
  keys.find((k) => hasScope(k, 'admin'))?.key;

/** Notes where the outbox stands; call before sending the request whose outcome is wanted. */
export async function watchOutbox(base: string, apiKey: string | undefined): Promise<OutboxWatch> {
  if (!apiKey) return { available: false, why: 'key' };
  let res: Response;
  try {
    res = await newest(base, apiKey, 1);
  } catch {
    return { available: false, why: 'unreachable' };
  }
  if (res.status === 404) return { available: false, why: 'live', status: 404 };
  if (res.status === 401 || res.status === 403 || res.status === 503)
    return { available: false, why: 'key', status: res.status };
  if (!res.ok) return { available: false, why: 'unexpected', status: res.status };
  const first = ((await res.json()) as { items: OutboxItem[] }).items[0];
  const since = first ? Number(first.id) : 0;
  return {
    available: true,
    collect: (opts) =>
      collectAfter(
        async () => {
          const r = await newest(base, apiKey, 100).catch(() => undefined);
          return r?.ok ? ((await r.json()) as { items: OutboxItem[] }).items : undefined;
        },
        since,
        opts,
      ),
  };
}

/** What to say when the outbox cannot be read, e.g. "Slack is live: the outcome is in Slack". */
export function unavailableNote(watch: Extract<OutboxWatch, { available: false }>, door: string): string {
  switch (watch.why) {
    case 'live':
      return `(no outbox: Slack or Twilio is live here, so the outcome is in ${door} itself)`;
    case 'key':
      return `(the outbox needs an API key with the admin scope, which this helper does not have: set API_KEYS as the server has it; or see ${door})`;
    default:
      return `(the outbox could not be read${watch.status ? `: HTTP ${watch.status}` : ''}; see ${door})`;
  }
}
