import twilio from 'twilio';
import { afterOrderChoice } from '../../../src/calls/ivr.js';
import { carryOn, orderHints } from './order-draft.js';
import { toPerson } from './person.js';
import { field, langOf, revOf, type StepHandler, triesOf } from './step.js';
import { speak } from './twiml.js';

/**
 * The key pressed for a question of option 3 ("For mug, press 1 for …"): the option it picks
 * becomes a line of the draft, then the next question or the read-back. A key Twilio delivers
 * twice is taken once: the draft moved on from the version it answered (`rev`).
 */
export const orderChoiceStep: StepHandler = (step) => async (req, res) => {
  const { calls, orderWords, fromDb, callOf, send, menu, askOrder } = step;
  const call = callOf(req);
  const lang = langOf(req);
  const tries = triesOf(req);
  const twiml = new twilio.twiml.VoiceResponse();
  const digits = field(req, 'Digits');
  const found = await fromDb('read the order being said', call.sid, async () => ({
    draft: (await calls.get(call.sid))?.draft,
    reader: await orderWords.reader(),
  }));
  if (!found) {
    speak(twiml, lang, 'unavailable', {});
    menu(twiml, lang, 0);
    return send(res, twiml);
  }
  const { draft, reader } = found;
  if (!draft) {
    askOrder(twiml, lang, 0, orderHints(reader, lang), false);
    return send(res, twiml);
  }
  const [question] = draft.questions;
  if (draft.rev !== revOf(req) || !question) {
    await carryOn(step, twiml, call.sid, lang, 0, draft, reader);
    return send(res, twiml);
  }
  const options = question.options.map((o) => ({ ...o, aliases: [] }));
  const chosen = digits ? reader.choose({ options }, digits) : undefined;
  const next = afterOrderChoice({ digits }, chosen, draft, tries, step.desk());
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
    case 'chosen': {
      const now = await fromDb('keep the answer', call.sid, () =>
        calls.answerDraft(call.sid, draft.rev, { items: next.items, questions: next.questions }),
      );
      if (!now) {
        speak(twiml, lang, 'unavailable', {});
        menu(twiml, lang, 0);
      } else await carryOn(step, twiml, call.sid, lang, 0, now, reader);
      return send(res, twiml);
    }
  }
};
