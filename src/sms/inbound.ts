import type { Customer, Language } from '../../models/customer.js';
import type { Order } from '../../models/order.js';
import type { SmsDraftRepository } from '../../models/sms-draft.js';
import type { Config } from '../config.js';
import type { CustomerService } from '../customers/service.js';
import { isAppError } from '../errors.js';
import { statusName, t } from '../i18n/index.js';
import type { InventoryService } from '../inventory/service.js';
import type { Logger } from '../logger.js';
import { formatMoney } from '../money.js';
import type { OrderAction } from '../orders/lifecycle.js';
import type { OrderService } from '../orders/service.js';
import type { Once } from '../requests/once.js';
import { detectLanguage, parseSms, type SmsIntent } from './keywords.js';
import { createSmsLimits, type TextVerdict } from './limits.js';
import { clampToSegments } from './segments.js';

/** An SMS draft waits this long for CONFIRM (SPEC: "expires after 30 minutes"). */
export const DRAFT_TTL_MS = 30 * 60_000;
/** A rating is taken within 3 days of the follow-up, which goes out FOLLOW_UP_DELAY after delivery. */
const RATING_WINDOW_MS = 3 * 24 * 3600_000;
const RECENT_ORDERS = 3;
/** Texts that only ask: answering one twice changes nothing. */
const READ_ONLY = new Set<SmsIntent['kind']>(['help', 'unknown', 'status', 'order_invalid']);

const locale = (lang: Language) => (lang === 'he' ? 'he-IL' : 'en-US');

export function shortItems(items: { sku: string; quantity: number }[]): string {
  // `x`, not `×`: × is not GSM-7 and would halve what fits in a segment.
  return items.map((i) => `${i.quantity}x ${i.sku}`).join(', ');
}

/**
 * One customer text in, one reply out. Every answer about an order is given only to the phone
 * the order belongs to: any other phone gets exactly the reply for an order that does not exist.
 */
