import type { PersonStep } from '../../../src/calls/ivr.js';
import type { Language } from '../../../src/customers/customer.js';
import { isE164 } from '../../../src/customers/phone.js';
import type { VoiceStep } from './step.js';
import { DIALED, RING_S, speak, stepUrl, type VoiceResponse } from './twiml.js';

/**
 * Option 2, a person: the agent line rings (with the screen pop in Slack) within business hours,
 * else a voicemail. Also where a caller goes whose order could not be taken by voice.
 */
export async function toPerson(
  { calls, config, fromDb, voicemail }: VoiceStep,
  twiml: VoiceResponse,
  call: { sid: string; from: string; to: string },
  lang: Language,
  step: PersonStep,
): Promise<void> {
  if (step.next === 'voicemail') {
    await fromDb('note the voicemail step', call.sid, () => calls.step(call.sid, 'agent'));
    voicemail(twiml, lang, true);
    return;
  }
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
}
