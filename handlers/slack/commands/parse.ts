import { aliasesFromText } from '../../../src/inventory/product.js';
import { MAX_STOCK_UNITS, SKU_PATTERN } from '../../../src/inventory/sku.js';
import { ORDER_STATUSES, type OrderStatus } from '../../../src/orders/lifecycle.js';
import { parseWrittenOrderNumber } from '../../../src/orders/number.js';
import { unescapeEntities } from '../../../src/slack/plain-text.js';

/** `/order` and `/stock` text, parsed into what to do; anything else explains itself. */

export type OrderCommand =
  | { kind: 'help' }
  | { kind: 'new' }
  | { kind: 'status'; number: number }
  | { kind: 'find'; query: string }
  | { kind: 'list'; status?: OrderStatus }
  | { kind: 'cancel'; number: number; reason?: string }
  | { kind: 'late' }
  | { kind: 'jobs' }
  | { kind: 'invalid'; message: string };

export type StockCommand =
  | { kind: 'help' }
  | { kind: 'list' }
  | { kind: 'show'; sku: string }
  | { kind: 'set' | 'add' | 'threshold'; sku: string; quantity: number }
  | { kind: 'aliases'; sku: string; aliases: string[] }
  | { kind: 'invalid'; message: string };

/** `pending`, `pending approval`, `Return-Requested` → the lifecycle's status names. */
export function parseStatus(text: string): OrderStatus | undefined {
  const norm = text
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (norm === 'pending') return 'pending_approval';
  return (ORDER_STATUSES as readonly string[]).includes(norm) ? (norm as OrderStatus) : undefined;
}

export function parseOrderCommand(raw: string): OrderCommand {
  const text = raw.trim();
  const [word = '', ...rest] = text.split(/\s+/);
  const verb = word.toLowerCase();
  const tail = text.slice(word.length).trim();
  if (verb === '' || verb === 'help') return { kind: 'help' };
  if (verb === 'new') return { kind: 'new' };
  if (verb === 'late' && rest.length === 0) return { kind: 'late' };
  if (verb === 'jobs' && rest.length === 0) return { kind: 'jobs' };
  const direct = parseWrittenOrderNumber(word);
  if (direct !== undefined && rest.length === 0) return { kind: 'status', number: direct };
  switch (verb) {
    case 'status': {
      const number = parseWrittenOrderNumber(rest[0]);
      if (number === undefined || rest.length > 1)
        return { kind: 'invalid', message: 'Which order? Try `/order status 1001`.' };
      return { kind: 'status', number };
    }
    case 'find':
      if (!tail)
        return {
          kind: 'invalid',
          message: 'Find what? Try `/order find +15551234567` or `/order find Dana`.',
        };
      if (tail.length > 100)
        return { kind: 'invalid', message: 'That search is too long (100 characters at most).' };
      return { kind: 'find', query: tail };
    case 'list': {
      if (!tail) return { kind: 'list' };
      const status = parseStatus(tail);
      if (!status)
        return {
          kind: 'invalid',
          message: `\`${tail.slice(0, 40)}\` is not a status. Statuses: ${ORDER_STATUSES.join(', ')}.`,
        };
      return { kind: 'list', status };
    }
    case 'cancel': {
      const number = parseWrittenOrderNumber(rest[0]);
      if (number === undefined)
        return {
          kind: 'invalid',
          message: 'Which order? Try `/order cancel 1001 customer changed their mind`.',
        };
      const reason = tail.slice((rest[0] ?? '').length).trim();
      if (reason.length > 500)
        return { kind: 'invalid', message: 'The reason is too long (500 characters at most).' };
      return reason ? { kind: 'cancel', number, reason } : { kind: 'cancel', number };
    }
    default:
      return {
        kind: 'invalid',
        message: `I don't know \`/order ${word.slice(0, 40)}\`. Try \`/order help\`.`,
      };
  }
}

export function parseStockCommand(raw: string): StockCommand {
  const tokens = raw.trim().split(/\s+/).filter(Boolean);
  const [word, sku, qty, ...extra] = tokens;
  if (!word) return { kind: 'list' };
  const verb = word.toLowerCase();
  if (verb === 'help') return { kind: 'help' };
  if (verb === 'aliases') return parseAliases(raw);
  if (verb === 'set' || verb === 'add' || verb === 'threshold') {
    const usage = `Usage: \`/stock ${verb} <sku> <${verb === 'threshold' ? 'n' : 'qty'}>\``;
    if (!sku || qty === undefined || extra.length) return { kind: 'invalid', message: usage };
    if (!SKU_PATTERN.test(sku))
      return { kind: 'invalid', message: `\`${sku.slice(0, 64)}\` is not a SKU. ${usage}` };
    const signed = verb === 'add' ? /^[+-]?\d{1,8}$/ : /^\d{1,8}$/;
    const quantity = Number(qty);
    if (!signed.test(qty) || Math.abs(quantity) > MAX_STOCK_UNITS || (verb === 'add' && quantity === 0)) {
      const what =
        verb === 'add' ? 'a non-zero whole number (negative removes)' : 'a whole number, 0 or more';
      return { kind: 'invalid', message: `\`${qty.slice(0, 20)}\` must be ${what}. ${usage}` };
    }
    return { kind: verb, sku, quantity };
  }
  if (tokens.length === 1 && SKU_PATTERN.test(word)) return { kind: 'show', sku: word };
  return {
    kind: 'invalid',
    message: `I don't know \`/stock ${raw.trim().slice(0, 40)}\`. Try \`/stock help\`.`,
  };
}

/** Shown in mrkdwn, so `<` and `>` go as Slack's escapes. */
const ALIASES_USAGE =
  'Usage: `/stock aliases &lt;sku&gt; &lt;alias&gt;, &lt;alias&gt;, …` (comma-separated; `/stock aliases &lt;sku&gt; -` clears them)';

/**
 * `/stock aliases MUG-BLUE blue mug, ספל כחול`: the names after the SKU, comma-separated, as typed
 * (Slack sends `&`, `<` and `>` escaped); `-` or `none` clears. The inventory service checks them.
 */
function parseAliases(raw: string): StockCommand {
  const m = /^\S+\s+(\S+)(?:\s+([\s\S]*))?$/.exec(raw.trim());
  const sku = m?.[1];
  const list = m?.[2]?.trim();
  // Nothing but commas is no list: clearing is said with `-` or `none`.
  if (!sku || !list || !/[^,\s]/.test(list)) return { kind: 'invalid', message: ALIASES_USAGE };
  if (!SKU_PATTERN.test(sku))
    return { kind: 'invalid', message: `\`${sku.slice(0, 64)}\` is not a SKU. ${ALIASES_USAGE}` };
  return { kind: 'aliases', sku, aliases: aliasesFromText(unescapeEntities(list)) };
}
