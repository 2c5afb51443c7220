/**
 * The pieces the voice door's messages share (see call.ts): the caller, words for the call's facts,
 * how the call stands or ended, and the caller's card. Everything the caller or Twilio supplied is
 * untrusted and escaped here.
 */

import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { type BlockBuilder, Blocks, Elements } from 'slack-block-builder';
import { type Call, callStatusRank, outcomeOf } from '../../calls/call.js';
import { isE164 } from '../../customers/phone.js';
import { ORDER_STATUSES, type OrderStatus } from '../../orders/lifecycle.js';
import { parseOrderNumber } from '../../orders/number.js';
import { LIMITS, type RenderContext, statusLabel, truncate } from './format.js';
import { ACTIONS } from './ids.js';
import { lineBlocks, money } from './parts.js';
import { escapeText, plainText } from './untrusted.js';

/** What staff should see about the caller, gathered by the caller of these builders. */
export interface CallCard {
  call: Call;
  customer?: { phone: string; name?: string; language?: string };
  openOrders: { number: number; status: string; total: number; currency: string }[];
  lastRating?: { order: number; score: number };
  /** Calls from this phone, this one included. */
  callsCount: number;
}

const OPEN_ORDERS_MAX = 5;
const PATH_MAX = 12;
const CALL_ORDERS_MAX = 10;
const NAME_MAX = 60;

// ---------------------------------------------------------------------------------------------
// The caller's number

/**
 * What Twilio puts in `From` when the caller withheld their number: the keypad spellings of
 * ANONYMOUS, UNKNOWN, BLOCKED, RESTRICTED and UNAVAILABLE (Twilio's help article "Why am I getting
 * calls from these strange numbers?"). They look like E.164, but calling them back reaches nobody.
 */
const WITHHELD = new Set(['+266696687', '+8656696', '+2562533', '+7378742833', '+86282452253']);

/** The number we can call back and log an order under, or undefined for a hidden one. */
function callbackNumber(from: string): string | undefined {
  return isE164(from) && !WITHHELD.has(from) ? from : undefined;
}

/** `+1 555 123 4567` for reading aloud; the E.164 form when libphonenumber cannot group it. */
function readableNumber(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed?.isPossible() ? parsed.formatInternational() : e164;
}

export interface Caller {
  /** E.164, when the number was shown. */
  phone?: string;
  /** Plain (unescaped) words: the name, the number, or "Unknown caller". */
  label: string;
  /** Plain: `Dana Levi (+1 555 123 4567)`, `+1 555 123 4567` or `Unknown caller (hidden number)`. */
  title: string;
}

export function callerOf(card: CallCard): Caller {
  const phone = callbackNumber(card.call.from);
  const name = (card.customer?.name ?? card.call.customer?.name)?.trim();
  const number = phone ? readableNumber(phone) : undefined;
  if (!number) {
    const label = name ? plainText(name, NAME_MAX) : 'Unknown caller';
    return { label, title: `${label} (hidden number)` };
  }
  if (!name) return { phone, label: number, title: number };
  const label = plainText(name, NAME_MAX);
  return { phone, label, title: `${label} (${number})` };
}

// ---------------------------------------------------------------------------------------------
// Words for the call's facts

const LANGUAGES: Record<string, string> = { en: 'English', he: 'Hebrew' };
const languageName = (code: string) => LANGUAGES[code] ?? escapeText(code, 20);

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix =
    tens >= 11 && tens <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

const callsCountText = (n: number) => (n <= 1 ? 'First call' : `${ordinal(Math.floor(n))} call`);

/** `40 s`, `3 min 12 s`, `1 h 5 min`. */
function spokenDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
  const minutes = Math.floor((s % 3600) / 60);
  return minutes === 0 ? `${Math.floor(s / 3600)} h` : `${Math.floor(s / 3600)} h ${minutes} min`;
}

