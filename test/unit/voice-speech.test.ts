import type { Language } from '../../src/customers/customer.js';
import { say, type VoiceKey, voiceEn, voiceHe } from '../../src/i18n/voice.js';
import { ORDER_STATUSES } from '../../src/orders/lifecycle.js';
import { parseBusinessHours } from '../../src/voice/hours.js';
import {
  digitsSpoken,
  MAX_HINT_LENGTH,
  MAX_HINTS,
  menuChoice,
  orderHints,
  parseSpokenNumber,
  speechHints,
  spellCode,
  spokenName,
  VOICES,
} from '../../src/voice/speech.js';

const HEBREW = /[\u05d0-\u05ea]/;

test('When an order number is read, then it is read digit by digit', () => {
  expect(digitsSpoken(1042)).toBe('1 0 4 2');
  expect(digitsSpoken('0042')).toBe('0 0 4 2');
  expect(digitsSpoken(7)).toBe('7');
});

test('When a tracking number is spelled, then it comes in upper-case groups of four with a pause between', () => {
  expect(spellCode('1Z999AA10123456784')).toBe('1 Z 9 9, 9 A A 1, 0 1 2 3, 4 5 6 7, 8 4');
  expect(spellCode(' 1z99-9aa1 ')).toBe('1 Z 9 9, 9 A A 1');
  expect(spellCode('ABCD')).toBe('A B C D');
  expect(spellCode('')).toBe('');
});

test.each([
  ['1042', '1042'],
  ['1042.', '1042'],
  ['#1042', '1042'],
  ['10 42', '1042'],
  ['1-0-4-2', '1042'],
  ['1,042', '1042'],
  ['Order number 1042.', '1042'],
  ["It's order #1042, please", '1042'],
  ['My order number is 1 0 4 2', '1042'],
  ['one oh four two', '1042'],
  ['One zero four two.', '1042'],
  ['ten 42', undefined],
  ['double five one', '551'],
  ['triple 7', '777'],
  ['1 double 0 4', '1004'],
  ['123456789', '123456789'],
  ['1234567890', undefined],
  ['אחת אפס ארבע שתיים', '1042'],
  ['אחד אפס ארבעה שניים', '1042'],
  ['מספר הזמנה 1042', '1042'],
  ['מספר ההזמנה שלי הוא אחת אפס ארבע ושתיים', '1042'],
  ['שלוש, שש, שבע, שמונה, ותשע', '36789'],
  ['חמישה שישה שבעה תשעה שלושה', '56793'],
  ['מס׳ 12 ו-5', '125'],
  ['\u200f1042\u200f', '1042'],
  ['', undefined],
  [undefined, undefined],
  ['order number', undefined],
  ['I want to speak to someone', undefined],
  ['1042 please and thank you', undefined],
  ['double', undefined],
  ['double order 5', undefined],
  ['שלום', undefined],
  ['constructor', undefined],
  ['__proto__ toString', undefined],
])('When the caller says %j, then the order number is %j', (speech, number) => {
  expect(parseSpokenNumber(speech)).toBe(number);
});

