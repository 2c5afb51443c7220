import type { DraftQuestion, SmsDraft, SmsDraftRepository } from '../../models/sms-draft.js';
import type { Config } from '../config.js';
import type { CrossSell } from '../crosssell/service.js';
import type { Language } from '../customers/customer.js';
import { AppError, isAppError } from '../errors.js';
import { t } from '../i18n/index.js';
import type { InventoryService } from '../inventory/service.js';
import type { Logger } from '../logger.js';
import { formatMoney } from '../money.js';
import type { ProductChoice } from '../order-words/catalogue.js';
import type { OrderQuestion, OrderReader, OrderReading } from '../order-words/read.js';
import type { OrderWords } from '../order-words/service.js';
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

/** How many options a question lists: the answer is one digit, and a reply has 2 segments. */
const MAX_OPTIONS = 9;

/** A product as the customer reads it: a Hebrew alias for a Hebrew reader when there is one. */
export function shownName(choice: ProductChoice, lang: Language): string {
  const hebrew = lang === 'he' ? choice.aliases.find((a) => /[\u05d0-\u05ea]/.test(a)) : undefined;
  return hebrew ?? choice.name;
}

/** The lines with one more, added to a line of the same SKU. */
function withLine(items: readonly Line[], line: Line): Line[] {
  const out = items.map((i) => ({ ...i }));
  const same = out.find((i) => i.sku === line.sku);
  if (same) same.quantity += line.quantity;
  else out.push({ ...line });
  return out;
}

/** The phrases no product fits, with the closest product's name in the reader's language. */
const unplacedOf = (reading: OrderReading, lang: Language) =>
  reading.unplaced.map((u) => ({
    phrase: u.phrase,
    ...(u.closest ? { closest: shownName(u.closest, lang) } : {}),
  }));

/** The question's text in the customer's language. */
const questionText = (q: OrderQuestion, options: readonly ProductChoice[], lang: Language) =>
  t(lang, 'orderQuestion', { phrase: q.phrase, options: options.map((o) => shownName(o, lang)) });

/**
 * The question as the draft keeps it: the options its text can list within 2 segments (at most
 * MAX_OPTIONS, at least 2), so a number the customer answers is always one they were shown.
 */
function toDraftQuestion(q: OrderQuestion, lang: Language): DraftQuestion {
  let n = Math.min(MAX_OPTIONS, q.options.length);
  while (n > 2 && countSegments(questionText(q, q.options.slice(0, n), lang)).segments > 2) n--;
  return { phrase: q.phrase, quantity: q.quantity, options: q.options.slice(0, n).map((o) => o.sku) };
}

/**
 * ORDER, ADD and CONFIRM by text: the customer's words read against the catalogue
 * (src/order-words/), a question for each phrase that fits several products, a priced draft,
 * then the order, once per draft.
 */
