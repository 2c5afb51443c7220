import twilio from 'twilio';
import { afterMenu } from '../../../src/calls/ivr.js';
import { orderHints } from './order-draft.js';
import { toPerson } from './person.js';
import { field, langOf, type StepHandler, triesOf } from './step.js';
import { other, speak } from './twiml.js';

/**
 * The menu's answer: 1 the caller's orders, 2 a person (or voicemail), 3 an order said in the
 * caller's words, 9 the other language.
 */
export const menuStep: StepHandler = (step) => async (req, res) => {
  const { calls, orderWords, fromDb, callOf, send, menu, askNumber, askOrder, goodbye, describe } = step;
  const call = callOf(req);
  const lang = langOf(req);
  const tries = triesOf(req);
  const twiml = new twilio.twiml.VoiceResponse();
  const heard = { digits: field(req, 'Digits'), speech: field(req, 'SpeechResult') };
  const next = afterMenu(heard, tries, step.desk(), call.from);
  switch (next.next) {
    case 'goodbye':
      await fromDb('note the goodbye', call.sid, () => calls.step(call.sid, 'gave-up'));
      goodbye(twiml, lang, 'tooManyTries');
      return send(res, twiml);
    case 'ask-again':
      speak(twiml, lang, next.heard ? 'notUnderstood' : 'noInput', {});
      menu(twiml, lang, next.tries);
      return send(res, twiml);
    case 'switch-language': {
      const to = other(lang);
      await fromDb('switch language', call.sid, () => calls.setLanguage(call.sid, to));
      menu(twiml, to, tries);
      return send(res, twiml);
    }
    case 'read-orders': {
      const read = await fromDb('find the caller’s orders', call.sid, async () => {
        await calls.step(call.sid, 'status');
        const orders = await calls.ordersToRead(call.from);
        await calls.heard(call.sid, orders);
        return orders;
      });
      if (read === undefined) {
        speak(twiml, lang, 'unavailable', {});
        menu(twiml, lang, tries);
      } else if (read.length === 0) {
        askNumber(twiml, lang, 0, 'askOrderNumber');
      } else {
        if (read.length > 1) speak(twiml, lang, 'recentIntro', { count: read.length });
        for (const order of read) describe(twiml, lang, order);
        askNumber(twiml, lang, 0, 'keyAnother');
      }
      return send(res, twiml);
    }
    case 'take-order': {
      const reader = await fromDb('begin an order by voice', call.sid, async () => {
        await calls.startOrder(call.sid, 'take-order');
        return orderWords.reader();
      });
      if (!reader) {
        speak(twiml, lang, 'unavailable', {});
        menu(twiml, lang, tries);
      } else askOrder(twiml, lang, 0, orderHints(reader, lang), false);
      return send(res, twiml);
    }
    case 'order-needs-number':
      await fromDb('note the hidden number', call.sid, () => calls.step(call.sid, 'order-no-number'));
      speak(twiml, lang, 'orderNeedsNumber', {});
      menu(twiml, lang, tries);
      return send(res, twiml);
    case 'voicemail':
    case 'dial':
      await toPerson(step, twiml, call, lang, next);
      return send(res, twiml);
  }
};