test.each([
  [{ digits: '1' }, 'status'],
  [{ digits: '2' }, 'agent'],
  [{ digits: '9' }, 'language'],
  [{ digits: '3' }, 'order'],
  [{ digits: '4' }, undefined],
  [{ digits: '12' }, undefined],
  [{ digits: '4', speech: 'agent' }, undefined],
  [{ digits: '3', speech: 'agent' }, 'order'],
  [{ digits: '', speech: 'Status.' }, 'status'],
  [{ speech: 'Where is my order?' }, 'status'],
  [{ speech: 'track my package' }, 'status'],
  [{ speech: 'סטטוס' }, 'status'],
  [{ speech: 'מה מצב ההזמנה שלי' }, 'status'],
  [{ speech: 'אני רוצה לבדוק הזמנה' }, 'status'],
  [{ speech: 'Agent!' }, 'agent'],
  [{ speech: 'a real person please' }, 'agent'],
  [{ speech: 'Representative' }, 'agent'],
  [{ speech: 'I want to talk to someone about my order' }, 'agent'],
  [{ speech: 'customer service' }, 'agent'],
  [{ speech: 'נציג' }, 'agent'],
  [{ speech: 'אני רוצה לדבר עם נציגה' }, 'agent'],
  [{ speech: 'ולנציג' }, 'agent'],
  [{ speech: 'שירות לקוחות' }, 'agent'],
  [{ speech: 'בן אדם' }, 'agent'],
  [{ speech: 'English' }, 'language'],
  [{ speech: 'Hebrew please' }, 'language'],
  [{ speech: 'עברית' }, 'language'],
  [{ speech: 'באנגלית בבקשה' }, 'language'],
  [{ speech: 'one' }, 'status'],
  [{ speech: 'Two.' }, 'agent'],
  [{ speech: 'press nine' }, 'language'],
  [{ speech: 'אחת' }, 'status'],
  [{ speech: 'שתיים' }, 'agent'],
  [{ speech: 'תשע' }, 'language'],
  [{ speech: '2' }, 'agent'],
  [{ speech: 'three' }, 'order'],
  [{ speech: 'press 3' }, 'order'],
  [{ speech: 'שלוש' }, 'order'],
  [{ speech: 'Order.' }, 'order'],
  [{ speech: 'I would like to place an order' }, 'order'],
  [{ speech: 'I want to buy something' }, 'order'],
  [{ speech: 'הזמנה' }, 'order'],
  [{ speech: 'הזמנה חדשה' }, 'order'],
  [{ speech: 'אני רוצה להזמין' }, 'order'],
  [{ speech: 'order status' }, 'status'],
  [{ speech: 'my order number' }, 'status'],
  [{ speech: 'my orders' }, 'status'],
  [{ speech: 'איפה ההזמנה שלי' }, 'status'],
  [{ speech: 'מספר הזמנה' }, 'status'],
  [{ speech: 'four' }, undefined],
  [{ speech: 'hello?' }, undefined],
  [{ speech: 'שלום' }, undefined],
  [{ digits: 'constructor' }, undefined],
  [{ speech: 'constructor' }, undefined],
  [{}, undefined],
])('When the caller answers the menu with %j, then the choice is %j', (input, choice) => {
  expect(menuChoice(input)).toBe(choice);
});

test('When hints are built, then each language gets its own menu words and digit words', () => {
  const en = speechHints('en').split(', ');
  const he = speechHints('he').split(', ');
  expect(en).toEqual(expect.arrayContaining(['status', 'agent', 'one', 'nine']));
  expect(he).toEqual(expect.arrayContaining(['סטטוס', 'נציג', 'אחת', 'תשע']));
  expect(en.some((w) => HEBREW.test(w))).toBe(false);
  expect(he.every((w) => HEBREW.test(w))).toBe(true);
  expect(VOICES.en).toEqual({ language: 'en-US', voice: 'Polly.Joanna' });
  expect(VOICES.he).toEqual({ language: 'he-IL', voice: 'Google.he-IL-Standard-A' });
});

test('When order hints are built, then each language gets the catalogue names and aliases in its own script, each once', () => {
  const products = [
    { name: 'Blue enamel mug', aliases: ['blue mug', 'ספל כחול', 'ספל אמייל כחול', 'Blue Mug'] },
    { name: 'Coffee beans, 1 kg', aliases: ['coffee', 'קפה'] },
    { name: 'Soy candle' },
  ];
  expect(orderHints('en', products)).toBe('blue mug, coffee, Soy candle, Blue enamel mug, Coffee beans 1 kg');
  expect(orderHints('he', products)).toBe('ספל כחול, קפה, ספל אמייל כחול');
  expect(orderHints('en', [])).toBe('');
});

test('When the catalogue has more names than Twilio takes, then the hints keep within 500 phrases of 100 characters, each product with its shortest first', () => {
  const products = Array.from({ length: 400 }, (_, i) => ({
    name: `Product number ${i} with a long name`,
    aliases: [`p${i}`, `item ${i}`, 'x'.repeat(120)],
  }));
  const hints = orderHints('en', products).split(', ');
  expect(hints).toHaveLength(MAX_HINTS);
  expect(hints.every((h) => h.length <= MAX_HINT_LENGTH)).toBe(true);
  expect(hints.slice(0, 400)).toEqual(products.map((_, i) => `p${i}`));
  expect(new Set(hints).size).toBe(hints.length);
});

