import { RESERVING_STATUSES } from '../orders/lifecycle.js';
import type { Order } from '../orders/order.js';
import type { RateCounts } from '../rate-counts.js';
import type { SmsIntent } from './keywords.js';

/**
 * Per-phone limits on inbound texts (README, SMS): one phone could loop ORDER + CONFIRM
 * and reserve all the stock, and every text we answer is a paid reply.
 *
 * - **Texts per minute** (SMS_RATE_LIMIT, default 10): a customer's real conversation (ORDER, ADD,
 *   CONFIRM, STATUS) is a handful of texts over several minutes, so 10 leaves room for a fast
 *   typist and a retry or two, while a loop costs at most 10 replies and one notice a minute.
 *   Over it, the phone gets one short notice per window, then an empty TwiML answer (no paid
 *   reply) and nothing else is read or written. Counted before anything else, in the database
 *   (`rate_counters`, src/rate-counts.ts), so every process on it counts the same texts: one
 *   command per text, and a second only for the first refused text of a window (which claims the
 *   notice, so that of several processes one sends it).
 * - **Open orders by text** (SMS_MAX_OPEN_ORDERS, default 3): orders this phone placed by SMS that
 *   still hold stock (pending approval … packed). Few customers have more than one or two texted
 *   orders on their way; three bounds what one phone can hold back from everyone else. Checked on
 *   ORDER and CONFIRM only, with one lookup by key (the customer's latest order numbers).
 *
 * STOP and START are always honoured and answered, even over the limit: carriers require every
 * opt-out and opt-in to take effect and be confirmed. They still count, so a loop that mixes them
 * in reaches the limit sooner. HELP and STATUS are limited like any other text: they cost a reply
 * too, and work again within the minute.
 */

const WINDOW_MS = 60_000;
/** Carrier compliance: these always take effect and are confirmed. */
const ALWAYS_HONOURED = new Set<SmsIntent['kind']>(['opt_out', 'opt_in']);
/**
 * How many of the phone's latest orders beyond the limit are read to count its open ones. An open
 * order further back would need that many newer orders after it, which the limit itself prevents
 * for texted orders; only orders staff or shops placed for the phone could push one that far.
 */
const LOOKBACK_MARGIN = 20;

export type TextVerdict =
  | { kind: 'answer' }
  /** Over the limit, first time in this window: a short notice, `seconds` until it resets. */
  | { kind: 'notice'; seconds: number }
  /** Over the limit and already told: an empty answer. */
  | { kind: 'silence' };

const ANSWER: TextVerdict = { kind: 'answer' };
const SILENCE: TextVerdict = { kind: 'silence' };

export function createSmsLimits(
  limits: { smsPerMinute: number; smsMaxOpenOrders: number },
  counts: Pick<RateCounts, 'hit' | 'claimNotice'>,
  orders: {
    recentOf(phone: string, count: number, customer?: { orders: number[] } | null): Promise<Order[]>;
  },
) {
  /** Counts the text and says whether to answer it. */
  async function admitText(phone: string, intent: SmsIntent): Promise<TextVerdict> {
    if (limits.smsPerMinute <= 0) return ANSWER;
    const key = `sms:${phone}`;
    const now = new Date();
    const window = await counts.hit(key, WINDOW_MS, now);
    if (window.count <= limits.smsPerMinute || ALWAYS_HONOURED.has(intent.kind)) return ANSWER;
    // The notice is claimed per window, so the next window may get one again.
    if (window.noticed || !(await counts.claimNotice(key, window.until))) return SILENCE;
    const msLeft = Math.max(window.until.getTime() - now.getTime(), 1);
    return { kind: 'notice', seconds: Math.ceil(msLeft / 1000) };
  }

  /**
   * Whether this phone already has the most open orders placed by text: `{open, max}` if so. One
   * lookup of its latest orders by key (`customer` is the record already read, with its numbers).
   */
  async function openOrdersOver(
    phone: string,
    customer: { orders: number[] } | null,
  ): Promise<{ open: number; max: number } | undefined> {
    const max = limits.smsMaxOpenOrders;
    if (max <= 0 || !customer || customer.orders.length < max) return undefined;
    const recent = await orders.recentOf(phone, max + LOOKBACK_MARGIN, customer);
    const open = recent.filter((o) => o.channel === 'sms' && RESERVING_STATUSES.includes(o.status)).length;
    return open >= max ? { open, max } : undefined;
  }

  return { admitText, openOrdersOver };
}

export type SmsLimits = ReturnType<typeof createSmsLimits>;
