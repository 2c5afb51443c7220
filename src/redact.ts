import { types } from 'node:util';

/**
 * Credentials out of the logs (README, Security). Two layers, both used by `createLogger`:
 * - `serializeError` turns any thrown value into what an operator needs (type, message, codes,
 *   HTTP status, stack, causes) and drops the request/response/config objects that HTTP clients
 *   hang on their errors: axios (under twilio-node and the Slack WebClient) keeps the
 *   `Authorization` header there, and the raw request even keeps it as text.
 * - `scrubSecrets` replaces credential-shaped text in a string; the logger runs it over every
 *   finished line, so messages, bindings and fields nobody thought of are covered too.
 */

const CENSOR = '[redacted]';

/**
 * Each pattern keeps its prefix (`$1`) so a line still says what kind of thing was there.
 *
 * Every pattern is linear in the length of the text (each request's URL goes through
 * them, so one that backtracks lets anyone pin the event loop with long URLs). Each one starts
 * only at a literal or a delimiter, and no two neighbouring repeated parts can take the same
 * character, so a failed attempt never rescans text another attempt already covered. Keep it so
 * when adding a pattern; test/unit/redact.test.ts feeds them the shapes that would show it.
 */
/**
 * Where a word may start for the patterns below: after a character that is not a letter, digit
 * or `_`, or right after a JSON escape (`\n`, `\t`, `\u001b`…), since the logger scrubs finished
 * JSON lines, where a token typed on a line of its own follows `\n`. Fixed-length lookbehinds.
 */
const WORD_START = String.raw`(?:(?<!\w)|(?<=\\[nrtbf])|(?<=\\u[\dA-Fa-f]{4}))`;
const SCHEME = '(?:Basic|[Bb]earer|Digest)';

