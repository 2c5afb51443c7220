/**
 * English SMS texts: the reference catalogue (its keys and params are every language's contract).
 * Kept to plain GSM-7 characters (straight quotes, no dashes) so a reply costs 160/153 units a
 * segment and not 70/67; every reply must fit in 2 segments for typical values.
 */
import { ORDER_STATUSES, type OrderStatus } from '../orders/lifecycle.js';

/** Cuts text that comes from outside (names, reasons, what the customer typed) to `max` characters. */
export function cut(text: string, max: number): string {
  const chars = Array.from(text.trim());
  if (chars.length <= max) return chars.join('');
  return `${chars
    .slice(0, max - 3)
    .join('')
    .trimEnd()}...`;
}
/** ": <reason>" for a staff-typed reason (cut, its own full stop dropped: the message adds one), or "". */
export function because(reason: string | undefined): string {
  const text = cut((reason ?? '').replace(/[\s.!]+$/, ''), 60);
  return text ? `: ${text}` : '';
}
/** A business name longer than this would eat the room the message needs. */
export const biz = (name: string) => cut(name, 30);
/** "Cafe Levi: " to name the sender, when the caller knows the business name. */
export const from = (business?: string) => (business?.trim() ? `${biz(business)}: ` : '');
/** Shows at most `max` entries of a list, then "+N more" (`more` is the language's word). */
export function list(items: string[], more: (n: number) => string, max = 4, sep = ', '): string {
  const shown = items.slice(0, max).join(sep);
  return items.length > max ? `${shown} ${more(items.length - max)}` : shown;
}

export type Tracking = { carrier: string; trackingNumber: string };
export type StockLine = { sku: string; available: number };

export const enStatusNames: Record<OrderStatus, string> = {
  pending_approval: 'awaiting approval',
  approved: 'approved',
  picking: 'being picked',
  packed: 'packed',
  shipped: 'shipped',
  delivered: 'delivered',
  return_requested: 'return requested',
  rejected: 'rejected',
  cancelled: 'cancelled',
  returned: 'returned',
};

/**
 * cancelRefused / returnRefused take the status either as its code or already localized (as
 * statusOne does); the code is recovered so the reply can say what to do instead.
 */
export function statusOf(
  status: string,
  names: Record<OrderStatus, string>,
): { code?: OrderStatus; name: string } {
  const code = ORDER_STATUSES.find((s) => s === status || names[s] === status);
  return { code, name: code ? names[code] : status };
}

const EXAMPLE = 'e.g. ORDER 2 blue mugs, 1 tote';
const more = (n: number) => `+${n} more`;
const NOT_FOUND = 'No order found for this number.';
/** Words an order named that fit no product, each with the closest product when there is one. */
export type Unplaced = { phrase: string; closest?: string };
const unplaced = (phrases: Unplaced[]) =>
  list(
    phrases.map((u) => `"${cut(u.phrase, 30)}"${u.closest ? ` (closest: ${cut(u.closest, 30)})` : ''}`),
    more,
    2,
  );

