import type { ConsoleLanguage } from '../../src/console/session.js';
import { MAX_ALIAS_LENGTH, MAX_ALIASES } from '../../src/inventory/product.js';

/**
 * The stock page's words, in English and Hebrew. Every language is a `StockWords`, so a key
 * missing (or extra) in one of them fails to compile.
 */
export interface StockWords {
  title: string;
  intro: (lastDay: string, coverDays: number) => string;
  caption: string;
  product: string;
  onHand: string;
  reserved: string;
  available: string;
  threshold: string;
  leadTime: string;
  aliases: string;
  noAliases: string;
  cover: (days: number) => string;
  reorder: string;
  episodes: string;
  days: (n: string) => string;
  noneSold: string;
  notKnown: string;
  knownSince: (day: string) => string;
  low: string;
  lowSince: string;
  downTo: string;
  earlier: (n: number) => string;
  neverLow: string;
  wentLow: string;
  lowest: string;
  backAbove: string;
  stillLow: string;
  alertAt: string;
  next: string;
  first: string;
  empty: string;
  pace: string;
  soldIn: (units: string, days: number) => string;
  perDay: (units: string) => string;
  reorderHow: (lead: number, cover: number) => string;
  adjust: string;
  adjustHelp: string;
  readOnly: string;
  setLabel: string;
  setButton: string;
  addLabel: string;
  addButton: string;
  thresholdLabel: string;
  thresholdButton: string;
  leadLabel: string;
  leadButton: string;
  aliasesLabel: string;
  aliasesButton: string;
  done: Record<StockChange, string>;
  bad: Record<StockChange, string>;
  badForm: string;
  notChanged: string;
  noProduct: string;
  backToStock: string;
}

/** The changes whose value is a whole number. */
export const COUNT_CHANGES = ['set', 'add', 'threshold', 'lead'] as const;
export type CountChange = (typeof COUNT_CHANGES)[number];
/** The changes the page's forms make, as `action` in the posted form: the counts and the aliases. */
export const STOCK_CHANGES = [...COUNT_CHANGES, 'aliases'] as const;
export type StockChange = (typeof STOCK_CHANGES)[number];

const en: StockWords = {
  title: 'Stock',
  intro: (lastDay, coverDays) =>
    `Days of cover: units available ÷ units sold a day, over the last 7 and the last 28 full days (up to ${lastDay}); today's sales count from tomorrow. The suggested reorder covers the product's lead time and ${coverDays} more days (REORDER_COVER_DAYS) at the 28-day pace, less what is available.`,
  caption: 'Products by SKU',
  product: 'Product',
  onHand: 'On hand',
  reserved: 'Reserved',
  available: 'Available',
  threshold: 'Alert at',
  leadTime: 'Lead time',
  aliases: 'Aliases',
  noAliases: 'none',
  cover: (days) => `Days of cover, ${days}-day pace`,
  reorder: 'Suggested reorder',
  episodes: 'Low-stock episodes',
  days: (n) => `${n} d`,
  noneSold: 'none sold',
  notKnown: 'not known yet',
  knownSince: (day) => `sales known since ${day}`,
  low: 'low',
  lowSince: 'low since',
  downTo: 'down to',
  earlier: (n) => `and ${n} earlier`,
  neverLow: 'none recorded',
  wentLow: 'Went low',
  lowest: 'Lowest available',
  backAbove: 'Back above the threshold',
  stillLow: 'still low',
  alertAt: 'Alert at',
  next: 'Next products',
  first: 'First products',
  empty: 'No products yet.',
  pace: 'Pace of sales',
  soldIn: (units, days) => `${units} sold in ${days} days`,
  perDay: (units) => `${units} a day`,
  reorderHow: (lead, cover) =>
    `enough for ${lead} days of lead time and ${cover} days after, at the 28-day pace, less what is available`,
  adjust: 'Adjust stock',
  adjustHelp:
    'The same rules as /stock in Slack and the API: on hand cannot go below what open orders hold, nothing removed can take available below 0, and the low-stock alert goes out when available falls to the threshold.',
  readOnly: 'Only stock keepers (SLACK_STOCK_IDS) change stock; you can look.',
  setLabel: 'On hand (counted)',
  setButton: 'Set on hand',
  addLabel: 'Units to add (negative removes)',
  addButton: 'Add or remove',
  thresholdLabel: 'Alert when available is at most',
  thresholdButton: 'Set threshold',
  leadLabel: 'Lead time (days from ordering to in stock)',
  leadButton: 'Set lead time',
  aliasesLabel: 'Aliases: other names customers use, in any language, comma-separated (empty: none)',
  aliasesButton: 'Set aliases',
  done: {
    set: 'On hand set.',
    add: 'Stock changed.',
    threshold: 'Alert threshold set.',
    lead: 'Lead time set.',
    aliases: 'Aliases set.',
  },
  bad: {
    set: 'On hand must be a whole number from 0 to 10,000,000.',
    add: 'Give a whole number of units to add, from 1 to 10,000,000, or a negative one to remove.',
    threshold: 'The threshold must be a whole number from 0 to 10,000,000.',
    lead: 'The lead time must be a whole number of days from 0 to 365.',
    aliases: `Aliases: at most ${MAX_ALIASES} names, separated by commas, each 1 to ${MAX_ALIAS_LENGTH} characters, without control characters.`,
  },
  badForm: 'That change is not one this page makes. Reload the page and try again.',
  notChanged: 'Not changed:',
  noProduct: 'No such product.',
  backToStock: 'Back to stock',
};

