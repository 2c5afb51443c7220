import twilio from 'twilio';
import { afterReadBack } from '../../../src/calls/ivr.js';
import { isE164 } from '../../../src/customers/phone.js';
import { carryOn, orderHints, sayShort } from './order-draft.js';
import { toPerson } from './person.js';
import { field, langOf, revOf, type StepHandler, triesOf } from './step.js';
import { speak } from './twiml.js';

/**
 * The key pressed after option 3's read-back: 1 places the order (channel `voice`, keyed by the
 * CallSid, so Twilio delivering the 1 twice places one order), 2 starts over.
 */
export const orderConfirmStep: StepHandler = (step) => async (req, res) => {
  const { calls, orderWords, fromDb, callOf, send, menu, askOrder } = step;
  const call = callOf(req);
  const lang = langOf(req);
  const tries = triesOf(req);
  const twiml = new twilio.twiml.VoiceResponse();
  const digits = field(req, 'Digits');
  const found = await fromDb('read the order being said', call.sid, async () => ({
    stored: await calls.get(call.sid),
    reader: await orderWords.reader(),
  }));
  if (!found) {
    speak(twiml, lang, 'unavailable', {});
    menu(twiml, lang, 0);
    return send(res, twiml);
  }
  const { stored, reader } = found;
  const draft = stored?.draft;
  if (!isE164(call.from)) {
    speak(twiml, lang, 'orderNeedsNumber', {});
    menu(twiml, lang, 0);
    return send(res, twiml);
  }
  if (!stored || !draft) {
    askOrder(twiml, lang, 0, orderHints(reader, lang), false);
    return send(res, twiml);
  }
  // Read back from another version of the draft (or a question still open): hear it as it is now.
  if (draft.rev !== revOf(req) || draft.questions.length > 0) {
    await carryOn(step, twiml, call.sid, lang, 0, draft, reader);
    return send(res, twiml);
  }
  const next = afterReadBack({ digits }, tries, step.desk());
  switch (next.next) {
    case 'ask-again':
      speak(twiml, lang, next.problem.heard ? 'notUnderstood' : 'noInput', {});
      await carryOn(step, twiml, call.sid, lang, next.tries, draft, reader);
      return send(res, twiml);
    case 'dial':
    case 'voicemail':
      speak(twiml, lang, 'orderGiveUp', {});
      await toPerson(step, twiml, call, lang, next);
      return send(res, twiml);
    case 'start-over': {
      const over = await fromDb('start the order over', call.sid, () =>
        calls.startOrder(call.sid, 'order-over'),
      );
      if (over === undefined) {
        speak(twiml, lang, 'unavailable', {});
        menu(twiml, lang, 0);
      } else askOrder(twiml, lang, 0, orderHints(reader, lang), false);
      return send(res, twiml);
    }
    case 'place': {
      const placing = await fromDb('place the order said', call.sid, () =>
        calls.placeOrder(stored, draft.items, lang),
      );
      if (!placing) {
        // Slow or failed: it may still go through, and then its "placed" text tells the caller.
        speak(twiml, lang, 'orderNotPlaced', {});
        menu(twiml, lang, 0);
      } else if ('placed' in placing) {
        speak(twiml, lang, 'orderPlaced', { number: placing.placed.number });
        twiml.hangup();
      } else if ('short' in placing) {
        sayShort(step, twiml, lang, reader, placing.short);
      } else {
        speak(twiml, lang, 'orderNotUnderstood', {});
        askOrder(twiml, lang, 0, orderHints(reader, lang), true);
      }
      return send(res, twiml);
    }
  }
};
