import express, { type RequestHandler, Router } from 'express';
import twilio from 'twilio';
import { toE164 } from '../../src/customers/phone.js';
import { withinDeadline } from '../../src/deadline.js';
import { AppError } from '../../src/errors.js';
import type { Deps } from '../../src/services.js';
import { xmlText } from '../../src/xml-text.js';
import { twilioSignature } from './signature.js';

export const SMS_PATH = '/twilio/sms';
export const SMS_STATUS_PATH = '/twilio/sms/status';

/**
 * The SMS door. Form bodies are parsed here only (no global parser), and Twilio's signature is
 * checked before anything runs (./signature.ts): missing or wrong → 403.
 */
export function twilioSmsRouter(deps: Deps): Router {
  const router = Router();
  // Turned off on purpose (TWILIO_ENABLED=false): no such route (404), unlike a door left closed.
  if (deps.config.twilio.door === 'off') return router;
  const token = deps.config.twilio.webhookToken;
  if (!token) {
    const closed: RequestHandler = (_req, res) => {
      res.status(503).type('text/plain').send('Twilio is not configured.');
    };
    router.post([SMS_PATH, SMS_STATUS_PATH], closed);
    return router;
  }
  const form = express.urlencoded({ extended: false, limit: '64kb' });
  const signed = twilioSignature(deps.config.publicUrl, token);

  router.post(SMS_PATH, form, signed, async (req, res) => {
    const { From, Body, MessageSid } = req.body as Record<string, unknown>;
    // A field given twice arrives as an array: Twilio never does that, so it is refused.
    if (typeof From !== 'string' || typeof MessageSid !== 'string' || !From || !MessageSid) {
      throw new AppError('validation_error', 'From and MessageSid are required, once each.');
    }
    if (Body !== undefined && typeof Body !== 'string')
      throw new AppError('validation_error', 'Body must be given once.');
    const from = toE164(From, deps.config.defaultCountry) ?? From;
    // Twilio waits 15 s for the TwiML: the answer and its record, database included, get
    // SMS_REPLY_DEADLINE (default 10 s), which keeps a margin for the network.
    const deadline = Date.now() + deps.config.smsReplyDeadline.ms;
    const answering = deps.smsConversation.reply({ from, body: Body ?? '', sid: MessageSid });
    const answered = await withinDeadline(answering, deadline - Date.now());
    const twiml = new twilio.twiml.MessagingResponse();
    if (answered === 'late') {
      // Twilio gives up after 15 s: answer now with nothing, and text the reply when it is ready.
      req.log.warn({ sid: MessageSid }, 'sms reply is slow: it will be sent as a separate text');
      void answering
        .then(async ({ reply, replay, order, repeat }) => {
          // A late CONFIRM: its "placed" message is still due on the order and goes out as a
          // durable text once the reply window has passed. A retyped CONFIRM of an order announced
          // meanwhile (by another CONFIRM's reply or a text) would only say it again. Anything else
          // is sent now.
          if (!reply || replay || order || repeat) return;
          await deps.sms.send(from, reply);
        })
        .catch((err) => deps.log.error({ err, sid: MessageSid }, 'sms: the late reply could not be sent'));
    } else {
      if (answered.replay) req.log.info({ sid: MessageSid }, 'sms redelivered: answered once already');
      const { order, reply } = answered;
      // The reply to CONFIRM is the order's "placed" message: given only once recorded as sent
      // (`placedInReply`); otherwise the answer is empty and the message is texted, once.
      const says = order && reply ? await placedInReply(order, reply, from, MessageSid, deadline) : reply;
      // XML cannot carry control characters; a stored carrier or note typed with one must not
      // turn the reply into a 500.
      if (says) twiml.message(xmlText(says));
    }
    res.type('text/xml').send(twiml.toString());
  });

  /**
   * Records the "placed" message as the reply to CONFIRM, by the reply's deadline, and returns the
   * text to answer with: the message once recorded (the last write, so the gap to the answer is as
   * short as it gets; if the process dies between the two, Twilio's redelivery of the same
   * MessageSid gets this reply again), else nothing. A record that is late or failed may still land
   * after the empty answer: it is marked lost, which refuses it, and the message stays due on the
   * order and is texted once the reply window has passed. Refused (false): it is texted anyway.
   */
  async function placedInReply(
    order: number,
    reply: string,
    from: string,
    sid: string,
    deadline: number,
  ): Promise<string | undefined> {
    const recording = deps.customerUpdates.recordReply(order, 'placed', reply, from, sid).catch((err) => {
      deps.log.warn({ err, order, sid }, 'sms: could not record the CONFIRM reply as sent');
      return 'failed' as const;
    });
    const recorded = await withinDeadline(recording, deadline - Date.now());
    if (recorded === true) {
      // Settled after the answer, never holding it; if this fails, delivery settles it later.
      setImmediate(() => {
        deps.customerUpdates
          .settleReply(order, 'placed')
          .catch((err) =>
            deps.log.warn({ err, order }, 'sms: the CONFIRM reply is sent; settling it failed'),
          );
      });
      return reply;
    }
    if (recorded !== false) {
      deps.log.warn(
        { order, sid, recorded },
        'sms: the CONFIRM reply could not be recorded in time; answered empty, "placed" will be texted',
      );
      void markLost(order, from, sid);
    }
    return undefined;
  }

  /** Retried a few times: until it lands, a late record could still count as the reply. */
  async function markLost(order: number, from: string, sid: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await deps.customerUpdates.replyLost(order, 'placed', from, sid);
        return;
      } catch (err) {
        if (attempt >= 5) {
          deps.log.error({ err, order, sid }, 'sms: could not mark the CONFIRM reply lost');
          return;
        }
        // unref'd: a server that is closing does not wait for this retry.
        await new Promise((r) => setTimeout(r, 2_000 * attempt).unref());
      }
    }
  }

  router.post(SMS_STATUS_PATH, form, signed, async (req, res) => {
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