const he: StockWords = {
  title: 'מלאי',
  intro: (lastDay, coverDays) =>
    `ימי כיסוי: היחידות הזמינות ÷ היחידות שנמכרו ביום, ב־7 וב־28 הימים המלאים האחרונים (עד ${lastDay}); מכירות היום נספרות ממחר. ההזמנה המומלצת מכסה את זמן האספקה של המוצר ועוד ${coverDays} ימים (REORDER_COVER_DAYS) בקצב של 28 הימים, פחות מה שזמין.`,
  caption: 'מוצרים לפי מק״ט',
  product: 'מוצר',
  onHand: 'במלאי',
  reserved: 'שמור',
  available: 'זמין',
  threshold: 'התראה ב־',
  leadTime: 'זמן אספקה',
  aliases: 'כינויים',
  noAliases: 'אין',
  cover: (days) => `ימי כיסוי, קצב ${days} ימים`,
  reorder: 'הזמנה מומלצת',
  episodes: 'תקופות של מלאי נמוך',
  days: (n) => `${n} ימים`,
  noneSold: 'לא נמכר',
  notKnown: 'עוד לא ידוע',
  knownSince: (day) => `המכירות ידועות מ־${day}`,
  low: 'נמוך',
  lowSince: 'נמוך מאז',
  downTo: 'ירד עד',
  earlier: (n) => `ועוד ${n} קודמות`,
  neverLow: 'לא נרשמו',
  wentLow: 'ירד לסף',
  lowest: 'הכי מעט זמין',
  backAbove: 'חזר מעל הסף',
  stillLow: 'עדיין נמוך',
  alertAt: 'סף התראה',
  next: 'המוצרים הבאים',
  first: 'המוצרים הראשונים',
  empty: 'אין עדיין מוצרים.',
  pace: 'קצב המכירות',
  soldIn: (units, days) => `${units} נמכרו ב־${days} ימים`,
  perDay: (units) => `${units} ביום`,
  reorderHow: (lead, cover) =>
    `מספיק ל־${lead} ימי אספקה ועוד ${cover} ימים אחריהם, בקצב של 28 הימים, פחות מה שזמין`,
  adjust: 'עדכון מלאי',
  adjustHelp:
    'אותם כללים כמו \u2066/stock\u2069 ב־Slack וב־API: הכמות במלאי לא יורדת מתחת למה שהזמנות פתוחות מחזיקות, הורדה לא מביאה את הזמין מתחת ל־0, והתראת מלאי נמוך יוצאת כשהזמין יורד עד הסף.',
  readOnly: 'רק מנהלי מלאי (SLACK_STOCK_IDS) משנים את המלאי; אפשר להסתכל.',
  setLabel: 'כמות במלאי (לפי ספירה)',
  setButton: 'קביעת כמות',
  addLabel: 'יחידות להוספה (מספר שלילי מוריד)',
  addButton: 'הוספה או הורדה',
  thresholdLabel: 'התראה כשהזמין לכל היותר',
  thresholdButton: 'קביעת סף',
  leadLabel: 'זמן אספקה (ימים מההזמנה ועד שהסחורה במלאי)',
  leadButton: 'קביעת זמן אספקה',
  aliasesLabel: 'כינויים: שמות אחרים שלקוחות משתמשים בהם, בכל שפה, מופרדים בפסיקים (ריק: אין)',
  aliasesButton: 'שמירת כינויים',
  done: {
    set: 'הכמות במלאי נקבעה.',
    add: 'המלאי עודכן.',
    threshold: 'סף ההתראה נקבע.',
    lead: 'זמן האספקה נקבע.',
    aliases: 'הכינויים נשמרו.',
  },
  bad: {
    set: 'הכמות במלאי צריכה להיות מספר שלם מ־0 עד 10,000,000.',
    add: 'יש לתת מספר שלם של יחידות להוספה, מ־1 עד 10,000,000, או מספר שלילי להורדה.',
    threshold: 'הסף צריך להיות מספר שלם מ־0 עד 10,000,000.',
    lead: 'זמן האספקה צריך להיות מספר שלם של ימים מ־0 עד 365.',
    aliases: `כינויים: עד ${MAX_ALIASES} שמות, מופרדים בפסיקים, כל אחד באורך 1 עד ${MAX_ALIAS_LENGTH} תווים, בלי תווי בקרה.`,
  },
  badForm: 'הדף הזה לא עושה שינוי כזה. יש לטעון את הדף מחדש ולנסות שוב.',
  notChanged: 'לא שונה:',
  noProduct: 'אין מוצר כזה.',
  backToStock: 'חזרה למלאי',
};

export const STOCK_WORDS: Readonly<Record<ConsoleLanguage, StockWords>> = { en, he };
