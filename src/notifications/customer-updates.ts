import type { Language } from '../../models/customer.js';
import type { Order, OrderRepository } from '../../models/order.js';
import { type SmsMessageRepository, type SmsUpdateKind, smsMessageKey } from '../../models/sms-message.js';
import type { Config } from '../config.js';
import type { CustomerService } from '../customers/service.js';
import { t } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { formatMoney } from '../money.js';
import type { OrderStatus } from '../orders/lifecycle.js';
import type { OrderService } from '../orders/service.js';
import { escapeText, notice } from '../slack/blocks/index.js';
import type { SlackOut } from '../slack/client.js';
import { slackChannels } from '../slack/sync.js';
import { type SmsOut, TWILIO_UNSUBSCRIBED } from '../sms/client.js';
import { clampToSegments } from '../sms/segments.js';

/** The statuses a customer hears about (SPEC: placed, approved, shipped, delivered, rejected, cancelled). */
export const UPDATE_ON: Partial<Record<OrderStatus, SmsUpdateKind>> = {
  approved: 'approved',
  shipped: 'shipped',
  delivered: 'delivered',
  rejected: 'rejected',
  cancelled: 'cancelled',
};

/** The note given with a reject or cancel, if any: the customer is told why. */
function reasonOf(order: Order, to: OrderStatus): string | undefined {
  return [...order.history].reverse().find((h) => h.to === to)?.note;
}

export function renderUpdate(kind: SmsUpdateKind, order: Order, lang: Language, business: string): string {
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
      });
    case 'delivered':
      return t(lang, 'updateDelivered', { number });
    case 'rejected':
      return t(lang, 'updateRejected', { number, reason: reasonOf(order, 'rejected') });
    case 'cancelled':
      return t(lang, 'updateCancelled', { number, reason: reasonOf(order, 'cancelled') });
  }
}

/**
 * Sends one customer update, at most once however often its job runs: the record keyed
 * `<order>:<kind>` remembers a sent message. The opt-out is read now, at sending time, so an
 * update queued before the customer texted STOP is not sent.
 */
export function createCustomerUpdates(deps: {
  orders: OrderService;
  /** Where a give-up is kept for staff to see. */
  orderRecords: OrderRepository;
  messages: SmsMessageRepository;
  customers: CustomerService;
  sms: SmsOut;
  slackOut: SlackOut;
  config: Config;
  log: Logger;
}) {
  const { orders, orderRecords, messages, customers, config, log } = deps;

  async function send(number: number, kind: SmsUpdateKind): Promise<void> {
    const order = await orders.get(number);
    const phone = order.customer.phone;
    const message = await messages.ensure(number, kind, phone);
    if (message.sid || message.status !== 'pending') return;
    const customer = await customers.findByPhone(phone);
    if (customer?.optedOut) {
      await messages.markSkipped(message.key);
      log.info({ order: number, kind, phone }, 'customer update not sent: the customer opted out');
      return;
    }
    const lang = customer?.language ?? order.customer.language ?? config.defaultLanguage;
    const body = clampToSegments(renderUpdate(kind, order, lang, config.businessName), 2);
    await messages.startAttempt(message.key, body);
    try {
      const sent = await deps.sms.send(phone, body, { ref: message.key });
      await messages.markSent(message.key, sent.sid, sent.status);
      log.info({ order: number, kind, sid: sent.sid }, 'customer update sent');
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code === TWILIO_UNSUBSCRIBED) {
        // The carrier says this phone replied STOP to our number: record it, never retry.
        await customers.setOptedOut(phone, true);
        await messages.markSkipped(message.key, String(code));
        return;
      }
      await messages.markError(message.key, (err as Error).message, code ? String(code) : undefined);
      throw err;
    }
  }

  /** After the last retry: kept on the order and the message record, and told to staff in Slack. */
  async function giveUp(number: number, kind: SmsUpdateKind, error: string): Promise<void> {
    await messages.markFailed(smsMessageKey(number, kind), error);
    await orderRecords.recordSmsFailure(number, { kind, at: new Date(), error });
    log.error({ order: number, kind, error }, 'customer update could not be sent; gave up');
    const text = `:warning: Could not text the customer about order #${number} (${kind}) after every retry: ${escapeText(error)}. Please contact them another way.`;
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

  return { send, giveUp, recordStatus };
}

export type CustomerUpdates = ReturnType<typeof createCustomerUpdates>;
