import twilio from 'twilio';
import { afterDial } from '../../../src/calls/ivr.js';
import { field, langOf, type StepHandler } from './step.js';

/** The agent line's answer (Twilio's Dial action): done, or voicemail when nobody picked up. */
export const dialedStep: StepHandler =
  ({ calls, fromDb, callOf, send, voicemail }) =>
  async (req, res) => {
    const call = callOf(req);
    const lang = langOf(req);
    const status = field(req, 'DialCallStatus') ?? 'failed';
    const duration = Number(field(req, 'DialCallDuration'));
    await fromDb('note how the hand-off went', call.sid, () =>
      calls.dialEnded(call.sid, status, Number.isFinite(duration) ? duration : undefined),
    );
    const twiml = new twilio.twiml.VoiceResponse();
    if (afterDial(status) === 'hang-up') twiml.hangup();
    else voicemail(twiml, lang, false);
    send(res, twiml);
  };
