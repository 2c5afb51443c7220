/**
 * The language rules of order words that no search library has: English plurals, Hebrew plural
 * and feminine endings, final letters, one-letter prefixes, and quantities written as words. Every
 * word of a catalogue name and of a customer's phrase goes through `stem`, so both meet in one form.
 * Pure.
 */

const FINAL_LETTERS: Record<string, string> = { ך: 'כ', ם: 'מ', ן: 'נ', ף: 'פ', ץ: 'צ' };
const HEBREW = /[\u05d0-\u05ea]/;
// Points, cantillation and the geresh/gershayim marks: "ק״ג" and "קג" are one word.
const MARKS = /[\u0591-\u05c7\u05f3\u05f4'"`’‘]/g;

export const isHebrew = (text: string): boolean => HEBREW.test(text);

/** A word in the one form both sides are compared in: lower case, no marks, singular. */
export function stem(word: string): string {
  const w = word
    .normalize('NFC')
    .toLowerCase()
    .replace(MARKS, '')
    .replace(/[ךםןףץ]/g, (c) => FINAL_LETTERS[c] ?? c);
  return isHebrew(w) ? hebrewStem(w) : englishStem(w.replace(/[-._]/g, ''));
}

/** ספלים → ספל, כחולות → כחול, חולצה → חולצ, שקיות → שקית (final letters already regular). */
function hebrewStem(w: string): string {
  if (w.length > 4 && w.endsWith('יות')) return `${w.slice(0, -3)}ית`;
  if (w.length > 3 && (w.endsWith('ימ') || w.endsWith('ות'))) return w.slice(0, -2);
  if (w.length > 2 && w.endsWith('ה')) return w.slice(0, -1);
  return w;
}

/** mugs → mug, boxes → box, berries → berry; glass, bus and tennis stay. */
function englishStem(w: string): string {
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 4 && /(?:ss|x|z|ch|sh)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !/(?:ss|us|is)$/.test(w)) return w.slice(0, -1);
  return w;
}

/**
 * The words of a name or a phrase, as written (case kept, to name them back): split at spaces and punctuation, a
 * hyphen, dot or underscore kept inside a word ("t-shirt", "MUG-BLUE", "CAP.RED"). Digits stay
 * words ("50 bags", "1 kg"); "&" is "and".
 */
export function words(text: string): string[] {
  return (
    text
      .normalize('NFC')
      .replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
      // "&" and a lone "+" are the word "and", in a name ("Salt & pepper") as in an order.
      .replace(/&|(?<=^|\s)\+(?=\s|$)/g, ' and ')
      .split(/[^\p{L}\p{N}\p{M}'"׳״’._-]+/u)
      .map((w) => w.replace(/^['"’.]+|['"’.]+$/g, ''))
      .filter(Boolean)
  );
}

/** The Hebrew one-letter prefixes (and, the, to, in) and their pairs, longest first. */
const PREFIXES = ['וה', 'ול', 'וב', 'ו', 'ה', 'ל', 'ב'];

/** A Hebrew word without each prefix it may carry: ותיק → [תיק], והכחולים → [הכחולים, כחולים]. */
export function withoutPrefixes(word: string): string[] {
  if (!isHebrew(word)) return [];
  return PREFIXES.filter((p) => word.startsWith(p) && word.length - p.length >= 2).map((p) =>
    word.slice(p.length),
  );
}

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  dozen: 12,
  couple: 2,
  pair: 2,
  אחד: 1,
  אחת: 1,
  שניים: 2,
  שנים: 2,
  שתיים: 2,
  שתים: 2,
  שני: 2,
  שתי: 2,
  זוג: 2,
  שלוש: 3,
  שלושה: 3,
  שלושת: 3,
  ארבע: 4,
  ארבעה: 4,
  ארבעת: 4,
  חמש: 5,
  חמישה: 5,
  חמשת: 5,
  שש: 6,
  שישה: 6,
  ששת: 6,
  שבע: 7,
  שבעה: 7,
  שבעת: 7,
  שמונה: 8,
  שמונת: 8,
  תשע: 9,
  תשעה: 9,
  תשעת: 9,
  עשר: 10,
  עשרה: 10,
  עשרת: 10,
};

/**
 * The quantity one word says: digits (`2`, `2x`, `x2`, `×2`), a number word in English or
 * Hebrew, or a Hebrew number word after ו ("ושני"); undefined for any other word.
 */
export function quantityWord(word: string): number | undefined {
  const w = word.toLowerCase();
  const digits = /^(?:[x×*]?(\d{1,4})|(\d{1,4})[x×*])$/.exec(w);
  if (digits) return Number(digits[1] ?? digits[2]);
  const n = NUMBER_WORDS[w];
  if (n !== undefined) return n;
  // "ושני", "ו2", "ו-2": and two.
  const and = /^ו-?(.+)$/.exec(w)?.[1];
  if (and && (/^\d/.test(and) || and.length > 1)) return quantityWord(and);
  return undefined;
}

/** Words that only carry the quantity along: "a couple of", "a pair of", "half a dozen". */
export const QUANTITY_GLUE = new Set(['of', 'x', '×', '*']);

/** Words a customer adds around an order that name no product (unless a product's name has them). */
export const FILLER = new Set([
  'please',
  'pls',
  'plz',
  'thanks',
  'thank',
  'you',
  'thx',
  'i',
  "i'd",
  'id',
  'want',
  'would',
  'like',
  'can',
  'could',
  'get',
  'have',
  'some',
  'me',
  'for',
  'just',
  'the',
  'also',
  'more',
  'hi',
  'hello',
  'בבקשה',
  'תודה',
  'אני',
  'רוצה',
  'רוצים',
  'אפשר',
  'לי',
  'של',
  'את',
  'גם',
  'עוד',
  'שלום',
]);

/** Words that join two items: "2 mugs and a tote", "ספל וגם תיק". */
export const JOINERS = new Set(['and', 'plus', 'ו', 'וגם', 'with']);

export const isFiller = (word: string): boolean => FILLER.has(word.toLowerCase());
export const isJoiner = (word: string): boolean => JOINERS.has(word.toLowerCase());
export const isGlue = (word: string): boolean => QUANTITY_GLUE.has(word.toLowerCase());