const SECRET_PATTERNS: [RegExp, string][] = [
  // user:password@ in URLs (a database URI, a proxy, Twilio's API URL). First, so that no other
  // pattern's value, which may stop at a `,` or `;` inside a password, cuts the URI in two. It
  // starts at `://`, not at the scheme: a scheme-like run (`a.a.a.…` in a URL) was read again from
  // each of its letters, quadratic in its length. The scheme stays in the line either way, and
  // any scheme's credentials are masked, with or without a user (`redis://:password@`). The user
  // and the password cannot hold `/`, so one attempt never reaches the next `://`.
  [/(:\/\/)[^/\s:@"'\\]*:[^/\s@"'\\]+@/g, `$1${CENSOR}@`],
  // Any Authorization header value, whatever its scheme (Twilio's Basic sid:token, Slack's Bearer),
  // as a header line, a JSON key or a key=value; the value may sit inside an escaped JSON string.
  // Starts only at the header's name; blanks, `:`/`=`, quotes and the value's first character are
  // disjoint, and the value runs to the end of what it may hold.
  [
    /((?:authorization|x-api-key)(?:\\?["'])?\s*[:=]\s*(?:\\?["'])?)[^\s"'\\,;}&][^"'\\\r\n,;}&]*/gi,
    `$1${CENSOR}`,
  ],
  // Starts only at the scheme's name; blanks, the token's characters and `=` are disjoint. A
  // scheme word is not taken for the token (`Bearer Bearer <token>`): the next attempt masks it.
  [new RegExp(`${WORD_START}(${SCHEME})\\s+(?!${SCHEME}\\s)[A-Za-z0-9+/._~-]{6,}=*`, 'g'), `$1 ${CENSOR}`],
  // Slack tokens: bot, user, app-level, configuration and refresh (xoxb-, xoxp-, xapp-, xoxe.xoxp-…).
  [new RegExp(`${WORD_START}(xox[a-z]|xapp)[.-][A-Za-z0-9.-]+`, 'g'), `$1-${CENSOR}`],
  // Signed links and keys in query strings or form bodies: ?sig=…, &signature=…, token=…, api_key=…
  // Starts only at a delimiter (or the start; `\` for a JSON escape before the name), and the
  // name's characters exclude every delimiter: each name is read by one attempt only (the key
  // words are tried at most once per character).
  [
    /((?:^|[?&;\s"'\\])[\w.-]*(?:sig|signature|token|key|secret|password|passwd|credential)=)[^&#\s"'\\]+/gi,
    `$1${CENSOR}`,
  ],
];

/** Credential-shaped text replaced by `[redacted]`; linear in the length of the text. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Keys whose values are transport internals (and carry credentials): never logged. */
const DROPPED = new Set([
  'config',
  'request',
  'response',
  'req',
  'res',
  'headers',
  'rawHeaders',
  'auth',
  'agent',
  'httpAgent',
  'httpsAgent',
  'socket',
  'connection',
  'client',
  'options',
  'raw',
  'toJSON',
]);

/** An error's own fields that `serialize` writes itself (the chain as `cause` and `errors`). */
const HANDLED = new Set(['cause', 'errors', 'original', 'name']);

/** Keys whose values are secrets whatever they hold. */
const SECRET_KEY =
  /authorization|password|passwd|secret|token|api[-_]?key|cookie|^auth$|signature|^sig$|credential/i;

const MAX_DEPTH = { cause: 5, value: 3 };
const MAX_KEYS = 40;
const MAX_ITEMS = 20;
const MAX_STRING = 2_000;
const MAX_STACK = 8_000;

const SERIALIZED = Symbol('orderly.serializedError');

type Plain = Record<string, unknown>;

export function isErrorLike(value: unknown): value is Error {
  if (typeof value !== 'object' || value === null) return false;
  // Node's own errors come from another realm under Jest's VM modules, so not `instanceof Error`.
  if (value instanceof Error || types.isNativeError(value)) return true;
  const v = value as Plain;
  return typeof v.message === 'string' && typeof v.stack === 'string';
}

const clip = (text: string, max = MAX_STRING) =>
  scrubSecrets(text.length > max ? `${text.slice(0, max)}…[${text.length - max} more]` : text);

/** A getter on a library's error may throw; a log line must not. */
function read(obj: object, key: string): unknown {
  try {
    return (obj as Plain)[key];
  } catch {
    return undefined;
  }
}

function typeName(err: object): string {
  const ctor = read(err, 'constructor') as { name?: unknown } | undefined;
  const name = typeof ctor?.name === 'string' && ctor.name !== 'Object' ? ctor.name : undefined;
  const own = read(err, 'name');
  return name ?? (typeof own === 'string' ? own : 'Error');
}

/** A bounded, credential-free copy of a value found on an error (Slack's `data`, Mongo's `keyValue`). */
function sanitize(value: unknown, depth: number, seen: Set<object>): unknown {
  if (typeof value === 'string') return clip(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null) return typeof value === 'function' ? undefined : value;
  if (isErrorLike(value)) return serialize(value, depth, seen);
  if (seen.has(value)) return '[circular]';
  if (Buffer.isBuffer(value)) return `[Buffer ${value.length} bytes]`;
  const toJSON = read(value, 'toJSON');
  if (typeof toJSON === 'function' && !Array.isArray(value)) {
    try {
      const json = toJSON.call(value);
      if (typeof json !== 'object' || json === null) return sanitize(json, depth, seen);
    } catch {}
  }
  if (depth >= MAX_DEPTH.value) return Array.isArray(value) ? `[Array(${value.length})]` : '[Object]';
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return `[${typeName(value)}]`;
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.slice(0, MAX_ITEMS).map((v) => sanitize(v, depth + 1, seen));
      if (value.length > MAX_ITEMS) items.push(`…[${value.length - MAX_ITEMS} more]`);
      return items;
    }
    return copyFields(value as Plain, {}, depth + 1, seen);
  } finally {
    seen.delete(value);
  }
}

function copyFields(from: object, to: Plain, depth: number, seen: Set<object>, skip?: Set<string>): Plain {
  let n = 0;
  for (const key of Object.keys(from)) {
    if (DROPPED.has(key) || skip?.has(key) || to[key] !== undefined) continue;
    if (++n > MAX_KEYS) {
      to['…'] = 'more fields left out';
      break;
    }
    const v = read(from, key);
    const safe = SECRET_KEY.test(key) && v != null && v !== '' ? CENSOR : sanitize(v, depth, seen);
    if (safe !== undefined) to[key] = safe;
  }
  return to;
}

function serialize(err: Error, depth: number, seen: Set<object>): Plain | string {
  if (seen.has(err)) return '[circular]';
  if ((err as unknown as Record<symbol, unknown>)[SERIALIZED]) return err as unknown as Plain;
  seen.add(err);
  try {
    const out: Plain = { type: typeName(err) };
    const message = read(err, 'message');
    out.message = clip(typeof message === 'string' ? message : String(message));
    const name = read(err, 'name');
    if (typeof name === 'string' && name !== out.type && name !== 'Error') out.name = name;
    // What an operator wants from an HTTP client's request, without its headers.
    const config = read(err, 'config') as { method?: unknown; url?: unknown } | undefined;
    if (config && typeof config === 'object') {
      if (typeof config.method === 'string') out.method = config.method.toUpperCase();
      if (typeof config.url === 'string') out.url = clip(config.url);
    }
    const response = read(err, 'response') as { status?: unknown } | undefined;
    if (response && typeof response === 'object' && typeof response.status === 'number') {
      out.status = response.status;
    }
    copyFields(err, out, 0, seen, HANDLED);
    const stack = read(err, 'stack');
    if (typeof stack === 'string') out.stack = clip(stack, MAX_STACK);
    if (depth < MAX_DEPTH.cause) {
      const cause = read(err, 'cause') ?? read(err, 'original');
      if (cause !== undefined && cause !== null) out.cause = serializeAny(cause, depth + 1, seen);
      const errors = read(err, 'errors');
      if (Array.isArray(errors)) {
        out.errors = errors.slice(0, MAX_ITEMS).map((e) => serializeAny(e, depth + 1, seen));
        if (errors.length > MAX_ITEMS) (out.errors as unknown[]).push(`…[${errors.length - MAX_ITEMS} more]`);
      }
    }
    Object.defineProperty(out, SERIALIZED, { value: true });
    return out;
  } finally {
    seen.delete(err);
  }
}

function serializeAny(value: unknown, depth: number, seen: Set<object>): unknown {
  return isErrorLike(value) ? serialize(value, depth, seen) : sanitize(value, 0, seen);
}

/**
 * Pino's serializer for `err`, `error`, `cause` and any Error-valued field. Anything may be
 * thrown: a string stays a (scrubbed) string, an object becomes a bounded copy without transport
 * internals, an Error becomes `{type, message, code, …, stack, cause}`. Never throws.
 */
export function serializeError(value: unknown): unknown {
  try {
    return serializeAny(value, 0, new Set());
  } catch {
    return '[unserializable error]';
  }
}
