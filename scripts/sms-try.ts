import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { loadConfig } from '../src/config.js';

/**
 * Texts a running Orderly as a customer would, through Twilio's webhook signed exactly as Twilio
 * signs it (X-Twilio-Signature over PUBLIC_URL + /twilio/sms). In sandbox mode the token is the
 * sandbox one; the reply is printed, and updates Orderly sends later land in the outbox.
 *
 *   npm run sms -- +15551234567 "ORDER 2 MUG-BLUE"
 *   npm run sms -- +15551234567 CONFIRM
 *   npm run sms -- +972501234567 "סטטוס 1001"
 */
async function main(): Promise<void> {
  const [from, ...words] = process.argv.slice(2);
  if (!from || words.length === 0) {
    process.stderr.write('usage: npm run sms -- <from phone, E.164> <message…>\n');
    process.exit(2);
  }
  const config = loadConfig();
  const token = config.twilio.webhookToken;
  if (!token)
    throw new Error(
      'no Twilio auth token: set TWILIO_AUTH_TOKEN (the sandbox token works only while nothing is live and PUBLIC_URL is unset, never in production; see ALLOW_SANDBOX_SECRETS)',
    );
  const path = '/twilio/sms';
  const signedUrl = `${config.publicUrl}${path}`;
  const base = `http://localhost:${config.port || 3000}`;
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const fields = {
    MessageSid: sid,
    From: from,
    To: config.twilio.phoneNumber ?? '+15550000000',
    Body: words.join(' '),
  };
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(token, signedUrl, fields),
    },
    body: new URLSearchParams(fields).toString(),
  });
  const body = await res.text();
  const reply = body
    .match(/<Message>([\s\S]*?)<\/Message>/)?.[1]
    ?.replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
  process.stdout.write(`HTTP ${res.status}\n${reply ?? body}\n`);
  process.stdout.write(`Texts Orderly sends later (order updates) are in the outbox: ${base}/outbox\n`);
}

main().catch((err) => {
  process.stderr.write(`sms-try: ${(err as Error).message}\n`);
  process.exit(1);
});
