/** The customer SMS grammar (README, "SMS (customers)"): one text in, one intent out. Pure. */

import type { Language } from '../customers/customer.js';
import { parseWrittenOrderNumber } from '../orders/number.js';

export type SmsIntent =
  | { kind: 'status'; number?: number }
  /** The items in the customer's words, read against the catalogue by src/order-words/. */
  | { kind: 'order'; text: string }
  | { kind: 'order_invalid'; problem: 'empty' }
  | { kind: 'confirm' }
  | { kind: 'add'; text: string }
  | { kind: 'add_invalid' }
  | { kind: 'cancel'; number: number }
  | { kind: 'return'; number: number }
  | { kind: 'help' }
  | { kind: 'opt_out'; keyword: string }
  | { kind: 'opt_in'; keyword: string }
  | { kind: 'rating'; score: 1 | 2 | 3 | 4 | 5 }
  /** The answer to a draft's question (set by the conversation, which knows one waits). */
  | { kind: 'answer'; text: string; lang?: Language }
  | { kind: 'unknown' };

export { MAX_ITEM_QUANTITY, MAX_ORDER_ITEMS } from '../order-words/limits.js';

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

/** ORDER's items, as written: anything but nothing (a lone "," or ";" is nothing). */
function parseOrder(rest: string): SmsIntent {
  const text = rest.trim();
  if (!/[\p{L}\p{N}]/u.test(text)) return { kind: 'order_invalid', problem: 'empty' };
  return { kind: 'order', text };
}

/** ADD's item (`ADD TOTE 2`, `ADD a blue mug`), as written; nothing is `add_invalid`. */
function parseAdd(rest: string): SmsIntent {
  const text = rest.replace(/\s+/g, ' ').trim();
  return /[\p{L}\p{N}]/u.test(text) ? { kind: 'add', text } : { kind: 'add_invalid' };
}

/** 'he' if the text has any Hebrew letter (mixed texts like "הזמנה 2 MUG" are Hebrew), else 'en' if Latin. */
export function detectLanguage(body: string): Language | undefined {
  if (/[\u05d0-\u05ea]/.test(body)) return 'he';
  if (/[A-Za-z\u00c0-\u024f]/.test(body)) return 'en';
  return undefined;
}
