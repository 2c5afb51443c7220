import fc from 'fast-check';
import { SKU_PATTERN } from '../../src/inventory/sku.js';
import {
  detectLanguage,
  MAX_ITEM_QUANTITY,
  MAX_ORDER_ITEMS,
  parseSms,
  type SmsIntent,
} from '../../src/sms/keywords.js';
import { runs, weirdString, wordSoup } from './arbitraries.js';

/** The customer SMS grammar (README "SMS (customers)") under generated texts. parseSms promises an intent for any text, never an exception. */

const VOCABULARY = [
  'STATUS',
  'status',
  'סטטוס',
  'ORDER',
  'order:',
  'הזמנה',
  'CONFIRM',
  'confirm',
  'אישור',
  'ADD',
  'add',
  'הוסף',
  'CANCEL',
  'cancel',
  'ביטול',
  'RETURN',
  'החזרה',
  'HELP',
  'INFO',
  'עזרה',
  'STOP',
  'stop',
  'STOP ALL',
  'UNSUBSCRIBE',
  'END',
  'QUIT',
  'OPTOUT',
  'OPT OUT',
  'REVOKE',
  'הסר',
  'START',
  'UNSTOP',
  'YES',
];
const text = fc.oneof(weirdString, wordSoup(VOCABULARY), wordSoup(VOCABULARY, { maxWords: 60 }));
const number = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 1 && (n as number) <= 999_999_999;

/** What every intent must look like, whatever the text was. */
function wellFormed(intent: SmsIntent): void {
  switch (intent.kind) {
    case 'status':
      if (intent.number !== undefined) expect(number(intent.number)).toBe(true);
      break;
    case 'cancel':
    case 'return':
      expect(number(intent.number)).toBe(true);
      break;
    case 'order': {
      expect(intent.items.length).toBeGreaterThanOrEqual(1);
      expect(intent.items.length).toBeLessThanOrEqual(MAX_ORDER_ITEMS);
      const skus = intent.items.map((i) => i.sku);
      expect(new Set(skus).size).toBe(skus.length);
      for (const item of intent.items) {
        expect(item.sku).toMatch(SKU_PATTERN);
        expect(item.sku).toBe(item.sku.toUpperCase());
        expect(Number.isInteger(item.quantity)).toBe(true);
        expect(item.quantity).toBeGreaterThanOrEqual(1);
        expect(item.quantity).toBeLessThanOrEqual(MAX_ITEM_QUANTITY);
      }
      break;
    }
    case 'add':
      expect(intent.sku).toMatch(SKU_PATTERN);
      expect(intent.sku).toBe(intent.sku.toUpperCase());
      expect(Number.isInteger(intent.quantity)).toBe(true);
      expect(intent.quantity).toBeGreaterThanOrEqual(1);
      expect(intent.quantity).toBeLessThanOrEqual(MAX_ITEM_QUANTITY);
      break;
    case 'order_invalid':
      expect(['empty', 'unreadable', 'too_many']).toContain(intent.problem);
      // The line is quoted back in TwiML: only characters XML 1.0 can carry.
      expect(intent.line ?? '').toMatch(/^[\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u);
      break;
    case 'rating':
      expect([1, 2, 3, 4, 5]).toContain(intent.score);
      break;
    case 'opt_out':
    case 'opt_in':
      expect(intent.keyword).toBe(intent.keyword.trim());
      break;
    default:
      expect(['confirm', 'help', 'unknown', 'add_invalid']).toContain(intent.kind);
  }
}

test('When any text at all arrives, then parseSms answers with a well-formed intent and never throws', () => {
  fc.assert(
    fc.property(text, (body) => {
      wellFormed(parseSms(body));
      expect([undefined, 'en', 'he']).toContain(detectLanguage(body));
    }),
    runs(400),
  );
});

test('When a text of up to 64 KB (the webhook limit) is one character repeated, then it is read in linear time', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('.', '!', ' ', '\n', '1', 'a', '#', ' \n', '. ', 'x', '\u200f'),
      fc.integer({ min: 20_000, max: 60_000 }),
      fc.constantFrom('', 'x', ' 2', '.x', '!'),
      fc.constantFrom('', 'ORDER ', 'STATUS #', 'הזמנה\n', 'ORDER 2 '),
      (unit, n, end, prefix) => {
        const body = prefix + unit.repeat(Math.ceil(n / unit.length)) + end;
        const started = performance.now();
        parseSms(body);
        detectLanguage(body);
        // Linear work is a few milliseconds; a quadratic regex needs seconds at this size.
        expect(performance.now() - started).toBeLessThan(400);
      },
    ),
    runs(60),
  );
});

