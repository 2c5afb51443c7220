/**
 * The voice door's words, both ways: how numbers and codes are read to the caller so text-to-speech
 * says them one character at a time, and what the caller meant by what Twilio heard (SpeechResult)
 * or what they keyed (Digits). Pure.
 */

import type { Language } from '../customers/customer.js';
import { MAX_ORDER_NUMBER_DIGITS } from '../orders/number.js';

/** Twilio <Say> voices: a neural-quality voice that exists for each language. */
export const VOICES: Record<Language, { language: 'en-US' | 'he-IL'; voice: string }> = {
  en: { language: 'en-US', voice: 'Polly.Joanna' },
  he: { language: 'he-IL', voice: 'Google.he-IL-Standard-A' },
};

/** `1042` → `1 0 4 2`: read as "one zero four two", never "one thousand forty-two". */
export function digitsSpoken(n: number | string): string {
  return Array.from(String(n).replace(/\s+/g, '')).join(' ');
}

/**
 * A tracking number spelled in groups of four (`1 Z 9 9, 9 A A 1, …`): the commas make the voice
 * pause, so the caller can write it down.
 */
export function spellCode(code: string): string {
  const chars = Array.from(code.replace(/[\s-]+/g, '').toUpperCase());
  const groups: string[] = [];
  for (let i = 0; i < chars.length; i += 4) groups.push(chars.slice(i, i + 4).join(' '));
  return groups.join(', ');
}

// Maps, not object literals: a caller's word such as "constructor" must not find Object's own keys.
const DIGIT_WORDS = new Map<string, string>([
  ['zero', '0'],
  ['oh', '0'],
  ['o', '0'],
  ['one', '1'],
  ['two', '2'],
  ['three', '3'],
  ['four', '4'],
  ['five', '5'],
  ['six', '6'],
  ['seven', '7'],
  ['eight', '8'],
  ['nine', '9'],
  // Hebrew: people read digits in the feminine (אחת, שתיים) or the masculine (אחד, שניים), and
  // recognisers write them with or without the extra yod, so every form counts.
  ['אפס', '0'],
  ['אחת', '1'],
  ['אחד', '1'],
  ['שתיים', '2'],
  ['שתים', '2'],
  ['שניים', '2'],
  ['שנים', '2'],
  ['שני', '2'],
  ['שלוש', '3'],
  ['שלושה', '3'],
  ['שלש', '3'],
  ['ארבע', '4'],
  ['ארבעה', '4'],
  ['חמש', '5'],
  ['חמישה', '5'],
  ['חמשה', '5'],
  ['שש', '6'],
  ['שישה', '6'],
  ['ששה', '6'],
  ['שבע', '7'],
  ['שבעה', '7'],
  ['שמונה', '8'],
  ['תשע', '9'],
  ['תשעה', '9'],
]);
/** "double five", "triple oh": how English speakers read repeated digits. */
const REPEATS = new Map([
  ['double', 2],
  ['triple', 3],
]);

/**
 * Words around a number that say nothing about it ("my order number is …", "מספר ההזמנה שלי …").
 * Anything else makes the answer not a number: better to ask again than look up a wrong order.
 */
const FILLERS = new Set([
  'order',
  'number',
  'no',
  'num',
  'my',
  'the',
  'it',
  "it's",
  'its',
  'is',
  'and',
  'um',
  'uh',
  'er',
  'hash',
  'pound',
  'yes',
  'yeah',
  'ok',
  'okay',
  'please',
  'הזמנה',
  'ההזמנה',
  'מספר',
  'המספר',
  'מס',
  'של',
  'שלי',
  'זה',
  'הוא',
  'היא',
  'כן',
  'אה',
  'אמ',
  'אממ',
  'בבקשה',
  'ו',
]);

