import { createHmac } from 'node:crypto';

/**
 * Requests made as Twilio makes them, for `npm run sms`, `npm run call` and the console's phone:
 * signed over the URL Twilio would call (the server's PUBLIC_URL + path and query), sent to where
 * the server actually listens. The server checks them with the twilio library
 * (handlers/twilio/signature.ts), so a request that passes here passes there.
 */

/** Twilio's number in sandbox mode (no TWILIO_PHONE_NUMBER): what customers text and call. */
export const SANDBOX_DESK_NUMBER = '+15550000000';
/** A made-up AccountSid for calls in sandbox mode (no TWILIO_ACCOUNT_SID). */
export const SANDBOX_ACCOUNT_SID = `AC${'0'.repeat(32)}`;

/**
 * X-Twilio-Signature: base64 HMAC-SHA1 of the URL followed by each form field's name and value in
 * name order (what `twilio.getExpectedTwilioSignature` computes, without loading the library).
 */
export function twilioSignature(token: string, url: string, fields: Record<string, string>): string {
  const data = Object.keys(fields)
    .sort()
    .reduce((acc, key) => acc + key + fields[key], url);
  return createHmac('sha1', token).update(Buffer.from(data, 'utf8')).digest('base64');
}

/** Where Twilio's requests go. */
export interface TwilioEnds {
  /** The base URL Twilio signs, as the server checks it (its PUBLIC_URL); no trailing slash. */
  signedBase: string;
  /** Where the requests are sent: the server's own address; no trailing slash. */
  fetchBase: string;
  /** The auth token Twilio signs with (the sandbox one in sandbox mode). */
  token: string;
}

export interface Located {
  /** The URL signed. */
  signed: string;
  /** The URL requested. */
  fetched: string;
  /** How to show it: the path and query for the server's own URLs, else the whole URL. */
  shown: string;
  /** Whether it is one of the server's own URLs (under `signedBase`). */
  ours: boolean;
}

/** A URL from TwiML (absolute, on `signedBase` or elsewhere): what to sign, where to send it, how to show it. */
export function locate(ends: Pick<TwilioEnds, 'signedBase' | 'fetchBase'>, url: string): Located {
  const publicUrl = new URL(`${ends.signedBase}/`);
  const prefix = publicUrl.pathname.replace(/\/$/, '');
  const u = new URL(url);
  if (u.origin === publicUrl.origin && (u.pathname === prefix || u.pathname.startsWith(`${prefix}/`))) {
    const rest = `${u.pathname.slice(prefix.length)}${u.search}`;
    return {
      signed: `${ends.signedBase}${rest}`,
      fetched: `${ends.fetchBase}${rest}`,
      shown: rest,
      ours: true,
    };
  }
  return { signed: u.href, fetched: u.href, shown: u.href, ours: false };
}

export interface TwilioAnswer {
  status: number;
  ok: boolean;
  /** Content-Type, or '' when there is none. */
  type: string;
  body: string;
}

/**
 * One form POST signed as Twilio signs it. Throws what fetch throws when nothing answers in
 * `timeoutMs` (a `TimeoutError`) or nothing is there at all.
 */
export async function postAsTwilio(
  where: Pick<Located, 'signed' | 'fetched'>,
  token: string,
  fields: Record<string, string>,
  timeoutMs: number,
): Promise<TwilioAnswer> {
  const res = await fetch(where.fetched, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(token, where.signed, fields),
    },
    body: new URLSearchParams(fields).toString(),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = await res.text();
  return { status: res.status, ok: res.ok, type: res.headers.get('content-type') ?? '', body };
}
