import twilio from 'twilio';
import { CALL_STATUSES, type CallStatus } from '../../../src/calls/call.js';
import { field, type StepHandler } from './step.js';
import { speak } from './twiml.js';

/** The call comes in: its record, the caller's language, the greeting and the menu. */
export const incoming: StepHandler =
  ({ calls, config, fromDb, callOf, send, menu }) =>
  async (req, res) => {
    const call = callOf(req);
    const status = field(req, 'CallStatus');
    const begun = await fromDb('start the call', call.sid, () =>
      calls.begin({
        ...call,
        status: CALL_STATUSES.includes(status as CallStatus) ? (status as CallStatus) : 'ringing',
      }),
    );
    const lang = begun?.call.language ?? config.defaultLanguage;
    const twiml = new twilio.twiml.VoiceResponse();
    speak(twiml, lang, 'greeting', { business: config.businessName });
    menu(twiml, lang, 0);
    send(res, twiml);
  };
