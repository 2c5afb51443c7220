import twilio from 'twilio';
import { eventually } from './eventually.js';
import { listen } from './fake-server.js';
import { randomId } from './slack.js';

/**
 * The network edge for Twilio in tests: webhooks signed exactly as Twilio signs them
 * (X-Twilio-Signature over PUBLIC_URL + path and the sorted form fields, by the twilio library),
 * and a recording fake of Twilio's REST API that `TWILIO_API_URL` points at.
 */

export const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const AUTH_TOKEN = 'test-twilio-auth-token-0123456789';
export const OUR_NUMBER = '+15550001111';
export const PUBLIC_URL = 'https://orders.example.test';

export function twilioEnv(fake: FakeTwilio, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_PHONE_NUMBER: OUR_NUMBER,
    TWILIO_API_URL: fake.url,
    PUBLIC_URL,
    ...extra,
  };
}

export interface SentSms {
  to: string;
  from: string;
  body: string;
  statusCallback: string | undefined;
  sid: string;
  at: Date;
}

export class FakeTwilio {
  readonly sent: SentSms[] = [];
  /** Every attempt, including refused ones. */
  attempts = 0;
  url = '';
  private close?: () => Promise<void>;
  private failuresLeft = 0;
  private failure = { status: 503, code: 20503, message: 'Service unavailable' };
  /** Keeps the connection open without answering while true (a Twilio that hangs). */
  hang = false;

  async start(): Promise<this> {
    const server = await listen((req, raw, res) => {
      const fields = Object.fromEntries(new URLSearchParams(raw));
      res.setHeader('content-type', 'application/json');
      const [path, query] = (req.url ?? '').split('?');
      const match = path?.match(/^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\.json$/);
      const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      if (match && req.method === 'GET' && auth === `${ACCOUNT_SID}:${AUTH_TOKEN}`) {
        // The message log, newest first, filtered by To and From as Twilio's list is.
        const q = new URLSearchParams(query ?? '');
        const items = this.sent
          .filter(
            (m) => (!q.get('To') || m.to === q.get('To')) && (!q.get('From') || m.from === q.get('From')),
          )
          .reverse()
          .map((m) => ({
            sid: m.sid,
            to: m.to,
            from: m.from,
            body: m.body,
            status: 'sent',
            date_created: m.at.toUTCString(),
            account_sid: match[1],
          }));
        res.end(JSON.stringify({ messages: items, next_page_uri: null, page: 0, page_size: 50 }));
        return;
      }
      if (!match || req.method !== 'POST' || auth !== `${ACCOUNT_SID}:${AUTH_TOKEN}`) {
        res.statusCode = 404;
        res.end(JSON.stringify({ code: 20404, message: 'not found', status: 404 }));
        return;
      }
      this.attempts++;
      if (this.hang) return;
      if (this.failuresLeft > 0) {
        this.failuresLeft--;
        res.statusCode = this.failure.status;
        res.end(JSON.stringify({ ...this.failure }));
        return;
      }
      const sid = randomId('SM');
      this.sent.push({
        to: fields.To ?? '',
        from: fields.From ?? '',
        body: fields.Body ?? '',
        statusCallback: fields.StatusCallback,
        sid,
        at: new Date(),
      });
      res.statusCode = 201;
      res.end(
        JSON.stringify({
          sid,
          status: 'queued',
          to: fields.To,
          from: fields.From,
          body: fields.Body,
          account_sid: match[1],
        }),
      );
    });
    this.url = server.url;
    this.close = server.close;
    return this;
  }

  /**
   * The next `times` messages are refused: HTTP 503 as during a Twilio outage, or the given
   * refusal (e.g. 400 with code 21614 for a number that cannot receive texts).
   */
  failNext(times: number, failure = { status: 503, code: 20503, message: 'Service unavailable' }): void {
    this.failuresLeft = times;
    this.failure = failure;
  }

  to(phone: string): SentSms[] {
    return this.sent.filter((m) => m.to === phone);
  }

  waitFor<T>(pick: (sent: SentSms[]) => T | undefined | false, what = 'an SMS', ms = 10_000): Promise<T> {
    return eventually(() => pick(this.sent), Boolean, {
      what,
      ms,
      detail: () => `sent: ${JSON.stringify(this.sent.map((m) => [m.to, m.body]))}`,
    }) as Promise<T>;
  }

  async stop(): Promise<void> {
    await this.close?.();
  }
}

/** POSTs a webhook signed as Twilio signs it for `PUBLIC_URL + path`. */
export async function postTwilio(
  appUrl: string,
  path: string,
  fields: Record<string, string>,
  opts: { token?: string; publicUrl?: string; unsigned?: boolean; signature?: string } = {},
): Promise<{ status: number; body: string }> {
  const url = `${opts.publicUrl ?? PUBLIC_URL}${path}`;
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (!opts.unsigned) {
    headers['x-twilio-signature'] =
      opts.signature ?? twilio.getExpectedTwilioSignature(opts.token ?? AUTH_TOKEN, url, fields);
  }
  const res = await fetch(`${appUrl}${path}`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, body: await res.text() };
}

/** A customer's text to our number, as Twilio delivers it; the reply's text is extracted from the TwiML. */
export async function text(
  appUrl: string,
  from: string,
  body: string,
  opts: { sid?: string; token?: string; publicUrl?: string; unsigned?: boolean } = {},
): Promise<{ status: number; reply: string; twiml: string; sid: string }> {
  const sid = opts.sid ?? randomId('SM');
  const res = await postTwilio(
    appUrl,
    '/twilio/sms',
    {
      MessageSid: sid,
      SmsSid: sid,
      AccountSid: ACCOUNT_SID,
      From: from,
      To: OUR_NUMBER,
      Body: body,
      NumMedia: '0',
    },
    opts,
  );
  const reply = res.body.match(/<Message>([\s\S]*?)<\/Message>/)?.[1] ?? '';
  const decoded = reply
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
  return { status: res.status, reply: decoded, twiml: res.body, sid };
}
