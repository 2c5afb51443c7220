import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Outbox } from '../outbox/service.js';

export interface SentSms {
  sid: string;
  status: string;
}

/** Everything Orderly texts goes through here: Twilio's REST API, or the outbox in sandbox mode. */
export interface SmsOut {
  /** `ref` names our record of the message; Twilio's status callbacks come back with it. */
  send(to: string, body: string, opts?: { ref?: string }): Promise<SentSms>;
  /**
   * A message with this body sent to `to` since `since`, if any: after a sender died between
   * Twilio taking a message and our storing its sid, this finds it instead of sending it twice.
   */
  findSent(to: string, body: string, since: Date, ref?: string): Promise<SentSms | null>;
}

/** The status callback for one message: the record's key in the query finds it by key. */
export const statusCallbackUrl = (publicUrl: string, ref?: string) =>
  `${publicUrl}/twilio/sms/status${ref ? `?m=${encodeURIComponent(ref)}` : ''}`;

/** Twilio's error when the recipient has opted out at the carrier (replied STOP to our number). */
export const TWILIO_UNSUBSCRIBED = 21610;

/**
 * twilio-node has no base-URL option; its HTTP client is replaceable, so this one sends every
 * request to `TWILIO_API_URL` (a regional endpoint, a proxy, or the tests' recording server).
 */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(private readonly base: string) {
    super({ timeout: 10_000 });
  }
  override request<T>(opts: Parameters<twilio.RequestClient['request']>[0]) {
    return super.request<T>({ ...opts, uri: opts.uri.replace(/^https:\/\/[^/]+/, this.base) } as never);
  }
}

export function createSmsOut(config: Config, log: Logger, outbox: Outbox): SmsOut {
  const { twilio: tw } = config;
  if (tw.door === 'off') {
    // Twilio turned off on purpose: no customer text is asked for (src/doors.ts), and anything
    // that still tries is refused, never kept or reported as sent.
    const refuse = async (): Promise<never> => {
      throw new Error('Twilio is turned off (TWILIO_ENABLED=false): no text is sent');
    };
    return { send: refuse, findSent: refuse };
  }
  if (tw.sandbox || !tw.accountSid || !tw.authToken || !tw.phoneNumber) {
    return {
      async send(to, body, opts = {}) {
        const sid = `SM${randomBytes(16).toString('hex')}`;
        const payload = { to, body, sid, ...(opts.ref ? { ref: opts.ref } : {}) };
        await outbox.record({ door: 'sms', method: 'sms', to, text: body, payload });
        return { sid, status: 'outbox' };
      },
      async findSent(to, body, since, ref) {
        const kept = await outbox.list({ door: 'sms', limit: 1000 });
        const found = kept.find((e) => {
          const p = e.payload as { to?: string; body?: string; ref?: string; sid?: string };
          return (
            e.createdAt >= new Date(since.getTime() - 5_000) &&
            p.to === to &&
            (ref ? p.ref === ref : p.body === body)
          );
        });
        return found ? { sid: String((found.payload as { sid: string }).sid), status: 'outbox' } : null;
      },
    };
  }
  const client = twilio(tw.accountSid, tw.authToken, {
    httpClient: new RebasedRequestClient(tw.apiUrl),
    // Configuration comes from src/config.ts alone: an empty env keeps the library from picking
    // up TWILIO_* credentials from the environment by itself.
    env: {},
  });
  const from = tw.phoneNumber;
  return {
    async send(to, body, opts = {}) {
      const statusCallback = statusCallbackUrl(config.publicUrl, opts.ref);
      const message = await client.messages.create({ to, from, body, statusCallback });
      log.info({ sid: message.sid, to, status: message.status }, 'sms sent');
      return { sid: message.sid, status: message.status };
    },
    async findSent(to, body, since) {
      const recent = await client.messages.list({ to, from, limit: 50 });
      const after = since.getTime() - 5_000;
      const found = recent.find(
        (m) => m.body === body && (m.dateCreated?.getTime() ?? Number.POSITIVE_INFINITY) >= after,
      );
      return found ? { sid: found.sid, status: found.status } : null;
    },
  };
}
