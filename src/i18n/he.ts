/**
 * Hebrew SMS texts. Hebrew is sent as UCS-2: 70 units for one segment, 67 a part after that, so
 * two segments are only 134 characters and the wording here is deliberately terse. Plural
 * imperatives ("שלחו") address the customer without assuming a gender.
 */
import type { OrderStatus } from '../orders/lifecycle.js';
import { because, biz, type Catalogue, cut, from, list, statusOf, type Unplaced } from './en.js';

export const heStatusNames: Record<OrderStatus, string> = {
  pending_approval: 'ממתינה לאישור',
  approved: 'אושרה',
  picking: 'בליקוט',
  packed: 'נארזה',
  shipped: 'נשלחה',
  delivered: 'נמסרה',
  return_requested: 'בקשת החזרה',
  rejected: 'נדחתה',
  cancelled: 'בוטלה',
  returned: 'הוחזרה',
};

const EXAMPLE = 'לדוגמה: הזמנה 2 ספלים כחולים, תיק';
const more = (n: number) => `ועוד ${n}`;
const NOT_FOUND = 'לא נמצאה הזמנה למספר הזה.';
const unplaced = (phrases: Unplaced[]) =>
  list(
    phrases.map((u) => `"${cut(u.phrase, 24)}"${u.closest ? ` (הכי קרוב: ${cut(u.closest, 24)})` : ''}`),
    more,
    1,
  );

