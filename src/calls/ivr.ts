import { isE164 } from '../customers/phone.js';
import type { ProductChoice } from '../order-words/catalogue.js';
import type { OrderLine, OrderQuestion, OrderReading } from '../order-words/read.js';
import { parseOrderNumber } from '../orders/number.js';
import { type BusinessHours, isOpen } from '../voice/hours.js';
import { menuChoice, parseSpokenNumber } from '../voice/speech.js';
import type { CallDraft } from './call.js';

/**
 * The phone menu's decisions, one per step: what comes next from what the caller keyed or said.
 * Pure; the voice door (handlers/twilio/voice/) asks, does the database part and speaks the TwiML.
 */

/**
 * Wrong or no input repeats a question at most this many times, then goodbye (at the menu and for
 * an order number) or a person (while an order is being said).
 */
export const MAX_TRIES = 3;

/** What the caller gave at a step: keys (`Digits`) or words (`SpeechResult`). */
export interface Heard {
  digits?: string;
  speech?: string;
}

const heardAnything = (heard: Heard) => Boolean(heard.digits || heard.speech);

/** A question not understood (or not answered): asked again, or goodbye after the last try. */
export type AskAgain = { next: 'ask-again'; tries: number; heard: boolean } | { next: 'goodbye' };

function askAgain(heard: Heard, tries: number): AskAgain {
  return tries + 1 >= MAX_TRIES
    ? { next: 'goodbye' }
    : { next: 'ask-again', tries: tries + 1, heard: heardAnything(heard) };
}

/** What the desk knows to hand a caller to a person: the agent line, and whether it is open now. */
export interface Desk {
  agentNumber?: string;
  businessHours: BusinessHours;
  timezone: string;
  now: Date;
}

/** A person: the agent line rings within business hours; otherwise (or without one) a voicemail. */
export type PersonStep = { next: 'dial'; agent: string } | { next: 'voicemail' };

export function toPerson(desk: Desk): PersonStep {
  const agent = desk.agentNumber;
  const open = agent !== undefined && isOpen(desk.businessHours, desk.timezone, desk.now);
  return open ? { next: 'dial', agent } : { next: 'voicemail' };
}

export type MenuStep =
  | AskAgain
  | PersonStep
  | { next: 'switch-language' }
  | { next: 'read-orders' }
  | { next: 'take-order' }
  | { next: 'order-needs-number' };

/**
 * The main menu: 1 (or "status") reads the caller's orders; 2 (or "person") rings the agent line
 * within business hours and takes a voicemail otherwise; 3 (or "order") takes an order said in the
 * caller's words, from a caller whose number we can see (`from`, E.164); 9 (or the other
 * language's name) switches language.
 */
export function afterMenu(heard: Heard, tries: number, desk: Desk, from = ''): MenuStep {
  const choice = menuChoice(heard);
  if (!choice) return askAgain(heard, tries);
  if (choice === 'language') return { next: 'switch-language' };
  if (choice === 'status') return { next: 'read-orders' };
  if (choice === 'order') return isE164(from) ? { next: 'take-order' } : { next: 'order-needs-number' };
  return toPerson(desk);
}

/** A try at saying an order that did not work: asked again, or a person after the last try. */
export type OrderRetry<P> = { next: 'ask-again'; tries: number; problem: P } | PersonStep;

function orderRetry<P>(problem: P, tries: number, desk: Desk): OrderRetry<P> {
  return tries + 1 >= MAX_TRIES ? toPerson(desk) : { next: 'ask-again', tries: tries + 1, problem };
}

/** Why an order said was not taken; the caller hears it before being asked again. */
export type OrderProblem =
  | { kind: 'no-input' }
  | { kind: 'not-understood'; phrase?: string; closest?: ProductChoice }
  | { kind: 'too-much'; max: number }
  | { kind: 'too-many'; max: number };

export type OrderWordsStep =
  | OrderRetry<OrderProblem>
  | { next: 'draft'; items: OrderLine[]; questions: OrderQuestion[] };

/**
 * An order said (option 3), as the order reader read it (undefined: nothing was said). Taken as a
 * draft only when every phrase fits a product (one, or several to ask about) within the limits;
 * a phrase that fits none is named back with the product closest to it.
 */
