import type { App } from '@slack/bolt';
import { FULFILLMENT_STATUSES } from '../../../src/orders/lifecycle.js';
import type { Deps } from '../../../src/services.js';
import { homeView } from '../../../src/slack/blocks/index.js';
import { renderContext } from '../context.js';

/** App Home: what waits for this person, what the warehouse is doing, what is running out. */
export async function publishHome(deps: Deps, userId: string): Promise<void> {
  const [pending, inFulfillment, lowStock, canApprove] = await Promise.all([
    deps.orders.list({ status: 'pending_approval', limit: 20 }),
    deps.orders.list({ status: FULFILLMENT_STATUSES, limit: 30 }),
    deps.inventory.listLow(),
    deps.slack.access.mayDo(userId, 'approve'),
  ]);
  const view = homeView({
    canApprove,
    pending: pending.items,
    inFulfillment: inFulfillment.items,
    lowStock,
    ctx: renderContext(deps),
  });
  await deps.slack.out.publishHome(userId, view);
}

export function registerEvents(app: App, deps: Deps): void {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    await publishHome(deps, event.user);
  });
}
