import fc from 'fast-check';
import { createLogger } from '../../src/logger.js';
import { scrubSecrets } from '../../src/redact.js';
import { hugeString, runs, weirdString } from './arbitraries.js';

/**
 * Log redaction (src/redact.ts) under generated text: secrets of every kind the module masks,
 * in the forms they take in a log line, at random places in random and hostile text. No secret
 * may come out, whether the text is scrubbed alone or written as a log line (where it sits inside
 * a JSON string); and the hostile shapes of bench/hostile.ts are part of the noise.
 */

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const chars = (alphabet: string, minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });
/** Random enough never to occur in the noise by chance (checked with `fc.pre` all the same). */
const secret = (alphabet: string, minLength = 12, maxLength = 40) => chars(alphabet, minLength, maxLength);

const hex = secret('0123456789abcdef', 32, 32);
/** A token as an API key or OAuth bearer token is spelled (RFC 6750's characters). */
const bearerToken = secret(`${ALNUM}-._~+/`, 16, 48);
/** A password as a URI carries it: anything but `/`, `@`, blanks, quotes and `\` (percent-encoded). */
const uriPassword = secret(`${ALNUM}-._~%!$*+,;=:`, 8, 32);
const slackToken = fc
  .tuple(
    fc.constantFrom('xoxb', 'xoxp', 'xoxa', 'xoxe.xoxp', 'xapp'),
    chars('0123456789', 8, 13),
    chars('0123456789', 8, 13),
    secret(ALNUM, 24, 24),
  )
  .map(([kind, a, b, c]) => ({ text: `${kind}-${a}-${b}-${c}`, secrets: [`${a}-${b}-${c}`] }));

interface Planted {
  text: string;
  /** What must not appear in the output. */
  secrets: string[];
}

/** One secret in one of the forms the module promises to mask. */
const planted: fc.Arbitrary<Planted> = fc.oneof(
  // A database URI, a proxy, Twilio's API URL with the account's sid and auth token.
  fc
    .tuple(
      fc.constantFrom('mongodb', 'mongodb+srv', 'https', 'redis', 'x.y-z'),
      chars(ALNUM, 0, 12),
      uriPassword,
    )
    .map(([scheme, user, password]) => ({
      text: `${scheme}://${user}:${password}@db.example:27017/orderly`,
      secrets: [password],
    })),
  hex.map((token) => ({
    text: `https://AC${'0f'.repeat(16)}:${token}@api.twilio.com/2010-04-01`,
    secrets: [token],
  })),
  // Authorization headers as a header line, a JSON field and a key=value.
  fc
    .tuple(fc.constantFrom('Basic', 'Bearer', 'bearer', 'Digest'), bearerToken)
    .map(([scheme, token]) => ({ text: `${scheme} ${token}`, secrets: [token] })),
  fc
    .tuple(hex, hex)
    .map(([sid, token]) => Buffer.from(`AC${sid}:${token}`).toString('base64'))
    .map((basic) => ({ text: `Authorization: Basic ${basic}`, secrets: [basic] })),
  fc
    .tuple(fc.constantFrom('authorization', 'Authorization', 'x-api-key', 'X-Api-Key'), bearerToken)
    .map(([header, key]) => ({ text: `{"${header}":"${key}"}`, secrets: [key] })),
  bearerToken.map((key) => ({ text: `x-api-key: ${key}`, secrets: [key] })),
  // Slack's tokens, alone and as a form field.
  slackToken,
  slackToken.map((t) => ({ text: `token=${t.text}`, secrets: t.secrets })),
  // Signed links and keys in query strings and form bodies.
  fc
    .tuple(
      fc.constantFrom('?', '&', ';'),
      fc.constantFrom(
        'sig',
        'signature',
        'token',
        'api_key',
        'key',
        'client_secret',
        'password',
        'credential',
      ),
      secret(`${ALNUM}-._~%+`, 8, 40),
    )
    .map(([delimiter, name, value]) => ({
      text: `/invoices/1001.pdf${delimiter}${name}=${value}&exp=1`,
      secrets: [value],
    })),
);

/** The shapes that made a backtracking pattern slow, short enough to mix in often. */
const hostileShape = fc
  .tuple(
    fc.constantFrom(
      'a.',
      'ab:',
      'Bearer%20',
      'a=1&',
      'a-',
      'x://',
      'u:p',
      'Bearer ',
      'xoxb-',
      'authorization:',
      '?',
    ),
    fc.integer({ min: 1, max: 400 }),
  )
  .map(([unit, n]) => unit.repeat(n));

const noise = fc.oneof(
  { arbitrary: weirdString, weight: 4 },
  { arbitrary: hostileShape, weight: 3 },
  { arbitrary: hugeString, weight: 1 },
);
/** What may stand right before a secret's form: anything that does not glue onto its first word. */
const separator = fc.constantFrom(' ', '\n', '\t', ', ', '"', "'", '(', '<', '|', ' - ', '\r\n', '; ', '=');

/** Noise, then secrets each after a separator and followed by more noise. */
const line = fc
  .tuple(noise, fc.array(fc.tuple(separator, planted, separator, noise), { minLength: 1, maxLength: 4 }))
  .map(([head, parts]) => ({
    text: head + parts.map(([before, p, after, tail]) => before + p.text + after + tail).join(''),
    secrets: parts.flatMap(([, p]) => p.secrets),
    noise: head + parts.map(([, , , tail]) => tail).join(''),
  }));

const survivors = (out: string, secrets: string[]) => secrets.filter((s) => out.includes(s));

test('When secrets of every kind sit at random places in random and hostile text, then scrubbing leaves none of them', () => {
  fc.assert(
    fc.property(line, ({ text, secrets, noise: around }) => {
      fc.pre(secrets.every((s) => !around.includes(s)));
      expect(survivors(scrubSecrets(text), secrets)).toEqual([]);
    }),
    runs(500),
  );
});

test('When such text is logged as a message and as a field, then no line holds any of the secrets', () => {
  fc.assert(
    fc.property(line, ({ text, secrets, noise: around }) => {
      fc.pre(secrets.every((s) => !around.includes(s)));
      const lines: string[] = [];
      const log = createLogger('info', { write: (l: string) => lines.push(l) });
      log.info({ detail: text }, text);
      expect(survivors(lines.join(''), secrets)).toEqual([]);
    }),
    runs(200),
  );
});
