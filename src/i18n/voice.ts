/**
 * What the voice door says, in every supported language. English is the reference: its keys and
 * params are the contract, and Hebrew is typed against it, so a missing Hebrew key is a compile
 * error. Texts are written to be heard once, over a phone line: short sentences, numbers read digit
 * by digit, codes spelled in groups. Hebrew uses plural imperatives (הקישו, אמרו) so it addresses
 * the caller without assuming a gender.
 */

import type { Language } from '../customers/customer.js';
import type { OrderStatus } from '../orders/lifecycle.js';
import type { BusinessHours } from '../voice/hours.js';
import { digitsSpoken, spellCode } from '../voice/speech.js';
import { biz, cut, type Tracking } from './en.js';
import { statusName } from './index.js';

type Range = BusinessHours['ranges'][number];

/**
 * The days of a range as said aloud: one day, two days joined, or a run as first and last. `join`
 * and `through` are the language's words for "and" and "to".
 */
function daySpan(days: number[], names: string[], join: string, through: string): string {
  const name = (d: number | undefined) => names[d ?? 0] ?? '';
  if (days.length === 1) return name(days[0]);
  if (days.length === 2) return `${name(days[0])}${join}${name(days[1])}`;
  return `${name(days[0])}${through}${name(days.at(-1))}`;
}

const EN_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const HE_DAYS = ['ראשון', 'שני', 'שלישי', 'רביעי', 'חמישי', 'שישי', 'שבת'];

