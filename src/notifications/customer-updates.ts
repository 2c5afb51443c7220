import type { OrderRepository } from '../../models/order.js';
import { type SmsMessageRepository, smsMessageKey } from '../../models/sms-message.js';
import type { Config } from '../config.js';
import type { Language } from '../customers/customer.js';
import type { CustomerService } from '../customers/service.js';
import { smsEffect } from '../delivery/effects.js';
import { RetryLater } from '../delivery/retry.js';
import { t } from '../i18n/index.js';
import type { InvoiceLinks } from '../invoices/links.js';
import type { Logger } from '../logger.js';
import { formatMoney } from '../money.js';
import type { CustomerText, OrderStatus } from '../orders/lifecycle.js';
import type { Order } from '../orders/order.js';
import type { OrderService } from '../orders/service.js';
import { scrubSecrets } from '../redact.js';
import { escapeText, notice } from '../slack/blocks/index.js';
import type { SlackOut } from '../slack/client.js';
import { slackChannels } from '../slack/sync.js';
import { type SmsOut, TWILIO_UNSUBSCRIBED } from '../sms/client.js';
import { clampToSegments, countSegments } from '../sms/segments.js';

/** The note given with a reject or cancel, if any: the customer is told why. */
function reasonOf(order: Order, to: OrderStatus): string | undefined {
  return [...order.history].reverse().find((h) => h.to === to)?.note;
}

/** What a follow-up may name besides the order: a product often bought with it. */
export interface UpdateExtras {
  suggestion?: { sku: string; name: string; price: number };
  /** The "shipped" text's signed link to the invoice. */
  invoiceUrl?: string;
}

export function renderUpdate(
  kind: CustomerText,
  order: Order,
  lang: Language,
  business: string,
  extras: UpdateExtras = {},
): string {
  const number = order.number;
  const locale = lang === 'he' ? 'he-IL' : 'en-US';
  switch (kind) {
    case 'placed':
      return t(lang, 'updatePlaced', {
        business,
        number,
        total: formatMoney(order.total, order.currency, locale),
      });
    case 'approved':
      return t(lang, 'updateApproved', { number });
    case 'shipped':
      return t(lang, 'updateShipped', {
        number,
        carrier: order.shipment?.carrier ?? '',
        trackingNumber: order.shipment?.trackingNumber ?? '',
        ...(extras.invoiceUrl ? { invoiceUrl: extras.invoiceUrl } : {}),
      });
    case 'delivered':
      return t(lang, 'updateDelivered', { number });
    case 'rejected':
      return t(lang, 'updateRejected', { number, reason: reasonOf(order, 'rejected') });
    case 'cancelled':
      return t(lang, 'updateCancelled', { number, reason: reasonOf(order, 'cancelled') });
    case 'follow_up':
      return t(lang, 'followUp', {
        business,
        number,
        ...(extras.suggestion
          ? {
              suggestion: {
                sku: extras.suggestion.sku,
                price: formatMoney(extras.suggestion.price, order.currency, locale),
              },
            }
          : {}),
      });
  }
}

/**
 * A sender's claim on a message outlasts one Twilio call (10 s at most), so a live sender is never
 * taken over; a claim left by a sender that died is taken over after this long.
 */
export const SEND_CLAIM_MS = 30_000;

/** Twilio waits 15 s for the reply to a text; after this, a CONFIRM reply is known to be lost. */
const REPLY_GRACE_MS = 30_000;

/**
 * Twilio refuses a message that can never go (an invalid number, a landline, a blocked region) with
 * HTTP 400 and an error code; 401, 404 or 429 are about our account or pace, so they are retried.
 */
const permanent = (err: unknown) => (err as { status?: number }).status === 400;

/**
 * Sends one customer update, at most once however often it is asked for: the record keyed
 * `<order>:<kind>` is claimed before sending and remembers the sent message. A claim left by a
 * sender that died is taken over, and Twilio's log is searched for the message it may have sent
 * before anything is sent again. The opt-out is read now, at sending time, so an update asked for
 * before the customer texted STOP is not sent. Returns once the update needs nothing more (sent,
 * skipped, or given up for good); throws while it should be tried again.
 */
