import type twilio from 'twilio';
import type { Language } from '../../../src/customers/customer.js';
import { say, type VoiceKey, type VoiceParams } from '../../../src/i18n/voice.js';
import type { Order } from '../../../src/orders/order.js';
import type { BusinessHours } from '../../../src/voice/hours.js';
import { speechHints, VOICES } from '../../../src/voice/speech.js';
import { xmlText } from '../../../src/xml-text.js';

/**
 * What the voice door says, as TwiML (the library's VoiceResponse): the menu, the questions, the
 * order read out, voicemail and goodbye, each in the caller's language and voice. The steps
 * (./index.ts and its neighbours, with src/calls/ivr.ts) decide which; this only builds them.
 */

export const VOICE_PATH = '/twilio/voice';
export const VOICE_STATUS_PATH = '/twilio/voice/status';
export const MENU = `${VOICE_PATH}/menu`;
export const ORDER = `${VOICE_PATH}/order`;
export const DIALED = `${VOICE_PATH}/dialed`;
export const RECORDED = `${VOICE_PATH}/recorded`;
export const TRANSCRIPTION = `${VOICE_PATH}/transcription`;
/** Option 3: the order said, the keypad answer to a question about it, and its read-back. */
export const ORDER_WORDS = `${VOICE_PATH}/order-words`;
export const ORDER_CHOICE = `${VOICE_PATH}/order-choice`;
export const ORDER_CONFIRM = `${VOICE_PATH}/order-confirm`;

/** Twilio waits 15 s for TwiML; the database gets this long, then the caller hears an answer anyway. */
export const VOICE_BUDGET_MS = 8_000;
/** A voicemail is at most two minutes. */
const VOICEMAIL_MAX_S = 120;
/** How long the agent line rings before the caller is offered voicemail. */
export const RING_S = 20;

export type VoiceResponse = InstanceType<typeof twilio.twiml.VoiceResponse>;

export const other = (lang: Language): Language => (lang === 'he' ? 'en' : 'he');

/** Says a catalogue text in its language's voice. */
export function speak<K extends VoiceKey>(
  node: VoiceResponse | ReturnType<VoiceResponse['gather']>,
  lang: Language,
  key: K,
  params: VoiceParams<K>,
  voiceOf: Language = lang,
): void {
  node.say(
    { language: VOICES[voiceOf].language, voice: VOICES[voiceOf].voice } as never,
    xmlText(say(lang, key, params)),
  );
}

/** A step's URL: the language and the tries so far travel in the query, which Twilio signs. */
export const stepUrl = (path: string, lang: Language, tries?: number) =>
  `${path}?lang=${lang}${tries === undefined ? '' : `&try=${tries}`}`;

export function createVoiceTwiml(config: { businessHours: BusinessHours }) {
  /** The menu as a Gather; silence falls through to the Redirect, which counts it as a try. */
  function menu(twiml: VoiceResponse, lang: Language, tries: number): void {
    const gather = twiml.gather({
      input: ['dtmf', 'speech'],
      numDigits: 1,
      timeout: 6,
      speechTimeout: 'auto',
      language: VOICES[lang].language as never,
      hints: speechHints(lang),
      action: stepUrl(MENU, lang, tries),
      method: 'POST',
    });
    speak(gather, lang, 'menu', {});
    speak(gather, lang, 'switchOffer', {}, other(lang));
    twiml.redirect({ method: 'POST' }, stepUrl(MENU, lang, tries));
  }

  /** Asks for an order number (keypad then #, or said); star goes back to the menu. */
  function askNumber(
    twiml: VoiceResponse,
    lang: Language,
    tries: number,
    prompt: 'askOrderNumber' | 'keyAnother',
  ) {
    const gather = twiml.gather({
      input: ['dtmf', 'speech'],
      finishOnKey: '#',
      timeout: 8,
      speechTimeout: 'auto',
      language: VOICES[lang].language as never,
      hints: speechHints(lang),
      action: stepUrl(ORDER, lang, tries),
      method: 'POST',
    });
    speak(gather, lang, prompt, {});
    twiml.redirect({ method: 'POST' }, stepUrl(ORDER, lang, tries));
  }

  function goodbye(twiml: VoiceResponse, lang: Language, key: 'goodbye' | 'tooManyTries') {
    speak(twiml, lang, key, {});
    twiml.hangup();
  }

  const describe = (twiml: VoiceResponse, lang: Language, order: Order) =>
    speak(twiml, lang, 'orderStatus', {
      number: order.number,
      status: order.status,
      items: order.items.reduce((n, i) => n + i.quantity, 0),
      ...(order.status !== 'pending_approval' && order.shipment?.trackingNumber
        ? { tracking: { carrier: order.shipment.carrier, trackingNumber: order.shipment.trackingNumber } }
        : {}),
    });

  /** Voicemail: the prompt, the recording (transcribed), and what to say if nothing was recorded. */
  function voicemail(twiml: VoiceResponse, lang: Language, closed: boolean): void {
    if (closed) speak(twiml, lang, 'voicemailClosed', { hours: config.businessHours });
    else speak(twiml, lang, 'voicemailNoAnswer', {});
    twiml.record({
      action: stepUrl(RECORDED, lang),
      method: 'POST',
      maxLength: VOICEMAIL_MAX_S,
      timeout: 5,
      finishOnKey: '#',
      playBeep: true,
      transcribe: true,
      transcribeCallback: TRANSCRIPTION,
    });
    goodbye(twiml, lang, 'goodbye');
  }

  return { menu, askNumber, goodbye, describe, voicemail };
}
