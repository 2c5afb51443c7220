import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config.js';
import { ACTIONS, INPUTS, VIEWS } from '../src/slack/blocks/ids.js';
import { messageLines, mrkdwnToPlain, outboxEntryLines, textOf, viewLines } from '../src/slack/plain-text.js';
import { COMMON_OPTIONS, parseCli, print, request, runCli, UsageError } from './cli.js';
import { type OutboxWatch, outboxKey, unavailableNote, watchOutbox } from './outbox-watch.js';

/**
 * Sends a request to a running Orderly exactly as Slack would (signed with the signing secret),
 * so the Slack side can be tried without a Slack workspace, and prints what came of it in plain
 * text: a command's private answer, and (from the sandbox outbox) what Orderly posted, updated or
 * told privately after a click or a form.
 *
 *   npm run slack -- /order help
 *   npm run slack -- /order 1001
 *   npm run slack -- click approve 1001 [--user U123]
 *   npm run slack -- ship 1001 UPS 1Z999AA10123456784
 */
const USAGE = `usage:
  npm run slack -- /order <text…>            a slash command (/order or /stock)
  npm run slack -- click <button> <number>    a button: approve, reject, start_picking, pack, ship
  npm run slack -- ship <number> <carrier> <tracking>   submit the Shipped form
  npm run slack -- reject <number> <reason…>            submit the Reject form
options:
  --user <id>   the Slack user who does it (default USANDBOX)
${COMMON_OPTIONS}`;

const BUTTONS: Record<string, string> = {
  approve: ACTIONS.approve,
  reject: ACTIONS.reject,
  start_picking: ACTIONS.startPicking,
  pack: ACTIONS.pack,
  ship: ACTIONS.ship,
};

/**
 * How long to look in the outbox for what Orderly did: until it has been quiet for a second (it
 * posts one message after another), 3 s if nothing comes, 5 s at most.
 */
const OUTCOME = { withinMs: 5_000, quietMs: 1_000, idleMs: 3_000 };
/** A command answered in full may still change channel messages (`/order cancel`). */
const AFTER_ANSWER = { withinMs: 1_000, quietMs: 400, idleMs: 400 };
/** A slow command is answered through its response_url; Orderly gives up on it well before this. */
const LATE_ANSWER_MS = 20_000;

type Request =
  | { kind: 'command'; what: string; fields: Record<string, string> }
  | { kind: 'click' | 'form'; what: string; payload: object };

function buildRequest(args: string[], user: string, channels: { approvals: string; fulfillment: string }) {
  const [first, ...rest] = args;
  const who = { id: user, username: user.toLowerCase() };
  const trigger = `sandbox-trigger-${Date.now()}`;
  if (first?.startsWith('/')) {
    const text = rest.join(' ');
    return {
      kind: 'command',
      what: `${first}${text ? ` ${text}` : ''}`,
      fields: {
        command: first,
        text,
        user_id: user,
        user_name: who.username,
        channel_id: 'CSANDBOX',
        trigger_id: trigger,
        team_id: 'TSANDBOX',
      },
    } satisfies Request;
  }
  if (first === 'click') {
    const [button = '', number = ''] = rest;
    if (!BUTTONS[button]) throw new UsageError(`no button "${button}"`);
    if (!/^\d+$/.test(number) || rest.length !== 2) throw new UsageError('click <button> <order number>');
    const channel = button === 'approve' || button === 'reject' ? channels.approvals : channels.fulfillment;
    return {
      kind: 'click',
      what: `click ${button} on #${number}`,
      payload: {
        type: 'block_actions',
        user: who,
        team: { id: 'TSANDBOX' },
        trigger_id: trigger,
        channel: { id: channel },
        container: { type: 'message', channel_id: channel, message_ts: '0' },
        actions: [{ type: 'button', action_id: BUTTONS[button], value: number, block_id: 'sandbox' }],
      },
    } satisfies Request;
  }
  if ((first === 'ship' && rest.length === 3) || (first === 'reject' && rest.length >= 2)) {
    // What Slack sends when the modal a button opened is submitted.
    const [number = '', ...fields] = rest;
    if (!/^\d+$/.test(number)) throw new UsageError(`${first} <order number> …`);
    const values =
      first === 'ship'
        ? { [INPUTS.carrier]: fields[0], [INPUTS.trackingNumber]: fields[1] }
        : { [INPUTS.reason]: fields.join(' ') };
    const state = Object.fromEntries(
      Object.entries(values).map(([id, value]) => [id, { [id]: { type: 'plain_text_input', value } }]),
    );
    return {
      kind: 'form',
      what: `submit the ${first === 'ship' ? 'Ship' : 'Reject'} form of #${number}: ${fields.join(' ')}`,
      payload: {
        type: 'view_submission',
        user: who,
        team: { id: 'TSANDBOX' },
        view: {
          id: `VSANDBOX${Date.now()}`,
          type: 'modal',
          callback_id: first === 'ship' ? VIEWS.ship : VIEWS.reject,
          // As the button opened it: the channel its private answers go to.
          private_metadata: JSON.stringify({
            number: Number(number),
            channel: first === 'ship' ? channels.fulfillment : channels.approvals,
          }),
          state: { values: state },
        },
      },
    } satisfies Request;
  }
  throw new UsageError(first ? `cannot read "${args.join(' ')}"` : 'what should be sent?');
}