export function createSmsOrdering(deps: {
  config: Config;
  orderWords: Pick<OrderWords, 'reader'>;
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

  /** What a reading cannot become a draft for, as the reply; undefined when it can. */
  function unusable(reading: OrderReading, lang: Language): string | undefined {
    if (reading.tooMuch) {
      return t(lang, 'orderTooMuch', { phrase: reading.tooMuch.phrase, max: MAX_ITEM_QUANTITY });
    }
    if (reading.unplaced.length) return t(lang, 'orderUnplaced', { phrases: unplacedOf(reading, lang) });
    if (reading.lines.length + reading.questions.length === 0) return t(lang, 'orderEmpty', {});
    if (reading.lines.length + reading.questions.length > MAX_ORDER_ITEMS) {
      return t(lang, 'orderTooMany', { max: MAX_ORDER_ITEMS });
    }
    return undefined;
  }

  /** The numbered question for a phrase that fits several products. */
  function ask(question: DraftQuestion, reader: OrderReader, lang: Language): string {
    const options = question.options.map((sku) => reader.product(sku));
    return t(lang, 'orderQuestion', {
      phrase: question.phrase,
      options: options.map((o, i) => (o ? shownName(o, lang) : (question.options[i] ?? ''))),
    });
  }

  /** The products of the lines, or the reply when one is gone or short. */
  async function stocked(
    items: readonly Line[],
    lang: Language,
  ): Promise<{ bySku: Map<string, { price: number; available: number }> } | { refusal: string }> {
    const products = await inventory.getMany(items.map((i) => i.sku));
    const bySku = new Map(products.map((p) => [p.sku, p]));
    const unknown = items.filter((i) => !bySku.has(i.sku)).map((i) => i.sku);
    if (unknown.length) return { refusal: t(lang, 'orderUnknownSkus', { skus: unknown }) };
    const short = items.filter((i) => (bySku.get(i.sku)?.available ?? 0) < i.quantity);
    if (short.length) {
      return {
        refusal: t(lang, 'orderShort', {
          lines: short.map((i) => ({ sku: i.sku, available: bySku.get(i.sku)?.available ?? 0 })),
        }),
      };
    }
    return { bySku };
  }

  const expiry = () => new Date(Date.now() + DRAFT_TTL_MS);

  /**
   * ORDER: the customer's words read against the catalogue. Words it cannot place are named and
   * nothing is kept; a phrase fitting several products is asked about, the draft waiting for the
   * answer; else a priced summary and a draft. Nothing is reserved until CONFIRM.
   */
  async function draft(text: string, ctx: SmsContext): Promise<string> {
    const refused = await tooManyOpen(ctx);
    if (refused) return refused;
    const reader = await deps.orderWords.reader();
    const reading = reader.read(text);
    const problem = unusable(reading, ctx.lang);
    if (problem) return problem;
    const [first] = reading.questions;
    if (first) {
      const questions = reading.questions.map((q) => toDraftQuestion(q, ctx.lang));
      await drafts.put({
        phone: ctx.phone,
        items: reading.lines,
        questions,
        expiresAt: expiry(),
        id: ctx.sid,
        lang: ctx.lang,
      });
      return ask(questions[0] ?? toDraftQuestion(first, ctx.lang), reader, ctx.lang);
    }
    const stock = await stocked(reading.lines, ctx.lang);
    if ('refusal' in stock) return stock.refusal;
    await drafts.put({
      phone: ctx.phone,
      items: reading.lines,
      expiresAt: expiry(),
      id: ctx.sid,
      lang: ctx.lang,
    });
    return summary(reading.lines, stock.bySku, ctx);
  }

  /** The phone's draft while it waits for an answer to a question (and has not expired). */
  async function waiting(phone: string): Promise<SmsDraft | undefined> {
    const found = await drafts.get(phone);
    if (!found?.questions?.length || found.expiresAt.getTime() < Date.now()) return undefined;
    return found;
  }

  /**
   * The answer to the draft's question ("2", "the red one", "האדום"): the line it picks joins the
   * draft, then the next question, or the priced summary. An answer that picks nothing asks again.
   * Compare-and-set on the draft as read, like ADD.
   */
  async function answer(text: string, ctx: SmsContext): Promise<string> {
    for (let attempt = 0; attempt < ADD_TRIES; attempt++) {
      const found = await waiting(ctx.phone);
      if (!found) return t(ctx.lang, 'confirmExpired', {});
      const [question, ...rest] = found.questions ?? [];
      if (!question) return t(ctx.lang, 'confirmExpired', {});
      const reader = await deps.orderWords.reader();
      const options = question.options.map((sku) => reader.product(sku)).filter((o) => o !== undefined);
      const pick = reader.choose({ options }, text);
      if (!pick) return ask(question, reader, ctx.lang);
      const items = withLine(found.items, { sku: pick.sku, quantity: question.quantity });
      const over = items.find((i) => i.quantity > MAX_ITEM_QUANTITY);
      if (over)
        return t(ctx.lang, 'orderTooMuch', { phrase: shownName(pick, ctx.lang), max: MAX_ITEM_QUANTITY });
      const [next] = rest;
      if (next) {
        if (await drafts.revise(found, items, expiry(), rest)) return ask(next, reader, ctx.lang);
        continue;
      }
      const stock = await stocked(items, ctx.lang);
      if ('refusal' in stock) {
        await drafts.take(ctx.phone, found.id);
        return stock.refusal;
      }
      if (await drafts.revise(found, items, expiry(), [])) return summary(items, stock.bySku, ctx);
    }
    throw new AppError('conflict', 'The SMS draft kept changing while a question was answered; try again.');
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
   * ADD: the customer's words (`ADD TOTE 2`, `ADD a blue mug`) into the phone's pending draft,
   * each line added to a line of the same SKU, checked like ORDER checks (a product we sell,
   * enough available for the whole line), then the new summary; a phrase fitting several products
   * becomes the draft's next question. The draft keeps its id, so CONFIRM still places it once,
   * and gets 30 more minutes. The write is a compare-and-set on the draft as read
   * (`drafts.revise`): an ORDER or another ADD in between makes this one read again rather than
   * overwrite it.
   */
  async function add(text: string, ctx: SmsContext): Promise<string> {
    const reader = await deps.orderWords.reader();
    const reading = reader.read(text);
    if (reading.tooMuch) {
      return t(ctx.lang, 'addTooMuch', { sku: reading.tooMuch.phrase, max: MAX_ITEM_QUANTITY });
    }
    if (reading.unplaced.length)
      return t(ctx.lang, 'addUnplaced', { phrases: unplacedOf(reading, ctx.lang) });
    const problem = unusable(reading, ctx.lang);
    if (problem) return problem;
    for (let attempt = 0; attempt < ADD_TRIES; attempt++) {
      const found = await drafts.get(ctx.phone);
      if (!found) return t(ctx.lang, 'addNoDraft', {});
      if (found.expiresAt.getTime() < Date.now()) {
        await drafts.take(ctx.phone, found.id);
        return t(ctx.lang, 'confirmExpired', {});
      }
      const items = reading.lines.reduce(withLine, found.items);
      const questions = [
        ...(found.questions ?? []),
        ...reading.questions.map((q) => toDraftQuestion(q, ctx.lang)),
      ];
      if (items.length + questions.length > MAX_ORDER_ITEMS) {
        return t(ctx.lang, 'orderTooMany', { max: MAX_ORDER_ITEMS });
      }
      const added = reading.lines.map((l) => items.find((i) => i.sku === l.sku) as Line);
      const over = added.find((i) => i.quantity > MAX_ITEM_QUANTITY);
      if (over) return t(ctx.lang, 'addTooMuch', { sku: over.sku, max: MAX_ITEM_QUANTITY });
      const products = await inventory.getMany(items.map((i) => i.sku));
      const bySku = new Map(products.map((p) => [p.sku, p]));
      const gone = added.find((i) => !bySku.has(i.sku));
      if (gone) return t(ctx.lang, 'addUnknownSku', { sku: gone.sku });
      const short = added.find((i) => (bySku.get(i.sku)?.available ?? 0) < i.quantity);
      if (short) {
        const available = Math.max(0, bySku.get(short.sku)?.available ?? 0);
        return t(ctx.lang, 'addShort', { sku: short.sku, available });
      }
      if (await drafts.revise(found, items, expiry(), questions)) {
        const [next] = questions;
        return next ? ask(next, reader, ctx.lang) : summary(items, bySku, ctx);
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
    // A question still open: the draft is not whole yet, so it is asked again.
    const [open] = found.questions ?? [];
    if (open) return ask(open, await deps.orderWords.reader(), ctx.lang);
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

  return { draft, add, confirm, answer, waiting };
}