export const en = {
  help: (p: { business: string }) =>
    `${biz(p.business)}: text STATUS <order no.>, ORDER and the items in your words (${EXAMPLE}), ADD <item>, CONFIRM, ` +
    'CANCEL <order no.>, RETURN <order no.>. Reply STOP to opt out.',
  unknown: (p: { business: string }) =>
    `${biz(p.business)}: Sorry, I didn't get that. Text HELP for commands.`,
  statusOne: (p: { number: number; status: string; items: string; tracking?: Tracking }) =>
    `Order #${p.number}: ${p.status}.${p.items ? ` ${p.items}.` : ''}` +
    (p.tracking ? ` ${p.tracking.carrier} ${p.tracking.trackingNumber}` : ''),
  statusList: (p: { lines: string[] }) =>
    p.lines.length ? `Your recent orders: ${list(p.lines, more, 5, '; ')}` : NOT_FOUND,
  notFound: (_: Record<string, never>) => NOT_FOUND,
  orderSummary: (p: { items: string; total: string }) =>
    `Order: ${p.items}. Total ${p.total}. Reply CONFIRM within 30 min to place it. Nothing is reserved yet.`,
  orderEmpty: (_: Record<string, never>) => `Which items? Text ${EXAMPLE}`,
  orderTooMany: (p: { max: number }) => `At most ${p.max} different items per order. Text ${EXAMPLE}`,
  orderTooMuch: (p: { phrase: string; max: number }) =>
    `At most ${p.max} of "${cut(p.phrase, 30)}" per order. Text ORDER again with less.`,
  orderUnplaced: (p: { phrases: Unplaced[] }) =>
    `We couldn't find ${unplaced(p.phrases)}. Text ORDER again, ${EXAMPLE}`,
  addUnplaced: (p: { phrases: Unplaced[] }) =>
    `We couldn't find ${unplaced(p.phrases)}. Check the name and text ADD again. Your order is unchanged.`,
  orderQuestion: (p: { phrase: string; options: string[] }) =>
    `Which "${cut(p.phrase, 30)}"? ${p.options.map((o, i) => `${i + 1} ${cut(o, 30)}`).join(', ')}. ` +
    `Reply ${p.options.length === 2 ? '1 or 2' : `1 to ${p.options.length}`}.`,
  orderUnknownSkus: (p: { skus: string[] }) =>
    `We don't sell ${list(
      p.skus.map((s) => cut(s, 20)),
      more,
    )}. Check the code and text ORDER again.`,
  orderShort: (p: { lines: StockLine[] }) =>
    `Not enough stock: ${list(
      p.lines.map((l) => `${cut(l.sku, 20)} (${l.available > 0 ? `${l.available} left` : 'sold out'})`),
      more,
    )}. Text ORDER again with less.`,
  confirmNothing: (_: Record<string, never>) => 'Nothing to confirm. Text ORDER first, e.g. ORDER 2 MUG-BLUE',
  confirmExpired: (_: Record<string, never>) => 'That order draft expired. Text ORDER again to start over.',
  // Cross-sell (src/crosssell/): one line under an ORDER or ADD summary, and ADD's answers.
  orderSuggestion: (p: { sku: string; price: string }) =>
    `Often bought with it: ${p.sku} ${p.price} - reply ADD ${p.sku}`,
  addHow: (_: Record<string, never>) =>
    'To add an item to your order, text ADD and the item, e.g. ADD TOTE or ADD 2 blue mugs',
  addNoDraft: (_: Record<string, never>) => 'No order to add to. Text ORDER first, e.g. ORDER 2 MUG-BLUE',
  addUnknownSku: (p: { sku: string }) =>
    `We don't sell ${cut(p.sku, 20)}. Check the code and text ADD again. Your order is unchanged.`,
  addShort: (p: StockLine) =>
    `Not enough stock: ${cut(p.sku, 20)} (${p.available > 0 ? `${p.available} left` : 'sold out'}). Your order is unchanged.`,
  addTooMuch: (p: { sku: string; max: number }) =>
    `At most ${p.max} of ${cut(p.sku, 20)} per order. Your order is unchanged.`,
  placed: (p: { number: number; total: string }) =>
    `Order #${p.number} placed (${p.total}). We'll text you when it's approved.`,
  // Abuse limits (src/sms/limits.ts): say what happened and when it works again, briefly.
  textsTooFast: (p: { seconds: number }) =>
    `Too many texts from this number. Please wait ${p.seconds} seconds, then try again.`,
  tooManyOpenOrders: (p: { open: number; max: number }) =>
    `You already have ${p.open} open orders by text (at most ${p.max} at a time). Text STATUS to see them; ` +
    'you can order again once one ships or is cancelled.',
  cancelled: (p: { number: number }) => `Order #${p.number} is cancelled.`,
  cancelRefused: (p: { number: number; status: OrderStatus | (string & {}) }) => {
    const n = p.number;
    const { code, name } = statusOf(p.status, enStatusNames);
    switch (code) {
      case 'cancelled':
        return `Order #${n} is already cancelled.`;
      case 'packed':
      case 'shipped':
        return `Order #${n} is ${name} and can't be cancelled. Reply RETURN ${n} once it arrives.`;
      case 'delivered':
        return `Order #${n} was delivered, so it can't be cancelled. Reply RETURN ${n} to return it.`;
      default:
        return `Order #${n} is ${name} and can't be cancelled.`;
    }
  },
  returnRequested: (p: { number: number }) =>
    `Return requested for order #${p.number}. We'll contact you with the next steps.`,
  returnRefused: (p: { number: number; status: OrderStatus | (string & {}) }) => {
    const n = p.number;
    const { code, name } = statusOf(p.status, enStatusNames);
    switch (code) {
      case 'return_requested':
        return `A return for order #${n} is already requested.`;
      case 'returned':
        return `Order #${n} was already returned.`;
      case 'pending_approval':
      case 'approved':
      case 'picking':
        return `Order #${n} isn't delivered yet (${name}). Reply CANCEL ${n} to cancel it instead.`;
      case 'packed':
      case 'shipped':
        return `Order #${n} isn't delivered yet (${name}). Only delivered orders can be returned.`;
      default:
        return `Order #${n} is ${name}, so there is nothing to return.`;
    }
  },
  // The order's history is full (models/order-shape.ts MAX_HISTORY): no more returns by text.
  returnLimit: (p: { number: number }) =>
    `Order #${p.number} has had too many return requests to take another. Please contact us directly.`,
  optedOut: (p: { business: string }) =>
    `You're unsubscribed from ${biz(p.business)} texts. Reply START to resubscribe.`,
  optedIn: (p: { business: string }) =>
    `You're subscribed to ${biz(p.business)} texts again. Reply STOP to opt out.`,
  ratingThanks: (p: { number: number; score: number }) =>
    `Thanks for rating order #${p.number} ${p.score}/5!`,
  /** The follow-up after delivery that a 1-5 reply answers. */
  followUp: (p: { business: string; number: number; suggestion?: { sku: string; price: string } }) =>
    `${biz(p.business)}: how was order #${p.number}? Reply 1 (poor) to 5 (great).` +
    (p.suggestion ? ` Often bought with it: ${cut(p.suggestion.sku, 20)} ${p.suggestion.price}.` : ''),
  // Customer updates. The first one names the business and says how to opt out (carrier rules);
  // the rest start with the order number and stay short.
  updatePlaced: (p: { number: number; total: string; business?: string }) =>
    `${from(p.business)}Order #${p.number} placed (${p.total}). We'll text you when it's approved. Reply STOP to opt out.`,
  updateApproved: (p: { number: number }) => `Order #${p.number} is approved and being prepared.`,
  updateShipped: (p: { number: number; carrier: string; trackingNumber: string; invoiceUrl?: string }) =>
    `Order #${p.number} has shipped. ${cut(p.carrier, 20)} tracking: ${cut(p.trackingNumber, 40)}` +
    (p.invoiceUrl ? `. Invoice: ${p.invoiceUrl}` : ''),
  updateDelivered: (p: { number: number }) => `Order #${p.number} was delivered. Enjoy!`,
  updateRejected: (p: { number: number; reason?: string }) =>
    `Order #${p.number} was declined${because(p.reason)}. Sorry!`,
  updateCancelled: (p: { number: number; reason?: string }) =>
    `Order #${p.number} was cancelled${because(p.reason)}.`,
};

/** Every language has exactly these keys, each taking (at least) these params. */
export type Catalogue = { [K in keyof typeof en]: (typeof en)[K] };