/** A local endpoint for the command's response_url: where a slow command's answer arrives. */
async function responseListener(): Promise<{
  url: string;
  answers: unknown[];
  wait(ms: number): Promise<void>;
  close(): void;
}> {
  const answers: unknown[] = [];
  let wake = () => {};
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      try {
        answers.push(JSON.parse(body));
      } catch {
        answers.push({ text: body });
      }
      res.end('ok');
      wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack-response`,
    answers,
    wait: (ms) =>
      new Promise<void>((resolve) => {
        if (answers.length) return resolve();
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      }),
    close: () => server.close(),
  };
}

/** The acknowledgement's body: a command's answer, or a form's errors or next view. */
function printAck(kind: Request['kind'], body: string): 'answered' | 'working' | 'refused' | 'empty' {
  if (!body.trim()) return 'empty';
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    print(body.trim());
    return 'answered';
  }
  if (json.response_action === 'errors') {
    print('the form is not accepted; it shows:');
    for (const [field, message] of Object.entries((json.errors ?? {}) as Record<string, string>))
      print(`  ${field}: ${mrkdwnToPlain(message)}`);
    return 'refused';
  }
  if (json.response_action === 'update' || json.response_action === 'push') {
    const view = (json.view ?? {}) as Record<string, unknown>;
    print(`the form becomes “${textOf(view.title as never)}”:`);
    for (const line of viewLines(view)) print(`  ${line}`);
    return 'answered';
  }
  if (json.response_action === 'clear') return 'empty';
  for (const line of messageLines(json)) print(line);
  if (kind === 'command' && /Working on it/.test(String(json.text ?? ''))) return 'working';
  return 'answered';
}

async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2), process.env, { options: ['--user'] });
  if (cli.help) {
    print(USAGE);
    return;
  }
  const config = loadConfig();
  const user = cli.options.get('--user') ?? 'USANDBOX';
  const channels = {
    approvals: config.slack.channels.approvals ?? 'approvals',
    fulfillment: config.slack.channels.fulfillment ?? 'fulfillment',
  };
  const req = buildRequest(cli.args, user, channels);
  const secret = config.slack.signingSecret;
  if (!secret)
    throw new Error(
      'no signing secret: set SLACK_SIGNING_SECRET (the sandbox secret works only while nothing is live and PUBLIC_URL is unset, never in production; see ALLOW_SANDBOX_SECRETS)',
    );

  const listener = req.kind === 'command' ? await responseListener() : undefined;
  const body =
    req.kind === 'command'
      ? new URLSearchParams({ ...req.fields, response_url: listener?.url ?? '' }).toString()
      : new URLSearchParams({ payload: JSON.stringify(req.payload) }).toString();
  const watch: OutboxWatch = await watchOutbox(cli.url, outboxKey(config.apiKeys));

  print(`→ ${req.what} (as @${user})`);
  const url = `${cli.url}/slack/events`;
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  const res = await request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
    },
    body,
  });
  const text = await res.text();
  if (!res.ok) {
    print(`HTTP ${res.status} from ${url}${text.trim() ? `: ${text.trim().slice(0, 2000)}` : ''}`);
    if (res.status === 401)
      print(
        "(401: the signature was refused. SLACK_SIGNING_SECRET here must match the server's; in sandbox mode leave it unset on both sides)",
      );
    listener?.close();
    process.exitCode = 1;
    return;
  }
  const ack = printAck(req.kind, text);
  if (ack === 'refused') return;
  if (ack === 'working' && listener) {
    await listener.wait(LATE_ANSWER_MS);
    const late = listener.answers.shift();
    if (late) {
      print('(answered later:)');
      for (const line of messageLines(late as never)) print(line);
    } else print(`(no answer within ${LATE_ANSWER_MS / 1000} s)`);
  }

  if (!watch.available) {
    if (req.kind !== 'command' || ack === 'empty') print(unavailableNote(watch, 'Slack'));
  } else {
    const answered = req.kind === 'command' && ack !== 'empty';
    const entries = await watch.collect(answered ? AFTER_ANSWER : OUTCOME);
    for (const entry of entries) for (const line of outboxEntryLines(entry)) print(line);
    if (!entries.length && !answered)
      print(`(nothing from Orderly within ${OUTCOME.idleMs / 1000} s; see ${cli.url}/outbox)`);
  }
  // A late answer to an answered command is possible too (answerCommand's "working on it").
  for (const late of listener?.answers ?? []) {
    print('(answered later:)');
    for (const line of messageLines(late as never)) print(line);
  }
  listener?.close();
}

runCli('slack-try', USAGE, main);