/** `0:42`, `12:05`: how long a recording plays. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

const isOrderStatus = (s: string): s is OrderStatus => (ORDER_STATUSES as readonly string[]).includes(s);
const orderNumber = (s: string | undefined) => {
  const n = parseOrderNumber(s);
  return n === undefined ? undefined : `#${n}`;
};

/** One menu step as staff read it; an unknown step is shown as recorded (escaped). */
function stepText(step: string): string {
  const [kind = '', arg] = step.split(/:(.*)/s, 2);
  switch (kind) {
    case 'menu':
      return 'Menu';
    case 'status':
      return 'Order status';
    case 'order':
      return orderNumber(arg) ?? 'Order';
    case 'heard':
      return orderNumber(arg) ? `Heard status of ${orderNumber(arg)}` : 'Heard the status';
    case 'agent':
      return 'Asked for a person';
    case 'voicemail':
      return 'Voicemail';
    case 'not-found':
      return 'Order not found';
    case 'take-order':
      return 'Order by voice';
    case 'order-said':
      return 'Said an order';
    case 'order-over':
      return 'Started the order over';
    case 'placed':
      return orderNumber(arg) ? `Placed order ${orderNumber(arg)}` : 'Placed an order';
    case 'order-no-number':
      return 'Hidden number: could not order';
    case 'language':
    case 'lang':
      return arg ? `Switched to ${languageName(arg)}` : 'Language';
    default:
      return escapeText(step, 40);
  }
}

/** The path's first steps; a call keeps only its latest steps, so `taken` may be more than it holds. */
function pathText(path: string[], taken = path.length): string | undefined {
  if (path.length === 0) return undefined;
  const steps = path.slice(0, PATH_MAX).map(stepText);
  if (path.length > PATH_MAX) steps.push(`+${path.length - PATH_MAX} more`);
  const earlier = taken > path.length ? `${taken - path.length} earlier steps → ` : '';
  return truncate(`Menu: ${earlier}${steps.join(' → ')}`, LIMITS.contextText);
}

function callOrdersText(orders: number[]): string | undefined {
  if (orders.length === 0) return undefined;
  const shown = orders.slice(0, CALL_ORDERS_MAX).map((n) => `#${n}`);
  if (orders.length > CALL_ORDERS_MAX) shown.push(`+${orders.length - CALL_ORDERS_MAX} more`);
  return `Orders on this call: ${shown.join(', ')}`;
}

// ---------------------------------------------------------------------------------------------
// Where the call stands

/** Twilio's DialCallStatus values that mean the agent line did not pick up. */
const MISSED = new Set(['no-answer', 'busy', 'failed', 'canceled']);

const ended = (call: Call) => Boolean(call.endedAt) || callStatusRank(call.status) >= 4;

/** The pop's status line and the key of what it shows; both come from here so they cannot disagree. */
export function popState(call: Call): { key: string; line: string } {
  const over = ended(call);
  const outcome = outcomeOf(call);
  const agent = call.agent ? escapeText(readableNumber(call.agent.number), 40) : 'the agent line';
  if (outcome === 'voicemail') return { key: 'ended:voicemail', line: 'Not answered — voicemail below' };
  if (outcome === 'connected') {
    const seconds = call.agent?.duration ?? (over ? call.duration : undefined);
    const key = `${over ? 'ended:' : ''}connected${seconds === undefined ? '' : `:${Math.round(seconds)}`}`;
    const took = seconds === undefined ? '' : ` · ${spokenDuration(seconds)}`;
    return { key, line: `${over ? 'Connected to' : 'On the line with'} ${agent}${took}` };
  }
  const missed = call.agent?.status !== undefined && MISSED.has(call.agent.status);
  if (over) {
    const after = call.duration === undefined ? '' : ` after ${spokenDuration(call.duration)}`;
    const seconds = call.duration === undefined ? '' : `:${Math.round(call.duration)}`;
    if (missed) return { key: `ended:missed${seconds}`, line: `Not answered · hung up${after}` };
    if (call.agent) return { key: `ended:ringing${seconds}`, line: `Hung up while ringing${after}` };
    return { key: `ended:hung_up${seconds}`, line: `Hung up${after}` };
  }
  if (missed) return { key: 'missed', line: 'Not answered — the caller can leave a voicemail…' };
  if (call.agent) return { key: 'ringing', line: 'Ringing the agent line…' };
  return { key: 'menu', line: 'In the menu…' };
}