test('When a product is named to a caller, then a Hebrew caller hears its Hebrew alias, an English one its name', () => {
  const mug = { name: 'Blue enamel mug', aliases: ['blue mug', 'ספל כחול'] };
  expect(spokenName(mug, 'en')).toBe('Blue enamel mug');
  expect(spokenName(mug, 'he')).toBe('ספל כחול');
  expect(spokenName({ name: 'Soy candle' }, 'he')).toBe('Soy candle');
  expect(spokenName({ name: 'נר סויה', aliases: ['soy candle'] }, 'en')).toBe('soy candle');
});

test('When an order is read back or asked about, then each line is its quantity and name, the options are keyed in order', () => {
  expect(
    say('en', 'orderReadBack', {
      lines: [
        { quantity: 2, name: 'Blue enamel mug' },
        { quantity: 1, name: 'Canvas tote bag' },
      ],
      total: '$43.98',
    }),
  ).toBe(
    'Your order: 2 Blue enamel mug, 1 Canvas tote bag. The total is $43.98. To place it, press 1. To start over, press 2.',
  );
  expect(say('en', 'orderQuestion', { phrase: 'mug', options: ['Blue enamel mug', 'Red enamel mug'] })).toBe(
    'For mug, press 1 for Blue enamel mug, 2 for Red enamel mug.',
  );
  expect(say('he', 'orderQuestion', { phrase: 'ספל', options: ['ספל כחול', 'ספל אדום'] })).toBe(
    'לגבי ספל: ספל כחול, הקישו 1. ספל אדום, הקישו 2.',
  );
  expect(say('en', 'orderNotUnderstood', { phrase: 'bleu mugg', closest: 'Blue enamel mug' })).toBe(
    'Sorry, I didn\'t understand "bleu mugg". The closest we have is Blue enamel mug.',
  );
  expect(say('en', 'orderShort', { lines: [{ name: 'Canvas tote bag', available: 1 }] })).toBe(
    'Sorry, there is only 1 of Canvas tote bag left.',
  );
  expect(say('en', 'menu', {})).toContain('To place an order, press 3 or say order.');
  expect(say('he', 'menu', {})).toContain('הקישו 3 או אמרו הזמנה');
});

/** Every voice text with realistic values; a key may appear several times. */
function samples(lang: Language): [VoiceKey, string][] {
  const hours = parseBusinessHours('Sun-Thu 09:00-17:30, Fri 09:00-13:00, Sat 20:00-24:00');
  const tracking = { carrier: 'UPS', trackingNumber: '1Z999AA10123456784' };
  return [
    ['greeting', say(lang, 'greeting', { business: 'Cafe Levi' })],
    ['menu', say(lang, 'menu', {})],
    ['switchOffer', say(lang, 'switchOffer', {})],
    ['notUnderstood', say(lang, 'notUnderstood', {})],
    ['noInput', say(lang, 'noInput', {})],
    ['goodbye', say(lang, 'goodbye', {})],
    ['tooManyTries', say(lang, 'tooManyTries', {})],
    ['askOrderNumber', say(lang, 'askOrderNumber', {})],
    ...ORDER_STATUSES.map((status): [VoiceKey, string] => [
      'orderStatus',
      say(lang, 'orderStatus', { number: 1042, status, items: 3, tracking }),
    ]),
    ['orderStatus', say(lang, 'orderStatus', { number: 7, status: 'approved', items: 1 })],
    ['recentIntro', say(lang, 'recentIntro', { count: 1 })],
    ['recentIntro', say(lang, 'recentIntro', { count: 3 })],
    ['keyAnother', say(lang, 'keyAnother', {})],
    ['notFound', say(lang, 'notFound', { number: 1042 })],
    ['noOrders', say(lang, 'noOrders', {})],
    ['connecting', say(lang, 'connecting', {})],
    ['voicemailClosed', say(lang, 'voicemailClosed', { hours })],
    ['voicemailNoAnswer', say(lang, 'voicemailNoAnswer', {})],
    ['voicemailThanks', say(lang, 'voicemailThanks', {})],
    ['voicemailEmpty', say(lang, 'voicemailEmpty', {})],
    ['unavailable', say(lang, 'unavailable', {})],
    ['orderAsk', say(lang, 'orderAsk', {})],
    ['orderAskAgain', say(lang, 'orderAskAgain', {})],
    ['orderNeedsNumber', say(lang, 'orderNeedsNumber', {})],
    ['orderNotUnderstood', say(lang, 'orderNotUnderstood', {})],
    ['orderNotUnderstood', say(lang, 'orderNotUnderstood', { phrase: 'piano', closest: 'Soy candle' })],
    ['orderTooMuch', say(lang, 'orderTooMuch', { max: 100 })],
    ['orderTooMany', say(lang, 'orderTooMany', { max: 20 })],
    ['orderQuestion', say(lang, 'orderQuestion', { phrase: 'mug', options: ['Blue enamel mug', 'Red mug'] })],
    [
      'orderShort',
      say(lang, 'orderShort', {
        lines: [
          { name: 'Canvas tote bag', available: 0 },
          { name: 'Blue enamel mug', available: 1 },
          { name: 'Soy candle', available: 3 },
        ],
      }),
    ],
    [
      'orderReadBack',
      say(lang, 'orderReadBack', { lines: [{ quantity: 2, name: 'Blue enamel mug' }], total: '$25.98' }),
    ],
    ['orderPlaced', say(lang, 'orderPlaced', { number: 1042 })],
    ['orderNotPlaced', say(lang, 'orderNotPlaced', {})],
    ['orderGiveUp', say(lang, 'orderGiveUp', {})],
  ];
}