test('When direction marks a Hebrew keyboard inserts are sprinkled anywhere in a text, then the intent is the same', () => {
  const mark = fc.constantFrom(
    '\u200e',
    '\u200f',
    '\u202a',
    '\u202b',
    '\u202c',
    '\u2066',
    '\u2069',
    '\ufeff',
  );
  fc.assert(
    fc.property(text, fc.array(fc.tuple(fc.nat(), mark), { maxLength: 5 }), (body, marks) => {
      let marked = body;
      for (const [at, m] of marks) {
        const i = at % (marked.length + 1);
        marked = marked.slice(0, i) + m + marked.slice(i);
      }
      expect(parseSms(marked)).toEqual(parseSms(body));
    }),
    runs(300),
  );
});

test('When a text is padded with spaces, tabs or line breaks, then the intent is the same', () => {
  const pad = fc.stringMatching(/^[ \t\n]{0,4}$/);
  fc.assert(
    fc.property(text, pad, pad, (body, before, after) => {
      expect(parseSms(before + body + after)).toEqual(parseSms(body));
    }),
    runs(300),
  );
});

test('When the ASCII letters of a text change case, then the intent is the same (SKUs are upper-cased)', () => {
  const lowerAscii = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const upperAscii = (s: string) => s.replace(/[a-z]/g, (c) => c.toUpperCase());
  fc.assert(
    fc.property(text, (body) => {
      const lower = parseSms(lowerAscii(body));
      const upper = parseSms(upperAscii(body));
      if (lower.kind === 'order_invalid' && upper.kind === 'order_invalid') {
        expect(lower.problem).toBe(upper.problem);
        expect(upperAscii(lower.line ?? '')).toBe(upper.line ?? '');
      } else expect(lower).toEqual(upper);
    }),
    runs(300),
  );
});

test('When an opt-out word is the whole text, in any case, with punctuation or marks, then it opts out', () => {
  const words = [
    'STOP',
    'STOPALL',
    'STOP ALL',
    'UNSUBSCRIBE',
    'CANCEL',
    'END',
    'QUIT',
    'OPTOUT',
    'OPT OUT',
    'REVOKE',
    'הסר',
  ];
  fc.assert(
    fc.property(
      fc.constantFrom(...words),
      fc.array(fc.boolean(), { minLength: 11, maxLength: 11 }),
      fc.constantFrom('', '.', '!', '!!', '...', ' .'),
      fc.constantFrom('', ' ', '\u200f', '\n'),
      (word, upper, end, around) => {
        const cased = [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join('');
        const spaced = cased.replace(' ', '  ');
        expect(parseSms(`${around}${spaced}${end}${around}`)).toEqual({ kind: 'opt_out', keyword: word });
      },
    ),
    runs(300),
  );
});

test('When STATUS, CANCEL or RETURN names any order number, then that number is read back', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 999_999_999 }),
      fc.constantFrom(
        ['STATUS', 'status'],
        ['status:', 'status'],
        ['סטטוס', 'status'],
        ['CANCEL', 'cancel'],
        ['ביטול', 'cancel'],
        ['Return', 'return'],
        ['החזרה', 'return'],
        ['', 'status'],
      ),
      fc.constantFrom('', '#', '# '),
      (n, [word, kind], hash) => {
        const intent = parseSms(`${word} ${hash}${n}`.trim());
        if (word === '' && hash === '' && n <= 5) expect(intent).toEqual({ kind: 'rating', score: n });
        else expect(intent).toEqual({ kind, number: n });
      },
    ),
    runs(300),
  );
});

