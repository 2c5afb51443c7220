import type { OrderRepository } from '../../models/order.js';
import type { Config } from '../config.js';
import { isReminderEffect, parseEffect } from '../delivery/effects.js';
import { RetryLater } from '../delivery/retry.js';
import type { InvoiceLinks } from '../invoices/links.js';
import type { Logger } from '../logger.js';
import { FULFILLMENT_STATUSES } from '../orders/lifecycle.js';
import { LOW_RATING, type Order, type SlackMessageRef, type SlackSlot } from '../orders/order.js';
import type { OrderService } from '../orders/service.js';
import {
  approvalMessage,
  approvalReminder,
  fulfillmentTask,
  lowRatingMessage,
  lowRatingShown,
  type RenderContext,
} from './blocks/index.js';
import type { SlackOut } from './client.js';
import { createSlotPoster, type Surface as OrderSurface } from './slots.js';

type Surface = OrderSurface<Order>;

/**
 * An order that has no message yet and moved on long ago (Slack was configured after it was
 * placed, or it sat out a long Slack outage) gets none: a "new order" post for last month's
 * delivery would only confuse the channel.
 */
const LATE_POST_MS = 24 * 3600_000;
const recent = (at: Date | undefined) => at !== undefined && Date.now() - at.getTime() < LATE_POST_MS;
const TASK_OPEN: readonly string[] = FULFILLMENT_STATUSES;

export { CLAIM_STALE_MS } from './slots.js';

/** Sandbox mode has no channel ids; the outbox shows these names instead. */
export function slackChannels(config: Config) {
  const c = config.slack.channels;
  return {
    approvals: c.approvals ?? 'approvals',
    fulfillment: c.fulfillment ?? 'fulfillment',
    inventory: c.inventory ?? 'inventory',
    calls: c.calls ?? 'calls',
    digest: c.digest ?? c.approvals ?? 'approvals',
  };
}

/**
 * Makes the order's Slack messages show the order as it is now: the approval request (posted when
 * it is placed, then showing who decided) and, once approved, the fulfillment task (next step's
 * button, then tracking and invoice). It renders from the stored order, not from the event that
 * asked, so running it twice, late or out of order converges on the same messages.
 */
