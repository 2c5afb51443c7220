import twilio from 'twilio';
import { afterOrderNumber } from '../../../src/calls/ivr.js';
import { isE164 } from '../../../src/customers/phone.js';
import { field, langOf, type StepHandler, triesOf } from './step.js';
import { speak } from './twiml.js';

/** An order number keyed or said (or * for the menu): read out only if it is the caller's. */
export const orderStep: StepHandler =
  ({ calls, fromDb, callOf, send, menu, askNumber, goodbye, describe }) =>
  async (req, res) => {
    const call = callOf(req);
    const lang = langOf(req);
    const twiml = new twilio.twiml.VoiceResponse();
    const heard = { digits: field(req, 'Digits'), speech: field(req, 'SpeechResult') };
    const step = afterOrderNumber(heard, triesOf(req));
    if (step.next === 'menu') {
      menu(twiml, lang, 0);
      return send(res, twiml);
    }
    if (step.next === 'goodbye') {
      goodbye(twiml, lang, 'goodbye');
      return send(res, twiml);
    }
    if (step.next === 'ask-again') {
      speak(twiml, lang, step.heard ? 'notUnderstood' : 'noInput', {});
      askNumber(twiml, lang, step.tries, 'askOrderNumber');
      return send(res, twiml);
    }
    const { number } = step;
    const found = await fromDb('look up the order', call.sid, async () => {
      const order = isE164(call.from) ? await calls.owned(number, call.from) : undefined;
      if (order) await calls.heard(call.sid, [order]);
      else await calls.step(call.sid, `not-found:${number}`);
      return { order };
    });
    if (!found) speak(twiml, lang, 'unavailable', {});
    else if (found.order) describe(twiml, lang, found.order);
    // A stranger's order and one that does not exist get exactly the same words.
    else speak(twiml, lang, 'notFound', { number });
    askNumber(twiml, lang, 0, 'keyAnother');
    send(res, twiml);
  };