export const he: Catalogue = {
  help: (p) =>
    `${biz(p.business)}: שלחו סטטוס <מס׳>, הזמנה <כמות> <מוצר>, הוסף <מוצר>, אישור, ביטול <מס׳>, החזרה <מס׳>. להסרה: הסר/STOP`,
  unknown: (p) => `${biz(p.business)}: לא הבנתי. שלחו עזרה לרשימת הפקודות.`,
  statusOne: (p) =>
    `הזמנה #${p.number}: ${p.status}.${p.items ? ` ${p.items}.` : ''}` +
    (p.tracking ? ` ${p.tracking.carrier} ${p.tracking.trackingNumber}` : ''),
  statusList: (p) => (p.lines.length ? `ההזמנות האחרונות שלך: ${list(p.lines, more, 5, '; ')}` : NOT_FOUND),
  notFound: () => NOT_FOUND,
  orderSummary: (p) =>
    `ההזמנה: ${p.items}. סה״כ ${p.total}. להשלמה שלחו אישור תוך 30 דק׳. הפריטים עוד לא שמורים לך.`,
  orderEmpty: () => `אילו פריטים? ${EXAMPLE}`,
  orderTooMany: (p) => `עד ${p.max} פריטים שונים בהזמנה. ${EXAMPLE}`,
  orderTooMuch: (p) => `אפשר עד ${p.max} יחידות של "${cut(p.phrase, 30)}" בהזמנה. שלחו הזמנה עם פחות.`,
  // One phrase named at most: Hebrew is UCS-2, 134 units in 2 segments.
  orderUnplaced: (p) => `לא מצאנו ${unplaced(p.phrases)}. בדקו ושלחו הזמנה שוב.`,
  addUnplaced: (p) => `לא מצאנו ${unplaced(p.phrases)}. בדקו ושלחו הוסף שוב. ההזמנה לא השתנתה.`,
  orderQuestion: (p) =>
    `איזה "${cut(p.phrase, 30)}"? ${p.options.map((o, i) => `${i + 1} ${cut(o, 30)}`).join(', ')}. ` +
    `השיבו ${p.options.length === 2 ? '1 או 2' : `מספר בין 1 ל-${p.options.length}`}.`,
  orderUnknownSkus: (p) =>
    `מק״ט לא מוכר: ${list(
      p.skus.map((s) => cut(s, 20)),
      more,
    )}. בדקו ושלחו הזמנה שוב.`,
  orderShort: (p) =>
    `אין מספיק במלאי: ${list(
      p.lines.map((l) => `${cut(l.sku, 20)} (${l.available > 0 ? `נותרו ${l.available}` : 'אזל'})`),
      more,
    )}. שלחו הזמנה עם פחות.`,
  confirmNothing: () => 'אין מה לאשר. שלחו קודם הזמנה, לדוגמה: הזמנה 2 MUG-BLUE',
  confirmExpired: () => 'תוקף ההזמנה פג. שלחו הזמנה מחדש.',
  // Terse: with the summary it must fit 134 UCS-2 units, or it is left out.
  orderSuggestion: (p) => `נקנה איתו: ${p.sku} ${p.price}. שלחו הוסף ${p.sku}`,
  addHow: () => 'כדי להוסיף פריט להזמנה שלחו הוסף ואת הפריט, לדוגמה: הוסף תיק או הוסף 2 ספלים כחולים',
  addNoDraft: () => 'אין הזמנה פתוחה להוסיף אליה. שלחו קודם הזמנה, לדוגמה: הזמנה 2 MUG-BLUE',
  addUnknownSku: (p) => `מק״ט לא מוכר: ${cut(p.sku, 20)}. בדקו ושלחו הוסף שוב. ההזמנה לא השתנתה.`,
  addShort: (p) =>
    `אין מספיק במלאי: ${cut(p.sku, 20)} (${p.available > 0 ? `נותרו ${p.available}` : 'אזל'}). ההזמנה לא השתנתה.`,
  addTooMuch: (p) => `אפשר עד ${p.max} יחידות של ${cut(p.sku, 20)} בהזמנה. ההזמנה לא השתנתה.`,
  placed: (p) => `הזמנה #${p.number} נקלטה (${p.total}). נעדכן כשתאושר.`,
  textsTooFast: (p) => `יותר מדי הודעות מהמספר הזה. נסו שוב בעוד ${p.seconds} שניות.`,
  tooManyOpenOrders: (p) =>
    `יש לך כבר ${p.open} הזמנות פתוחות בהודעות (עד ${p.max} בכל פעם). שלחו סטטוס לפרטים. אפשר להזמין שוב כשאחת תישלח או תבוטל.`,
  cancelled: (p) => `הזמנה #${p.number} בוטלה.`,
  cancelRefused: (p) => {
    const n = p.number;
    const { code, name } = statusOf(p.status, heStatusNames);
    switch (code) {
      case 'cancelled':
        return `הזמנה #${n} כבר בוטלה.`;
      case 'packed':
      case 'shipped':
        return `הזמנה #${n} כבר ${name} ואי אפשר לבטל. שלחו החזרה ${n} כשתגיע.`;
      case 'delivered':
        return `הזמנה #${n} כבר נמסרה. להחזרה שלחו החזרה ${n}.`;
      default:
        return `אי אפשר לבטל את הזמנה #${n} (${name}).`;
    }
  },
  returnRequested: (p) => `בקשת ההחזרה להזמנה #${p.number} התקבלה. ניצור קשר עם הפרטים.`,
  returnRefused: (p) => {
    const n = p.number;
    const { code, name } = statusOf(p.status, heStatusNames);
    switch (code) {
      case 'return_requested':
        return `כבר התקבלה בקשת החזרה להזמנה #${n}.`;
      case 'returned':
        return `הזמנה #${n} כבר הוחזרה.`;
      case 'pending_approval':
      case 'approved':
      case 'picking':
        return `הזמנה #${n} עוד לא נמסרה (${name}). לביטול שלחו ביטול ${n}.`;
      case 'packed':
      case 'shipped':
        return `הזמנה #${n} עוד לא נמסרה (${name}). אפשר להחזיר רק הזמנה שנמסרה.`;
      default:
        return `הזמנה #${n} ${name}, אין מה להחזיר.`;
    }
  },
  returnLimit: (p) => `להזמנה #${p.number} היו יותר מדי בקשות החזרה ואי אפשר לבקש עוד. פנו אלינו ישירות.`,
  optedOut: (p) => `הוסרת מההודעות של ${biz(p.business)}. לחידוש שלחו START.`,
  optedIn: (p) => `חזרת לקבל הודעות מ-${biz(p.business)}. להסרה שלחו הסר.`,
  ratingThanks: (p) => `תודה על הדירוג ${p.score}/5 להזמנה #${p.number}!`,
  followUp: (p) =>
    `${biz(p.business)}: איך הייתה הזמנה #${p.number}? דרגו מ-1 (גרוע) עד 5 (מצוין).` +
    (p.suggestion ? ` לקוחות קנו איתה גם: ${cut(p.suggestion.sku, 20)} ${p.suggestion.price}.` : ''),
  updatePlaced: (p) =>
    `${from(p.business)}הזמנה #${p.number} נקלטה (${p.total}). נעדכן כשתאושר. להסרה שלחו הסר.`,
  updateApproved: (p) => `הזמנה #${p.number} אושרה ונמצאת בהכנה.`,
  updateShipped: (p) =>
    `הזמנה #${p.number} נשלחה. מעקב ${cut(p.carrier, 20)}: ${cut(p.trackingNumber, 40)}` +
    (p.invoiceUrl ? `. חשבונית: ${p.invoiceUrl}` : ''),
  updateDelivered: (p) => `הזמנה #${p.number} נמסרה. תיהנו!`,
  updateRejected: (p) => `הזמנה #${p.number} נדחתה${because(p.reason)}. מצטערים!`,
  updateCancelled: (p) => `הזמנה #${p.number} בוטלה${because(p.reason)}.`,
};
