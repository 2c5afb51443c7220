import type { ConsoleLanguage } from '../../src/console/session.js';
import type { Channel } from '../../src/orders/lifecycle.js';

/** The reports page's words, in English and Hebrew: a key missing (or extra) in one language fails to compile. */

const plural = (n: number, one: string, many: string) => (n === 1 ? `1 ${one}` : `${n} ${many}`);

const en = {
  title: 'Reports',
  intro: (timezone: string) =>
    `The daily digest’s numbers for any range of days. Days are local days in ${timezone}.`,
  from: 'From',
  to: 'To',
  show: 'Show',
  rangeHelp: 'Both days included, at most 366 days. Without dates: the 7 days ending yesterday.',
  badFrom: (given: string) =>
    `The start date “${given}” is not a real date. Write it as YYYY-MM-DD, for example 2026-03-01.`,
  badTo: (given: string) =>
    `The end date “${given}” is not a real date. Write it as YYYY-MM-DD, for example 2026-03-07.`,
  fromAfterTo: 'The start date is after the end date. Swap them or pick another range.',
  tooLong: (days: number) => `A range is at most 366 days; this one is ${days}. Pick a shorter range.`,
  days: (n: number) => plural(n, 'day', 'days'),
  clocksChanged: (hours: number) => `The clocks changed in these days: ${hours} hours in all.`,
  ordersPlaced: 'Orders placed',
  revenue: 'Revenue',
  revenueNote: (n: number) =>
    `Revenue of ${plural(n, 'order', 'orders')}; rejected and cancelled orders are not counted.`,
  otherCurrencies: 'Orders in other currencies, counted apart',
  currency: 'Currency',
  amount: 'Amount',
  orders: 'Orders',
  byChannel: 'By channel',
  byStatus: 'By status now',
  channel: 'Channel',
  status: 'Status',
  noOrders: 'No orders were placed in these days.',
  ratings: 'Ratings',
  ratingsSummary: (average: string, n: number) =>
    `${average} on average from ${plural(n, 'rating', 'ratings')}.`,
  noRatings: 'No ratings were given in these days.',
  lowRatings: 'Ratings of 1 or 2, to call back',
  order: 'Order',
  customer: 'Customer',
  phone: 'Phone',
  score: 'Rating',
  when: 'When',
  failedTexts: 'Failed customer texts',
  noFailures: 'No text to a customer failed in these days.',
  message: 'Message',
  error: 'Error',
  more: (n: number) => `…and ${n} more.`,
  chartTitle: (last: string) => `Orders per day by channel, 14 days to ${last}`,
  chartAlt: (first: string, last: string, total: number) =>
    `Bar chart of orders per day by channel from ${first} to ${last}: ${plural(total, 'order', 'orders')} in all. The numbers are in the table “The chart’s numbers” below it.`,
  chartNote: 'Drawn as the daily digest draws it, with its English labels.',
  chartData: 'The chart’s numbers',
  day: 'Day',
  total: 'Total',
  exportTitle: 'Export',
  exportLink: 'Download the orders placed in these days (CSV)',
  exportHelp:
    'One row per order: number, time placed (UTC, ISO 8601), channel, status, customer, phone, items, total, currency, invoice.',
  channels: {
    web: 'Web',
    marketplace: 'Marketplace',
    store: 'Store',
    phone: 'Phone',
    sms: 'SMS',
    voice: 'Voice',
    slack: 'Slack',
    api: 'API',
  } satisfies Record<Channel, string>,
};

export type ReportWords = typeof en;