export function afterOrderWords(
  reading: OrderReading | undefined,
  tries: number,
  desk: Desk,
  limits: { maxQuantity: number; maxItems: number },
): OrderWordsStep {
  if (!reading) return orderRetry({ kind: 'no-input' }, tries, desk);
  const [unplaced] = reading.unplaced;
  if (unplaced) {
    const { phrase, closest } = unplaced;
    return orderRetry({ kind: 'not-understood', phrase, ...(closest ? { closest } : {}) }, tries, desk);
  }
  if (reading.tooMuch) return orderRetry({ kind: 'too-much', max: limits.maxQuantity }, tries, desk);
  const { lines, questions } = reading;
  if (lines.length + questions.length === 0) return orderRetry({ kind: 'not-understood' }, tries, desk);
  if (lines.length + questions.length > limits.maxItems) {
    return orderRetry({ kind: 'too-many', max: limits.maxItems }, tries, desk);
  }
  return { next: 'draft', items: lines, questions };
}

/** A line into the draft's lines: added to a line of the same product. */
export function addLine(items: readonly OrderLine[], line: OrderLine): OrderLine[] {
  const same = items.some((i) => i.sku === line.sku);
  return same
    ? items.map((i) => (i.sku === line.sku ? { sku: i.sku, quantity: i.quantity + line.quantity } : { ...i }))
    : [...items.map((i) => ({ ...i })), { ...line }];
}

export type OrderChoiceStep =
  | OrderRetry<{ heard: boolean }>
  | { next: 'chosen'; items: OrderLine[]; questions: CallDraft['questions'] };

/**
 * The key pressed for the draft's first question, and the option it picks (undefined: none). The
 * pick becomes a line and the next question, if any, is asked.
 */
export function afterOrderChoice(
  heard: Heard,
  chosen: Pick<ProductChoice, 'sku'> | undefined,
  draft: Pick<CallDraft, 'items' | 'questions'>,
  tries: number,
  desk: Desk,
): OrderChoiceStep {
  const [question, ...rest] = draft.questions;
  if (!question || !chosen) return orderRetry({ heard: heardAnything(heard) }, tries, desk);
  return {
    next: 'chosen',
    items: addLine(draft.items, { sku: chosen.sku, quantity: question.quantity }),
    questions: rest,
  };
}

export type ReadBackStep = OrderRetry<{ heard: boolean }> | { next: 'place' } | { next: 'start-over' };

/** The order read back: 1 places it, 2 starts over. */
export function afterReadBack(heard: Heard, tries: number, desk: Desk): ReadBackStep {
  const key = heard.digits?.trim();
  if (key === '1') return { next: 'place' };
  if (key === '2') return { next: 'start-over' };
  return orderRetry({ heard: heardAnything(heard) }, tries, desk);
}

/** The lines asking for more than is available (a product gone counts as none available). */
export function shortLines(
  items: readonly OrderLine[],
  products: readonly { sku: string; available: number }[],
): { sku: string; available: number }[] {
  const available = new Map(products.map((p) => [p.sku, p.available]));
  return items
    .filter((i) => (available.get(i.sku) ?? 0) < i.quantity)
    .map((i) => ({ sku: i.sku, available: Math.max(0, available.get(i.sku) ?? 0) }));
}

export type OrderNumberStep = AskAgain | { next: 'menu' } | { next: 'look-up'; number: number };

/** An order number keyed (`#` ends it) or said; `*` goes back to the menu. */
export function afterOrderNumber(heard: Heard, tries: number): OrderNumberStep {
  if (heard.digits?.startsWith('*')) return { next: 'menu' };
  const number = parseOrderNumber(heard.digits?.replace(/#/g, '') || parseSpokenNumber(heard.speech));
  return number === undefined ? askAgain(heard, tries) : { next: 'look-up', number };
}

/** The agent line's answer (Twilio's `DialCallStatus`): done if someone picked up, else voicemail. */
export const afterDial = (dialStatus: string): 'hang-up' | 'voicemail' =>
  dialStatus === 'completed' || dialStatus === 'answered' ? 'hang-up' : 'voicemail';

/** A recording worth keeping: Twilio sends an empty one when the caller hung up at the beep. */
export const recordingKept = (recording: { url?: string; sid?: string; duration: number }) =>
  Boolean(recording.url && recording.sid && recording.duration !== 0);