export function createCustomerUpdates(deps: {
  orders: OrderService;
  /** Where a give-up is kept for staff to see. */
  orderRecords: OrderRepository;
  messages: SmsMessageRepository;
  customers: CustomerService;
  sms: SmsOut;
  slackOut: SlackOut;
  /** The "shipped" text links the invoice. */
  invoiceLinks: Pick<InvoiceLinks, 'url'>;
  config: Config;
  log: Logger;
}) {
  const { orders, orderRecords, messages, customers, config, log } = deps;

  /**
   * The text, at most 2 segments; the "shipped" text carries its invoice link (signed, expiring) and
   * may take a third segment for it rather than lose it, since a link cut short is worthless.
   */
  function renderBody(kind: CustomerText, order: Order, lang: Language, extras: UpdateExtras): string {
    if (kind === 'shipped' && order.invoice && !extras.invoiceUrl) {
      const withLink = renderUpdate(kind, order, lang, config.businessName, {
        ...extras,
        invoiceUrl: deps.invoiceLinks.url(order.number),
      });
      if (countSegments(withLink).segments <= 3) return withLink;
    }
    return clampToSegments(renderUpdate(kind, order, lang, config.businessName, extras), 2);
  }

  /** `current`: the order as the caller just read it, to save reading it again. */
  async function send(
    number: number,
    kind: CustomerText,
    current?: Order,
    extras: UpdateExtras = {},
  ): Promise<void> {
    const order = current ?? (await orders.get(number));
    const phone = order.customer.phone;
    // An order placed by text is confirmed in the reply to CONFIRM; give that reply its chance
    // first (before any write), and text it only if it never went out (the process died first).
    const replyDue = order.createdAt.getTime() + REPLY_GRACE_MS - Date.now();
    if (kind === 'placed' && order.channel === 'sms' && replyDue > 0) {
      throw new RetryLater(`order #${number} is confirmed in the reply to CONFIRM`, replyDue);
    }
    const customer = await customers.findByPhone(phone);
    if (customer?.optedOut) {
      const message = await messages.ensure(number, kind, phone);
      if (message.sid || message.status !== 'pending') return;
      await messages.markSkipped(message.key);
      log.info({ order: number, kind, phone }, 'customer update not sent: the customer opted out');
      return;
    }
    const lang = customer?.language ?? order.customer.language ?? config.defaultLanguage;
    const body = renderBody(kind, order, lang, extras);
    const at = new Date();
    // The record is made with the claim (one write): there is nothing to record before sending.
    const key = smsMessageKey(number, kind);
    const claim = await messages.claimAttempt(
      number,
      kind,
      phone,
      body,
      at,
      new Date(at.getTime() - SEND_CLAIM_MS),
    );
    if (!claim) {
      const now = await messages.get(key);
      if (now?.sid || now?.status !== 'pending') return;
      const heldFor = now.attemptAt ? at.getTime() - now.attemptAt.getTime() : 0;
      throw new RetryLater(`the ${kind} text of order #${number} is being sent`, SEND_CLAIM_MS - heldFor);
    }
    if (claim.earlier) {
      // A sender died mid-send, or its answer was lost: did Twilio take the message?
      const earlier = await deps.sms.findSent(phone, claim.earlier.body ?? body, claim.earlier.at, key);
      if (earlier) {
        await messages.markSent(key, earlier.sid, earlier.status);
        log.warn(
          { order: number, kind, sid: earlier.sid },
          'found the customer update a crashed sender sent',
        );
        return;
      }
    }
    try {
      const sent = await deps.sms.send(phone, body, { ref: key });
      await messages.markSent(key, sent.sid, sent.status);
      log.info({ order: number, kind, sid: sent.sid }, 'customer update sent');
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code === TWILIO_UNSUBSCRIBED) {
        // The carrier says this phone replied STOP to our number: record it, never retry.
        await customers.setOptedOut(phone, true);
        await messages.markSkipped(key, String(code));
        return;
      }
      if (permanent(err)) {
        // Twilio refused this message for good (a number that cannot receive texts…).
        await giveUp(number, kind, scrubSecrets((err as Error).message));
        return;
      }
      await messages.markError(key, scrubSecrets((err as Error).message), code ? String(code) : undefined);
      // Twilio answered, so it did not take the message; otherwise it may have: look first.
      const answered = typeof (err as { status?: number }).status === 'number';
      await messages.releaseAttempt(key, at, answered ? undefined : new Date(at.getTime() - SEND_CLAIM_MS));
      throw err;
    }
  }

  /**
   * The update goes out as the reply to the customer's text `replyTo`: recorded before the answer
   * is given, and given only if this returns true (false: it is being or was texted instead). The
   * record alone keeps it from being texted too; its effect is settled after the answer
   * (`settleReply`), or else by delivery, which finds the record replied.
   */
  function recordReply(
    number: number,
    kind: CustomerText,
    body: string,
    phone: string,
    replyTo: string,
  ): Promise<boolean> {
    return messages.markReplied(number, kind, phone, body, replyTo);
  }

  /** After the answer carrying the update went out: nothing is left due for it. */
  async function settleReply(number: number, kind: CustomerText): Promise<void> {
    await orderRecords.settleEffects(number, [smsEffect(kind)]);
  }

  /**
   * The answer to `replyTo` went out without the update although its record may land later: the
   * update stays due and is texted once the reply window has passed (see `send`).
   */
  async function replyLost(
    number: number,
    kind: CustomerText,
    phone: string,
    replyTo: string,
  ): Promise<void> {
    await messages.markReplyLost(number, kind, phone, replyTo);
  }

  /** A message that can never go: kept on the order and the message record, and told to staff in Slack. */
  async function giveUp(number: number, kind: CustomerText, error: string): Promise<void> {
    await messages.markFailed(smsMessageKey(number, kind), error);
    await orderRecords.recordSmsFailure(number, { kind, at: new Date(), error });
    log.error({ order: number, kind, error }, 'customer update could not be sent; gave up');
    const text = `:warning: Could not text the customer about order #${number} (${kind}): ${escapeText(error)}. Please contact them another way.`;
    await deps.slackOut
      .postMessage(slackChannels(config).approvals, notice(text))
      .catch((err) =>
        log.error({ err, order: number }, 'could not tell staff about the failed customer update'),
      );
  }

  /** Twilio's delivery status for a message we sent (`ref` is the record key the callback names). */
  async function recordStatus(ref: { key?: string; sid: string }, status: string, errorCode?: string) {
    return messages.recordStatus(ref, status, errorCode);
  }

  /** Whether the update went out already (texted, replied, or settled for good). */
  async function alreadySent(number: number, kind: CustomerText): Promise<boolean> {
    const message = await messages.get(smsMessageKey(number, kind));
    return Boolean(message && (message.sid || message.status !== 'pending'));
  }

  return { send, recordReply, settleReply, replyLost, alreadySent, giveUp, recordStatus };
}

export type CustomerUpdates = ReturnType<typeof createCustomerUpdates>;
