import { hasScope, mayPlaceOn } from '../../src/access/scopes.js';
import { ConfigError, loadConfig } from '../../src/config.js';

/** API_KEYS with scopes (README, Configuration): `name:key[:scopes]`, scopes joined by `+`, `channel=<c>` among them. */

const ISSUER = { BUSINESS_NAME: 'Cafe Levi', BUSINESS_ADDRESS: '1 Herzl St', BUSINESS_TAX_ID: '514000000' };
const keysOf = (API_KEYS: string) => loadConfig({ NODE_ENV: 'test', API_KEYS }).apiKeys;
const refusal = (API_KEYS: string) => {
  try {
    loadConfig({ NODE_ENV: 'test', API_KEYS });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

test('When keys carry scopes and a channel, then each key has exactly those; a key without scopes has none listed (every scope)', () => {
  expect(
    keysOf('till:till-key-123:read+place+channel=store, web:web-key-1234:read+place+act , ops:ops-key-1234'),
  ).toEqual([
    { name: 'till', key: 'till-key-123', scopes: ['read', 'place'], channel: 'store' },
    { name: 'web', key: 'web-key-1234', scopes: ['read', 'place', 'act'] },
    { name: 'ops', key: 'ops-key-1234' },
  ]);
});

test('When a scope list holds only a channel, then the key keeps every scope but places only on that channel', () => {
  expect(keysOf('pos:pos-key-1234:channel=store')).toEqual([
    { name: 'pos', key: 'pos-key-1234', channel: 'store' },
  ]);
});

test('When scopes repeat or differ in case and spacing, then each counts once', () => {
  expect(keysOf('a:abcdefgh1: Read + read+STOCK ')).toEqual([
    { name: 'a', key: 'abcdefgh1', scopes: ['read', 'stock'] },
  ]);
});

test.each([
  ['an unknown scope', 'till:till-key-123:read+write', 'unknown scope'],
  ['a key with a colon in it', 'till:till-key:123-secret', 'unknown scope'],
  ['an empty scope list', 'till:till-key-123:', 'no scope'],
  ['an empty scope between pluses', 'till:till-key-123:read++place', 'empty scope'],
  ['a channel that is not one of the channels', 'till:till-key-123:place+channel=kiosk', '"kiosk"'],
  ['two channels', 'till:till-key-123:place+channel=store+channel=web', 'one channel'],
  ['an empty name', ':till-key-123:read', 'name'],
  ['an empty key', 'till::read', 'key'],
  ['a short key', 'till:short:read', '8'],
  ['a doubled name', 'till:till-key-123:read,till:other-key-123:admin', 'twice'],
  ['one key under two names', 'till:same-key-123:read,web:same-key-123:admin', 'same key'],
  ['a name with other characters', 'till!:till-key-123:read', 'name'],
  ['other characters before a good name', 'x!till:till-key-123:read', 'name'],
  ['a name of 65 characters', `${'t'.repeat(65)}:till-key-123:read`, 'name'],
  ['scopes of spaces only', 'till:till-key-123:  ', 'no scope'],
  ['a scope that only ends like a channel', 'till:till-key-123:place+xchannel=store', 'unknown scope'],
  ['commas only', ' , ,', 'no name:key entry'],
])(
  'When API_KEYS has %s, then start-up stops with one line naming API_KEYS and never the key itself',
  (_what, value, says) => {
    const err = refusal(value);
    expect(err.variable).toBe('API_KEYS');
    expect(err.message.startsWith('API_KEYS ')).toBe(true);
    expect(err.message).toContain(says);
    expect(err.message).not.toContain('\n');
    for (const secret of ['till-key', '123-secret', 'other-key-123', 'same-key-123'])
      expect(err.message).not.toContain(secret);
  },
);

test('When entries have spaces around them and commas doubled or trailing, then the keys are read as if they had none', () => {
  expect(keysOf(' web : web-key-1234 ,, till:till-key-123:read ,')).toEqual([
    { name: 'web', key: 'web-key-1234' },
    { name: 'till', key: 'till-key-123', scopes: ['read'] },
  ]);
  expect(keysOf(`${'t'.repeat(64)}:till-key-123`)).toEqual([{ name: 't'.repeat(64), key: 'till-key-123' }]);
});

test('When a key holds a colon and scopes follow, then the key is everything between the name and the scopes', () => {
  expect(keysOf('till:till:key-123:read')).toEqual([{ name: 'till', key: 'till:key-123', scopes: ['read'] }]);
});

test('When an entry is refused, then the message counts its position among the entries', () => {
  expect(refusal('web:web-key-1234,:till-key-123').message).toContain('entry 2 ');
});

test('When a key names a long unknown channel, then the message repeats only its first 20 characters', () => {
  const message = refusal(`till:till-key-123:channel=${'k'.repeat(20)}tail`).message;
  expect(message).toContain(`"${'k'.repeat(20)}"`);
  expect(message).not.toContain('tail');
});

/** Production wants each door live or off on purpose; these cases are about keys alone. */
const DOORS_OFF = { SLACK_ENABLED: 'false', TWILIO_ENABLED: 'false' };

test('In production, each key without scopes is named in a start warning; scoped keys and other environments give none', () => {
  const prod = loadConfig({
    NODE_ENV: 'production',
    ...DOORS_OFF,
    ...ISSUER,
    API_KEYS: 'web:web-key-1234,till:till-key-123:read+place,pos:pos-key-1234:channel=store',
  });
  expect(prod.apiKeyWarnings).toEqual([
    'API_KEYS: key web has every scope; give it scopes, e.g. web:<key>:read+place',
    'API_KEYS: key pos has every scope; give it scopes, e.g. pos:<key>:read+place',
  ]);
  expect(loadConfig({ NODE_ENV: 'development', API_KEYS: 'web:web-key-1234' }).apiKeyWarnings).toEqual([]);
  expect(
    loadConfig({ ...DOORS_OFF, NODE_ENV: 'production', ...ISSUER, API_KEYS: 'till:till-key-123:read' })
      .apiKeyWarnings,
  ).toEqual([]);
});

test('A key has a scope when it lists it or lists none; it may place on a channel when it is bound to none or to that one', () => {
  const [till, ops] = keysOf('till:till-key-123:read+place+channel=store,ops:ops-key-1234');
  if (!till || !ops) throw new Error('two keys expected');
  expect(['read', 'place', 'act', 'stock', 'admin'].map((s) => hasScope(till, s as never))).toEqual([
    true,
    true,
    false,
    false,
    false,
  ]);
  expect(['read', 'place', 'act', 'stock', 'admin'].every((s) => hasScope(ops, s as never))).toBe(true);
  expect([mayPlaceOn(till, 'store'), mayPlaceOn(till, 'sms'), mayPlaceOn(ops, 'sms')]).toEqual([
    true,
    false,
    true,
  ]);
});
