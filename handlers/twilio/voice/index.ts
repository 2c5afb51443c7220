import { Router } from 'express';
import type { Deps } from '../../../src/services.js';
import { twilioDoor } from '../signature.js';
import { dialedStep } from './dialed.js';
import { incoming } from './incoming.js';
import { menuStep } from './menu.js';
import { orderStep } from './order.js';
import { orderChoiceStep } from './order-choice.js';
import { orderConfirmStep } from './order-confirm.js';
import { orderWordsStep } from './order-words.js';
import { recordedStep } from './recorded.js';
import { statusStep } from './status.js';
import { createVoiceStep, type StepHandler } from './step.js';
import { transcriptionStep } from './transcription.js';
import {
  DIALED,
  MENU,
  ORDER,
  ORDER_CHOICE,
  ORDER_CONFIRM,
  ORDER_WORDS,
  RECORDED,
  TRANSCRIPTION,
  VOICE_PATH,
  VOICE_STATUS_PATH,
} from './twiml.js';

export { VOICE_PATH, VOICE_STATUS_PATH } from './twiml.js';

/** Each step of the phone menu, by the path Twilio posts it to; one file each. */
const STEPS: readonly (readonly [string, StepHandler])[] = [
  [VOICE_PATH, incoming],
  [MENU, menuStep],
  [ORDER, orderStep],
  [ORDER_WORDS, orderWordsStep],
  [ORDER_CHOICE, orderChoiceStep],
  [ORDER_CONFIRM, orderConfirmStep],
  [DIALED, dialedStep],
  [RECORDED, recordedStep],
  [TRANSCRIPTION, transcriptionStep],
  [VOICE_STATUS_PATH, statusStep],
];

/**
 * The voice door: `POST /twilio/voice` answers a call with a greeting and a menu in the caller's
 * language, and the menu's steps post back under `/twilio/voice/…` with the language and the tries
 * so far in the query (signed by Twilio with it). 1 — order status; 2 — a person (a screen pop in
 * SLACK_CHANNEL_CALLS while it rings, voicemail outside BUSINESS_HOURS or when nobody answers);
 * 3 — an order said in the caller's words, read back and placed on 1 (the draft lives on the call);
 * 9 — the other language. Every call is one record (src/calls/service.ts); what each step does
 * next is decided in src/calls/ivr.ts.
 *
 * The caller always hears something within Twilio's 15 s: each step gives the database
 * VOICE_BUDGET_MS, and while it is unreachable the menu still answers (in DEFAULT_LANGUAGE) and a
 * person can still be reached; only the order lookups apologise.
 */
export function twilioVoiceRouter(deps: Deps): Router {
  const router = Router();
  const checked = twilioDoor(deps.config, router, [VOICE_PATH, `${VOICE_PATH}/*rest`]);
  if (!checked) return router;
  router.use(VOICE_PATH, ...checked);
  const step = createVoiceStep(deps);
  for (const [path, handler] of STEPS) router.post(path, handler(step));
  return router;
}
