import type { Language } from '../../src/customers/customer.js';
import { type Catalogue, en, he, type MessageKey, statusName, t } from '../../src/i18n/index.js';
import { formatMoney } from '../../src/money.js';
import { ORDER_STATUSES } from '../../src/orders/lifecycle.js';
import { countSegments } from '../../src/sms/segments.js';

const LANGS: Language[] = ['en', 'he'];
const HEBREW = /[\u05d0-\u05ea]/;

test('both catalogues have exactly the same keys', () => {
  expect(Object.keys(he).sort()).toEqual(Object.keys(en).sort());
  const { help: _, ...rest } = he;
  // @ts-expect-error a catalogue missing a key is a type error
  const missing: Catalogue = rest;
  expect(missing).toBeDefined();
});

test('statusName covers every status in both languages', () => {
  expect(statusName('en', 'pending_approval')).toBe('awaiting approval');
  expect(statusName('he', 'pending_approval')).toBe('ממתינה לאישור');
  for (const status of ORDER_STATUSES) {
    expect(statusName('en', status)).toMatch(/^[a-z ]+$/);
    expect(statusName('he', status)).toMatch(HEBREW);
  }
});

/** Every message rendered with realistic, rather long, values; a key may appear several times. */
function samples(lang: Language, business: string, currency: string): [MessageKey, string][] {
  const number = 1042;
  const total = formatMoney(123456, currency, lang === 'he' ? 'he-IL' : 'en-US');
  const items = '2× MUG-BLUE, 1× TOTE-NATURAL, 3× CAP-RED';
  const tracking = { carrier: 'UPS', trackingNumber: '1Z999AA1012345678412' };
  const reason = 'The item is out of stock and will not be restocked soon.';
  const out: [MessageKey, string][] = [
    ['help', t(lang, 'help', { business })],
    ['unknown', t(lang, 'unknown', { business })],
    [
      'statusList',
      t(lang, 'statusList', {
        lines: [1042, 1041, 1040].map((n) => `#${n} ${statusName(lang, 'return_requested')}`),
      }),
    ],
    ['notFound', t(lang, 'notFound', {})],
    ['orderSummary', t(lang, 'orderSummary', { items, total })],
    ['orderEmpty', t(lang, 'orderEmpty', {})],
    [
      'orderTooMuch',
      t(lang, 'orderTooMuch', { phrase: 'two of the blue mugs and a tote bag please', max: 100 }),
    ],
    [
      'orderUnplaced',
      t(lang, 'orderUnplaced', {
        phrases: [
          { phrase: 'two of the blue unicorns and a', closest: 'Blue enamel mug with a long name' },
          { phrase: 'purple elephants', closest: 'Canvas tote bag' },
          { phrase: 'pizza' },
        ],
      }),
    ],
    [
      'addUnplaced',
      t(lang, 'addUnplaced', {
        phrases: [
          { phrase: 'two of the blue unicorns and a', closest: 'Blue enamel mug with a long name' },
          { phrase: 'pizza' },
        ],
      }),
    ],
    [
      'orderQuestion',
      t(lang, 'orderQuestion', {
        phrase: 'two of the enamel mugs please',
        options: ['Blue enamel mug, 350 ml', 'Red enamel mug, 350 ml'],
      }),
    ],
    ['orderTooMany', t(lang, 'orderTooMany', { max: 20 })],
    [
      'orderUnknownSkus',
      t(lang, 'orderUnknownSkus', { skus: ['MUG-GREEN', 'TOTE-XL', 'CAP', 'PEN', 'X', 'Y'] }),
    ],
    [
      'orderShort',
      t(lang, 'orderShort', {
        lines: [
          { sku: 'MUG-BLUE', available: 3 },
          { sku: 'TOTE-NATURAL', available: 0 },
          { sku: 'CAP-RED', available: 12 },
        ],
      }),
    ],
    ['confirmNothing', t(lang, 'confirmNothing', {})],
    ['confirmExpired', t(lang, 'confirmExpired', {})],
    ['orderSuggestion', t(lang, 'orderSuggestion', { sku: 'TOTE-NATURAL', price: total })],
    ['addHow', t(lang, 'addHow', {})],
    ['addNoDraft', t(lang, 'addNoDraft', {})],
    ['addUnknownSku', t(lang, 'addUnknownSku', { sku: 'TOTE-EXTRA-LARGE-NATURAL-COTTON' })],
    ['addShort', t(lang, 'addShort', { sku: 'TOTE-NATURAL', available: 3 })],
    ['addShort', t(lang, 'addShort', { sku: 'TOTE-NATURAL', available: 0 })],
    ['addTooMuch', t(lang, 'addTooMuch', { sku: 'TOTE-NATURAL', max: 100 })],
    ['placed', t(lang, 'placed', { number, total })],
    ['textsTooFast', t(lang, 'textsTooFast', { seconds: 60 })],
    ['tooManyOpenOrders', t(lang, 'tooManyOpenOrders', { open: 12, max: 10 })],
    ['cancelled', t(lang, 'cancelled', { number })],
    ['returnRequested', t(lang, 'returnRequested', { number })],
    ['returnLimit', t(lang, 'returnLimit', { number })],
    ['optedOut', t(lang, 'optedOut', { business })],
    ['optedIn', t(lang, 'optedIn', { business })],
    ['ratingThanks', t(lang, 'ratingThanks', { number, score: 5 })],
    ['followUp', t(lang, 'followUp', { business, number })],
    ['updatePlaced', t(lang, 'updatePlaced', { number, total, business })],
    ['updatePlaced', t(lang, 'updatePlaced', { number, total })],
    ['updateApproved', t(lang, 'updateApproved', { number })],
    ['updateShipped', t(lang, 'updateShipped', { number, ...tracking })],
    ['updateDelivered', t(lang, 'updateDelivered', { number })],
    ['updateRejected', t(lang, 'updateRejected', { number, reason })],
    ['updateRejected', t(lang, 'updateRejected', { number })],
    ['updateCancelled', t(lang, 'updateCancelled', { number, reason })],
    ['updateCancelled', t(lang, 'updateCancelled', { number })],
  ];
  for (const status of ORDER_STATUSES) {
    const localized = statusName(lang, status);
    out.push(['statusOne', t(lang, 'statusOne', { number, status: localized, items, tracking })]);
    for (const s of [status, localized]) {
      out.push(['cancelRefused', t(lang, 'cancelRefused', { number, status: s })]);
      out.push(['returnRefused', t(lang, 'returnRefused', { number, status: s })]);
    }
  }
  return out;
}