// Invisible direction marks that Hebrew text may carry; they must not split or hide a word.
const BIDI_MARKS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Lower-case words, punctuation gone ("1042." → "1042", "10-42" → "10 42", "מס'" → "מס"); "it's" stays one word. */
function words(text: string): string[] {
  return text
    .replace(BIDI_MARKS, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}']+/gu, ' ')
    .split(' ')
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter(Boolean);
}

/** The digit a word stands for, "ושתיים" (and-two) included. */
function digitOf(word: string): string | undefined {
  return DIGIT_WORDS.get(word) ?? (word.startsWith('ו') ? DIGIT_WORDS.get(word.slice(1)) : undefined);
}

/**
 * An order number from what the caller said or keyed: digits in any grouping ("10 42", "1042.",
 * "#1042"), digit words in English or Hebrew ("one oh four two", "אחת אפס ארבע שתיים"), around
 * words like "order number". Undefined unless the whole answer is one number of 1 to 9 digits
 * (the longest order number).
 */
export function parseSpokenNumber(speech: string | undefined): string | undefined {
  let digits = '';
  let repeat = 1;
  for (const word of words(speech ?? '')) {
    const times = REPEATS.get(word);
    if (times) {
      repeat = times;
      continue;
    }
    const run = /^\d+$/.test(word) ? word : /^ו\d+$/.test(word) ? word.slice(1) : digitOf(word);
    if (run !== undefined) {
      digits += (run[0] ?? '').repeat(repeat) + run.slice(1);
      repeat = 1;
    } else if (repeat > 1 || !FILLERS.has(word)) {
      return undefined;
    }
  }
  const fits = digits.length >= 1 && digits.length <= MAX_ORDER_NUMBER_DIGITS;
  return repeat === 1 && fits ? digits : undefined;
}

export type MenuChoice = 'status' | 'agent' | 'order' | 'language';

const KEYS = new Map<string, MenuChoice>([
  ['1', 'status'],
  ['2', 'agent'],
  ['3', 'order'],
  ['9', 'language'],
]);

const MENU_WORDS: Record<MenuChoice, string[]> = {
  agent: [
    'agent',
    'person',
    'human',
    'representative',
    'operator',
    'someone',
    'somebody',
    'help',
    'service',
    'נציג',
    'נציגה',
    'אדם',
    'מישהו',
    'מישהי',
    'שירות',
    'עזרה',
  ],
  // An order already placed: its status, where it is, its number ("ההזמנה", the order, is one).
  status: [
    'status',
    'orders',
    'track',
    'tracking',
    'package',
    'delivery',
    'where',
    'check',
    'number',
    'סטטוס',
    'הזמנות',
    'ההזמנה',
    'מצב',
    'משלוח',
    'איפה',
    'בדוק',
    'לבדוק',
    'מספר',
  ],
  // A new order, said in the caller's words (option 3): "order", "I'd like to buy", "להזמין".
  order: ['order', 'buy', 'purchase', 'הזמנה', 'להזמין', 'הזמין', 'לקנות'],
  // As each recogniser may write the other language's name: "Ivrit" in English, "אינגליש" in Hebrew.
  language: ['english', 'hebrew', 'ivrit', 'אנגלית', 'עברית', 'אינגליש'],
};
// Asking for a person wins over naming an order ("someone about my order"): that caller wants a
// human. Asking about an order ("where is my order", "order status") wins over a new one. A
// language is taken only when nothing else was asked for.
const PRIORITY: MenuChoice[] = ['agent', 'status', 'order', 'language'];
/** Hebrew glues "and", "the", "to", "in", "that", "from", "as" to the next word: ולנציג, בהזמנה, שההזמנה. */
const HEBREW_PREFIXES = 'והבלשמכ';

/** The word as said and without one or two Hebrew prefix letters: ולנציג → ולנציג, לנציג, נציג. */
function stems(word: string): string[] {
  const out = [word];
  for (let i = 0; i < 2 && HEBREW_PREFIXES.includes(word[i] ?? '-') && word.length - i > 2; i++)
    out.push(word.slice(i + 1));
  return out;
}
/** Menu-only words that may come with a spoken option number ("press one", "option two"). */
const OPTION_WORDS = new Set(['press', 'option', 'אפשרות', 'שלוחה']);