/** 9 AM, 5:30 PM, noon, midnight: how English speakers say opening hours. */
function enClock(minutes: number): string {
  const m = minutes % 1440;
  if (m === 0) return 'midnight';
  if (m === 720) return 'noon';
  const h = Math.floor(m / 60);
  const hour = h % 12 === 0 ? 12 : h % 12;
  return `${hour}${m % 60 ? `:${String(m % 60).padStart(2, '0')}` : ''} ${h < 12 ? 'AM' : 'PM'}`;
}
/** 9:00, 17:30, חצות: Israelis say hours on the 24-hour clock, and midnight by its name. */
const heClock = (minutes: number) =>
  minutes % 1440 === 0 ? 'חצות' : `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;

const enRange = (r: Range) =>
  `${daySpan(r.days, EN_DAYS, ' and ', ' to ')}, ${enClock(r.from)} to ${enClock(r.to)}`;
function heRange(r: Range): string {
  const days = daySpan(r.days, HE_DAYS, ' ו', ' עד ');
  // "ביום שישי", "בשבת", "בימים ראשון עד חמישי".
  const on = r.days.length > 1 ? `בימים ${days}` : r.days[0] === 6 ? `ב${days}` : `ביום ${days}`;
  const from = heClock(r.from);
  return `${on}, ${from === 'חצות' ? 'מחצות' : `מ-${from}`} עד ${heClock(r.to)}`;
}
const listed = (parts: string[], and: string) =>
  parts.length > 1 ? `${parts.slice(0, -1).join(', ')}, ${and}${parts.at(-1)}` : (parts[0] ?? '');

/** What the caller said, repeated back, and a product's name: short enough to be heard once. */
const said = (phrase: string) => cut(phrase, 40);
const product = (name: string) => cut(name, 60);

/** Staff type carriers and tracking numbers; a spelled code past 40 characters is no longer heard. */
const carrier = (t: Tracking) => cut(t.carrier, 20);
const trackingCode = (t: Tracking) => spellCode(cut(t.trackingNumber, 40));

export const voiceEn = {
  greeting: (p: { business: string }) => `Thanks for calling ${biz(p.business)}.`,
  menu: (_: Record<string, never>) =>
    'For the status of an order, press 1 or say status. To speak with someone, press 2 or say agent. ' +
    'To place an order, press 3 or say order.',
  /** Said in the other language's voice, so each catalogue holds the offer to switch to the other. */
  switchOffer: (_: Record<string, never>) => 'לעברית, הקישו 9.',
  notUnderstood: (_: Record<string, never>) => "Sorry, I didn't get that.",
  noInput: (_: Record<string, never>) => "Sorry, I didn't hear anything.",
  goodbye: (_: Record<string, never>) => 'Thank you for calling. Goodbye.',
  tooManyTries: (_: Record<string, never>) =>
    "Sorry, we couldn't get that. Please call again later, or send us a text. Goodbye.",
  askOrderNumber: (_: Record<string, never>) =>
    'Please key in your order number, then press the pound key, or say it.',
  orderStatus: (p: { number: number; status: OrderStatus; items: number; tracking?: Tracking }) => {
    const n = digitsSpoken(p.number);
    // "is return requested" is not English; every other status name reads after "is".
    const status =
      p.status === 'return_requested'
        ? `Order ${n} has a ${statusName('en', p.status)}.`
        : `Order ${n} is ${statusName('en', p.status)}.`;
    const items = p.items > 0 ? ` It has ${p.items === 1 ? 'one item' : `${p.items} items`}.` : '';
    const tracking = p.tracking
      ? ` It went with ${carrier(p.tracking)}, tracking number ${trackingCode(p.tracking)}.`
      : '';
    return status + items + tracking;
  },
  recentIntro: (p: { count: number }) =>
    p.count === 0
      ? 'You have no open orders.'
      : p.count === 1
        ? 'You have one open order.'
        : `You have ${p.count} open orders.`,
  keyAnother: (_: Record<string, never>) =>
    'To hear another order, key in its number and press pound. To go back to the menu, press star.',
  /** The same words for someone else's order as for no order at all: a caller learns nothing. */
  notFound: (p: { number: number | string }) =>
    `We could not find order ${digitsSpoken(p.number)} for this phone number.`,
  noOrders: (_: Record<string, never>) => 'We could not find an order for this phone number.',
  connecting: (_: Record<string, never>) => 'Please hold while we connect you.',
  voicemailClosed: (p: { hours: BusinessHours }) =>
    `We are closed right now. Our hours are ${listed(p.hours.ranges.map(enRange), 'and ')}. ` +
    'Please leave a message after the tone, and we will call you back.',
  voicemailNoAnswer: (_: Record<string, never>) =>
    'Sorry, no one can take your call right now. Please leave a message after the tone, and we will call you back.',
  voicemailThanks: (_: Record<string, never>) =>
    'Thank you. We got your message and will call you back. Goodbye.',
  voicemailEmpty: (_: Record<string, never>) => 'We did not get a message. Goodbye.',
  unavailable: (_: Record<string, never>) =>
    'Sorry, we cannot look that up right now. Please try again later, or send us a text.',
  // Option 3: an order said in the caller's own words.
  orderAsk: (_: Record<string, never>) => 'Please say what you would like to order, and how many of each.',
  orderAskAgain: (_: Record<string, never>) => 'Please say your order again.',
  orderNeedsNumber: (_: Record<string, never>) =>
    'To order by phone we need to see your phone number, and it is hidden on this call. ' +
    'Please call again with your number shown, or send us a text.',
  orderNotUnderstood: (p: { phrase?: string; closest?: string }) =>
    (p.phrase
      ? `Sorry, I didn't understand "${said(p.phrase)}".`
      : "Sorry, I didn't understand your order.") +
    (p.closest ? ` The closest we have is ${product(p.closest)}.` : ''),
  orderTooMuch: (p: { max: number }) => `Sorry, by phone you can order at most ${p.max} of one product.`,
  orderTooMany: (p: { max: number }) =>
    `Sorry, by phone you can order at most ${p.max} different products at a time.`,
  /** "For mug, press 1 for Blue enamel mug, 2 for Red enamel mug." */
  orderQuestion: (p: { phrase: string; options: string[] }) =>
    `For ${said(p.phrase)}, ${p.options.map((o, i) => `${i === 0 ? 'press ' : ''}${i + 1} for ${product(o)}`).join(', ')}.`,
  orderShort: (p: { lines: { name: string; available: number }[] }) =>
    `Sorry, ${listed(
      p.lines.map((l) =>
        l.available === 0
          ? `${product(l.name)} is sold out`
          : `there ${l.available === 1 ? 'is' : 'are'} only ${l.available} of ${product(l.name)} left`,
      ),
      'and ',
    )}.`,
  /** The draft read back: "2 Blue enamel mug, 1 Canvas tote bag", the total, and the keys. */
  orderReadBack: (p: { lines: { quantity: number; name: string }[]; total: string }) =>
    `Your order: ${p.lines.map((l) => `${l.quantity} ${product(l.name)}`).join(', ')}. The total is ${p.total}. ` +
    'To place it, press 1. To start over, press 2.',
  orderPlaced: (p: { number: number }) =>
    `Thank you. Your order number is ${digitsSpoken(p.number)}. We are texting you the details. Goodbye.`,
  orderNotPlaced: (_: Record<string, never>) =>
    'Sorry, we could not confirm your order right now. If it went through, you will get a text with its number.',
  orderGiveUp: (_: Record<string, never>) => "Sorry, I couldn't take your order this way.",
};

