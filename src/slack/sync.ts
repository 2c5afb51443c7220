import type { Order, OrderRepository, SlackMessageRef, SlackSlot } from '../../models/order.js';
import type { Config } from '../config.js';
import { RetryLater } from '../delivery/retry.js';
import type { InvoiceLinks } from '../invoices/links.js';
import type { Logger } from '../logger.js';
import type { OrderService } from '../orders/service.js';
import { approvalMessage, fulfillmentTask, type RenderContext } from './blocks/index.js';
import type { SlackMessage, SlackOut } from './client.js';

type Slot = SlackSlot;

interface Surface {
  slot: Slot;
  channel: string;
  /** Whether a message not posted yet should be: the work is still ahead, or only just done. */
  worthPosting(order: Order): boolean;
  /** What the message shows, in one word: no Slack call when it has not changed. */
  shown(order: Order): string;
  render(order: Order): SlackMessage;
}

/**
 * An order that has no message yet and moved on long ago (Slack was configured after it was
 * placed, or it sat out a long Slack outage) gets none: a "new order" post for last month's
 * delivery would only confuse the channel.
 */
const LATE_POST_MS = 24 * 3600_000;
const recent = (at: Date | undefined) => at !== undefined && Date.now() - at.getTime() < LATE_POST_MS;
const TASK_OPEN: readonly string[] = ['approved', 'picking', 'packed'];

/**
 * A crashed poster's claim is taken over after this long, so a message is never lost for good. It
 * outlasts any one Slack call (src/slack/client.ts: two tries of 5 s at most) with room to spare,
 * so a live poster is never taken over.
 */
export const CLAIM_STALE_MS = 30_000;

/** Sandbox mode has no channel ids; the outbox shows these names instead. */
export function slackChannels(config: Config) {
  const c = config.slack.channels;
  return {
    approvals: c.approvals ?? 'approvals',
    fulfillment: c.fulfillment ?? 'fulfillment',
    inventory: c.inventory ?? 'inventory',
    calls: c.calls ?? 'calls',
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
    shown: (o) => `${o.status}${o.invoice ? ':invoiced' : ''}`,
    render: (o) => fulfillmentTask(o, ctx, o.invoice ? { invoiceUrl: invoiceLinks.url(o.number) } : {}),
  };

  /** `current`: the order as the caller just read it, to save reading it again. */
  async function syncOrder(number: number, current?: Order): Promise<void> {
    const order = current ?? (await orders.get(number));
    await show(approval, order);
    // Fulfillment starts at approval; an order rejected or cancelled before it never gets a task.
    if (order.history.some((h) => h.action === 'approve')) await show(task, await orders.get(number));
  }

  /**
   * Posts the surface's message once, or brings it up to date. Posting is claimed on the order
   * first; a claim left by a poster that died is taken over after CLAIM_STALE_MS, and then the
   * channel is searched for the message it may have posted (tagged with the order and slot in the
   * message metadata) before anything is posted again: one message per order and slot, always.
   */
  async function show(surface: Surface, order: Order): Promise<void> {
    const ref = order.slack?.[surface.slot];
    if (ref) return refresh(surface, ref, order);
    if (!surface.worthPosting(order)) return;
    const heldSince = order.slack?.[`${surface.slot}ClaimedAt`];
    const heldFor = heldSince ? Date.now() - heldSince.getTime() : Number.POSITIVE_INFINITY;
    if (heldFor < CLAIM_STALE_MS) {
      throw new RetryLater(
        `order #${order.number} ${surface.slot} is being posted`,
        CLAIM_STALE_MS - heldFor,
      );
    }
    const claimedAt = new Date();
    const claimed = await orderRecords.claimSlackSlot(
      order.number,
      surface.slot,
      claimedAt,
      new Date(Date.now() - CLAIM_STALE_MS),
    );
    // Another poster got in first; it stores the reference and brings the message up to date.
    if (!claimed)
      throw new RetryLater(`order #${order.number} ${surface.slot} is being posted`, CLAIM_STALE_MS);
    const tag = { order: order.number, slot: surface.slot };
    let posted: { channel: string; ts: string };
    try {
      const earlier = heldSince ? await out.findPosted(surface.channel, heldSince, tag) : null;
      if (earlier) {
        log.warn(
          { order: order.number, slot: surface.slot, ...earlier },
          'found the Slack message a crashed poster sent; not posting it again',
        );
        const now = await orderRecords.storeSlackRef(order.number, surface.slot, { ...earlier, shown: '?' });
        if (now) await refresh(surface, { ...earlier, shown: '?' }, now);
        return;
      }
      posted = await out.postMessage(surface.channel, surface.render(claimed), tag);
    } catch (err) {
      // Give the slot back so the retry (here or in another process) posts it. Unless Slack
      // plainly refused, the message may have been posted all the same (a timeout, a lost
      // answer): the claim is then left stale, so the retry searches the channel first.
      // A failed search leaves the earlier moment to search from again.
      const refused = (err as { code?: string }).code === 'slack_webapi_platform_error' && !heldSince;
      await orderRecords.releaseSlackSlot(
        order.number,
        surface.slot,
        claimedAt,
        refused
          ? undefined
          : new Date(
              Math.min(
                heldSince?.getTime() ?? Number.POSITIVE_INFINITY,
                claimedAt.getTime() - CLAIM_STALE_MS,
              ),
            ),
      );
      throw err;
    }
    const stored: SlackMessageRef = { ...posted, shown: surface.shown(claimed) };
    const now = await orderRecords.storeSlackRef(order.number, surface.slot, stored);
    log.info({ order: order.number, slot: surface.slot, ...posted }, 'order posted to Slack');
    // The order may have moved while we posted.
    if (now) await refresh(surface, stored, now);
  }

  async function refresh(surface: Surface, ref: SlackMessageRef, order: Order): Promise<void> {
    const shown = surface.shown(order);
    if (ref.shown === shown) return;
    try {
      await out.update(ref, surface.render(order));
    } catch (err) {
      if (!isGone(err)) throw err;
      // Someone deleted the message (or its channel): forget it, and post a fresh one if the
      // order still needs people, so an order never drops out of sight.
      log.warn(
        { order: order.number, slot: surface.slot, ...ref },
        'Slack message is gone; posting it again',
      );
      await orderRecords.forgetSlackRef(order.number, surface.slot, ref.ts);
      return show(surface, await orders.get(order.number));
    }
    await orderRecords.markSlackShown(order.number, surface.slot, ref.ts, shown);
  }

  return { syncOrder };
}

export type SlackSync = ReturnType<typeof createSlackSync>;

/** Slack's answer when the message to update no longer exists. */
function isGone(err: unknown): boolean {
  const code = (err as { data?: { error?: string } }).data?.error;
  return code === 'message_not_found' || code === 'channel_not_found' || code === 'is_archived';
}

/** The action that took the order out of `pending_approval`, if any. */
function decisionOf(order: Order): string | undefined {
  return order.history.find((h) => h.from === 'pending_approval')?.action;
}
