import { type Agenda, exponential } from 'agenda';
import { z } from 'zod';
import type { Config } from '../src/config.js';
import type { InventoryService } from '../src/inventory/service.js';
import type { Logger } from '../src/logger.js';
import { lowStockAlert } from '../src/slack/blocks/index.js';
import type { SlackOut } from '../src/slack/client.js';
import { slackChannels } from '../src/slack/sync.js';

export const SLACK_LOW_STOCK_ALERT = 'slack-low-stock-alert';
export const slackLowStockAlertData = z.object({ sku: z.string().min(1) });

/** Posts the one low-stock alert a product gets (inventory decides when) to the inventory channel. */
export function defineSlackLowStockAlert(
  agenda: Agenda,
  deps: { inventory: InventoryService; slackOut: SlackOut; config: Config; log: Logger },
) {
  agenda.define(
    SLACK_LOW_STOCK_ALERT,
    async (job) => {
      const { sku } = slackLowStockAlertData.parse(job.attrs.data);
      const product = await deps.inventory.get(sku);
      const channel = slackChannels(deps.config).inventory;
      await deps.slackOut.postMessage(channel, lowStockAlert(product));
      deps.log.info({ sku, available: product.available }, 'low-stock alert posted to Slack');
    },
    {
      backoff: exponential({ delay: 2_000, factor: 2, maxRetries: 9, maxDelay: 5 * 60_000, jitter: 0.2 }),
      removeOnComplete: true,
    },
  );
}
