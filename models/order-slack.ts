import type { Model, QueryFilter } from 'mongoose';
import type { Order, OrderDoc, SlackMessageRef, SlackSlot } from './order-shape.js';

/**
 * The `orders` collection's operations on the Slack messages that follow an order (part of the
 * order repository, models/order.ts): a poster claims a slot with a conditional update so two
 * processes never post the same message twice, then stores what it posted.
 */
export function orderSlackSlots(
  Order: Model<OrderDoc>,
  update: (
    number: number,
    expect: QueryFilter<OrderDoc>,
    change: Record<string, unknown>,
  ) => Promise<Order | null>,
) {
  return {
    /**
     * Claims the right to post the order's `slot` message: only if none is stored and nobody else
     * claimed it since `staleBefore`. Null when someone else holds it.
     */
    claimSlackSlot: (number: number, slot: SlackSlot, at: Date, staleBefore: Date) =>
      update(
        number,
        {
          [`slack.${slot}`]: { $exists: false },
          $or: [
            { [`slack.${slot}ClaimedAt`]: { $exists: false } },
            { [`slack.${slot}ClaimedAt`]: { $lt: staleBefore } },
          ],
        },
        { $set: { [`slack.${slot}ClaimedAt`]: at } },
      ),

    /**
     * Gives back a claim (the post failed) so a retry can post: removed, or with `staleSince` left
     * as a claim already stale, which tells the retry to look for a message posted since then.
     */
    async releaseSlackSlot(number: number, slot: SlackSlot, at: Date, staleSince?: Date): Promise<void> {
      await Order.updateOne(
        { _id: number, [`slack.${slot}ClaimedAt`]: at },
        staleSince
          ? { $set: { [`slack.${slot}ClaimedAt`]: staleSince } }
          : { $unset: { [`slack.${slot}ClaimedAt`]: '' } },
      );
    },

    /** Stores the posted message on the order; returns the order as it is now. */
    storeSlackRef: (number: number, slot: SlackSlot, ref: SlackMessageRef) =>
      update(number, {}, { $set: { [`slack.${slot}`]: ref } }),

    /** Records what the message shows now, if it is still the message with `ts`. */
    async markSlackShown(number: number, slot: SlackSlot, ts: string, shown: string): Promise<void> {
      await Order.updateOne(
        { _id: number, [`slack.${slot}.ts`]: ts },
        { $set: { [`slack.${slot}.shown`]: shown } },
      );
    },

    /** Forgets a message someone deleted, so the next sync posts a fresh one. */
    async forgetSlackRef(number: number, slot: SlackSlot, ts: string): Promise<void> {
      await Order.updateOne(
        { _id: number, [`slack.${slot}.ts`]: ts },
        { $unset: { [`slack.${slot}`]: '', [`slack.${slot}ClaimedAt`]: '' } },
      );
    },
  };
}
