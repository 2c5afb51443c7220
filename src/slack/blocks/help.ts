/** `/order help` and `/stock help`: the commands as README "Slack" lists them. */
import { Blocks } from 'slack-block-builder';
import { ORDER_STATUSES } from '../../orders/lifecycle.js';
import type { SlackMessage } from './format.js';
import { toMessage } from './parts.js';
import { escapeEntities } from './untrusted.js';

type Command = readonly [usage: string, what: string];

export const ORDER_COMMANDS: readonly Command[] = [
  ['/order new', 'log an order (opens a form): customer, items, address, notes'],
  ['/order <number>', 'the order card: status, customer, items, total, tracking, history'],
  ['/order status <number>', 'the same'],
  ['/order find <phone or name>', "search by the customer's phone or name"],
  ['/order list [status]', `recent orders, optionally by status: ${ORDER_STATUSES.join(', ')}`],
  ['/order cancel <number> [reason]', 'cancel an order that has not been packed yet'],
  ['/order late', 'Slack messages and customer texts not delivered yet (still being retried)'],
  ['/order jobs', 'scheduled work: when each job runs next, when it last ran, and what failed'],
  ['/order help', 'this list'],
];

export const STOCK_COMMANDS: readonly Command[] = [
  ['/stock [sku]', 'stock levels of every product, or of one in detail'],
  ['/stock set <sku> <qty>', 'set the quantity on hand (after a count)'],
  ['/stock add <sku> <qty>', 'add to the quantity on hand; a negative quantity removes'],
  ['/stock threshold <sku> <n>', 'warn when available falls to n or below'],
  ['/stock help', 'this list'],
];

/** `<number>` is mrkdwn link syntax: unescaped, Slack would swallow it. */
function help(title: string, commands: readonly Command[]): SlackMessage {
  const lines = commands.map(([usage, what]) => `\`${escapeEntities(usage)}\` — ${escapeEntities(what)}`);
  return toMessage(`${title}\n${lines.join('\n')}`, [
    Blocks.Header({ text: title }),
    Blocks.Section({ text: lines.join('\n') }),
  ]);
}

export function orderHelp(): SlackMessage {
  return help('Order commands', ORDER_COMMANDS);
}

export function stockHelp(): SlackMessage {
  return help('Stock commands', STOCK_COMMANDS);
}