const BUSINESSES = ['Orderly', 'Cafe Levi', 'The Very Long Name Of A Family Business Selling Mugs And Totes'];

test('the samples cover every message', () => {
  const keys = new Set(samples('en', 'Orderly', 'USD').map(([k]) => k));
  expect([...keys].sort()).toEqual(Object.keys(en).sort());
});

test.each(
  LANGS.flatMap((lang) => BUSINESSES.flatMap((b) => ['USD', 'ILS'].map((c) => [lang, b, c] as const))),
)('every %s message for %j in %s fits in 2 segments', (lang, business, currency) => {
  for (const [key, text] of samples(lang, business, currency)) {
    const count = countSegments(text);
    if (count.segments > 2)
      throw new Error(`${lang} ${key} is ${count.units} ${count.encoding} units: ${text}`);
    expect(text.trim()).toBe(text);
    if (lang === 'he') expect(text).toMatch(HEBREW);
  }
});

test('English texts of our own stay GSM-7 (only params can make them UCS-2)', () => {
  for (const [key, text] of samples('en', 'Cafe Levi', 'USD')) {
    if (key === 'orderSummary' || key === 'statusOne') continue; // the items list uses ×
    expect([key, countSegments(text).encoding]).toEqual([key, 'GSM-7']);
  }
});

test('notFound is one fixed string, whatever is passed', () => {
  const unchecked = t as (lang: Language, key: MessageKey, params: unknown) => string;
  for (const lang of LANGS) {
    const text = t(lang, 'notFound', {});
    expect(unchecked(lang, 'notFound', { number: 1042, status: 'shipped', phone: '+15551234567' })).toBe(
      text,
    );
    expect(unchecked(lang, 'notFound', undefined)).toBe(text);
  }
  expect(t('en', 'notFound', {})).toBe('No order found for this number.');
});

test('messages say what they must', () => {
  expect(t('en', 'help', { business: 'Orderly' })).toMatch(/STATUS.*ORDER.*CONFIRM.*CANCEL.*RETURN.*STOP/);
  expect(t('he', 'help', { business: 'Orderly' })).toMatch(/סטטוס.*הזמנה.*אישור.*ביטול.*החזרה.*הסר/);
  expect(t('en', 'orderSummary', { items: '1× TOTE', total: '$5.00' })).toContain(
    'Reply CONFIRM within 30 min',
  );
  expect(t('he', 'orderSummary', { items: '1× TOTE', total: '$5.00' })).toContain('אישור');
  expect(t('en', 'cancelRefused', { number: 1042, status: 'shipped' })).toContain(
    'RETURN 1042 once it arrives',
  );
  expect(t('en', 'cancelRefused', { number: 1042, status: 'shipped' })).toBe(
    t('en', 'cancelRefused', { number: 1042, status: statusName('en', 'shipped') }),
  );
  expect(t('he', 'cancelRefused', { number: 1042, status: statusName('he', 'shipped') })).toContain(
    'החזרה 1042',
  );
  expect(t('en', 'returnRefused', { number: 1042, status: 'approved' })).toContain('CANCEL 1042');
  expect(
    t('en', 'statusOne', {
      number: 1042,
      status: 'shipped',
      items: '2× MUG-BLUE',
      tracking: { carrier: 'UPS', trackingNumber: '1Z1' },
    }),
  ).toBe('Order #1042: shipped. 2× MUG-BLUE. UPS 1Z1');
  expect(t('en', 'statusList', { lines: ['#1042 shipped', '#1041 delivered'] })).toBe(
    'Your recent orders: #1042 shipped; #1041 delivered',
  );
  for (const lang of LANGS) {
    const first = t(lang, 'updatePlaced', { number: 1042, total: '$5.00', business: 'Cafe Levi' });
    expect(first.startsWith('Cafe Levi: ')).toBe(true);
    expect(first).toMatch(/STOP|הסר/);
    for (const key of ['updateApproved', 'updateDelivered', 'updateCancelled', 'updateRejected'] as const) {
      expect(t(lang, key, { number: 1042 })).not.toMatch(/STOP|הסר/);
    }
  }
  expect(t('en', 'updateRejected', { number: 1042, reason: 'Out of stock.' })).toBe(
    'Order #1042 was declined: Out of stock. Sorry!',
  );
});
