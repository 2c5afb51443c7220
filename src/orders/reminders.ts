import type { OrderRepository } from '../../models/order.js';
import type { OrderBoardRepository } from '../../models/order-board.js';
import { reminderEffect } from '../delivery/effects.js';
import { isAppError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';
import { createBoardWalk, type WalkLimits } from './board-walk.js';
import type { Order } from './order.js';
import type { OrderService } from './service.js';

/** Reminders double their spacing each time: after 1×, 3×, 7×, 15×… APPROVAL_REMINDER_AFTER. */
export const MAX_REMINDERS = 10;

/** How many reminders are due for an order that has waited `waitedMs`: 1 at `afterMs`, then doubling gaps. */
export function remindersDue(waitedMs: number, afterMs: number): number {
  if (waitedMs < afterMs) return 0;
  return Math.min(MAX_REMINDERS, Math.floor(Math.log2(waitedMs / afterMs + 1)));
}

/** One run reads at most this many pending orders, 200 at a time; the next run carries on. */
export const REMINDER_WALK: WalkLimits = { batch: 200, max: 2_000 };

/**
 * Orders waiting for approval, seen by a sweep over the order board's pending entries, walked by
 * order number in bounded steps (src/orders/board-walk.ts): a run's cost does not grow with the
 * number of pending orders, and past `max` of them the next run carries on where this one stopped,
 * so every one is reminded and expired, the oldest first. APPROVAL_REMINDER_AFTER after placement the approvers get a reminder in the
 * approval message's thread, then again at growing intervals while it waits; deciding the order
 * ends them (the sweep only sees pending orders, and a reminder due is not posted for a decided
 * one). PENDING_ORDER_EXPIRY after placement a still-pending order is cancelled by the system:
 * the cancel action releases its stock, tells the customer and updates the approval message.
 */
export function createApprovalReminders(deps: {
  orders: Pick<OrderService, 'applyAction'>;
  orderRecords: Pick<OrderRepository, 'remind' | 'getMany'>;
  board: Pick<OrderBoardRepository, 'page'>;
  events: EventBus;
  config: { approvalReminderAfter: { ms: number }; pendingOrderExpiry: { ms: number; text: string } | null };
  log: Logger;
}) {
  const { orders, orderRecords, events, config, log } = deps;
  const walk = createBoardWalk(deps.board, ['pending_approval']);

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

  /** What the sweep did for one pending order. */
  async function visit(order: Order, now: Date): Promise<'reminded' | 'expired' | undefined> {
    const waited = now.getTime() - order.createdAt.getTime();
    if (config.pendingOrderExpiry && waited >= config.pendingOrderExpiry.ms) {
      return (await expire(order)) ? 'expired' : undefined;
    }
    const due = remindersDue(waited, config.approvalReminderAfter.ms);
    const sent = order.reminders ?? 0;
    if (due <= sent) return undefined;
    // The effect keeps the order on the board, where it is already (pending).
    const updated = await orderRecords.remind(order.number, due, sent, [reminderEffect(due)]);
    if (!updated) return undefined;
    events.emit('order.effects_added', { order: updated });
    return 'reminded';
  }

  /**
   * One sweep at `now`: reminders due and orders expired, over one bounded step of the walk
   * (`limits`: a test walks in small steps).
   */
  async function run(
    now = new Date(),
    limits: WalkLimits = REMINDER_WALK,
  ): Promise<{ reminded: number; expired: number }> {
    let reminded = 0;
    let expired = 0;
    for await (const entries of walk.run(limits)) {
      // The board's status is a hint: the order itself says whether it still waits. Oldest first.
      const batch = (await orderRecords.getMany(entries.map((e) => e.number))).reverse();
      for (const order of batch) {
        if (order.status !== 'pending_approval') continue;
        const done = await visit(order, now);
        if (done === 'reminded') reminded++;
        else if (done === 'expired') expired++;
      }
    }
    if (reminded || expired) log.info({ reminded, expired }, 'approval sweep');
    return { reminded, expired };
  }

  return { run };
}

export type ApprovalReminders = ReturnType<typeof createApprovalReminders>;
