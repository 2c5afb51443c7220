import type { Agenda } from 'agenda';
import type { ApprovalReminders } from '../src/orders/reminders.js';

export const APPROVAL_REMINDERS = 'approval-reminders';

/**
 * Every minute: orders waiting for approval get their reminders as they fall due, and those
 * waiting past PENDING_ORDER_EXPIRY are cancelled (src/orders/reminders.ts). It reads the order
 * board only, and each change is a compare-and-set, so two runs at once do each thing once.
 */
export function defineApprovalReminders(agenda: Agenda, deps: { reminders: ApprovalReminders }) {
  agenda.define(APPROVAL_REMINDERS, async () => {
    await deps.reminders.run();
  });
}
