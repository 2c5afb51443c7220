import { type Agenda, exponential } from 'agenda';
import { z } from 'zod';
import type { SlackSync } from '../src/slack/sync.js';

export const SLACK_SYNC_ORDER = 'slack-sync-order';
export const slackSyncOrderData = z.object({ number: z.number().int().positive() });

/**
 * Brings an order's Slack messages (approval request, fulfillment task) up to date. A job, not a
 * direct call from the event, so a Slack outage delays the message instead of losing it.
 */
export function defineSlackSyncOrder(agenda: Agenda, deps: { slackSync: SlackSync }) {
  agenda.define(
    SLACK_SYNC_ORDER,
    async (job) => {
      const { number } = slackSyncOrderData.parse(job.attrs.data);
      await deps.slackSync.syncOrder(number);
    },
    {
      // One at a time per process: an order's placed and approved syncs then run in order.
      concurrency: 1,
      // 2 s, 4 s … about 17 minutes in all, then the failure is logged for an operator.
      backoff: exponential({ delay: 2_000, factor: 2, maxRetries: 9, maxDelay: 5 * 60_000, jitter: 0.2 }),
      removeOnComplete: true,
    },
  );
}