export type VoiceCatalogue = { [K in keyof typeof voiceEn]: (typeof voiceEn)[K] };

export const voiceHe: VoiceCatalogue = {
  // "כאן …" is how a business answers the phone in Hebrew, and it needs no prefix glued to the name.
  greeting: (p) => `שלום, כאן ${biz(p.business)}. תודה שהתקשרתם.`,
  menu: () =>
    'למצב של הזמנה, הקישו 1 או אמרו סטטוס. לשיחה עם נציג, הקישו 2 או אמרו נציג. ' +
    'לביצוע הזמנה, הקישו 3 או אמרו הזמנה.',
  switchOffer: () => 'For English, press 9.',
  notUnderstood: () => 'סליחה, לא הבנתי.',
  noInput: () => 'סליחה, לא שמעתי תשובה.',
  goodbye: () => 'תודה שהתקשרתם. להתראות.',
  tooManyTries: () => 'מצטערים, לא הצלחנו להבין. נסו להתקשר שוב מאוחר יותר, או שלחו לנו הודעה. להתראות.',
  askOrderNumber: () => 'הקישו את מספר ההזמנה ואחריו סולמית, או אמרו אותו.',
  orderStatus: (p) => {
    const n = digitsSpoken(p.number);
    // The status names are feminine verbs that follow "הזמנה", except the noun "בקשת החזרה".
    const status =
      p.status === 'return_requested'
        ? `להזמנה ${n} יש ${statusName('he', p.status)}.`
        : `הזמנה ${n} ${statusName('he', p.status)}.`;
    const items = p.items > 0 ? ` היא כוללת ${p.items === 1 ? 'פריט אחד' : `${p.items} פריטים`}.` : '';
    const tracking = p.tracking
      ? ` היא נשלחה עם ${carrier(p.tracking)}, מספר המעקב: ${trackingCode(p.tracking)}.`
      : '';
    return status + items + tracking;
  },
  recentIntro: (p) =>
    p.count === 0
      ? 'אין לך הזמנות פתוחות.'
      : p.count === 1
        ? 'יש לך הזמנה פתוחה אחת.'
        : `יש לך ${p.count} הזמנות פתוחות.`,
  keyAnother: () => 'לשמיעת הזמנה אחרת, הקישו את המספר שלה ואחריו סולמית. לחזרה לתפריט, הקישו כוכבית.',
  notFound: (p) => `לא מצאנו את הזמנה ${digitsSpoken(p.number)} למספר הטלפון הזה.`,
  noOrders: () => 'לא מצאנו הזמנות למספר הטלפון הזה.',
  connecting: () => 'רק רגע, מעבירים אתכם לנציג.',
  voicemailClosed: (p) =>
    `אנחנו סגורים כרגע. שעות הפעילות שלנו: ${listed(p.hours.ranges.map(heRange), 'ו')}. ` +
    'השאירו הודעה אחרי הצליל, ונחזור אליכם.',
  voicemailNoAnswer: () => 'מצטערים, אין מי שיענה כרגע. השאירו הודעה אחרי הצליל, ונחזור אליכם.',
  voicemailThanks: () => 'תודה, קיבלנו את ההודעה ונחזור אליכם. להתראות.',
  voicemailEmpty: () => 'לא התקבלה הודעה. להתראות.',
  unavailable: () => 'מצטערים, אי אפשר לבדוק את זה כרגע. נסו שוב מאוחר יותר, או שלחו לנו הודעה.',
  orderAsk: () => 'אמרו מה תרצו להזמין, וכמה מכל מוצר.',
  orderAskAgain: () => 'אמרו שוב את ההזמנה.',
  orderNeedsNumber: () =>
    'כדי להזמין בטלפון אנחנו צריכים לראות את מספר הטלפון שלכם, והוא חסוי בשיחה הזו. ' +
    'התקשרו שוב ממספר גלוי, או שלחו לנו הודעה.',
  orderNotUnderstood: (p) =>
    (p.phrase ? `סליחה, לא הבנתי את "${said(p.phrase)}".` : 'סליחה, לא הבנתי את ההזמנה.') +
    (p.closest ? ` הכי קרוב שיש לנו: ${product(p.closest)}.` : ''),
  orderTooMuch: (p) => `מצטערים, בטלפון אפשר להזמין עד ${p.max} יחידות ממוצר אחד.`,
  orderTooMany: (p) => `מצטערים, בטלפון אפשר להזמין עד ${p.max} מוצרים שונים בהזמנה אחת.`,
  // The option first, then its key: a prefix glued to a product's name ("ל…") could fall on English.
  orderQuestion: (p) =>
    `לגבי ${said(p.phrase)}: ${p.options.map((o, i) => `${product(o)}, הקישו ${i + 1}.`).join(' ')}`,
  orderShort: (p) =>
    `מצטערים. ${p.lines
      .map((l) =>
        l.available === 0
          ? `${product(l.name)} אזל מהמלאי.`
          : l.available === 1
            ? `נשארה רק יחידה אחת של ${product(l.name)}.`
            : `נשארו רק ${l.available} יחידות של ${product(l.name)}.`,
      )
      .join(' ')}`,
  orderReadBack: (p) =>
    `ההזמנה שלכם: ${p.lines.map((l) => `${l.quantity} ${product(l.name)}`).join(', ')}. הסכום הכולל: ${p.total}. ` +
    'לאישור ההזמנה, הקישו 1. להתחלה מחדש, הקישו 2.',
  orderPlaced: (p) =>
    `תודה! מספר ההזמנה שלכם הוא ${digitsSpoken(p.number)}. אנחנו שולחים לכם את הפרטים בהודעה. להתראות.`,
  orderNotPlaced: () => 'מצטערים, לא הצלחנו לאשר את ההזמנה כרגע. אם היא התקבלה, תקבלו הודעה עם המספר שלה.',
  orderGiveUp: () => 'מצטערים, לא הצלחנו לקבל את ההזמנה כך.',
};

export type VoiceKey = keyof VoiceCatalogue;
/** The params object of a voice text; `{}` for texts that take none. */
export type VoiceParams<K extends VoiceKey> = Parameters<VoiceCatalogue[K]>[0];

export const VOICE_CATALOGUES: Readonly<Record<Language, VoiceCatalogue>> = { en: voiceEn, he: voiceHe };

/** A voice text in the caller's language, like `t` for texts. */
export function say<K extends VoiceKey>(lang: Language, key: K, params: VoiceParams<K>): string {
  // The generic K cannot narrow the union of entry types, so call through one wide signature.
  const entry = (VOICE_CATALOGUES[lang] ?? voiceEn)[key] as (p: VoiceParams<K>) => string;
  return entry(params);
}
