import type { SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Product } from '../../../src/inventory/product.js';
import type { Deps } from '../../../src/services.js';
import { notice, stockDetail, stockHelp, stockList } from '../../../src/slack/blocks/index.js';
import type { SlackMessage } from '../../../src/slack/client.js';
import { answerCommand, refusalFor } from '../reply.js';
import { parseStockCommand, type StockCommand } from './parse.js';

/** `/stock …`: levels, and the counts the warehouse corrects by hand. */
export function stockCommand(deps: Deps) {
  return async ({ command, ack, respond }: SlackCommandMiddlewareArgs) => {
    const parsed = parseStockCommand(command.text);
    await answerCommand(ack, respond, deps.log, '/stock', () =>
      runStockCommand(deps, parsed, command.user_id),
    );
  };
}

async function runStockCommand(deps: Deps, cmd: StockCommand, userId: string): Promise<SlackMessage> {
  const ctx = { currency: deps.config.currency, timezone: deps.config.timezone };
  const changed = (product: Product, what: string): SlackMessage => {
    deps.log.info({ sku: product.sku, change: what, by: userId, channel: 'slack' }, 'stock changed by hand');
    const detail = stockDetail(product, ctx);
    return {
      text: `${product.sku}: ${what}`,
      blocks: [...notice(`:white_check_mark: ${what}`).blocks, ...detail.blocks],
    };
  };
  // Looking is for everyone; changing the counts is the stock keepers' (SLACK_STOCK_IDS).
  if (cmd.kind === 'set' || cmd.kind === 'add' || cmd.kind === 'threshold') {
    const refused = await refusalFor(deps, userId, 'change_stock');
    if (refused) return refused;
  }
  switch (cmd.kind) {
    case 'help':
      return stockHelp();
    case 'invalid':
      return notice(`:grey_question: ${cmd.message}`);
    case 'list':
      return stockList(await deps.inventory.list());
    case 'show':
      return stockDetail(await deps.inventory.get(cmd.sku), ctx);
    case 'set':
      return changed(await deps.inventory.setStock(cmd.sku, cmd.quantity), `on hand set to ${cmd.quantity}`);
    case 'add': {
      const product = await deps.inventory.addStock(cmd.sku, cmd.quantity);
      return changed(product, `${cmd.quantity > 0 ? 'added' : 'removed'} ${Math.abs(cmd.quantity)}`);
    }
    case 'threshold':
      return changed(
        await deps.inventory.setThreshold(cmd.sku, cmd.quantity),
        `alert threshold set to ${cmd.quantity}`,
      );
  }
}
