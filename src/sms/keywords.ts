/** The customer SMS grammar (README, "SMS (customers)"): one text in, one intent out. Pure. */

import type { Language } from '../customers/customer.js';
import { SKU_PATTERN } from '../inventory/sku.js';
import { parseWrittenOrderNumber } from '../orders/number.js';
import { xmlText } from '../xml-text.js';

export type SmsIntent =
  | { kind: 'status'; number?: number }
  | { kind: 'order'; items: { sku: string; quantity: number }[] }
  | { kind: 'order_invalid'; problem: 'empty' | 'unreadable' | 'too_many'; line?: string }
  | { kind: 'confirm' }
  | { kind: 'add'; sku: string; quantity: number }
  | { kind: 'add_invalid' }
  | { kind: 'cancel'; number: number }
  | { kind: 'return'; number: number }
  | { kind: 'help' }
  | { kind: 'opt_out'; keyword: string }
  | { kind: 'opt_in'; keyword: string }
  | { kind: 'rating'; score: 1 | 2 | 3 | 4 | 5 }
  | { kind: 'unknown' };

/**
 * A text's own bounds, tighter than the domain's (`ORDER_LIMITS`, src/orders/types.ts): an order
 * by text is a handful of products for one household, and a slip of the thumb ("1000") should not
 * reserve a shelf. A unit test keeps them within the domain's.
 */
export const MAX_ORDER_ITEMS = 20;
export const MAX_ITEM_QUANTITY = 100;

/**
 * Opt-out words are honoured only when they are the whole message, as carriers do (a lone CANCEL
 * is an opt-out, CANCEL 1042 cancels an order). Twilio also blocks the phone on OPTOUT and REVOKE
 * (the FCC's 2025 "any reasonable means" rule), so they are recorded too, or our sends to that
 * phone would fail. הסר is the removal word Israeli law (Communications Law §30A) expects.
 */
const OPT_OUT = new Set([
  'STOP',
  'STOPALL',
  'STOP ALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'OPTOUT',
  'OPT OUT',
  'REVOKE',
  'הסר',
]);
/** YES is deliberately absent: carriers treat it as opt-in, so it can never mean CONFIRM either. */
const OPT_IN = new Set(['START', 'UNSTOP']);

type Command = 'status' | 'order' | 'confirm' | 'add' | 'cancel' | 'return' | 'help';
const COMMANDS: Record<string, Command> = {
  STATUS: 'status',
  סטטוס: 'status',
  ORDER: 'order',
  הזמנה: 'order',
  CONFIRM: 'confirm',
  אישור: 'confirm',
  ADD: 'add',
  הוסף: 'add',
  הוסיפו: 'add',
  CANCEL: 'cancel',
  ביטול: 'cancel',
  RETURN: 'return',
  החזרה: 'return',
  HELP: 'help',
  INFO: 'help',
  עזרה: 'help',
};

// Trailing "." or "!" ("Confirm.", "Stop!"). The lookbehind starts a match only at the first mark
// of a run: a plain /[.!]+$/ retries from every mark of a long run and takes quadratic time.
const TRAILING_PUNCTUATION = /(?<![.!])[.!]+$/;
// Invisible direction marks that Hebrew keyboards insert; they must not make "הסר" unreadable.
const BIDI_MARKS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

