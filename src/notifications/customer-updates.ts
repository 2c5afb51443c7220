import type { Language } from '../../models/customer.js';
import type { Order } from '../../models/order.js';
import type { SmsUpdateKind } from '../../models/sms-message.js';
import { isDuplicateKey } from '../errors.js';
import { t } from '../i18n/index.js';
import { formatMoney } from '../money.js';
import type { OrderStatus } from '../orders/lifecycle.js';
import type { Deps } from '../services.js';
import { escapeText, notice } from '../slack/blocks/index.js';
import { slackChannels } from '../slack/sync.js';
import { TWILIO_UNSUBSCRIBED } from '../sms/client.js';
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
export function createCustomerUpdates(deps: Deps) {
  const { models, orders, customers, config, log } = deps;
  const { SmsMessage, Order } = models;

  async function record(order: Order, kind: SmsUpdateKind) {
    const key = `${order.number}:${kind}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return await SmsMessage.findOneAndUpdate(
          { key },
          {
            $setOnInsert: {
              key,
              orderNumber: order.number,
              kind,
              to: order.customer.phone,
              status: 'pending',
              attempts: 0,
            },
          },
          { upsert: true, returnDocument: 'after', lean: true },
        );
      } catch (err) {
        if (!isDuplicateKey(err) || attempt >= 2) throw err;
      }
    }
  }

  async function send(number: number, kind: SmsUpdateKind): Promise<void> {
    const order = await orders.get(number);
    const message = await record(order, kind);
    if (!message || message.sid || message.status !== 'pending') return;
    const phone = order.customer.phone;
    const customer = await customers.findByPhone(phone);
    if (customer?.optedOut) {
      await SmsMessage.updateOne({ key: message.key }, { $set: { status: 'skipped_opted_out' } });
      log.info({ order: number, kind, phone }, 'customer update not sent: the customer opted out');
      return;
    }
    const lang = customer?.language ?? order.customer.language ?? config.defaultLanguage;
    const body = clampToSegments(renderUpdate(kind, order, lang, config.businessName), 2);
    await SmsMessage.updateOne({ key: message.key }, { $set: { body }, $inc: { attempts: 1 } });
    try {
      const sent = await deps.sms.send(phone, body);
      await SmsMessage.updateOne(
        { key: message.key },
        { $set: { sid: sent.sid, status: sent.status }, $unset: { lastError: '' } },
      );
      log.info({ order: number, kind, sid: sent.sid }, 'customer update sent');
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code === TWILIO_UNSUBSCRIBED) {
        // The carrier says this phone replied STOP to our number: record it, never retry.
        await customers.setOptedOut(phone, true);
        await SmsMessage.updateOne(
          { key: message.key },
          { $set: { status: 'skipped_opted_out', errorCode: String(code) } },
        );
        return;
      }
      await SmsMessage.updateOne(
        { key: message.key },
        { $set: { lastError: (err as Error).message, ...(code ? { errorCode: String(code) } : {}) } },
      );
      throw err;
    }
  }

  /** After the last retry: kept on the order and the message record, and told to staff in Slack. */
  async function giveUp(number: number, kind: SmsUpdateKind, error: string): Promise<void> {
    await SmsMessage.updateOne(
      { key: `${number}:${kind}` },
      { $set: { status: 'failed', lastError: error } },
    );
    await Order.updateOne({ number }, { $push: { smsFailures: { kind, at: new Date(), error } } });
    log.error({ order: number, kind, error }, 'customer update could not be sent; gave up');
    const text = `:warning: Could not text the customer about order #${number} (${kind}) after every retry: ${escapeText(error)}. Please contact them another way.`;
    await deps.slack.out
      .postMessage(slackChannels(config).approvals, notice(text))
      .catch((err) =>
        log.error({ err, order: number }, 'could not tell staff about the failed customer update'),
      );
  }

  return { send, giveUp };
}
