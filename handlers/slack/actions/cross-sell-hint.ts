import type { App, BlockAction, PlainTextInputAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../../src/services.js';
import { INPUTS, VIEWS } from '../../../src/slack/blocks/ids.js';
import {
  CROSS_SELL_HINT_BLOCK,
  crossSellHintText,
  phoneOrderModal,
} from '../../../src/slack/blocks/modals.js';
import { inputValue, parseItems, type ViewValues } from '../views/phone-order-form.js';

/** Slack's refusal when the modal changed since the action (a later keystroke updates it again). */
const STALE = new Set(['hash_conflict', 'not_found', 'view_not_found']);

/**
 * As the agent types items into the phone-order form, the form shows what is often bought with
 * them (the nightly cross-sell), for the agent to offer the caller. Acknowledged at once; the
 * modal is updated by its id and hash, only when the hint changes, and a stale hash (the agent
 * typed on meanwhile) is left to the next keystroke's action.
 */
export function registerCrossSellHint(app: App, deps: Deps): void {
  app.action<BlockAction<PlainTextInputAction>>(
    { block_id: INPUTS.items, action_id: INPUTS.items },
    async ({ ack, body, action }: SlackActionMiddlewareArgs<BlockAction<PlainTextInputAction>>) => {
      await ack();
      const view = body.view;
      if (!view || view.callback_id !== VIEWS.phoneOrder) return;
      try {
        const values = (view.state?.values ?? {}) as ViewValues;
        const typed = typeof action.value === 'string' ? action.value : inputValue(values, INPUTS.items);
        const skus = parseItems(typed).items.map((i) => i.sku);
        const items = skus.length ? await deps.crossSell.suggestionsFor(skus) : [];
        const currency = deps.config.currency;
        const shown = ((view.blocks ?? []) as { block_id?: string; elements?: { text?: string }[] }[]).find(
          (b) => b.block_id === CROSS_SELL_HINT_BLOCK,
        )?.elements?.[0]?.text;
        if ((crossSellHintText(items, currency) ?? undefined) === shown) return;
        const name = inputValue(values, INPUTS.customerName);
        const phone = inputValue(values, INPUTS.customerPhone);
        const modal = phoneOrderModal({
          prefill: { ...(name ? { name } : {}), ...(phone ? { phone } : {}) },
          ...(view.private_metadata ? { privateMetadata: view.private_metadata } : {}),
          suggestions: { items, currency },
        });
        await deps.slack.out.updateView(view.id, modal, view.hash);
      } catch (err) {
        const code = (err as { data?: { error?: string } }).data?.error ?? '';
        if (STALE.has(code))
          deps.log.debug({ code, view: view.id }, 'slack: order form moved on; hint skipped');
        else deps.log.warn({ err, view: view.id }, 'slack: could not show cross-sell suggestions');
      }
    },
  );
}
