import { loadConfig } from '../src/config.js';
import { outboxEntryLines } from '../src/slack/plain-text.js';
import { postAsTwilio, SANDBOX_DESK_NUMBER } from '../src/twilio-sim/post.js';
import { messageBodies, SMS_PATH, smsFields, TEXTS_AFTER } from '../src/twilio-sim/sms.js';
import { COMMON_OPTIONS, parseCli, print, runCli, twilioSignedBase, UsageError, unreachable } from './cli.js';
import { outboxKey, unavailableNote, watchOutbox } from './outbox-watch.js';

/**
 * Texts a running Orderly as a customer would, through Twilio's webhook signed exactly as Twilio
 * signs it (X-Twilio-Signature over PUBLIC_URL + /twilio/sms). In sandbox mode the token is the
 * sandbox one. It prints the reply, then the texts Orderly sends that phone in the next seconds
 * (from the sandbox outbox), such as an order update. The console's phone does the same
 * (src/twilio-sim/).
 *
 *   npm run sms -- +15551234567 "ORDER 2 MUG-BLUE"
 *   npm run sms -- +15551234567 CONFIRM
 *   npm run sms -- +972501234567 "סטטוס 1001"
 */
const USAGE = `usage: npm run sms -- <from phone, E.164> <message…>
${COMMON_OPTIONS}`;

/** As long as any helper's request may take (scripts/cli.ts `request`). */
const REQUEST_MS = 30_000;

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
  const fields = smsFields(from, config.twilio.phoneNumber ?? SANDBOX_DESK_NUMBER, words.join(' '));
  const watch = await watchOutbox(cli.url, outboxKey(config.apiKeys));
  const url = `${cli.url}${SMS_PATH}`;
  const signed = `${twilioSignedBase(process.env, cli.url)}${SMS_PATH}`;
  print(`→ ${from}: ${fields.Body}`);
  const res = await postAsTwilio({ signed, fetched: url }, token, fields, REQUEST_MS).catch(
    (err: unknown) => {
      throw unreachable(url, err);
    },
  );
  const body = res.body;
  if (!res.ok) {
    print(`HTTP ${res.status} from ${url}${body.trim() ? `: ${body.trim().slice(0, 2000)}` : ''}`);
    if (res.status === 403)
      print(
        `(403: the signature over ${signed} was refused. TWILIO_AUTH_TOKEN and PUBLIC_URL here must match the server's, and PORT or --url must name its port; in sandbox mode leave the token and PUBLIC_URL unset on both sides)`,
      );
    process.exitCode = 1;
    return;
  }
  const said = messageBodies(body);
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
