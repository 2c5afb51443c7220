import type { CarryOn } from '../carry-on.js';
import type { Config } from '../config.js';
import { withinDeadline } from '../deadline.js';
import type { Logger } from '../logger.js';
import type { CustomerUpdates } from '../notifications/customer-updates.js';
import type { SmsOut } from './client.js';
import type { SmsConversation } from './inbound.js';

/**
 * When an inbound text's answer goes out, and how: in the reply itself if it is ready in time,
 * else as a separate text once it is. Twilio waits 15 s for the TwiML: the answer and its record,
 * database included, get SMS_REPLY_DEADLINE (default 10 s), which keeps a margin for the network.
 * The SMS door only turns the result into TwiML.
 */
export function createSmsReplies(deps: {
  conversation: Pick<SmsConversation, 'reply'>;
  customerUpdates: Pick<CustomerUpdates, 'recordReply' | 'settleReply' | 'replyLost'>;
  sms: Pick<SmsOut, 'send'>;
  config: Pick<Config, 'smsReplyDeadline'>;
  carryOn: CarryOn;
  log: Logger;
}) {
  /** After the answer: a late reply, settling or refusing the reply's record. */
  const carryOn = (work: Promise<unknown>) => void deps.carryOn.carry(work);

  /**
   * The text to answer an inbound message with in the reply, or undefined for an empty reply
   * (nothing to say, or an answer that will come as a separate text). `log` carries the request.
   */
  async function answer(
    input: { from: string; body: string; sid: string },
    log: Logger,
  ): Promise<string | undefined> {
    const { from, sid } = input;
    const deadline = Date.now() + deps.config.smsReplyDeadline.ms;
    const answering = deps.conversation.reply(input);
    const answered = await withinDeadline(answering, deadline - Date.now());
    if (answered === 'late') {
      // Twilio gives up after 15 s: answer now with nothing, and text the reply when it is ready.
      log.warn({ sid }, 'sms reply is slow: it will be sent as a separate text');
      carryOn(
        answering
          .then(async ({ reply, replay, order, repeat }) => {
            // A late CONFIRM: its "placed" message is still due on the order and goes out as a
            // durable text once the reply window has passed. A retyped CONFIRM of an order announced
            // meanwhile (by another CONFIRM's reply or a text) would only say it again. Anything else
            // is sent now.
            if (!reply || replay || order || repeat) return;
            await deps.sms.send(from, reply);
          })
          .catch((err) => deps.log.error({ err, sid }, 'sms: the late reply could not be sent')),
      );
      return undefined;
    }
    if (answered.replay) log.info({ sid }, 'sms redelivered: answered once already');
    const { order, reply } = answered;
    // The reply to CONFIRM is the order's "placed" message: given only once recorded as sent
    // (`placedInReply`); otherwise the answer is empty and the message is texted, once.
    return order && reply ? placedInReply(order, reply, from, sid, deadline) : reply;
  }

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
      carryOn(
        new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
          deps.customerUpdates
            .settleReply(order, 'placed')
            .catch((err) =>
              deps.log.warn({ err, order }, 'sms: the CONFIRM reply is sent; settling it failed'),
            ),
        ),
      );
      return reply;
    }
    if (recorded !== false) {
      deps.log.warn(
        { order, sid, recorded },
        'sms: the CONFIRM reply could not be recorded in time; answered empty, "placed" will be texted',
      );
      carryOn(markLost(order, from, sid));
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

  return { answer };
}
