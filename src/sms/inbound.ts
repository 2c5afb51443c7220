import type { SmsDraftRepository } from '../../models/sms-draft.js';
import type { Config } from '../config.js';
import type { CrossSell } from '../crosssell/service.js';
import type { CustomerService } from '../customers/service.js';
import { t } from '../i18n/index.js';
import type { InventoryService } from '../inventory/service.js';
import type { Logger } from '../logger.js';
import type { OrderWords } from '../order-words/service.js';
import type { OrderService } from '../orders/service.js';
import type { RateCounts } from '../rate-counts.js';
import type { Once } from '../requests/once.js';
import type { SmsContext } from './context.js';
import { detectLanguage, parseSms, type SmsIntent } from './keywords.js';
import { createSmsLimits, type TextVerdict } from './limits.js';
import { createSmsOrderAnswers } from './order-answers.js';
import { createSmsOrdering } from './ordering.js';
import { clampToSegments } from './segments.js';
import { inboundTextOf, type TextLog } from './text-log.js';

/** A rating is taken within 3 days of the follow-up, which goes out FOLLOW_UP_DELAY after delivery. */
const RATING_WINDOW_MS = 3 * 24 * 3600_000;
/** Texts that only ask: answering one twice changes nothing. */
const READ_ONLY = new Set<SmsIntent['kind']>(['help', 'unknown', 'status', 'order_invalid', 'add_invalid']);

/**
 * One customer text in, one reply out: the limits first, then one answer per keyword (STATUS,
 * CANCEL and RETURN in order-answers.ts, ORDER, ADD and CONFIRM in ordering.ts). Every answer about an
 * order is given only to the phone the order belongs to.
 */
export function createSmsConversation(deps: {
  config: Config;
  /** The per-phone text counts, shared by every process on the database. */
  rateCounts: Pick<RateCounts, 'hit' | 'claimNotice'>;
  customers: CustomerService;
  orders: OrderService;
  inventory: InventoryService;
  drafts: SmsDraftRepository;
  /** Customers' own words read against the catalogue (ORDER, ADD, a question's answer). */
  orderWords: Pick<OrderWords, 'reader'>;
  /** The "often bought with it" line of ORDER and ADD summaries. */
  crossSell?: Pick<CrossSell, 'suggestFor'>;
  once: Once;
  /** Where each answered text is kept for the console's timelines (in batches, off the reply). */
  textLog: Pick<TextLog, 'record'>;
  log: Logger;
  /** Whether the order's "placed" message already went out (a text, or an earlier reply). */
  placedMessageSent(number: number): Promise<boolean>;
}) {
  const { config, customers, orders, once, log } = deps;
  const business = config.businessName;
  const limits = createSmsLimits(config.limits, deps.rateCounts, orders);
  const { describe, oneOrder, recentOrders, act } = createSmsOrderAnswers({ orders });
  const {
    draft,
    add,
    confirm,
    answer: answerQuestion,
    waiting,
  } = createSmsOrdering({
    ...deps,
    limits,
    describe,
  });

  /**
   * The reply to one delivery. A text that changes something (ORDER, ADD, CONFIRM, CANCEL, RETURN,
   * STOP/START, a rating) has its effect once per MessageSid, and a redelivery gets the first
   * reply; a question (STATUS, HELP, anything unknown) is simply answered again, which saves the
   * claim's two writes on the most common text. A phone over its texts per minute is refused
   * first, before anything is read or written (src/sms/limits.ts); `reply` undefined: answer nothing.
   * `order`: the reply is that order's "placed" message (CONFIRM), first delivery or redelivery.
   * `repeat`: the reply repeats what the customer was already told (not texted when too late).
   * Each answered text is then kept for the console (./text-log.ts), without a write of its own.
   */
  async function reply(input: {
    from: string;
    body: string;
    sid: string;
  }): Promise<{ reply: string | undefined; replay: boolean; order?: number; repeat?: boolean }> {
    const at = new Date();
    const intent = await readIntent(input);
    const verdict = await limits.admitText(input.from, intent);
    if (verdict.kind !== 'answer') return { reply: await overLimit(input, verdict), replay: false };
    const answered = READ_ONLY.has(intent.kind)
      ? { reply: (await answerText(input, intent)).text, replay: false }
      : await once.answerOnce(`sms:${input.sid}`, () => answerText(input, intent));
    deps.textLog.record(inboundTextOf(input, intent, answered.order, at));
    return answered;
  }

  /**
   * What a text asks. A text that could answer a draft's question ("2", "the red one", "האדום":
   * read as a rating, a bare number or nothing known) answers it while the question waits; that
   * costs one read of the draft, and only for such texts.
   */
  async function readIntent(input: { from: string; body: string }): Promise<SmsIntent> {
    const intent = parseSms(input.body);
    const couldAnswer =
      intent.kind === 'rating' ||
      intent.kind === 'unknown' ||
      (intent.kind === 'status' && /^\s*#?\d{1,2}\s*[.!]?\s*$/.test(input.body));
    const draft = couldAnswer ? await waiting(input.from) : undefined;
    if (!draft) return intent;
    return { kind: 'answer', text: input.body.trim(), ...(draft.lang ? { lang: draft.lang } : {}) };
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
    // A bare "2" answering a question is in the question's language.
    const asked = intent.kind === 'answer' ? intent.lang : undefined;
    const lang = written ?? asked ?? customer?.language ?? config.defaultLanguage;
    if (customer && written && customer.language !== written) {
      await customers.upsertByPhone({ phone, language: lang });
    }
    const ctx: SmsContext = { phone, lang, sid: input.sid, name: customer?.name, customer };
    const text = await answer(intent, ctx);
    log.info({ from: phone, intent: intent.kind, lang }, 'sms answered');
    return {
      text: clampToSegments(text, 2),
      ...(ctx.placed ? { order: ctx.placed } : {}),
      ...(ctx.repeat ? { repeat: true } : {}),
    };
  }

  async function answer(intent: SmsIntent, ctx: SmsContext): Promise<string> {
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
        return draft(intent.text, ctx);
      case 'order_invalid':
        return t(lang, 'orderEmpty', {});
      case 'answer':
        return answerQuestion(intent.text, ctx);
      case 'confirm':
        return confirm(ctx);
      case 'add':
        return add(intent.text, ctx);
      case 'add_invalid':
        return t(lang, 'addHow', {});
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

  return { reply };
}

export type SmsConversation = ReturnType<typeof createSmsConversation>;
