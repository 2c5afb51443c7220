import type {
  App,
  BlockAction,
  ExternalSelectAction,
  PlainTextInputAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import type { OrderReader } from '../../../src/order-words/read.js';
import type { Deps } from '../../../src/services.js';
import { LIMITS } from '../../../src/slack/blocks/format.js';
import { INPUTS, ITEM_ROWS, VIEWS } from '../../../src/slack/blocks/ids.js';
import {
  CROSS_SELL_HINT_BLOCK,
  crossSellHintText,
  phoneOrderModal,
} from '../../../src/slack/blocks/modals.js';
import { inputValue, parseItems, type ViewValues } from '../views/phone-order-form.js';

/** Slack's refusal when the modal changed since the action (a later keystroke updates it again). */
const STALE = new Set(['hash_conflict', 'not_found', 'view_not_found']);

type HintAction = PlainTextInputAction | ExternalSelectAction;
type HintArgs = SlackActionMiddlewareArgs<BlockAction<HintAction>>;

/**
 * A line longer than this is not read for the hint (the form itself refuses it on submit), and
 * reading stops after READ_BUDGET_MS: the hint runs on every keystroke, and reading is synchronous.
 */
const MAX_LINE_LENGTH = 200;
const READ_BUDGET_MS = 100;

/**
 * The products the items text names, read as the form reads it on submit (the order reader, so
 * "2 blue mugs" counts as well as `MUG-BLUE 2`). Only what the reader is sure of: a phrase that
 * fits several products or none adds nothing. A `SKU quantity` line above what words may order
 * (`MUG-BLUE 500`) still names its product.
 */
function typedSkus(reader: OrderReader, text: string): string[] {
  if (!text || text.length > LIMITS.textInput) return [];
  const skus: string[] = [];
  const started = performance.now();
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.length > MAX_LINE_LENGTH) continue;
    if (performance.now() - started > READ_BUDGET_MS) break;
    const reading = reader.read(trimmed);
    skus.push(...reading.lines.map((l) => l.sku));
    if (reading.tooMuch) {
      for (const item of parseItems(trimmed).items) {
        const product = reader.product(item.sku);
        if (product) skus.push(product.sku);
      }
    }
  }
  return skus;
}

/**
 * The products picked in the form's rows (a value that is no product adds nothing). The row whose
 * picker sent the action counts as the action says it now is.
 */
function pickedSkus(reader: OrderReader, values: ViewValues, action: HintAction): string[] {
  return ITEM_ROWS.flatMap((row) => {
    const picked =
      action.type === 'external_select' && action.action_id === row.product
        ? (action.selected_option?.value ?? '')
        : inputValue(values, row.product);
    const product = picked ? reader.product(picked.trim()) : undefined;
    return product ? [product.sku] : [];
  });
}

/**
 * As the agent types items into the phone-order form, or picks products in its rows, the form
 * shows what is often bought with them (the nightly cross-sell), for the agent to offer the caller.
 * Acknowledged at once; the modal is updated by its id and hash, only when the hint changes, and a
 * stale hash (the agent typed on meanwhile) is left to the next action.
 */
export function registerCrossSellHint(app: App, deps: Deps): void {
  const hint = async ({ ack, body, action }: HintArgs) => {
    await ack();
    const view = body.view;
    if (!view || view.callback_id !== VIEWS.phoneOrder) return;
    try {
      const values = (view.state?.values ?? {}) as ViewValues;
      const typed =
        action.type === 'plain_text_input' && typeof action.value === 'string'
          ? action.value.trim()
          : inputValue(values, INPUTS.items);
      const reader = await deps.orderWords.reader();
      const skus = [...new Set([...typedSkus(reader, typed), ...pickedSkus(reader, values, action)])];
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
  };
  app.action<BlockAction<HintAction>>({ block_id: INPUTS.items, action_id: INPUTS.items }, hint);
  for (const row of ITEM_ROWS)
    app.action<BlockAction<HintAction>>({ block_id: row.product, action_id: row.product }, hint);
}
