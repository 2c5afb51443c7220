import fc from 'fast-check';
import { detectLanguage, parseSms, type SmsIntent } from '../../src/sms/keywords.js';
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
    case 'order':
    case 'add':
      // The words as written, for src/order-words/ to read: something, and nothing around it.
      expect(intent.text).toBe(intent.text.trim());
      expect(intent.text).toMatch(/[\p{L}\p{N}]/u);
      break;
    case 'order_invalid':
      expect(intent.problem).toBe('empty');
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

test('When the ASCII letters of a text change case, then the intent is the same (except the order words, kept as written)', () => {
  const lowerAscii = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const upperAscii = (s: string) => s.replace(/[a-z]/g, (c) => c.toUpperCase());
  fc.assert(
    fc.property(text, (body) => {
      const lower = parseSms(lowerAscii(body));
      const upper = parseSms(upperAscii(body));
      if ((lower.kind === 'order' || lower.kind === 'add') && lower.kind === upper.kind) {
        // The words keep the customer's case (a name is not a keyword): only their letters' case differs.
        expect(upperAscii(lower.text)).toBe(upperAscii(upper.text));
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