const he: ReportWords = {
  title: 'דוחות',
  intro: (timezone: string) => `מספרי הסיכום היומי לכל טווח של ימים. הימים הם ימים מקומיים לפי ${timezone}.`,
  from: 'מתאריך',
  to: 'עד תאריך',
  show: 'הצגה',
  rangeHelp: 'כולל שני הימים, עד 366 ימים. ללא תאריכים: 7 הימים שהסתיימו אתמול.',
  badFrom: (given: string) =>
    `תאריך ההתחלה "${given}" אינו תאריך תקין. יש לכתוב אותו בתבנית YYYY-MM-DD, למשל 2026-03-01.`,
  badTo: (given: string) =>
    `תאריך הסיום "${given}" אינו תאריך תקין. יש לכתוב אותו בתבנית YYYY-MM-DD, למשל 2026-03-07.`,
  fromAfterTo: 'תאריך ההתחלה מאוחר מתאריך הסיום. יש להחליף ביניהם או לבחור טווח אחר.',
  tooLong: (days: number) => `טווח יכול להיות עד 366 ימים, וזה ${days} ימים. יש לבחור טווח קצר יותר.`,
  days: (n: number) => (n === 1 ? 'יום אחד' : `${n} ימים`),
  clocksChanged: (hours: number) => `השעון הוזז בימים אלה: ${hours} שעות בסך הכול.`,
  ordersPlaced: 'הזמנות שהתקבלו',
  revenue: 'הכנסות',
  revenueNote: (n: number) =>
    `הכנסות מ${n === 1 ? 'הזמנה אחת' : `־${n} הזמנות`}; הזמנות שנדחו או בוטלו אינן נספרות.`,
  otherCurrencies: 'הזמנות במטבעות אחרים, נספרות בנפרד',
  currency: 'מטבע',
  amount: 'סכום',
  orders: 'הזמנות',
  byChannel: 'לפי ערוץ',
  byStatus: 'לפי הסטטוס כעת',
  channel: 'ערוץ',
  status: 'סטטוס',
  noOrders: 'לא התקבלו הזמנות בימים אלה.',
  ratings: 'דירוגים',
  ratingsSummary: (average: string, n: number) =>
    `ממוצע ${average} מתוך ${n === 1 ? 'דירוג אחד' : `${n} דירוגים`}.`,
  noRatings: 'לא ניתנו דירוגים בימים אלה.',
  lowRatings: 'דירוגים של 1 או 2, לחזור אל הלקוח',
  order: 'הזמנה',
  customer: 'לקוח',
  phone: 'טלפון',
  score: 'דירוג',
  when: 'מתי',
  failedTexts: 'הודעות ללקוחות שנכשלו',
  noFailures: 'אף הודעה ללקוח לא נכשלה בימים אלה.',
  message: 'הודעה',
  error: 'שגיאה',
  more: (n: number) => `…ועוד ${n}.`,
  chartTitle: (last: string) => `הזמנות ליום לפי ערוץ, 14 ימים עד ${last}`,
  chartAlt: (first: string, last: string, total: number) =>
    `תרשים עמודות של הזמנות ליום לפי ערוץ מ־${first} עד ${last}: ${total === 1 ? 'הזמנה אחת' : `${total} הזמנות`} בסך הכול. המספרים מופיעים בטבלה "מספרי התרשים" שמתחתיו.`,
  chartNote: 'משורטט כמו בסיכום היומי, עם התוויות שלו באנגלית.',
  chartData: 'מספרי התרשים',
  day: 'יום',
  total: 'סה״כ',
  exportTitle: 'ייצוא',
  exportLink: 'הורדת ההזמנות שהתקבלו בימים אלה (CSV)',
  exportHelp:
    'שורה לכל הזמנה: מספר, מועד ההזמנה (UTC, ‏ISO 8601), ערוץ, סטטוס, לקוח, טלפון, פריטים, סה״כ, מטבע, חשבונית.',
  channels: {
    web: 'אתר',
    marketplace: 'זירת מסחר',
    store: 'חנות',
    phone: 'טלפון',
    sms: 'SMS',
    voice: 'מענה קולי',
    slack: 'Slack',
    api: 'API',
  },
};

export const WORDS: Record<ConsoleLanguage, ReportWords> = { en, he };
