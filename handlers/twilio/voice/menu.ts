import twilio from 'twilio';
import { afterMenu } from '../../../src/calls/ivr.js';
import { isE164 } from '../../../src/customers/phone.js';
import { field, langOf, type StepHandler, triesOf } from './step.js';
import { DIALED, other, RING_S, speak, stepUrl } from './twiml.js';

/** The menu's answer: 1 the caller's orders, 2 a person (or voicemail), 9 the other language. */
export const menuStep: StepHandler =
  ({ calls, config, fromDb, callOf, send, menu, askNumber, goodbye, describe, voicemail }) =>
  async (req, res) => {
    const call = callOf(req);
    const lang = langOf(req);
    const tries = triesOf(req);
    const twiml = new twilio.twiml.VoiceResponse();
    const heard = { digits: field(req, 'Digits'), speech: field(req, 'SpeechResult') };
    const step = afterMenu(heard, tries, {
      agentNumber: config.twilio.agentNumber,
      businessHours: config.businessHours,
      timezone: config.timezone,
      now: new Date(),
    });
    switch (step.next) {
      case 'goodbye':
        await fromDb('note the goodbye', call.sid, () => calls.step(call.sid, 'gave-up'));
        goodbye(twiml, lang, 'tooManyTries');
        return send(res, twiml);
      case 'ask-again':
        speak(twiml, lang, step.heard ? 'notUnderstood' : 'noInput', {});
        menu(twiml, lang, step.tries);
        return send(res, twiml);
      case 'switch-language': {
        const next = other(lang);
        await fromDb('switch language', call.sid, () => calls.setLanguage(call.sid, next));
        menu(twiml, next, tries);
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
      case 'voicemail':
        await fromDb('note the voicemail step', call.sid, () => calls.step(call.sid, 'agent'));
        voicemail(twiml, lang, true);
        return send(res, twiml);
      case 'dial': {
        await fromDb('pop the call in Slack', call.sid, async () => {
          await calls.step(call.sid, 'agent');
          return calls.connecting(call.sid, step.agent);
        });
        speak(twiml, lang, 'connecting', {});
        const dial = twiml.dial({
          // The agent sees who is calling (a hidden number shows as our own).
          callerId: isE164(call.from) ? call.from : (config.twilio.phoneNumber ?? call.to),
          timeout: RING_S,
          answerOnBridge: true,
          action: stepUrl(DIALED, lang),
          method: 'POST',
        });
        dial.number(step.agent);
        return send(res, twiml);
      }
    }
  };