test('When every voice text is rendered, then all keys are covered in both languages', () => {
  expect(Object.keys(voiceHe).sort()).toEqual(Object.keys(voiceEn).sort());
  for (const lang of ['en', 'he'] as const)
    expect(new Set(samples(lang).map(([key]) => key))).toEqual(new Set(Object.keys(voiceEn)));
});

test('When every voice text is rendered, then Hebrew ones hold Hebrew and English ones none, except the offer to switch', () => {
  for (const [key, text] of samples('en')) {
    expect(text.trim()).not.toBe('');
    expect([key, HEBREW.test(text)]).toEqual([key, key === 'switchOffer']);
  }
  for (const [key, text] of samples('he')) {
    expect(text.trim()).not.toBe('');
    expect([key, HEBREW.test(text)]).toEqual([key, key !== 'switchOffer']);
  }
});

test('When an order status is said, then the number is read digit by digit, the status by its customer name and the tracking spelled', () => {
  const tracking = { carrier: 'UPS', trackingNumber: '1Z999AA10123456784' };
  expect(say('en', 'orderStatus', { number: 1042, status: 'shipped', items: 3, tracking })).toBe(
    'Order 1 0 4 2 is shipped. It has 3 items. It went with UPS, tracking number 1 Z 9 9, 9 A A 1, 0 1 2 3, 4 5 6 7, 8 4.',
  );
  expect(say('en', 'orderStatus', { number: 1042, status: 'pending_approval', items: 1 })).toBe(
    'Order 1 0 4 2 is awaiting approval. It has one item.',
  );
  expect(say('en', 'orderStatus', { number: 1042, status: 'return_requested', items: 0 })).toBe(
    'Order 1 0 4 2 has a return requested.',
  );
  const he = say('he', 'orderStatus', { number: 1042, status: 'shipped', items: 2, tracking });
  expect(he).toContain('הזמנה 1 0 4 2 נשלחה.');
  expect(he).toContain('1 Z 9 9, 9 A A 1, 0 1 2 3, 4 5 6 7, 8 4');
});

test("When an order is not found, then a stranger's order and a missing one read the same", () => {
  expect(say('en', 'notFound', { number: 1042 })).toBe(
    'We could not find order 1 0 4 2 for this phone number.',
  );
  expect(say('he', 'notFound', { number: '1042' })).toBe(say('he', 'notFound', { number: 1042 }));
});

test('When the business is closed, then the hours are said in words of the caller language', () => {
  const hours = parseBusinessHours('Sun-Thu 09:00-17:30, Fri-Sat 10:00-14:00, Sat 20:00-24:00');
  expect(say('en', 'voicemailClosed', { hours })).toContain(
    'Our hours are Sunday to Thursday, 9 AM to 5:30 PM, Friday and Saturday, 10 AM to 2 PM, and Saturday, 8 PM to midnight.',
  );
  expect(say('he', 'voicemailClosed', { hours })).toContain(
    'בימים ראשון עד חמישי, מ-9:00 עד 17:30, בימים שישי ושבת, מ-10:00 עד 14:00, ובשבת, מ-20:00 עד חצות.',
  );
});

test('When a language is asked for that does not exist, then the English text is said', () => {
  expect(say('fr' as Language, 'goodbye', {})).toBe('Thank you for calling. Goodbye.');
});
