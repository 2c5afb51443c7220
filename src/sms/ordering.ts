import type { SmsDraftRepository } from '../../models/sms-draft.js';
import type { Config } from '../config.js';
import type { CrossSell } from '../crosssell/service.js';
import type { Language } from '../customers/customer.js';
import { AppError, isAppError } from '../errors.js';
import { t } from '../i18n/index.js';
import type { InventoryService } from '../inventory/service.js';
import type { Logger } from '../logger.js';
import { formatMoney } from '../money.js';
import type { Order } from '../orders/order.js';
import type { OrderService } from '../orders/service.js';
import { locale, type SmsContext, shortItems } from './context.js';
import { MAX_ITEM_QUANTITY, MAX_ORDER_ITEMS } from './keywords.js';
import type { SmsLimits } from './limits.js';
import { countSegments } from './segments.js';

/** An SMS draft waits this long for CONFIRM (README, SMS: a draft "expires after 30 minutes"). */
export const DRAFT_TTL_MS = 30 * 60_000;

/** How many times ADD re-reads a draft that changed under it before giving up. */
const ADD_TRIES = 5;

type Line = { sku: string; quantity: number };

/** ORDER, ADD and CONFIRM by text: a priced draft first, then the order, once per draft. */
export function createSmsOrdering(deps: {
  config: Config;
  orders: Pick<OrderService, 'place'>;
  inventory: Pick<InventoryService, 'getMany'>;
  drafts: SmsDraftRepository;
  /** "Often bought with it" under the summary; absent: no such line. */
  crossSell?: Pick<CrossSell, 'suggestFor'>;
  limits: Pick<SmsLimits, 'openOrdersOver'>;
  log: Logger;
  /** How an order already placed is described (STATUS's words). */
  describe(order: Order, lang: Language): string;
  /** Whether the order's "placed" message already went out (a text, or an earlier reply). */
  placedMessageSent(number: number): Promise<boolean>;
}) {
  const { config, orders, inventory, drafts, limits, log, describe } = deps;

  /** The refusal when this phone already has the most open orders by text (SMS_MAX_OPEN_ORDERS). */
  async function tooManyOpen(ctx: SmsContext): Promise<string | undefined> {
    const over = await limits.openOrdersOver(ctx.phone, ctx.customer);
    if (!over) return undefined;
    log.warn({ from: ctx.phone, ...over }, 'sms order refused: too many open orders by text');
    return t(ctx.lang, 'tooManyOpenOrders', over);
  }

  /** ORDER: a priced summary and a draft; nothing is reserved until CONFIRM. */
  async function draft(items: { sku: string; quantity: number }[], ctx: SmsContext): Promise<string> {
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
    await drafts.put({
      phone: ctx.phone,
      items,
      expiresAt: new Date(Date.now() + DRAFT_TTL_MS),
      id: ctx.sid,
    });
    return summary(items, bySku, ctx);
  }

  /**
   * The draft's priced summary, with one "often bought with it" line when there is a product to
   * offer and the line still lets the reply fit in 2 segments (else it is left out, never cut).
   */
  async function summary(items: Line[], bySku: Map<string, { price: number }>, ctx: SmsContext) {
    const total = items.reduce((sum, i) => sum + (bySku.get(i.sku)?.price ?? 0) * i.quantity, 0);
    const text = t(ctx.lang, 'orderSummary', {
      items: shortItems(items),
      total: formatMoney(total, config.currency, locale(ctx.lang)),
    });
    const offer = await deps.crossSell?.suggestFor(items.map((i) => i.sku)).catch((err) => {
      // An extra line is not worth failing the answer for.
      log.warn({ err, from: ctx.phone }, 'sms summary without a suggestion: lookup failed');
      return undefined;
    });
    if (!offer) return text;
    const line = t(ctx.lang, 'orderSuggestion', {
      sku: offer.sku,
      price: formatMoney(offer.price, config.currency, locale(ctx.lang)),
    });
    const withLine = `${text}\n${line}`;
    return countSegments(withLine).segments <= 2 ? withLine : text;
  }

  /**
   * ADD: one line into the phone's pending draft (added to a line of the same SKU), checked like
   * ORDER checks (a product we sell, enough available for the whole line), then the new summary.
   * The draft keeps its id, so CONFIRM still places it once, and gets 30 more minutes. The write is
   * a compare-and-set on the draft as read (`drafts.revise`): an ORDER or another ADD in between
   * makes this one read again rather than overwrite it.
   */
  async function add(item: Line, ctx: SmsContext): Promise<string> {
    for (let attempt = 0; attempt < ADD_TRIES; attempt++) {
      const found = await drafts.get(ctx.phone);
      if (!found) return t(ctx.lang, 'addNoDraft', {});
      if (found.expiresAt.getTime() < Date.now()) {
        await drafts.take(ctx.phone, found.id);
        return t(ctx.lang, 'confirmExpired', {});
      }
      const items = found.items.map((i) => ({ sku: i.sku, quantity: i.quantity }));
      const same = items.find((i) => i.sku === item.sku);
      if (same) same.quantity += item.quantity;
      else items.push({ ...item });
      if (items.length > MAX_ORDER_ITEMS) return t(ctx.lang, 'orderTooMany', { max: MAX_ORDER_ITEMS });
      const quantity = same?.quantity ?? item.quantity;
      if (quantity > MAX_ITEM_QUANTITY) {
        return t(ctx.lang, 'addTooMuch', { sku: item.sku, max: MAX_ITEM_QUANTITY });
      }
      const products = await inventory.getMany(items.map((i) => i.sku));
      const bySku = new Map(products.map((p) => [p.sku, p]));
      const product = bySku.get(item.sku);
      if (!product) return t(ctx.lang, 'addUnknownSku', { sku: item.sku });
      if (product.available < quantity) {
        return t(ctx.lang, 'addShort', { sku: item.sku, available: Math.max(0, product.available) });
      }
      if (await drafts.revise(found, items, new Date(Date.now() + DRAFT_TTL_MS))) {
        return summary(items, bySku, ctx);
      }
    }
    throw new AppError('conflict', 'The SMS draft kept changing while a line was added; try again.');
  }

  /**
   * CONFIRM places the draft, keyed by the draft (the ORDER text's MessageSid) so that two CONFIRMs,
   * or one repeated after a crash, place one order; the draft is removed only after. The reply is
   * the "placed" message: recorded as delivered once the answer is out (handlers/twilio/sms.ts),
   * and texted separately if it never made it out (see customerUpdates.send).
   */
  async function confirm(ctx: SmsContext): Promise<string> {
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
      if (!created && (await deps.placedMessageSent(order.number))) {
        ctx.repeat = true;
        return describe(order, ctx.lang);
      }
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

  return { draft, add, confirm };
}