/**
 * Any order written in the documented forms reads back as written. Two ambiguities are by design
 * and kept out: a SKU ending in "." (sentence punctuation is dropped) and, in the SKU-first forms,
 * a SKU starting with a digit (`2X 3` is 2 of SKU 3).
 */
test('When an ORDER lists items in any documented form and separator, then exactly those items are read', () => {
  const anySku = fc.stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,20}[A-Za-z0-9_-])?$/);
  const letterFirst = fc.stringMatching(/^[A-Za-z](?:[A-Za-z0-9._-]{0,20}[A-Za-z0-9_-])?$/);
  const items = (sku: fc.Arbitrary<string>) =>
    fc.uniqueArray(fc.record({ sku, quantity: fc.integer({ min: 1, max: MAX_ITEM_QUANTITY }) }), {
      selector: (i) => i.sku.toUpperCase(),
      minLength: 1,
      maxLength: MAX_ORDER_ITEMS,
    });
  const qtyFirst = ['{q} {s}', '{q}x {s}', '{q} x {s}', '{q} × {s}', '{q}* {s}'];
  const skuFirst = ['{s} {q}', '{s} x{q}', '{s} x {q}', '{s} *{q}'];
  const written = fc.oneof(
    fc.tuple(items(anySku), fc.constantFrom(...qtyFirst)),
    fc.tuple(items(letterFirst), fc.constantFrom(...skuFirst)),
  );
  fc.assert(
    fc.property(
      written,
      fc.constantFrom(', ', '\n', '; ', ',', ' ;\n ', '\r\n'),
      fc.constantFrom('ORDER', 'order:', 'Order', 'הזמנה', 'ORDER\n'),
      ([list, form], sep, word) => {
        const lines = list.map((i) =>
          i.quantity === 1 && form === '{q} {s}'
            ? i.sku
            : form.replace('{q}', String(i.quantity)).replace('{s}', i.sku),
        );
        expect(parseSms(`${word} ${lines.join(sep)}`)).toEqual({
          kind: 'order',
          items: list.map((i) => ({ sku: i.sku.toUpperCase(), quantity: i.quantity })),
        });
      },
    ),
    runs(300),
  );
});

test('When an ORDER repeats a SKU, then the quantities add up, and a sum over the limit is refused', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: MAX_ITEM_QUANTITY }), { minLength: 1, maxLength: 6 }),
      (qs) => {
        const intent = parseSms(`ORDER ${qs.map((q) => `${q} MUG-01`).join(', ')}`);
        const sum = qs.reduce((a, b) => a + b, 0);
        if (sum <= MAX_ITEM_QUANTITY)
          expect(intent).toEqual({ kind: 'order', items: [{ sku: 'MUG-01', quantity: sum }] });
        else expect(intent).toMatchObject({ kind: 'order_invalid', problem: 'unreadable' });
      },
    ),
    runs(200),
  );
});

test('When a text has a Hebrew letter, then it is Hebrew; with only Latin letters, English; with neither, undetermined', () => {
  fc.assert(
    fc.property(text, (body) => {
      const lang = detectLanguage(body);
      if (/[\u05d0-\u05ea]/.test(body)) expect(lang).toBe('he');
      else if (/[A-Za-z]/.test(body)) expect(lang).toBe('en');
      else if (!/[\u00c0-\u024f]/.test(body)) expect(lang).toBeUndefined();
    }),
    runs(300),
  );
});
