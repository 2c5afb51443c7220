import { parseOrderNumber } from '../orders/number.js';
import { type BusinessHours, isOpen } from '../voice/hours.js';
import { menuChoice, parseSpokenNumber } from '../voice/speech.js';

/**
 * The phone menu's decisions, one per step: what comes next from what the caller keyed or said.
 * Pure; the voice door (handlers/twilio/voice/) asks, does the database part and speaks the TwiML.
 */

/** Wrong or no input repeats a question at most this many times, then goodbye. */
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

export type MenuStep =
  | AskAgain
  | { next: 'switch-language' }
  | { next: 'read-orders' }
  | { next: 'dial'; agent: string }
  | { next: 'voicemail' };

/**
 * The main menu: 1 (or "status") reads the caller's orders; 2 (or "person") rings the agent line
 * within business hours and takes a voicemail otherwise; 9 (or the other language's name)
 * switches language.
 */
export function afterMenu(
  heard: Heard,
  tries: number,
  desk: { agentNumber?: string; businessHours: BusinessHours; timezone: string; now: Date },
): MenuStep {
  const choice = menuChoice(heard);
  if (!choice) return askAgain(heard, tries);
  if (choice === 'language') return { next: 'switch-language' };
  if (choice === 'status') return { next: 'read-orders' };
  const agent = desk.agentNumber;
  const open = agent !== undefined && isOpen(desk.businessHours, desk.timezone, desk.now);
  return open ? { next: 'dial', agent } : { next: 'voicemail' };
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
