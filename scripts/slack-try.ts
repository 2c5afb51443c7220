import { createHmac } from 'node:crypto';
import { loadConfig } from '../src/config.js';
import { ACTIONS, INPUTS, VIEWS } from '../src/slack/blocks/ids.js';

/**
 * Sends a request to a running Orderly exactly as Slack would (signed with the signing secret),
 * so the Slack side can be tried without a Slack workspace. In sandbox mode the secret is the
 * sandbox one and whatever Orderly posts back lands in the outbox (http://localhost:3000/outbox).
 *
 *   npm run slack -- /order help
 *   npm run slack -- /order 1001
 *   npm run slack -- click approve 1001 [--user U123]
 *   npm run slack -- click start_picking 1001
 *   npm run slack -- ship 1001 UPS 1Z999AA10123456784
 */
const USAGE = `usage:
  npm run slack -- /order <text…>            a slash command (/order or /stock)
  npm run slack -- click <button> <number>    a button: approve, reject, start_picking, pack, ship
  npm run slack -- ship <number> <carrier> <tracking>   submit the Shipped form
  npm run slack -- reject <number> <reason…>            submit the Reject form
options: --user <Slack user id> (default USANDBOX), --url <base url> (default http://localhost:$PORT)`;

const BUTTONS: Record<string, string> = {
  approve: ACTIONS.approve,
  reject: ACTIONS.reject,
  start_picking: ACTIONS.startPicking,
  pack: ACTIONS.pack,
  ship: ACTIONS.ship,
};

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const [value] = args.splice(i, 2).slice(1);
  return value;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const config = loadConfig();
  const user = option(args, '--user') ?? 'USANDBOX';
  const base = option(args, '--url') ?? `http://localhost:${config.port || 3000}`;
  const secret = config.slack.signingSecret;
  if (!secret)
    throw new Error(
      'no signing secret: set SLACK_SIGNING_SECRET (the sandbox secret works only while nothing is live and PUBLIC_URL is unset, never in production; see ALLOW_SANDBOX_SECRETS)',
    );

  let body: string;
  const [first, ...rest] = args;
  if (first?.startsWith('/')) {
    body = new URLSearchParams({
      command: first,
      text: rest.join(' '),
      user_id: user,
      user_name: user.toLowerCase(),
      channel_id: 'CSANDBOX',
      trigger_id: `sandbox-trigger-${Date.now()}`,
      response_url: `${base}/healthz`,
      team_id: 'TSANDBOX',
    }).toString();
  } else if (first === 'click' && rest[0] && BUTTONS[rest[0]] && /^\d+$/.test(rest[1] ?? '')) {
    const channel = rest[0] === 'approve' || rest[0] === 'reject' ? 'approvals' : 'fulfillment';
    const payload = {
      type: 'block_actions',
      user: { id: user, username: user.toLowerCase() },
      team: { id: 'TSANDBOX' },
      trigger_id: `sandbox-trigger-${Date.now()}`,
      channel: { id: channel },
      container: { type: 'message', channel_id: channel, message_ts: '0' },
      actions: [{ type: 'button', action_id: BUTTONS[rest[0]], value: rest[1], block_id: 'sandbox' }],
    };
    body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  } else if ((first === 'ship' && rest.length === 3) || (first === 'reject' && rest.length >= 2)) {
    // What Slack sends when the modal a button opened is submitted.
    const [number, ...fields] = rest;
    const values =
      first === 'ship'
        ? { [INPUTS.carrier]: fields[0], [INPUTS.trackingNumber]: fields[1] }
        : { [INPUTS.reason]: fields.join(' ') };
    const state = Object.fromEntries(
      Object.entries(values).map(([id, value]) => [id, { [id]: { type: 'plain_text_input', value } }]),
    );
    const payload = {
      type: 'view_submission',
      user: { id: user, username: user.toLowerCase() },
      team: { id: 'TSANDBOX' },
      view: {
        id: `VSANDBOX${Date.now()}`,
        type: 'modal',
        callback_id: first === 'ship' ? VIEWS.ship : VIEWS.reject,
        private_metadata: JSON.stringify({ number: Number(number), channel: null }),
        state: { values: state },
      },
    };
    body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  } else {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }

  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  const res = await fetch(`${base}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
    },
    body,
  });
  const text = await res.text();
  process.stdout.write(`HTTP ${res.status}\n`);
  try {
    const json = JSON.parse(text) as { text?: string };
    process.stdout.write(`${json.text ?? text}\n`);
  } catch {
    if (text) process.stdout.write(`${text}\n`);
  }
  process.stdout.write(`Anything Orderly posted to Slack is in the outbox: ${base}/outbox\n`);
}

main().catch((err) => {
  process.stderr.write(`slack-try: ${(err as Error).message}\n`);
  process.exit(1);
});