export function createSlackSync(deps: {
  config: Config;
  /** The order's Slack slots are claimed and recorded on the order itself. */
  orderRecords: OrderRepository;
  orders: OrderService;
  out: SlackOut;
  invoiceLinks: InvoiceLinks;
  log: Logger;
}) {
  const { orderRecords, orders, out, invoiceLinks, log } = deps;
  // Slot names are paths under `slack`: `approval`, `task`, `rating`, `remind.n<count>`.
  const slot = (s: string) => s as SlackSlot;
  const { show } = createSlotPoster<Order>({
    out,
    log,
    store: {
      ref: (o, s) => pathOf(o.slack, s) as SlackMessageRef | undefined,
      claimedAt: (o, s) => pathOf(o.slack, `${s}ClaimedAt`) as Date | undefined,
      claim: (o, s, at, staleBefore) => orderRecords.claimSlackSlot(o.number, slot(s), at, staleBefore),
      release: (o, s, at, staleSince) => orderRecords.releaseSlackSlot(o.number, slot(s), at, staleSince),
      store: (o, s, ref) => orderRecords.storeSlackRef(o.number, slot(s), ref),
      markShown: (o, s, ts, shown) => orderRecords.markSlackShown(o.number, slot(s), ts, shown),
      forget: (o, s, ts) => orderRecords.forgetSlackRef(o.number, slot(s), ts),
      reload: (o) => orders.get(o.number),
      tag: (o, s) => ({ order: o.number, slot: s }),
      label: (o) => ({ order: o.number }),
    },
  });
  const ctx: RenderContext = { currency: deps.config.currency, timezone: deps.config.timezone };
  const channels = slackChannels(deps.config);

  const approval: Surface = {
    slot: 'approval',
    channel: channels.approvals,
    worthPosting: (o) => o.status === 'pending_approval' || recent(o.createdAt),
    shown: (o) => (o.status === 'pending_approval' ? 'pending' : `decided:${decisionOf(o) ?? o.status}`),
    render: (o) => approvalMessage(o, ctx),
  };
  const task: Surface = {
    slot: 'task',
    channel: channels.fulfillment,
    worthPosting: (o) =>
      TASK_OPEN.includes(o.status) || recent(o.history.find((h) => h.action === 'approve')?.at),
    shown: (o) => `${o.status}${o.invoice ? ':invoiced' : ''}${o.creditNote ? ':credited' : ''}`,
    render: (o) =>
      fulfillmentTask(o, ctx, {
        ...(o.invoice ? { invoiceUrl: invoiceLinks.url(o.number) } : {}),
        ...(o.creditNote ? { creditNoteUrl: invoiceLinks.url(o.number, Date.now(), 'credit-note') } : {}),
      }),
  };

  const rating: Surface = {
    slot: 'rating',
    channel: channels.approvals,
    worthPosting: (o) => (o.rating?.score ?? 5) <= LOW_RATING && recent(o.rating?.at),
    shown: lowRatingShown,
    render: (o) => lowRatingMessage(o, ctx),
  };

  /** `current`: the order as the caller just read it, to save reading it again. */
  async function syncOrder(number: number, current?: Order): Promise<void> {
    const order = current ?? (await orders.get(number));
    await show(approval, order);
    // Fulfillment starts at approval; an order rejected or cancelled before it never gets a task.
    if (order.history.some((h) => h.action === 'approve')) await show(task, await orders.get(number));
    if ((order.rating?.score ?? 5) <= LOW_RATING) await show(rating, await orders.get(number));
    // Reminders that fell due together (a sweep after downtime) make one reply, not several.
    if (order.effects?.some(isReminderEffect)) await remind(await orders.get(number));
  }

  /**
   * An approval reminder, as a reply in the approval message's thread, while the order still waits
   * (one decided meanwhile gets none). Reminders that fell due together make one reply, posted in
   * the slot of the highest (`remind.n<count>`) like every order post: claimed, tagged, searched
   * for in the thread after a crash, so a second delivery never posts it again.
   */
  async function remind(order: Order): Promise<void> {
    if (order.status !== 'pending_approval') return;
    const parent = order.slack?.approval;
    if (!parent) throw new RetryLater(`order #${order.number} has no approval message yet`, 5_000);
    const due = (order.effects ?? []).flatMap((e) => {
      const asked = parseEffect(e);
      return asked?.kind === 'slack-reminder' ? [asked.reminder] : [];
    });
    // Another process delivered it between our two reads and removed the effect: nothing is due.
    // (Math.max of nothing is -Infinity, a slot no claim guards, so it would be posted again.)
    if (due.length === 0) return;
    const count = Math.max(...due);
    await show(
      {
        slot: `remind.n${count}`,
        channel: parent.channel,
        worthPosting: (o) => o.status === 'pending_approval',
        shown: () => 'posted',
        threadTs: () => parent.ts,
        render: (o) => {
          const message = approvalReminder(
            o,
            Date.now() - o.createdAt.getTime(),
            deps.config.slack.approverIds ?? [],
          );
          return { ...message, thread_ts: parent.ts } as typeof message;
        },
      },
      order,
    );
  }

  return { syncOrder };
}

export type SlackSync = ReturnType<typeof createSlackSync>;

/** The value at a dotted path under a record's `slack` (a slot name such as `remind.n2`). */
function pathOf(slack: Order['slack'], path: string): unknown {
  let at: unknown = slack;
  for (const key of path.split('.')) at = (at as Record<string, unknown> | undefined)?.[key];
  return at;
}

/** The action that took the order out of `pending_approval`, if any. */
function decisionOf(order: Order): string | undefined {
  return order.history.find((h) => h.from === 'pending_approval')?.action;
}