export function parseSms(body: string): SmsIntent {
  // Spaces collapse, but line breaks survive: they separate ORDER items.
  const text = body
    .replace(BIDI_MARKS, '')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ *\n\s*/g, '\n')
    .trim()
    .replace(TRAILING_PUNCTUATION, '')
    .trim();
  const flat = text.replace(/\s+/g, ' ').toUpperCase();

  if (OPT_OUT.has(flat)) return { kind: 'opt_out', keyword: flat };
  if (OPT_IN.has(flat)) return { kind: 'opt_in', keyword: flat };
  if (/^[1-5]$/.test(flat)) return { kind: 'rating', score: Number(flat) as 1 | 2 | 3 | 4 | 5 };
  const bare = parseWrittenOrderNumber(flat);
  if (bare !== undefined) return { kind: 'status', number: bare };

  const m = /^(\S+?):?(?:\s+([\s\S]*))?$/.exec(text);
  const command = m?.[1] ? COMMANDS[m[1].toUpperCase()] : undefined;
  const rest = (m?.[2] ?? '').trim();
  const number = parseWrittenOrderNumber(rest.replace(/\s+/g, ' '));
  switch (command) {
    case 'status':
      if (!rest) return { kind: 'status' };
      return number === undefined ? { kind: 'unknown' } : { kind: 'status', number };
    case 'order':
      return parseOrder(rest);
    case 'confirm':
      return rest ? { kind: 'unknown' } : { kind: 'confirm' };
    case 'add':
      return parseAdd(rest);
    case 'cancel':
      // A lone English CANCEL was caught above as an opt-out; a lone ביטול is ambiguous
      // (unsubscribe or cancel an order?), so it gets the help reply, which names both.
      return number === undefined ? { kind: 'unknown' } : { kind: 'cancel', number };
    case 'return':
      return number === undefined ? { kind: 'unknown' } : { kind: 'return', number };
    case 'help':
      return rest ? { kind: 'unknown' } : { kind: 'help' };
    default:
      return { kind: 'unknown' };
  }
}

/**
 * `2 SKU`, `2x SKU`, `2 x SKU`, `SKU 2`, `SKU x2`, or a bare `SKU` (= 1). `2xSKU` without a space
 * is not a form: it cannot be told apart from a SKU such as `2XL-TEE`.
 */
function parseItem(item: string): { sku: string; quantity: number } | undefined {
  const forms: [RegExp, number, number][] = [
    [/^(\d{1,3}) ?[x×*]? (\S+)$/i, 2, 1],
    [/^(\S+) [x×*]? ?(\d{1,3})$/i, 1, 2],
  ];
  for (const [re, skuAt, qtyAt] of forms) {
    const m = re.exec(item);
    if (!m) continue;
    const sku = m[skuAt] ?? '';
    const quantity = Number(m[qtyAt]);
    if (!SKU_PATTERN.test(sku) || quantity < 1 || quantity > MAX_ITEM_QUANTITY) return undefined;
    return { sku: sku.toUpperCase(), quantity };
  }
  return SKU_PATTERN.test(item) ? { sku: item.toUpperCase(), quantity: 1 } : undefined;
}

function parseOrder(rest: string): SmsIntent {
  const lines = rest
    .split(/[,;\n]+/)
    .map((l) => l.trim().replace(TRAILING_PUNCTUATION, '').trim())
    .filter(Boolean);
  if (lines.length === 0) return { kind: 'order_invalid', problem: 'empty' };
  const totals = new Map<string, number>();
  for (const line of lines) {
    const item = parseItem(line);
    const quantity = item ? (totals.get(item.sku) ?? 0) + item.quantity : 0;
    // The same SKU twice adds up, but the sum must still be a quantity we accept.
    if (!item || quantity > MAX_ITEM_QUANTITY)
      return { kind: 'order_invalid', problem: 'unreadable', line: xmlText(line) };
    totals.set(item.sku, quantity);
  }
  if (totals.size > MAX_ORDER_ITEMS) return { kind: 'order_invalid', problem: 'too_many' };
  return { kind: 'order', items: [...totals].map(([sku, quantity]) => ({ sku, quantity })) };
}

/**
 * `ADD <SKU> [qty]`: one item, in any form ORDER takes (`TOTE`, `TOTE 2`, `2 TOTE`, `TOTE x2`),
 * to go into the pending draft. Anything else (nothing, two items, a quantity out of range) is
 * `add_invalid`, answered with how to write it.
 */
function parseAdd(rest: string): SmsIntent {
  const line = rest.replace(/\s+/g, ' ').replace(TRAILING_PUNCTUATION, '').trim();
  const item = line ? parseItem(line) : undefined;
  return item ? { kind: 'add', sku: item.sku, quantity: item.quantity } : { kind: 'add_invalid' };
}

/** 'he' if the text has any Hebrew letter (mixed texts like "הזמנה 2 MUG" are Hebrew), else 'en' if Latin. */
export function detectLanguage(body: string): Language | undefined {
  if (/[\u05d0-\u05ea]/.test(body)) return 'he';
  if (/[A-Za-z\u00c0-\u024f]/.test(body)) return 'en';
  return undefined;
}
