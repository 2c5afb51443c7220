import { randomBytes } from 'node:crypto';

/**
 * A customer's text as Twilio delivers it to `POST /twilio/sms`, and the reply read back: what
 * `npm run sms` and the console's phone share.
 */

export const SMS_PATH = '/twilio/sms';

/** Texts Orderly sends after the reply (an update of the change the text made) come within this. */
export const TEXTS_AFTER = { withinMs: 2_000, quietMs: 800 };

/** Twilio's fields for one inbound text (a fresh MessageSid each time, as Twilio gives). */
export function smsFields(from: string, to: string, body: string): Record<string, string> {
  return { MessageSid: `SM${randomBytes(16).toString('hex')}`, From: from, To: to, Body: body };
}

const decodeXml = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) =>
      e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : '&',
    );

/** The <Message> bodies of a TwiML reply, as the phone shows them. */
export function messageBodies(twiml: string): string[] {
  return [...twiml.matchAll(/<Message(?:\s[^>]*)?>([\s\S]*?)<\/Message>/g)].map((m) => decodeXml(m[1] ?? ''));
}
