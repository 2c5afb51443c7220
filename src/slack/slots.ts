import { RetryLater } from '../delivery/retry.js';
import type { Logger } from '../logger.js';
import type { PostTag, SlackMessage, SlackOut } from './client.js';

/**
 * A crashed poster's claim is taken over after this long, so a message is never lost for good. It
 * outlasts any one Slack call (src/slack/client.ts: two tries of 5 s at most) with room to spare,
 * so a live poster is never taken over.
 */
export const CLAIM_STALE_MS = 30_000;

/** A posted message as its record keeps it: where it is and what it shows (one word). */
export interface PostedRef {
  channel: string;
  ts: string;
  shown?: string;
}

/**
 * One message that follows a record (an order's approval request, a call's screen pop, an approval
 * reminder in the request's thread, a product's low-stock alert…).
 */
export interface Surface<R> {
  slot: string;
  channel: string;
  /** Whether a message not posted yet should be. */
  worthPosting(record: R): boolean;
  /** What the message shows, in one word: no Slack call when it has not changed. */
  shown(record: R): string;
  render(record: R): SlackMessage;
  /** A reply in this message's thread (rendered with `thread_ts`): searched for there after a crash. */
  threadTs?(record: R): string | undefined;
}

/** Where a record keeps its messages and its posters' claims; each write is one conditional update. */
export interface SlotStore<R> {
  ref(record: R, slot: string): PostedRef | undefined;
  claimedAt(record: R, slot: string): Date | undefined;
  /** Claims the slot (none posted, no live claim); the record as it is now, or null if held. */
  claim(record: R, slot: string, at: Date, staleBefore: Date): Promise<R | null>;
  release(record: R, slot: string, at: Date, staleSince?: Date): Promise<void>;
  store(record: R, slot: string, ref: PostedRef): Promise<R | null>;
  markShown(record: R, slot: string, ts: string, shown: string): Promise<void>;
  forget(record: R, slot: string, ts: string): Promise<void>;
  reload(record: R): Promise<R>;
  /** The message metadata that names this record's message in `slot`. */
  tag(record: R, slot: string): PostTag;
  /** How logs and retry reasons name the record, e.g. `{ order: 1042 }`. */
  label(record: R): Record<string, unknown>;
}

/**
 * Posts a record's message once per slot, or brings it up to date. Posting is claimed on the
 * record first; a claim left by a poster that died is taken over after CLAIM_STALE_MS, and then
 * the channel is searched for the message it may have posted (tagged in the message metadata)
 * before anything is posted again: one message per record and slot, always.
 */
export function createSlotPoster<R>(deps: { out: SlackOut; log: Logger; store: SlotStore<R> }) {
  const { out, log, store } = deps;
  const name = (record: R, slot: string) =>
    `${Object.entries(store.label(record))
      .map(([k, v]) => `${k} ${v}`)
      .join(' ')} ${slot}`;

  async function show(surface: Surface<R>, record: R): Promise<void> {
    const ref = store.ref(record, surface.slot);
    if (ref) return refresh(surface, ref, record);
    if (!surface.worthPosting(record)) return;
    const heldSince = store.claimedAt(record, surface.slot);
    const heldFor = heldSince ? Date.now() - heldSince.getTime() : Number.POSITIVE_INFINITY;
    if (heldFor < CLAIM_STALE_MS) {
      throw new RetryLater(`${name(record, surface.slot)} is being posted`, CLAIM_STALE_MS - heldFor);
    }
    const claimedAt = new Date();
    const claimed = await store.claim(record, surface.slot, claimedAt, new Date(Date.now() - CLAIM_STALE_MS));
    // Another poster got in first; it stores the reference and brings the message up to date.
    if (!claimed) throw new RetryLater(`${name(record, surface.slot)} is being posted`, CLAIM_STALE_MS);
    const tag = store.tag(record, surface.slot);
    const label = { ...store.label(record), slot: surface.slot };
    let posted: { channel: string; ts: string };
    try {
      const earlier = heldSince
        ? await out.findPosted(surface.channel, heldSince, tag, surface.threadTs?.(claimed))
        : null;
      if (earlier) {
        log.warn(
          { ...label, ...earlier },
          'found the Slack message a crashed poster sent; not posting it again',
        );
        const now = await store.store(record, surface.slot, { ...earlier, shown: '?' });
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
      await store.release(
        record,
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
    const stored: PostedRef = { ...posted, shown: surface.shown(claimed) };
    const now = await store.store(record, surface.slot, stored);
    log.info({ ...label, ...posted }, `${Object.keys(store.label(record))[0] ?? 'record'} posted to Slack`);
    // The record may have changed while we posted.
    if (now) await refresh(surface, stored, now);
  }

  async function refresh(surface: Surface<R>, ref: PostedRef, record: R): Promise<void> {
    const shown = surface.shown(record);
    if (ref.shown === shown) return;
    try {
      await out.update(ref, surface.render(record));
    } catch (err) {
      if (!isGone(err)) throw err;
      // Someone deleted the message (or its channel): forget it, and post a fresh one if it is
      // still worth posting, so the work never drops out of sight.
      log.warn(
        { ...store.label(record), slot: surface.slot, ...ref },
        'Slack message is gone; posting it again',
      );
      await store.forget(record, surface.slot, ref.ts);
      return show(surface, await store.reload(record));
    }
    await store.markShown(record, surface.slot, ref.ts, shown);
  }

  return { show };
}

/** Slack's answer when the message to update no longer exists. */
function isGone(err: unknown): boolean {
  const code = (err as { data?: { error?: string } }).data?.error;
  return code === 'message_not_found' || code === 'channel_not_found' || code === 'is_archived';
}
