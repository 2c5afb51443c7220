import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config.js';
import {
  COMMON_OPTIONS,
  parseCli,
  print,
  request,
  runCli,
  twilioSignature,
  twilioSignedBase,
  UsageError,
} from './cli.js';
import { outboxKey, unavailableNote, watchOutbox } from './outbox-watch.js';
import { outboxEntryLines } from './slack-plain.js';

/**
 * Texts a running Orderly as a customer would, through Twilio's webhook signed exactly as Twilio
 * signs it (X-Twilio-Signature over PUBLIC_URL + /twilio/sms). In sandbox mode the token is the
 * sandbox one. It prints the reply, then the texts Orderly sends that phone in the next seconds
 * (from the sandbox outbox), such as an order update.
 *
 *   npm run sms -- +15551234567 "ORDER 2 MUG-BLUE"
 *   npm run sms -- +15551234567 CONFIRM
 *   npm run sms -- +972501234567 "סטטוס 1001"
 */
const USAGE = `usage: npm run sms -- <from phone, E.164> <message…>
${COMMON_OPTIONS}`;

const PATH = '/twilio/sms';
/** Texts Orderly sends after the reply (an update of the change the text made) come within this. */
const TEXTS_AFTER = { withinMs: 2_000, quietMs: 800 };

const decodeXml = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) =>
      e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : '&',
    );

/** The <Message> bodies of a TwiML reply. */
function replies(twiml: string): string[] {
  return [...twiml.matchAll(/<Message(?:\s[^>]*)?>([\s\S]*?)<\/Message>/g)].map((m) => decodeXml(m[1] ?? ''));
}

async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2), process.env);
  if (cli.help) {
    print(USAGE);
    return;
  }
  const [from, ...words] = cli.args;
  if (!from || words.length === 0) throw new UsageError('a phone and a message are needed');
  const config = loadConfig();
  const token = config.twilio.webhookToken;
  if (!token)
    throw new Error(
      'no Twilio auth token: set TWILIO_AUTH_TOKEN (the sandbox token works only while nothing is live and PUBLIC_URL is unset, never in production; see ALLOW_SANDBOX_SECRETS)',
    );
  const fields = {
    MessageSid: `SM${randomBytes(16).toString('hex')}`,
    From: from,
    To: config.twilio.phoneNumber ?? '+15550000000',
    Body: words.join(' '),
  };
  const watch = await watchOutbox(cli.url, outboxKey(config.apiKeys));
  const url = `${cli.url}${PATH}`;
  const signed = `${twilioSignedBase(process.env, cli.url)}${PATH}`;
  print(`→ ${from}: ${fields.Body}`);
  const res = await request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(token, signed, fields),
    },
    body: new URLSearchParams(fields).toString(),
  });
  const body = await res.text();
  if (!res.ok) {
    print(`HTTP ${res.status} from ${url}${body.trim() ? `: ${body.trim().slice(0, 2000)}` : ''}`);
    if (res.status === 403)
      print(
        `(403: the signature over ${signed} was refused. TWILIO_AUTH_TOKEN and PUBLIC_URL here must match the server's, and PORT or --url must name its port; in sandbox mode leave the token and PUBLIC_URL unset on both sides)`,
      );
    process.exitCode = 1;
    return;
  }
  const said = replies(body);
  if (!said.length) print('(no reply)');
  for (const reply of said) {
    const [first = '', ...rest] = reply.split('\n');
    print(`reply: ${first}`);
    for (const line of rest) print(`  ${line}`);
  }
  if (!watch.available) {
    print(unavailableNote(watch, 'the phone'));
    return;
  }
  const texts = await watch.collect({ ...TEXTS_AFTER, match: (e) => e.door === 'sms' && e.to === from });
  for (const entry of texts) for (const line of outboxEntryLines(entry)) print(line);
}

runCli('sms-try', USAGE, main);
