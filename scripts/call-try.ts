import { loadConfig } from '../src/config.js';
import { outboxEntryLines } from '../src/slack/plain-text.js';
import {
  APPLICATION_ERROR,
  createCallWalker,
  newCall,
  SLACK_AFTER,
  VOICE_PATH,
  type WireEvent,
} from '../src/twilio-sim/call.js';
import { SANDBOX_DESK_NUMBER } from '../src/twilio-sim/post.js';
import { eventLines, isKeypad } from '../src/twilio-sim/twiml-walk.js';
import { COMMON_OPTIONS, parseCli, print, runCli, twilioSignedBase, UsageError, unreachable } from './cli.js';
import { outboxKey, unavailableNote, watchOutbox } from './outbox-watch.js';

/**
 * Calls a running Orderly as Twilio would for an inbound call: POST /twilio/voice, then every
 * Gather action, Redirect, Dial and Record action the TwiML names, each signed exactly as Twilio
 * signs it (X-Twilio-Signature over PUBLIC_URL + path + query and the form fields), and the
 * status callback when the call ends. In sandbox mode the token is the sandbox one. It prints what
 * the caller hears, then what Orderly posted to Slack about the call (the screen pop, the
 * voicemail), read from the sandbox outbox. The walk itself is src/twilio-sim/call.ts, which the
 * console's phone uses too.
 *
 *   npm run call -- +15551234567 1            press 1
 *   npm run call -- +15551234567 1 1042       press 1, then key 1042
 *   npm run call -- +972501234567 "סטטוס"     say "status" in Hebrew
 *   npm run call -- +15551234567 2 --hangup   press 2, then hang up instead of staying silent
 */
const USAGE = `usage: npm run call -- <from phone, E.164> [input…] [--hangup] [--verbose]
  each input answers the next Gather: digits (and * #) are keyed, anything else is said
  --hangup      hang up once the inputs are used (default: stay silent, as a caller who waits)
  --verbose     print every request Twilio makes
${COMMON_OPTIONS}`;

/** One event of the call as the lines printed for it. */
function wireLines(e: WireEvent): string[] {
  switch (e.kind) {
    case 'request':
      return [
        `→ POST ${e.shown}  ${Object.entries(e.fields)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`,
      ];
    case 'heard':
      return eventLines(e.event);
    case 'timeout':
      return [`${e.shown}: no answer within ${e.seconds} s (Twilio gives up then)`];
    case 'http': {
      const lines = [
        `HTTP ${e.status} from ${e.shown}${e.body.trim() ? `: ${e.body.trim().slice(0, 2000)}` : ''}`,
      ];
      if (e.explain)
        lines.push(
          `(403: the signature over ${e.signed} was refused. TWILIO_AUTH_TOKEN and PUBLIC_URL here must match the server's, and PORT or --url must name its port; in sandbox mode leave the token and PUBLIC_URL unset on both sides)`,
        );
      return lines;
    }
    case 'content type':
      return [`(note: Content-Type is "${e.type}"; Twilio expects text/xml)`];
    case 'unreadable':
      return [`Twilio could not read the TwiML from ${e.shown}: ${e.problem}`, e.body.trim().slice(0, 2000)];
    case 'application error':
      return [APPLICATION_ERROR, '(the call ends)'];
    case 'looping':
      return [`(stopped after ${e.max} requests: the TwiML seems to loop; the walker hangs up)`];
    case 'elsewhere':
      return [`(not followed: ${e.url})`];
    case 'ended':
      return [`(call ${e.status})`];
    case 'later':
      return [`(later, ${e.what})`];
  }
}

async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2), process.env, { flags: ['--hangup', '--verbose'] });
  if (cli.help) {
    print(USAGE);
    return;
  }
  const hangup = cli.flags.has('--hangup');
  const base = cli.url;
  const [from, ...inputs] = cli.args;
  if (!from) throw new UsageError("the caller's phone is needed");
  const config = loadConfig();
  const token = config.twilio.webhookToken;
  if (!token)
    throw new Error(
      'no Twilio auth token: set TWILIO_AUTH_TOKEN (the sandbox token works only while nothing is live and PUBLIC_URL is unset, never in production; see ALLOW_SANDBOX_SECRETS)',
    );

  // Twilio signs the URL it calls (PUBLIC_URL + path + query); the request itself goes to --url.
  const signedBase = twilioSignedBase(process.env, base);
  const call = newCall(from, config.twilio.phoneNumber ?? SANDBOX_DESK_NUMBER, config.twilio.accountSid);
  const walker = createCallWalker({
    ends: { signedBase, fetchBase: base, token },
    call,
    emit: (e) => {
      for (const line of wireLines(e)) print(`  ${line}`);
    },
    verbose: cli.flags.has('--verbose'),
    unreachable,
  });

  const watch = await watchOutbox(base, outboxKey(config.apiKeys));
  print(`→ call ${call.CallSid} from ${from}`);
  const walked = await walker.walk(
    { url: `${signedBase}${VOICE_PATH}`, fields: { ...call, CallStatus: 'ringing' } },
    inputs,
    { hangup },
  );
  if (walked.remaining.length)
    print(`  (not used: ${walked.remaining.map((i) => (isKeypad(i) ? i : `“${i}”`)).join(', ')})`);
  await walker.hangUp(walked.kind === 'end' ? walked.status : 'completed', walked.later);
  if (!watch.available) print(unavailableNote(watch, 'Slack'));
  else {
    const posted = await watch.collect({ ...SLACK_AFTER, match: (e) => e.door === 'slack' });
    if (!posted.length) print('(nothing posted to Slack about this call)');
    for (const entry of posted) for (const line of outboxEntryLines(entry)) print(line);
  }
  if (walker.failed) process.exitCode = 1;
}

runCli('call-try', USAGE, main);
