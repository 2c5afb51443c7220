import type { InboundText } from '../../models/inbound-text.js';
import type { SmsMessage } from '../../models/sms-message.js';
import type { Call, CallOutcome } from '../calls/call.js';
import { outcomeOf } from '../calls/call.js';
import { lateOfOrders } from '../delivery/late.js';
import type { OrderStatus } from '../orders/lifecycle.js';
import type { Order } from '../orders/order.js';

/**
 * One timeline of everything that happened to orders, oldest first: status changes (who, through
 * which door), the texts sent to the customer with their delivery status, the texts the customer
 * sent, calls (menu path, outcome, voicemail), the rating and its call back, the invoice and
 * credit note, and messages still late. Every part is read by key: the order itself, its text
 * records (one key per kind), the texts its customer sent (their phone's list, then the texts),
 * and its calls.
 */
/** `order` is absent only for a call that concerned none of the orders (a customer's timeline). */
export type TimelineEntry = { at: Date; order?: number } & (
  | {
      kind: 'status';
      action: string;
      from: OrderStatus | null;
      to: OrderStatus;
      by: string;
      channel: string;
      note?: string;
    }
  | { kind: 'text'; textKind: string; body?: string; status: string; error?: string }
  | { kind: 'text_failed'; textKind: string; error: string }
  /** A text the customer sent (`asked`: what it asked, the kind of its intent). */
  | { kind: 'text_in'; body: string; asked: string }
  | {
      kind: 'call';
      sid: string;
      from: string;
      path: string[];
      outcome: CallOutcome;
      duration?: number;
      transcription?: string;
    }
  | { kind: 'rating'; score: number }
  | { kind: 'call_back'; by: string }
  | { kind: 'document'; document: 'invoice' | 'credit-note'; number: number }
  | { kind: 'late'; effect: string; since: Date }
);

export interface TimelineDeps {
  messages: { forOrder(orderNumber: number): Promise<SmsMessage[]> };
  textsIn: {
    forPhone(phone: string, limit: number): Promise<InboundText[]>;
    forOrders(orders: readonly number[], limit: number): Promise<InboundText[]>;
  };
  calls: { getMany(sids: readonly string[]): Promise<Call[]> };
  /** A message not delivered this long after it was due is late (DELIVERY_LATE_AFTER). */
  lateAfterMs: number;
}

/** A customer's page shows their latest texts, this many; an order's page the latest that named it. */
export const TEXTS_IN_SHOWN = 50;

export function createTimeline(deps: TimelineDeps) {
  /** A customer's latest texts (TEXTS_IN_SHOWN), for their page: `of(…, { textsIn })`. */
  const textsFrom = (phone: string) => deps.textsIn.forPhone(phone, TEXTS_IN_SHOWN);

  function fromOrder(order: Order, now: number): TimelineEntry[] {
    const n = order.number;
    const entries: TimelineEntry[] = order.history.map((h) => ({
      at: h.at,
      order: n,
      kind: 'status',
      action: h.action,
      from: h.from,
      to: h.to,
      by: h.by,
      channel: h.channel,
      ...(h.note ? { note: h.note } : {}),
    }));
    for (const f of order.smsFailures ?? [])
      entries.push({ at: f.at, order: n, kind: 'text_failed', textKind: f.kind, error: f.error });
    if (order.rating)
      entries.push({ at: order.rating.at, order: n, kind: 'rating', score: order.rating.score });
    if (order.callBack)
      entries.push({ at: order.callBack.at, order: n, kind: 'call_back', by: order.callBack.by });
    if (order.invoice)
      entries.push({
        at: order.invoice.issuedAt,
        order: n,
        kind: 'document',
        document: 'invoice',
        number: order.invoice.number,
      });
    if (order.creditNote)
      entries.push({
        at: order.creditNote.issuedAt,
        order: n,
        kind: 'document',
        document: 'credit-note',
        number: order.creditNote.number,
      });
    for (const late of lateOfOrders([order], now, deps.lateAfterMs, () => ({})))
      entries.push({ at: late.since, order: n, kind: 'late', effect: late.effect, since: late.since });
    return entries;
  }

  const fromText = (m: SmsMessage): TimelineEntry => ({
    at: m.createdAt,
    order: m.orderNumber,
    kind: 'text',
    textKind: m.kind,
    ...(m.body ? { body: m.body } : {}),
    status: m.status,
    ...(m.lastError ? { error: m.lastError } : {}),
  });

  const fromTextIn = (r: InboundText): TimelineEntry => ({
    at: r.at,
    ...(r.order !== undefined ? { order: r.order } : {}),
    kind: 'text_in',
    body: r.body,
    asked: r.asked,
  });

  /**
   * The texts that named these orders (each order's own list, by key), from the order's own
   * customer: another phone asking about a number is on that phone's page, not the order's.
   */
  async function textsAbout(orders: readonly Order[]): Promise<InboundText[]> {
    const phoneOf = new Map(orders.map((o) => [o.number, o.customer.phone]));
    const texts = await deps.textsIn.forOrders([...phoneOf.keys()], TEXTS_IN_SHOWN);
    return texts.filter((r) => r.order !== undefined && phoneOf.get(r.order) === r.phone);
  }

  const fromCall = (c: Call, order: number | undefined): TimelineEntry => ({
    at: c.startedAt,
    ...(order !== undefined ? { order } : {}),
    kind: 'call',
    sid: c.sid,
    from: c.from,
    path: c.path,
    outcome: outcomeOf(c),
    ...(c.duration !== undefined ? { duration: c.duration } : {}),
    ...(c.voicemail?.transcription ? { transcription: c.voicemail.transcription } : {}),
  });

  /** The calls given (a customer's) and those kept on the orders, each read once. */
  async function callsOf(orders: readonly Order[], calls: readonly Call[]): Promise<TimelineEntry[]> {
    const orderOfCall = new Map<string, number>();
    for (const o of orders)
      for (const c of o.calls ?? []) if (!orderOfCall.has(c.sid)) orderOfCall.set(c.sid, o.number);
    const given = new Set(calls.map((c) => c.sid));
    const missing = [...orderOfCall.keys()].filter((sid) => !given.has(sid));
    const read = missing.length > 0 ? await deps.calls.getMany(missing) : [];
    return [...calls, ...read].map((c) => fromCall(c, orderOfCall.get(c.sid)));
  }

  /**
   * The timeline of these orders together (one order's page, or a customer's), oldest first, with
   * `calls` already read (a customer's calls, some of which concerned no order). `textsIn`: the
   * texts a customer sent, already read (`textsFrom`, their page); without it, those that named
   * these orders are read.
   */
  async function of(
    orders: readonly Order[],
    calls: readonly Call[] = [],
    opts: { textsIn?: readonly InboundText[]; now?: number } = {},
  ): Promise<TimelineEntry[]> {
    const now = opts.now ?? Date.now();
    const [sent, received, called] = await Promise.all([
      Promise.all(orders.map((o) => deps.messages.forOrder(o.number))),
      opts.textsIn ?? textsAbout(orders),
      callsOf(orders, calls),
    ]);
    const entries = [
      ...orders.flatMap((o) => fromOrder(o, now)),
      ...sent.flat().map(fromText),
      ...received.map(fromTextIn),
      ...called,
    ];
    return entries.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.order ?? 0) - (b.order ?? 0));
  }

  return { of, textsFrom };
}

export type Timeline = ReturnType<typeof createTimeline>;
