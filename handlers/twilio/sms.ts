import { Router } from 'express';
import twilio from 'twilio';
import { toE164 } from '../../src/customers/phone.js';
import { AppError } from '../../src/errors.js';
import type { Deps } from '../../src/services.js';
import { xmlText } from '../../src/xml-text.js';
import { twilioDoor } from './signature.js';

export const SMS_PATH = '/twilio/sms';
export const SMS_STATUS_PATH = '/twilio/sms/status';

/**
 * The SMS door. Form bodies are parsed here only (no global parser), and Twilio's signature is
 * checked before anything runs (./signature.ts): missing or wrong → 403. When and how the answer
 * goes out (in the reply, or as a text when it is late) is decided in src/sms/replies.ts.
 */
export function twilioSmsRouter(deps: Deps): Router {
  const router = Router();
  const checked = twilioDoor(deps.config, router, [SMS_PATH, SMS_STATUS_PATH]);
  if (!checked) return router;

  router.post(SMS_PATH, ...checked, async (req, res) => {
    const { From, Body, MessageSid } = req.body as Record<string, unknown>;
    // A field given twice arrives as an array: Twilio never does that, so it is refused.
    if (typeof From !== 'string' || typeof MessageSid !== 'string' || !From || !MessageSid) {
      throw new AppError('validation_error', 'From and MessageSid are required, once each.');
    }
    if (Body !== undefined && typeof Body !== 'string')
      throw new AppError('validation_error', 'Body must be given once.');
    const from = toE164(From, deps.config.defaultCountry) ?? From;
    const says = await deps.smsReplies.answer({ from, body: Body ?? '', sid: MessageSid }, req.log);
    const twiml = new twilio.twiml.MessagingResponse();
    // XML cannot carry control characters; a stored carrier or note typed with one must not turn
    // the reply into a 500.
    if (says) twiml.message(xmlText(says));
    res.type('text/xml').send(twiml.toString());
  });

  router.post(SMS_STATUS_PATH, ...checked, async (req, res) => {
    const fields = req.body as Record<string, unknown>;
    const one = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const [MessageSid, MessageStatus, ErrorCode] = [
      one(fields.MessageSid),
      one(fields.MessageStatus),
      one(fields.ErrorCode),
    ];
    const status = MessageStatus?.toLowerCase();
    // `m` names our record (callbacks of messages sent by an older release do not have it).
    const key = typeof req.query.m === 'string' ? req.query.m : undefined;
    if (MessageSid && status) {
      const matched = await deps.customerUpdates.recordStatus(
        { sid: MessageSid, ...(key ? { key } : {}) },
        status,
        ErrorCode,
      );
      if (status === 'failed' || status === 'undelivered') {
        req.log.warn({ sid: MessageSid, status, errorCode: ErrorCode }, 'sms not delivered');
      }
      req.log.debug({ sid: MessageSid, status, matched }, 'sms status');
    }
    res.status(204).end();
  });
  return router;
}
