import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config.js';
import {
  COMMON_OPTIONS,
  parseCli,
  print,
  runCli,
  twilioSignature,
  twilioSignedBase,
  UsageError,
  unreachable,
} from './cli.js';
import { outboxKey, unavailableNote, watchOutbox } from './outbox-watch.js';
import { outboxEntryLines } from './slack-plain.js';
import { isKeypad, nextStep, parseTwiml, resolveUrl, TwimlError, type Verb } from './twiml-walk.js';

/**
 * Calls a running Orderly as Twilio would for an inbound call: POST /twilio/voice, then every
 * Gather action, Redirect, Dial and Record action the TwiML names, each signed exactly as Twilio
 * signs it (X-Twilio-Signature over PUBLIC_URL + path + query and the form fields), and the
 * status callback when the call ends. In sandbox mode the token is the sandbox one. It prints what
 * the caller hears, then what Orderly posted to Slack about the call (the screen pop, the
 * voicemail), read from the sandbox outbox.
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

const VOICE_PATH = '/twilio/voice';
const STATUS_PATH = '/twilio/voice/status';
/** Twilio gives up on a webhook after 15 s. */
const TWILIO_WAIT_MS = 15_000;
const MAX_REQUESTS = 30;
const APPLICATION_ERROR = '[en-US] (Twilio) We are sorry, an application error has occurred. Goodbye.';
/** The pop's last update and the voicemail's post follow the call's last callbacks within this. */
const SLACK_AFTER = { withinMs: 5_000, quietMs: 1_000, idleMs: 1_500 };

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2), process.env, { flags: ['--hangup', '--verbose'] });
  if (cli.help) {
    print(USAGE);
    return;
  }
  const hangup = cli.flags.has('--hangup');
  const verbose = cli.flags.has('--verbose');
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
  const publicUrl = new URL(`${signedBase}/`);
  const prefix = publicUrl.pathname.replace(/\/$/, '');
  const locate = (url: string): { signed: string; fetched: string; shown: string } => {
    const u = new URL(url);
    if (u.origin === publicUrl.origin && (u.pathname === prefix || u.pathname.startsWith(`${prefix}/`))) {
      const rest = `${u.pathname.slice(prefix.length)}${u.search}`;
      return { signed: `${signedBase}${rest}`, fetched: `${base}${rest}`, shown: rest };
    }
    return { signed: u.href, fetched: u.href, shown: u.href };
  };

  const common = {
    CallSid: `CA${hex(16)}`,
    AccountSid: config.twilio.accountSid ?? `AC${hex(16)}`,
    From: from,
    To: config.twilio.phoneNumber ?? '+15550000000',
    Direction: 'inbound',
    ApiVersion: '2010-04-01',
  };
  const started = Date.now();
  let failed = false;
  let requests = 0;
  let explained403 = false;

  /** One signed POST; prints the status and body when it is not 2xx. */
  const post = async (url: string, fields: Record<string, string>) => {
    const where = locate(url);
    requests += 1;
    if (verbose) {
      const shown = Object.entries(fields)
        .filter(([k]) => !(k in common) || k === 'CallStatus')
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      print(`  → POST ${where.shown}  ${shown}`);
    }
    let res: Response;
    let body: string;
    try {
      res = await fetch(where.fetched, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilioSignature(token, where.signed, fields),
        },
        body: new URLSearchParams(fields).toString(),
        signal: AbortSignal.timeout(TWILIO_WAIT_MS),
      });
      body = await res.text();
    } catch (err) {
      if (err instanceof Error && err.name === 'TimeoutError') {
        failed = true;
        print(`  ${where.shown}: no answer within ${TWILIO_WAIT_MS / 1000} s (Twilio gives up then)`);
        return undefined;
      }
      throw unreachable(where.fetched, err);
    }
    if (!res.ok) {
      failed = true;
      print(
        `  HTTP ${res.status} from ${where.shown}${body.trim() ? `: ${body.trim().slice(0, 2000)}` : ''}`,
      );
      if (res.status === 403 && !explained403) {
        explained403 = true;
        print(
          `  (403: the signature over ${where.signed} was refused. TWILIO_AUTH_TOKEN and PUBLIC_URL here must match the server's, and PORT or --url must name its port; in sandbox mode leave the token and PUBLIC_URL unset on both sides)`,
        );
      }
      return undefined;
    }
    return { res, body };
  };

  const watch = await watchOutbox(base, outboxKey(config.apiKeys));
  print(`→ call ${common.CallSid} from ${from}`);
  let current = `${signedBase}${VOICE_PATH}`;
  let fields: Record<string, string> = { ...common, CallStatus: 'ringing' };
  let remaining = inputs;
  let callStatus = 'completed';
  const later: Array<{ what: string; url: string; fields: Record<string, string> }> = [];

  for (;;) {
    if (requests >= MAX_REQUESTS) {
      failed = true;
      print(`  (stopped after ${MAX_REQUESTS} requests: the TwiML seems to loop; the walker hangs up)`);
      break;
    }
    const answer = await post(current, fields);
    if (!answer) {
      print(`  ${APPLICATION_ERROR}`);
      print('  (the call ends)');
      break;
    }
    const type = answer.res.headers.get('content-type') ?? '';
    if (!/xml/i.test(type)) print(`  (note: Content-Type is "${type}"; Twilio expects text/xml)`);
    let verbs: Verb[];
    try {
      verbs = parseTwiml(answer.body);
    } catch (err) {
      if (!(err instanceof TwimlError)) throw err;
      failed = true;
      print(`  Twilio could not read the TwiML from ${locate(current).shown}: ${err.message}`);
      print(`  ${answer.body.trim().slice(0, 2000)}`);
      print(`  ${APPLICATION_ERROR}`);
      print('  (the call ends)');
      break;
    }
    const step = nextStep(verbs, {
      inputs: remaining,
      hangup,
      callSid: common.CallSid,
      accountSid: common.AccountSid,
      from,
      newSid: (prefix) => `${prefix}${hex(16)}`,
    });
    for (const line of step.lines) print(`  ${line}`);
    remaining = remaining.slice(step.used);
    const documentUrl = current;
    for (const callback of step.later)
      later.push({ ...callback, url: resolveUrl(documentUrl, callback.url) });
    if (step.next.kind === 'end') {
      // A <Reject> that answers the call's first request: Twilio never picks up.
      if (step.next.rejected !== undefined && requests === 1)
        callStatus = step.next.rejected === 'busy' ? 'busy' : 'no-answer';
      break;
    }
    current = resolveUrl(current, step.next.url);
    fields = { ...common, CallStatus: 'in-progress', ...step.next.fields };
  }

  if (remaining.length)
    print(`  (not used: ${remaining.map((i) => (isKeypad(i) ? i : `“${i}”`)).join(', ')})`);
  const seconds = Math.max(1, Math.round((Date.now() - started) / 1000));
  const ended = { ...common, CallStatus: callStatus };
  const status = await post(`${signedBase}${STATUS_PATH}`, {
    ...ended,
    CallDuration: String(callStatus === 'completed' ? seconds : 0),
  });
  if (status) print(`  (call ${callStatus})`);
  for (const callback of later) {
    print(`  (later, ${callback.what})`);
    await post(callback.url, { ...ended, ...callback.fields });
  }
  if (!watch.available) print(unavailableNote(watch, 'Slack'));
  else {
    const posted = await watch.collect({ ...SLACK_AFTER, match: (e) => e.door === 'slack' });
    if (!posted.length) print('(nothing posted to Slack about this call)');
    for (const entry of posted) for (const line of outboxEntryLines(entry)) print(line);
  }
  if (failed) process.exitCode = 1;
}

runCli('call-try', USAGE, main);
