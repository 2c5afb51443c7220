import twilio from 'twilio';
import { recordingKept } from '../../../src/calls/ivr.js';
import { field, langOf, type StepHandler } from './step.js';
import { speak } from './twiml.js';

/** The voicemail was recorded: kept on the call and posted to the calls channel. */
export const recordedStep: StepHandler =
  ({ calls, log, fromDb, callOf, send, goodbye }) =>
  async (req, res) => {
    const call = callOf(req);
    const lang = langOf(req);
    const recordingUrl = field(req, 'RecordingUrl');
    const recordingSid = field(req, 'RecordingSid');
    const duration = Number(field(req, 'RecordingDuration'));
    const twiml = new twilio.twiml.VoiceResponse();
    if (
      !recordingUrl ||
      !recordingSid ||
      !recordingKept({ url: recordingUrl, sid: recordingSid, duration })
    ) {
      goodbye(twiml, lang, 'goodbye');
      return send(res, twiml);
    }
    const kept = await fromDb('keep the voicemail', call.sid, () =>
      calls.recorded(call.sid, {
        recordingSid,
        url: recordingUrl,
        ...(Number.isFinite(duration) ? { duration } : {}),
      }),
    );
    // Twilio does not send it again: a voicemail that could not be kept is in the log for staff.
    if (!kept)
      log.error({ call: call.sid, recordingUrl }, 'voicemail could not be stored; listen to it in Twilio');
    speak(twiml, lang, 'voicemailThanks', {});
    twiml.hangup();
    send(res, twiml);
  };
