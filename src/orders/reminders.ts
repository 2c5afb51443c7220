import type { Order, OrderRepository } from '../../models/order.js';
import { isAppError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';
import type { OrderService } from './service.js';

/** Reminders double their spacing each time: after 1×, 3×, 7×, 15×… APPROVAL_REMINDER_AFTER. */
export const MAX_REMINDERS = 10;

/** How many reminders are due for an order that has waited `waitedMs`: 1 at `afterMs`, then doubling gaps. */
export function remindersDue(waitedMs: number, afterMs: number): number {
  if (waitedMs < afterMs) return 0;
  return Math.min(MAX_REMINDERS, Math.floor(Math.log2(waitedMs / afterMs + 1)));
}

/**
 * Orders waiting for approval, seen by a sweep over the order board (only open orders: the same
 * cost at any size). APPROVAL_REMINDER_AFTER after placement the approvers get a reminder in the
 * approval message's thread, then again at growing intervals while it waits; deciding the order
 * ends them (the sweep only sees pending orders, and a reminder due is not posted for a decided
 * one). PENDING_ORDER_EXPIRY after placement a still-pending order is cancelled by the system:
 * the cancel action releases its stock, tells the customer and updates the approval message.
 */
export function createApprovalReminders(deps: {
  orders: Pick<OrderService, 'list' | 'applyAction'>;
  orderRecords: Pick<OrderRepository, 'remind'>;
  events: EventBus;
  config: { approvalReminderAfter: { ms: number }; pendingOrderExpiry: { ms: number; text: string } | null };
  log: Logger;
}) {
  const { orders, orderRecords, events, config, log } = deps;

  async function expire(order: Order): Promise<boolean> {
    const expiry = config.pendingOrderExpiry as { ms: number; text: string };
    try {
      await orders.applyAction(
        order.number,
        'cancel',
        { note: `not approved within ${expiry.text}` },
        { by: 'system', channel: 'system' },
      );
      log.info({ order: order.number }, 'order expired: cancelled by the system after waiting for approval');
      return true;
    } catch (err) {
      // Approved, rejected or expired by another sweep in the meantime.
      if (isAppError(err) && err.code === 'invalid_transition') return false;
      throw err;
    }
  }

  /** One sweep at `now`: reminders due and orders expired. */
  async function run(now = new Date()): Promise<{ reminded: number; expired: number }> {
    const { items } = await orders.list({ status: 'pending_approval', limit: 10_000 });
    let reminded = 0;
    let expired = 0;
    for (const order of items) {
      if (order.status !== 'pending_approval') continue;
      const waited = now.getTime() - order.createdAt.getTime();
      if (config.pendingOrderExpiry && waited >= config.pendingOrderExpiry.ms) {
        if (await expire(order)) expired++;
        continue;
      }
      const due = remindersDue(waited, config.approvalReminderAfter.ms);
      const sent = order.reminders ?? 0;
      if (due <= sent) continue;
      // The effect keeps the order on the board, where it is already (pending).
      const updated = await orderRecords.remind(order.number, due, sent);
      if (!updated) continue;
      reminded++;
      events.emit('order.effects_added', { order: updated });
    }
    if (reminded || expired) log.info({ reminded, expired }, 'approval sweep');
    return { reminded, expired };
  }

  return { run };
}

export type ApprovalReminders = ReturnType<typeof createApprovalReminders>;
