import twilio from 'twilio';
import { afterOrderWords } from '../../../src/calls/ivr.js';
import { MAX_ITEM_QUANTITY, MAX_ORDER_ITEMS } from '../../../src/order-words/limits.js';
import { carryOn, MAX_KEYED_OPTIONS, orderHints, sayProblem } from './order-draft.js';
import { toPerson } from './person.js';
import { field, langOf, type StepHandler, triesOf } from './step.js';
import { speak } from './twiml.js';

/**
 * Option 3, the order said ("two blue mugs and a tote"): read by the order reader, exactly as an
 * SMS ORDER is. Every phrase fitting a product makes a draft on the call (questions first, then the
 * read-back); a phrase fitting none is named back and the order asked for again; the third try
 * that fails goes to a person.
 */
export const orderWordsStep: StepHandler = (step) => async (req, res) => {
  const { calls, orderWords, log, fromDb, callOf, send, menu, askOrder } = step;
  const call = callOf(req);
  const lang = langOf(req);
  const tries = triesOf(req);
  const twiml = new twilio.twiml.VoiceResponse();
  const speech = field(req, 'SpeechResult')?.trim() || undefined;
  const reader = await fromDb('read the order said', call.sid, () => orderWords.reader());
  if (!reader) {
    speak(twiml, lang, 'unavailable', {});
    menu(twiml, lang, 0);
    return send(res, twiml);
  }
  const next = afterOrderWords(speech ? reader.read(speech) : undefined, tries, step.desk(), {
    maxQuantity: MAX_ITEM_QUANTITY,
    maxItems: MAX_ORDER_ITEMS,
  });
  switch (next.next) {
    case 'ask-again':
      sayProblem(twiml, lang, next.problem, reader);
      askOrder(twiml, lang, next.tries, orderHints(reader, lang), true);
      return send(res, twiml);
    case 'dial':
    case 'voicemail':
      log.info({ call: call.sid }, 'voice order not understood after the last try; handed to a person');
      speak(twiml, lang, 'orderGiveUp', {});
      await toPerson(step, twiml, call, lang, next);
      return send(res, twiml);
    case 'draft': {
      const questions = next.questions.map((q) => ({
        phrase: q.phrase,
        quantity: q.quantity,
        options: q.options.slice(0, MAX_KEYED_OPTIONS).map((o) => ({ sku: o.sku, name: o.name })),
      }));
      const draft = await fromDb('keep the order said', call.sid, () =>
        calls.draftOrder(call.sid, { items: next.items, questions }),
      );
      if (!draft) {
        speak(twiml, lang, 'unavailable', {});
        menu(twiml, lang, 0);
      } else await carryOn(step, twiml, call.sid, lang, 0, draft, reader);
      return send(res, twiml);
    }
  }
};