/**
 * The parts of the call every message shows besides its state, as one short suffix. The path and
 * the orders only ever grow (the path's step count, the orders' length), so they tell versions apart.
 */
export const factsKey = (call: Call) =>
  `${call.language}|p${call.pathSteps ?? call.path.length}|o${call.orders.length}`;

// ---------------------------------------------------------------------------------------------
// The caller's card: the same facts on the pop and on the voicemail

export function callerBlocks(card: CallCard, caller: Caller, ctx: RenderContext): BlockBuilder[] {
  const { call } = card;
  const fields = [`*Phone*\n${caller.phone ? escapeText(readableNumber(caller.phone)) : 'Hidden'}`];
  let language = languageName(call.language);
  const usual = card.customer?.language;
  if (usual && usual !== call.language) language += ` (texts in ${languageName(usual)})`;
  fields.push(`*Language*\n${language}`);
  if (caller.phone) fields.push(`*Calls*\n${callsCountText(card.callsCount)}`);
  if (card.lastRating) {
    const score = Math.max(0, Math.min(5, Math.round(card.lastRating.score)));
    fields.push(
      `*Last rating*\n${'★'.repeat(score)}${'☆'.repeat(5 - score)} ${score}/5 on #${card.lastRating.order}`,
    );
  }
  const blocks: BlockBuilder[] = [Blocks.Section().fields(fields)];

  if (caller.phone) {
    const lines = card.openOrders
      .slice(0, OPEN_ORDERS_MAX)
      .map(
        (o) =>
          `*#${o.number}* · ${isOrderStatus(o.status) ? statusLabel(o.status) : escapeText(o.status, 40)} · ${money(o, o.total, ctx)}`,
      );
    if (lines.length === 0) blocks.push(Blocks.Section({ text: '*Open orders*\nNone' }));
    else {
      blocks.push(
        ...lineBlocks(lines, {
          maxSections: 1,
          heading: '*Open orders*',
          total: card.openOrders.length,
          more: (n) => `…and ${n} more open ${n === 1 ? 'order' : 'orders'}`,
        }),
      );
    }
  }

  const facts = [pathText(call.path, call.pathSteps), callOrdersText(call.orders)].filter((t): t is string =>
    Boolean(t),
  );
  if (facts.length > 0) blocks.push(Blocks.Context().elements(facts));
  return blocks;
}

/** The block of the button names the call, so the order logged from it is linked to the call. */
export const CALL_BLOCK_PREFIX = 'call:';

export function logButton(caller: Caller, sid: string, ctx: RenderContext): BlockBuilder[] {
  if (!caller.phone) return [];
  const customerPage = ctx.consoleUrl?.(`/console/customers/${encodeURIComponent(caller.phone)}`);
  return [
    Blocks.Actions({ blockId: `${CALL_BLOCK_PREFIX}${sid}` }).elements(
      Elements.Button({
        text: 'Log phone order',
        actionId: ACTIONS.logPhoneOrder,
        value: caller.phone,
      }).primary(),
      // The caller's whole story (orders, texts, calls, ratings) in the console.
      customerPage
        ? Elements.Button({ text: 'Open in console', url: customerPage, actionId: ACTIONS.openConsole })
        : undefined,
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// The voicemail's transcription

export type Transcript =
  | { kind: 'pending' }
  | { kind: 'failed' }
  | { kind: 'empty' }
  | { kind: 'text'; text: string };

export function transcriptOf(call: Call): Transcript {
  const vm = call.voicemail;
  const text = vm?.transcription?.trim();
  if (text) return { kind: 'text', text };
  if (!vm?.transcriptionStatus) return { kind: 'pending' };
  if (vm.transcriptionStatus === 'failed') return { kind: 'failed' };
  return { kind: 'empty' };
}
