import type { ProductRepository } from '../../models/product.js';
import type { Config } from '../config.js';
import { lastCompleteDay } from '../inventory/cover.js';
import type { Product } from '../inventory/product.js';
import type { InventoryService } from '../inventory/service.js';
import type { Logger } from '../logger.js';
import { lowStockAlert } from '../slack/blocks/index.js';
import type { SlackOut } from '../slack/client.js';
import { createSlotPoster } from '../slack/slots.js';
import { slackChannels } from '../slack/sync.js';

type AlertSlots = Pick<
  ProductRepository,
  'get' | 'claimSlackSlot' | 'releaseSlackSlot' | 'storeSlackRef' | 'markSlackShown' | 'forgetSlackRef'
>;

/**
 * Posts a product's low-stock alert once per time it falls due: the post is claimed on the product
 * (slot `lowStock`, cleared when a new alert falls due), tagged `{sku, slot}` in the message
 * metadata and searched for after a crashed poster, as order posts are (src/slack/slots.ts). Then
 * the alert is settled; a crash between the two finds the stored post and only settles.
 */
export function createAlertPoster(deps: {
  products: AlertSlots;
  inventory: Pick<InventoryService, 'settleAlert'>;
  slackOut: SlackOut;
  config: Config;
  log: Logger;
}) {
  const { products, log } = deps;
  const slot = 'lowStock' as const;
  const { show } = createSlotPoster<Product>({
    out: deps.slackOut,
    log,
    store: {
      ref: (p) => p.slack?.lowStock,
      claimedAt: (p) => p.slack?.lowStockClaimedAt,
      claim: (p, _s, at, staleBefore) => products.claimSlackSlot(p.sku, slot, at, staleBefore),
      release: (p, _s, at, staleSince) => products.releaseSlackSlot(p.sku, slot, at, staleSince),
      store: (p, _s, ref) => products.storeSlackRef(p.sku, slot, ref),
      markShown: (p, _s, ts, shown) => products.markSlackShown(p.sku, slot, ts, shown),
      forget: (p, _s, ts) => products.forgetSlackRef(p.sku, slot, ts),
      reload: async (p) => (await products.get(p.sku)) ?? p,
      tag: (p) => ({ sku: p.sku, slot }),
      label: (p) => ({ sku: p.sku }),
    },
  });
  const surface = {
    slot,
    channel: slackChannels(deps.config).inventory,
    worthPosting: (p: Product) => Boolean(p.alertPending),
    // Posted once; never edited.
    shown: () => 'posted',
    // Days of cover as the stock page shows them now: the pace of the days up to yesterday.
    render: (p: Product) =>
      lowStockAlert(p, {
        lastDay: lastCompleteDay(new Date(), deps.config.timezone),
        timezone: deps.config.timezone,
      }),
  };

  return async function postAlert(sku: string): Promise<void> {
    const product = await products.get(sku);
    if (!product?.alertPending) return;
    await show(surface, product);
    await deps.inventory.settleAlert(sku);
    log.info({ sku, available: product.available }, 'low-stock alert posted to Slack');
  };
}
