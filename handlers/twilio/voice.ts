import express, { type Request, type RequestHandler, Router } from 'express';
import twilio from 'twilio';
import { isE164, toE164 } from '../../src/customers/phone.js';
import { withinDeadline } from '../../src/deadline.js';
import { CALL_STATUSES, type CallStatus, type Language } from '../../src/domain.js';
import { AppError } from '../../src/errors.js';
import { parseOrderNumber } from '../../src/orders/number.js';
import type { Deps } from '../../src/services.js';
import { isOpen } from '../../src/voice/hours.js';
import { menuChoice, parseSpokenNumber } from '../../src/voice/speech.js';
import { twilioSignature } from './signature.js';
import {
  createVoiceTwiml,
  DIALED,
  MAX_TRIES,
  MENU,
  ORDER,
  other,
  RECORDED,
  RING_S,
  speak,
  stepUrl,
  TRANSCRIPTION,
  VOICE_BUDGET_MS,
  VOICE_PATH,
  VOICE_STATUS_PATH,
  type VoiceResponse,
} from './voice-twiml.js';

export { VOICE_PATH, VOICE_STATUS_PATH } from './voice-twiml.js';

const langOf = (req: Request): Language => (req.query.lang === 'he' ? 'he' : 'en');
const triesOf = (req: Request): number => {
  const n = Number(req.query.try);
  return Number.isInteger(n) && n >= 0 && n <= MAX_TRIES ? n : 0;
};
/** One form field, given once (Twilio never repeats one: an array is refused). */
const field = (req: Request, name: string): string | undefined => {
  const v = (req.body as Record<string, unknown>)[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new AppError('validation_error', `${name} must be given once.`);
  return v.slice(0, 2000);
};

/**
 * The voice door (SPEC "Voice"): `POST /twilio/voice` answers a call with a greeting and a menu in
 * the caller's language, and the IVR's steps post back under `/twilio/voice/…` with the language
 * and the tries so far in the query (signed by Twilio with it). 1 — order status; 2 — a person
 * (a screen pop in SLACK_CHANNEL_CALLS while it rings, voicemail outside BUSINESS_HOURS or when
 * nobody answers); 9 — the other language. Every call is one record (src/calls/service.ts).
 *
 * The caller always hears something within Twilio's 15 s: each step gives the database
 * VOICE_BUDGET_MS, and while it is unreachable the menu still answers (in DEFAULT_LANGUAGE) and a
 * person can still be reached; only the order lookups apologise.
 */
export function twilioVoiceRouter(deps: Deps): Router {
  const router = Router();
  // Turned off on purpose (TWILIO_ENABLED=false): no such route (404), unlike a door left closed.
  if (deps.config.twilio.door === 'off') return router;
  const token = deps.config.twilio.webhookToken;
  if (!token) {
    const closed: RequestHandler = (_req, res) => {
      res.status(503).type('text/plain').send('Twilio is not configured.');
    };
    router.post([VOICE_PATH, `${VOICE_PATH}/*rest`], closed);
    return router;
  }
  const { calls, config, log } = deps;
  const form = express.urlencoded({ extended: false, limit: '64kb' });
  const signed = twilioSignature(config.publicUrl, token);

  /**
   * The database's part of a step, within the budget: undefined (and logged) when the database
   * is down, slow or failing, so the caller hears the fallback instead of Twilio's error message.
   */
  async function fromDb<T>(what: string, sid: string, work: () => Promise<T>): Promise<T | undefined> {
    if (!deps.health.up()) {
      log.warn({ call: sid, what }, 'voice: database unreachable; answering without it');
      return undefined;
    }
    const running = work();
    try {
      const result = await withinDeadline(running, VOICE_BUDGET_MS);
      if (result !== 'late') return result;
      log.warn({ call: sid, what }, 'voice: database too slow; answering without it (the work carries on)');
      running.catch((err) => log.error({ err, call: sid, what }, 'voice: the slow work failed'));
      return undefined;
    } catch (err) {
      log.error({ err, call: sid, what }, 'voice: database work failed; answering without it');
      return undefined;
    }
  }

  /** The call's fields every webhook carries; the caller's number as E.164 when it is one. */
  function callOf(req: Request): { sid: string; from: string; to: string } {
    const sid = field(req, 'CallSid');
    if (!sid) throw new AppError('validation_error', 'CallSid is required.');
    const raw = field(req, 'From') ?? '';
    const from = (raw && (toE164(raw, config.defaultCountry) ?? raw)) || 'anonymous';
    return { sid, from, to: field(req, 'To') ?? config.twilio.phoneNumber ?? '' };
  }

  const send = (res: express.Response, twiml: VoiceResponse) => {
    res.type('text/xml').send(twiml.toString());
  };
  const { menu, askNumber, goodbye, describe, voicemail } = createVoiceTwiml(config);

  router.use(VOICE_PATH, form, signed);

  // The call comes in: its record, the caller's language, the greeting and the menu.
  router.post(VOICE_PATH, async (req, res) => {
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
  });

  router.post(MENU, async (req, res) => {
    const call = callOf(req);
    let lang = langOf(req);
    const tries = triesOf(req);
    const twiml = new twilio.twiml.VoiceResponse();
    const choice = menuChoice({ digits: field(req, 'Digits'), speech: field(req, 'SpeechResult') });
    if (!choice) {
      if (tries + 1 >= MAX_TRIES) {
        await fromDb('note the goodbye', call.sid, () => calls.step(call.sid, 'gave-up'));
        goodbye(twiml, lang, 'tooManyTries');
      } else {
        const said = field(req, 'Digits') || field(req, 'SpeechResult');
        speak(twiml, lang, said ? 'notUnderstood' : 'noInput', {});
        menu(twiml, lang, tries + 1);
      }
      return send(res, twiml);
    }
    if (choice === 'language') {
      lang = other(lang);
      await fromDb('switch language', call.sid, () => calls.setLanguage(call.sid, lang));
      menu(twiml, lang, tries);
      return send(res, twiml);
    }
    if (choice === 'status') {
      const read = await fromDb('find the caller’s orders', call.sid, async () => {
        await calls.step(call.sid, 'status');
        const orders = await calls.ordersToRead(call.from);
        await calls.heard(call.sid, orders);
        return orders;
      });
      if (read === undefined) {
        speak(twiml, lang, 'unavailable', {});
        menu(twiml, lang, tries);
        return send(res, twiml);
      }
      if (read.length === 0) {
        askNumber(twiml, lang, 0, 'askOrderNumber');
        return send(res, twiml);
      }
      if (read.length > 1) speak(twiml, lang, 'recentIntro', { count: read.length });
      for (const order of read) describe(twiml, lang, order);
      askNumber(twiml, lang, 0, 'keyAnother');
      return send(res, twiml);
    }
    // 2 — a person: ring the agent line within business hours, with the screen pop; else voicemail.
    const agent = config.twilio.agentNumber;
    const open = agent !== undefined && isOpen(config.businessHours, config.timezone, new Date());
    if (!open) {
      await fromDb('note the voicemail step', call.sid, () => calls.step(call.sid, 'agent'));
      voicemail(twiml, lang, true);
      return send(res, twiml);
    }
    await fromDb('pop the call in Slack', call.sid, async () => {
      await calls.step(call.sid, 'agent');
      return calls.connecting(call.sid, agent);
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
    dial.number(agent);
    send(res, twiml);
  });

  // An order number keyed or said (or * for the menu): read out only if it is the caller's.
  router.post(ORDER, async (req, res) => {
    const call = callOf(req);
    const lang = langOf(req);
    const tries = triesOf(req);
    const twiml = new twilio.twiml.VoiceResponse();
    const digits = field(req, 'Digits');
    if (digits?.startsWith('*')) {
      menu(twiml, lang, 0);
      return send(res, twiml);
    }
    const number = parseOrderNumber(
      digits?.replace(/#/g, '') || parseSpokenNumber(field(req, 'SpeechResult')),
    );
    if (number === undefined) {
      if (tries + 1 >= MAX_TRIES) {
        goodbye(twiml, lang, 'goodbye');
      } else {
        speak(twiml, lang, digits || field(req, 'SpeechResult') ? 'notUnderstood' : 'noInput', {});
        askNumber(twiml, lang, tries + 1, 'askOrderNumber');
      }
      return send(res, twiml);
    }
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
  });

  // The agent line's answer (Twilio's Dial action): done, or voicemail when nobody picked up.
  router.post(DIALED, async (req, res) => {
    const call = callOf(req);
    const lang = langOf(req);
    const status = field(req, 'DialCallStatus') ?? 'failed';
    const duration = Number(field(req, 'DialCallDuration'));
    await fromDb('note how the hand-off went', call.sid, () =>
      calls.dialEnded(call.sid, status, Number.isFinite(duration) ? duration : undefined),
    );
    const twiml = new twilio.twiml.VoiceResponse();
    if (status === 'completed' || status === 'answered') twiml.hangup();
    else voicemail(twiml, lang, false);
    send(res, twiml);
  });

  // The voicemail was recorded: kept on the call and posted to the calls channel.
  router.post(RECORDED, async (req, res) => {
    const call = callOf(req);
    const lang = langOf(req);
    const recordingUrl = field(req, 'RecordingUrl');
    const recordingSid = field(req, 'RecordingSid');
    const duration = Number(field(req, 'RecordingDuration'));
    const twiml = new twilio.twiml.VoiceResponse();
    if (!recordingUrl || !recordingSid || duration === 0) {
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
  });

  /** Callbacks nobody listens to: refused at once while the database is away (Twilio's log shows it). */
  const needsDatabase = () => {
    if (!deps.health.up())
      throw new AppError('database_unavailable', 'The database is unreachable; nothing was changed.');
  };

  // Twilio's transcription of the voicemail (sent once, a while after the call).
  router.post(TRANSCRIPTION, async (req, res) => {
    needsDatabase();
    const call = callOf(req);
    const recordingSid = field(req, 'RecordingSid');
    const status = field(req, 'TranscriptionStatus') ?? 'completed';
    if (!recordingSid) throw new AppError('validation_error', 'RecordingSid is required.');
    const text = field(req, 'TranscriptionText');
    const kept = await calls.transcribed(call.sid, recordingSid, text, status);
    if (!kept) log.warn({ call: call.sid, recordingSid }, 'transcription for a recording we do not have');
    res.status(204).end();
  });

  // Call status callbacks: only ever forward; the final one ends the call and updates its pop.
  router.post(VOICE_STATUS_PATH, async (req, res) => {
    needsDatabase();
    const call = callOf(req);
    const status = field(req, 'CallStatus')?.toLowerCase();
    if (!status || !CALL_STATUSES.includes(status as CallStatus)) {
      throw new AppError('validation_error', 'CallStatus is missing or not a Twilio call status.');
    }
    const duration = Number(field(req, 'CallDuration'));
    await calls.statusChanged(call.sid, status as CallStatus, {
      from: call.from,
      to: call.to,
      ...(Number.isFinite(duration) && field(req, 'CallDuration') !== undefined ? { duration } : {}),
    });
    res.status(204).end();
  });

  return router;
}
