import { CHANNELS, type Channel } from '../orders/lifecycle.js';

/**
 * What an API key may do (README, Configuration: API_KEYS): `name:key[:scopes]`, scopes joined by `+`. A till needs
 * to read and place, not to approve its own orders or change stock; a key that can do everything
 * bypasses the approvers in Slack. `channel=<c>` among the scopes binds the key's new orders to
 * one channel, so a shop's key cannot count an order against a customer's SMS limit.
 */

export const SCOPES = ['read', 'place', 'act', 'stock', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** What each scope opens, for refusals, warnings and the docs. */
export const SCOPE_MEANING: Record<Scope, string> = {
  read: 'reading orders, products, invoices, credit notes and calls',
  place: 'placing orders',
  act: 'order actions: approve, reject, cancel, pick, pack, ship, deliver, returns',
  stock: 'creating products and changing stock',
  admin: 'jobs, late messages and the outbox',
};

export interface ApiKey {
  readonly name: string;
  readonly key: string;
  /** Absent: every scope (a key written before scopes existed keeps working, warned in production). */
  readonly scopes?: readonly Scope[];
  /** Present: the only channel this key may place orders on. */
  readonly channel?: Channel;
}

export const hasScope = (key: Pick<ApiKey, 'scopes'>, scope: Scope): boolean =>
  key.scopes === undefined || key.scopes.includes(scope);

/** Whether the key may place an order on `channel`: always, unless it is bound to another one. */
export const mayPlaceOn = (key: Pick<ApiKey, 'channel'>, channel: Channel): boolean =>
  key.channel === undefined || key.channel === channel;

const NAME = /^[\w.-]{1,64}$/;
const MIN_KEY_LENGTH = 8;

/**
 * Parses API_KEYS. Returns the keys, or the problem as one line. The problem names keys by their
 * name only: the value of API_KEYS is a secret and the line goes to the start-up output.
 */
export function parseApiKeys(raw: string): { keys: ApiKey[] } | { problem: string } {
  const keys: ApiKey[] = [];
  for (const entry of raw.split(',')) {
    if (entry.trim() === '') continue; // a doubled or trailing comma
    const parsed = parseEntry(entry.trim(), keys.length + 1);
    if ('problem' in parsed) return parsed;
    const { key } = parsed;
    if (keys.some((k) => k.name === key.name)) return { problem: `names the key ${key.name} twice` };
    const same = keys.find((k) => k.key === key.key);
    if (same) return { problem: `gives ${same.name} and ${key.name} the same key` };
    keys.push(key);
  }
  if (keys.length === 0) return { problem: 'has no name:key entry' };
  return { keys };
}

/**
 * `name:key` or `name:key:scopes`. The name ends at the first colon and the scopes start after the
 * last, so a key holding a colon is read as scopes and refused: never a silent wrong key.
 */
function parseEntry(entry: string, position: number): { key: ApiKey } | { problem: string } {
  const parts = entry.split(':');
  const name = parts[0]?.trim() ?? '';
  if (parts.length < 2 || !NAME.test(name)) {
    return {
      problem: `entry ${position} needs a name of letters, digits, "_", "." or "-" before the first colon (name:key[:scopes])`,
    };
  }
  const secret = (parts.length > 2 ? parts.slice(1, -1).join(':') : (parts[1] ?? '')).trim();
  if (secret.length < MIN_KEY_LENGTH) {
    return { problem: `key ${name} needs a key of ${MIN_KEY_LENGTH}+ characters (name:key[:scopes])` };
  }
  if (parts.length === 2) return { key: { name, key: secret } };
  const scopes = parseScopes(name, parts.at(-1) ?? '');
  if ('problem' in scopes) return scopes;
  return { key: { name, key: secret, ...scopes.access } };
}

function parseScopes(
  name: string,
  raw: string,
): { access: { scopes?: Scope[]; channel?: Channel } } | { problem: string } {
  if (raw.trim() === '') {
    return { problem: `key ${name} has no scope after its second colon (scopes: ${SCOPES.join(', ')})` };
  }
  const scopes = new Set<Scope>();
  let channel: Channel | undefined;
  for (const part of raw.split('+').map((s) => s.trim().toLowerCase())) {
    if (part === '') return { problem: `key ${name} has an empty scope (join scopes with a single +)` };
    const bound = /^channel=(.*)$/.exec(part);
    if (bound) {
      const c = bound[1] ?? '';
      if (!(CHANNELS as readonly string[]).includes(c)) {
        return {
          problem: `key ${name} names the channel "${c.slice(0, 20)}"; channels: ${CHANNELS.join(', ')}`,
        };
      }
      if (channel !== undefined) return { problem: `key ${name} may be bound to one channel only` };
      channel = c as Channel;
    } else if ((SCOPES as readonly string[]).includes(part)) {
      scopes.add(part as Scope);
    } else {
      // Not echoed: after a colon inside a key, this would be a piece of the secret.
      return {
        problem: `key ${name} has an unknown scope (scopes: ${SCOPES.join(', ')}, channel=<channel>; a key holds no ":" or ",")`,
      };
    }
  }
  // Only a channel: every scope, placements bound to that channel.
  return {
    access: {
      ...(scopes.size > 0 ? { scopes: SCOPES.filter((s) => scopes.has(s)) } : {}),
      ...(channel ? { channel } : {}),
    },
  };
}

/** One start-up warning per key that has every scope (production only: see config.ts). */
export const unscopedKeyWarnings = (keys: readonly ApiKey[]): string[] =>
  keys
    .filter((k) => k.scopes === undefined)
    .map((k) => `API_KEYS: key ${k.name} has every scope; give it scopes, e.g. ${k.name}:<key>:read+place`);
