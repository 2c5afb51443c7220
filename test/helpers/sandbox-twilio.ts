import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { SANDBOX_TWILIO_AUTH_TOKEN } from '../../src/config.js';

/**
 * A Twilio webhook to a server in sandbox mode, signed as Twilio signs it with the sandbox token
 * over the server's own URL (its PUBLIC_URL when none is set is http://localhost:<PORT>; a server
 * started on port 0 signs against `http://localhost:0`).
 */
export async function twilioPost(
  url: string,
  path: string,
  fields: Record<string, string>,
  publicUrl = 'http://localhost:0',
): Promise<{ status: number; body: string }> {
  const params = {
    AccountSid: `AC${'0'.repeat(32)}`,
    To: '+15550000000',
    ...(path.startsWith('/twilio/voice')
      ? { CallSid: `CA${randomBytes(16).toString('hex')}`, Direction: 'inbound' }
      : { MessageSid: `SM${randomBytes(16).toString('hex')}` }),
    ...fields,
  };
  const signature = twilio.getExpectedTwilioSignature(SANDBOX_TWILIO_AUTH_TOKEN, publicUrl + path, params);
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, body: await res.text() };
}
