import type { Model } from 'mongoose';

/** A posted Slack message as a record keeps it (models/order-shape.ts, models/call-shape.ts). */
interface SlotRef {
  channel: string;
  ts: string;
  shown?: string;
}

/**
 * The Slack messages that follow a record (an order's approval request and task, a call's pop and
 * voicemail), kept on the record under `slack.<slot>`: a poster claims a slot with a conditional
 * update so two processes never post the same message twice, then stores what it posted
 * (src/slack/slots.ts drives these). One definition for every collection that has such messages.
 */
export function slackSlots<K extends string | number, R, S extends string>(
  // biome-ignore lint/suspicious/noExplicitAny: any document shape keyed by `_id`.
  Collection: Model<any>,
  update: (key: K, expect: Record<string, unknown>, change: Record<string, unknown>) => Promise<R | null>,
) {
  return {
    /**
     * Claims the right to post the record's `slot` message: only if none is stored and nobody else
     * claimed it since `staleBefore`. Null when someone else holds it.
     */
    claimSlackSlot: (key: K, slot: S, at: Date, staleBefore: Date) =>
      update(
        key,
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
    async releaseSlackSlot(key: K, slot: S, at: Date, staleSince?: Date): Promise<void> {
      await Collection.updateOne(
        { _id: key, [`slack.${slot}ClaimedAt`]: at },
        staleSince
          ? { $set: { [`slack.${slot}ClaimedAt`]: staleSince } }
          : { $unset: { [`slack.${slot}ClaimedAt`]: '' } },
      );
    },

    /** Stores the posted message on the record; returns the record as it is now. */
    storeSlackRef: (key: K, slot: S, ref: SlotRef) => update(key, {}, { $set: { [`slack.${slot}`]: ref } }),

    /** Records what the message shows now, if it is still the message with `ts`. */
    async markSlackShown(key: K, slot: S, ts: string, shown: string): Promise<void> {
      await Collection.updateOne(
        { _id: key, [`slack.${slot}.ts`]: ts },
        { $set: { [`slack.${slot}.shown`]: shown } },
      );
    },

    /** Forgets a message someone deleted, so the next sync posts a fresh one. */
    async forgetSlackRef(key: K, slot: S, ts: string): Promise<void> {
      await Collection.updateOne(
        { _id: key, [`slack.${slot}.ts`]: ts },
        { $unset: { [`slack.${slot}`]: '', [`slack.${slot}ClaimedAt`]: '' } },
      );
    },
  };
}
