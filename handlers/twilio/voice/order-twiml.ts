import type { Language } from '../../../src/customers/customer.js';
import { VOICES } from '../../../src/voice/speech.js';
import { ORDER_CHOICE, ORDER_CONFIRM, ORDER_WORDS, speak, stepUrl, type VoiceResponse } from './twiml.js';

/**
 * What option 3 says, as TwiML: the order asked for (speech, with the catalogue's names as hints),
 * a question about a phrase that fits several products (one key), and the read-back (1 or 2).
 * Silence falls through to each Gather's Redirect, which counts it as a try.
 */

/** Seconds of silence that end an order said: a caller listing products pauses between them. */
const ORDER_PAUSE_S = '2';

/** A step answering a version of the draft: `rev` travels in the query, which Twilio signs. */
const draftUrl = (path: string, lang: Language, tries: number, rev: string) =>
  `${stepUrl(path, lang, tries)}&rev=${encodeURIComponent(rev)}`;

export function createOrderTwiml() {
  /** "Say your order": speech only, in the caller's language; `again` after a try that failed. */
  function askOrder(
    twiml: VoiceResponse,
    lang: Language,
    tries: number,
    hints: string,
    again: boolean,
  ): void {
    const gather = twiml.gather({
      input: ['speech'],
      timeout: 6,
      speechTimeout: ORDER_PAUSE_S,
      language: VOICES[lang].language as never,
      ...(hints ? { hints } : {}),
      action: stepUrl(ORDER_WORDS, lang, tries),
      method: 'POST',
    });
    speak(gather, lang, again ? 'orderAskAgain' : 'orderAsk', {});
    twiml.redirect({ method: 'POST' }, stepUrl(ORDER_WORDS, lang, tries));
  }

  /** A phrase that fits several products: one key picks the option (`options`, as said). */
  function askChoice(
    twiml: VoiceResponse,
    lang: Language,
    tries: number,
    rev: string,
    question: { phrase: string; options: string[] },
  ): void {
    const gather = twiml.gather({
      input: ['dtmf'],
      numDigits: 1,
      timeout: 8,
      action: draftUrl(ORDER_CHOICE, lang, tries, rev),
      method: 'POST',
    });
    speak(gather, lang, 'orderQuestion', question);
    twiml.redirect({ method: 'POST' }, draftUrl(ORDER_CHOICE, lang, tries, rev));
  }

  /** The order read back with its total: 1 places it, 2 starts over. */
  function readBack(
    twiml: VoiceResponse,
    lang: Language,
    tries: number,
    rev: string,
    summary: { lines: { quantity: number; name: string }[]; total: string },
  ): void {
    const gather = twiml.gather({
      input: ['dtmf'],
      numDigits: 1,
      timeout: 8,
      action: draftUrl(ORDER_CONFIRM, lang, tries, rev),
      method: 'POST',
    });
    speak(gather, lang, 'orderReadBack', summary);
    twiml.redirect({ method: 'POST' }, draftUrl(ORDER_CONFIRM, lang, tries, rev));
  }

  return { askOrder, askChoice, readBack };
}