/**
 * What the caller chose at the menu: a key (1 status, 2 agent, 3 order, 9 language) or words in
 * either language.
 */
export function menuChoice(input: { digits?: string; speech?: string }): MenuChoice | undefined {
  const digits = input.digits?.trim();
  if (digits) return KEYS.get(digits);
  const said = words(input.speech ?? '');
  const heard = said.flatMap(stems);
  const named = PRIORITY.find((choice) => heard.some((w) => MENU_WORDS[choice].includes(w)));
  if (named) return named;
  const spoken = parseSpokenNumber(said.filter((w) => !OPTION_WORDS.has(w)).join(' '));
  return spoken === undefined ? undefined : KEYS.get(spoken);
}

/** <Gather hints>: the menu's words and the digit words, so recognition leans towards them. */
export function speechHints(lang: Language): string {
  const hints =
    lang === 'he'
      ? ['סטטוס', 'הזמנה', 'מצב ההזמנה', 'נציג', 'נציגה', 'שירות לקוחות', 'אנגלית', 'מספר הזמנה', 'להזמין']
      : [
          'status',
          'order status',
          'where is my order',
          'agent',
          'representative',
          'Hebrew',
          'order number',
          'order',
          'place an order',
        ];
  const digits =
    lang === 'he'
      ? ['אפס', 'אחת', 'שתיים', 'שלוש', 'ארבע', 'חמש', 'שש', 'שבע', 'שמונה', 'תשע']
      : ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
  return [...hints, ...digits].join(', ');
}

/** Twilio's bounds on <Gather hints>: at most 500 phrases, each at most 100 characters. */
export const MAX_HINTS = 500;
export const MAX_HINT_LENGTH = 100;

/** A hint must not hold the list's own separator, and is said the way it is written. */
const hintOf = (phrase: string) => phrase.replace(/[,\s]+/g, ' ').trim();
const HEBREW_LETTER = /[\u0590-\u05ff]/;

/**
 * <Gather hints> for an order said in `lang`: the catalogue's names and aliases written in that
 * language's script (a Hebrew recogniser is not helped by "Blue enamel mug", nor an English one by
 * "ספל כחול"), each once, none over Twilio's 100 characters. Past Twilio's 500 phrases, every
 * product keeps its shortest phrase first: a late product is not left without any.
 */
export function orderHints(
  lang: Language,
  products: readonly { name: string; aliases?: readonly string[] }[],
): string {
  const fits = (p: string) =>
    p.length > 0 && p.length <= MAX_HINT_LENGTH && HEBREW_LETTER.test(p) === (lang === 'he');
  const perProduct = products.map((p) =>
    [p.name, ...(p.aliases ?? [])]
      .map(hintOf)
      .filter(fits)
      .sort((a, b) => a.length - b.length),
  );
  const seen = new Set<string>();
  const hints: string[] = [];
  const take = (phrase: string | undefined) => {
    const key = phrase?.toLowerCase();
    if (phrase === undefined || key === undefined || seen.has(key) || hints.length >= MAX_HINTS) return;
    seen.add(key);
    hints.push(phrase);
  };
  for (const phrases of perProduct) take(phrases[0]);
  for (const phrases of perProduct) for (const phrase of phrases.slice(1)) take(phrase);
  return hints.join(', ');
}

/**
 * A product's name as said in `lang`: a Hebrew caller hears its first Hebrew alias (the name is
 * usually written in English), an English caller its name; each falls back to the other.
 */
export function spokenName(product: { name: string; aliases?: readonly string[] }, lang: Language): string {
  const inLanguage = (p: string) => HEBREW_LETTER.test(p) === (lang === 'he');
  if (inLanguage(product.name)) return product.name;
  return (product.aliases ?? []).find(inLanguage) ?? product.name;
}
