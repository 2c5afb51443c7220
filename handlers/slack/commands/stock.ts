import type { SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Product } from '../../../src/inventory/product.js';
import type { Deps } from '../../../src/services.js';
import {
  escapeEntities,
  escapeText,
  notice,
  stockDetail,
  stockHelp,
  stockList,
} from '../../../src/slack/blocks/index.js';
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
  const detail = (product: Product) => withAliases(stockDetail(product, ctx), product);
  /** `shown`: `what` as mrkdwn, where it quotes what was typed. */
  const changed = (product: Product, what: string, shown = what): SlackMessage => {
    deps.log.info({ sku: product.sku, change: what, by: userId, channel: 'slack' }, 'stock changed by hand');
    return {
      text: `${product.sku}: ${shown}`,
      blocks: [...notice(`:white_check_mark: ${shown}`).blocks, ...detail(product).blocks],
    };
  };
  // Looking is for everyone; changing the counts and the aliases is the stock keepers' (SLACK_STOCK_IDS).
  if (cmd.kind === 'set' || cmd.kind === 'add' || cmd.kind === 'threshold' || cmd.kind === 'aliases') {
    const refused = await refusalFor(deps, userId, 'change_stock');
    if (refused) return refused;
  }
  switch (cmd.kind) {
    case 'help':
      return helpWithAliases();
    case 'invalid':
      return notice(`:grey_question: ${cmd.message}`);
    case 'list':
      return stockList(await deps.inventory.list());
    case 'show':
      return detail(await deps.inventory.get(cmd.sku));
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
    case 'aliases': {
      const product = await deps.inventory.setAliases(cmd.sku, cmd.aliases);
      const aliases = product.aliases ?? [];
      if (aliases.length === 0) return changed(product, 'aliases cleared');
      return changed(
        product,
        `aliases set to ${aliases.join(', ')}`,
        `aliases set to ${aliases.map((a) => escapeText(a)).join(', ')}`,
      );
    }
  }
}

const ALIASES_COMMAND = '/stock aliases <sku> <alias>, <alias>, …';

/** `/stock help`: the stock commands, and setting a product's aliases. */
function helpWithAliases(): SlackMessage {
  const line = `\`${escapeEntities(ALIASES_COMMAND)}\` — other names customers use for the product, in any language, comma-separated (stock keepers; \`-\` clears them)`;
  const help = stockHelp();
  return { text: `${help.text}\n${line}`, blocks: [...help.blocks, ...notice(line).blocks] };
}

/** A product's detail with its aliases (or how to give some) above the command hints. */
function withAliases(message: SlackMessage, product: Product): SlackMessage {
  const aliases = product.aliases ?? [];
  const shown =
    aliases.length > 0
      ? aliases.map((a) => escapeText(a)).join(' · ')
      : `none yet: \`${escapeEntities(ALIASES_COMMAND.replace('<sku>', product.sku))}\``;
  const section = notice(`*Aliases*\n${shown}`).blocks;
  const hints = message.blocks.findIndex((b) => (b as { type?: string }).type === 'context');
  const at = hints === -1 ? message.blocks.length : hints;
  return { ...message, blocks: [...message.blocks.slice(0, at), ...section, ...message.blocks.slice(at)] };
}