export function createSmsConversation(deps: {
  config: Config;
  customers: CustomerService;
  orders: OrderService;
  inventory: InventoryService;
  drafts: SmsDraftRepository;
  once: Once;
  log: Logger;
  /** Whether the order's "placed" message already went out (a text, or an earlier reply). */
  placedMessageSent(number: number): Promise<boolean>;
}) {
  const { config, customers, orders, inventory, drafts, once, log } = deps;
  const business = config.businessName;
  const limits = createSmsLimits(config.limits, orders);

  /**
   * The reply to one delivery. A text that changes something (ORDER, CONFIRM, CANCEL, RETURN,
   * STOP/START, a rating) has its effect once per MessageSid, and a redelivery gets the first
   * reply; a question (STATUS, HELP, anything unknown) is simply answered again, which saves the
   * claim's two writes on the most common text. A phone over its texts per minute is refused
   * first, before anything is read or written (src/sms/limits.ts); `reply` undefined: answer nothing.
   * `order`: the reply is that order's "placed" message (CONFIRM), first delivery or redelivery.
   */
  async function reply(input: {
    from: string;
    body: string;
    sid: string;
  }): Promise<{ reply: string | undefined; replay: boolean; order?: number }> {
    const intent = parseSms(input.body);
    const verdict = await limits.admitText(input.from, intent);
    if (verdict.kind !== 'answer') return { reply: await overLimit(input, verdict), replay: false };
    if (READ_ONLY.has(intent.kind)) return { reply: (await answerText(input, intent)).text, replay: false };
    return once.answerOnce(`sms:${input.sid}`, () => answerText(input, intent));
  }

  /** One notice in the customer's language per window (its only read), then silence. */
  async function overLimit(
    input: { from: string; body: string },
    verdict: Exclude<TextVerdict, { kind: 'answer' }>,
  ): Promise<string | undefined> {
    if (verdict.kind === 'silence') {
      log.debug({ from: input.from }, 'sms ignored: over the per-minute limit, already told');
      return undefined;
    }
    log.warn(
      { from: input.from, perMinute: config.limits.smsPerMinute },
      'sms refused: over the per-minute limit',
    );
    const lang =
      detectLanguage(input.body) ??
      (await customers.findByPhone(input.from))?.language ??
      config.defaultLanguage;
    return t(lang, 'textsTooFast', { seconds: verdict.seconds });
  }

  async function answerText(input: { from: string; body: string; sid: string }, intent: SmsIntent) {
    const phone = input.from;
    const customer = await customers.findByPhone(phone);
    const written = detectLanguage(input.body);
    const lang = written ?? customer?.language ?? config.defaultLanguage;
    if (customer && written && customer.language !== written) {
      await customers.upsertByPhone({ phone, language: lang });
    }
    const ctx: Ctx = { phone, lang, sid: input.sid, name: customer?.name, customer };
    const text = await answer(intent, ctx);
    log.info({ from: phone, intent: intent.kind, lang }, 'sms answered');
    return { text: clampToSegments(text, 2), ...(ctx.placed ? { order: ctx.placed } : {}) };
  }

  type Ctx = {
    phone: string;
    lang: Language;
    sid: string;
    name: string | undefined;
    customer: Customer | null;
    /** Set by CONFIRM: the order whose "placed" message this reply is. */
    placed?: number;
  };

  async function answer(intent: SmsIntent, ctx: Ctx): Promise<string> {
    const { lang } = ctx;
    switch (intent.kind) {
      case 'help':
        return t(lang, 'help', { business });
      case 'unknown':
        return t(lang, 'unknown', { business });
      case 'opt_out':
        await customers.setOptedOut(ctx.phone, true);
        log.info({ phone: ctx.phone, keyword: intent.keyword }, 'customer opted out of texts');
        return t(lang, 'optedOut', { business });
      case 'opt_in':
        await customers.setOptedOut(ctx.phone, false);
        log.info({ phone: ctx.phone, keyword: intent.keyword }, 'customer opted back in to texts');
        return t(lang, 'optedIn', { business });
      case 'status':
        return intent.number === undefined ? recentOrders(ctx) : oneOrder(intent.number, ctx);
      case 'order':
        return draft(intent.items, ctx);
      case 'order_invalid':
        if (intent.problem === 'empty') return t(lang, 'orderEmpty', {});
        if (intent.problem === 'too_many') return t(lang, 'orderTooMany', { max: 20 });
        return t(lang, 'orderUnreadable', { line: intent.line ?? '' });
      case 'confirm':
        return confirm(ctx);
      case 'cancel':
        return act(intent.number, 'cancel', ctx);
      case 'return':
        return act(intent.number, 'request_return', ctx);
      case 'rating': {
        const rated = await orders.rateLatestDelivered(
          ctx.phone,
          intent.score,
          config.followUpDelay.ms + RATING_WINDOW_MS,
        );
        return rated
          ? t(lang, 'ratingThanks', { number: rated.number, score: intent.score })
          : t(lang, 'unknown', { business });
      }
    }
  }

  /** The order if it is this phone's; otherwise undefined, exactly as for a number that does not exist. */
  async function owned(number: number, phone: string): Promise<Order | undefined> {
    try {
      const order = await orders.get(number);
      return order.customer.phone === phone ? order : undefined;
    } catch (err) {
      if (isAppError(err) && err.code === 'not_found') return undefined;
      throw err;
    }
  }

  function describe(order: Order, lang: Language): string {
    return t(lang, 'statusOne', {
      number: order.number,
      status: statusName(lang, order.status),
      items: shortItems(order.items),
      ...(order.shipment?.trackingNumber
        ? { tracking: { carrier: order.shipment.carrier, trackingNumber: order.shipment.trackingNumber } }
        : {}),
    });
  }

  async function oneOrder(number: number, ctx: Ctx): Promise<string> {
    const order = await owned(number, ctx.phone);
    return order ? describe(order, ctx.lang) : t(ctx.lang, 'notFound', {});
  }

  async function recentOrders(ctx: Ctx): Promise<string> {
    const items = await orders.recentOf(ctx.phone, RECENT_ORDERS, ctx.customer);
    if (items.length === 0) return t(ctx.lang, 'notFound', {});
    if (items.length === 1) return describe(items[0] as Order, ctx.lang);
    return t(ctx.lang, 'statusList', {
      lines: items.map((o) => `#${o.number} ${statusName(ctx.lang, o.status)}`),
    });
  }

  /** The refusal when this phone already has the most open orders by text (SMS_MAX_OPEN_ORDERS). */
  async function tooManyOpen(ctx: Ctx): Promise<string | undefined> {
    const over = await limits.openOrdersOver(ctx.phone, ctx.customer);
    if (!over) return undefined;
    log.warn({ from: ctx.phone, ...over }, 'sms order refused: too many open orders by text');
    return t(ctx.lang, 'tooManyOpenOrders', over);
  }

  /** ORDER: a priced summary and a draft; nothing is reserved until CONFIRM. */
  async function draft(items: { sku: string; quantity: number }[], ctx: Ctx): Promise<string> {
    const refused = await tooManyOpen(ctx);
    if (refused) return refused;
    const products = await inventory.getMany(items.map((i) => i.sku));
    const bySku = new Map(products.map((p) => [p.sku, p]));
    const unknown = items.filter((i) => !bySku.has(i.sku)).map((i) => i.sku);
    if (unknown.length) return t(ctx.lang, 'orderUnknownSkus', { skus: unknown });
    const short = items.filter((i) => (bySku.get(i.sku)?.available ?? 0) < i.quantity);
    if (short.length) {
      return t(ctx.lang, 'orderShort', {
        lines: short.map((i) => ({ sku: i.sku, available: bySku.get(i.sku)?.available ?? 0 })),
      });
    }
    const total = items.reduce((sum, i) => sum + (bySku.get(i.sku)?.price ?? 0) * i.quantity, 0);
    await drafts.put({
      phone: ctx.phone,
      items,
      expiresAt: new Date(Date.now() + DRAFT_TTL_MS),
      id: ctx.sid,
    });
    return t(ctx.lang, 'orderSummary', {
      items: shortItems(items),
      total: formatMoney(total, config.currency, locale(ctx.lang)),
    });
  }

  /**
   * CONFIRM places the draft, keyed by the draft (the ORDER text's MessageSid) so that two CONFIRMs,
   * or one repeated after a crash, place one order; the draft is removed only after. The reply is
   * the "placed" message: recorded as delivered once the answer is out (handlers/twilio/sms.ts),
   * and texted separately if it never made it out (see customerUpdates.send).
   */
  async function confirm(ctx: Ctx): Promise<string> {
    // Refused before the draft is touched: it stays, to CONFIRM once an order has moved on.
    const refused = await tooManyOpen(ctx);
    if (refused) return refused;
    const found = await drafts.get(ctx.phone);
    if (!found) return t(ctx.lang, 'confirmNothing', {});
    const done = () => drafts.take(ctx.phone, found.id);
    if (found.expiresAt.getTime() < Date.now()) {
      await done();
      return t(ctx.lang, 'confirmExpired', {});
    }
    try {
      const { order, created } = await orders.place(
        {
          channel: 'sms',
          externalId: found.id ?? ctx.sid,
          customer: { name: ctx.name ?? ctx.phone, phone: ctx.phone, language: ctx.lang },
          items: found.items.map((i) => ({ sku: i.sku, quantity: i.quantity })),
        },
        { by: ctx.phone, channel: 'sms' },
      );
      await done();
      // This draft was placed by an earlier CONFIRM whose answer was lost, and the customer has
      // been texted "placed" since: say where the order stands rather than announce it twice.
      if (!created && (await deps.placedMessageSent(order.number))) return describe(order, ctx.lang);
      ctx.placed = order.number;
      return t(ctx.lang, 'placed', {
        number: order.number,
        total: formatMoney(order.total, order.currency, locale(ctx.lang)),
      });
    } catch (err) {
      if (isAppError(err) && err.code === 'insufficient_stock') {
        await done();
        const lines =
          (err.details as { items?: { sku: string; available: number }[] } | undefined)?.items ?? [];
        return t(ctx.lang, 'orderShort', {
          lines: lines.map((l) => ({ sku: l.sku, available: l.available })),
        });
      }
      if (isAppError(err) && err.code === 'validation_error') {
        await done();
        return t(ctx.lang, 'orderUnknownSkus', { skus: found.items.map((i) => i.sku) });
      }
      throw err;
    }
  }

  async function act(number: number, action: OrderAction, ctx: Ctx): Promise<string> {
    const order = await owned(number, ctx.phone);
    if (!order) return t(ctx.lang, 'notFound', {});
    try {
      await orders.applyAction(number, action, {}, { by: ctx.phone, channel: 'sms' });
      return action === 'cancel'
        ? t(ctx.lang, 'cancelled', { number })
        : t(ctx.lang, 'returnRequested', { number });
    } catch (err) {
      if (!isAppError(err) || err.code !== 'invalid_transition') throw err;
      const { status } = await orders.get(number);
      return action === 'cancel'
        ? t(ctx.lang, 'cancelRefused', { number, status })
        : t(ctx.lang, 'returnRefused', { number, status });
    }
  }

  return { reply };
}

export type SmsConversation = ReturnType<typeof createSmsConversation>;
