import { createHmac, randomBytes } from 'node:crypto';
import twilio from 'twilio';

/**
 * Requests as Slack and Twilio send them, signed the way the app checks them: Slack's v0
 * HMAC-SHA256 over `v0:<timestamp>:<raw body>`, Twilio's X-Twilio-Signature over PUBLIC_URL + path
 * and the form fields (computed by the twilio library). Each call makes a fresh request (new
 * timestamp, trigger id, MessageSid), as the real senders do.
 */

export const SLACK_SECRET = 'bench-signing-secret-0123456789abcdef';
export const TWILIO = {
  accountSid: `AC${'0123456789abcdef'.repeat(2)}`,
  authToken: 'bench-twilio-auth-token-0123456789',
  number: '+15550001111',
  publicUrl: 'https://orders.bench.test',
};
export const SMS_PATH = '/twilio/sms';
export const VOICE_PATH = '/twilio/voice';

export interface Outgoing {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const FORM = 'application/x-www-form-urlencoded';
export const randomId = (prefix: string) => `${prefix}${randomBytes(5).toString('hex').toUpperCase()}`;

function slack(body: string, contentType: string): Outgoing {
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SLACK_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  return {
    method: 'POST',
    path: '/slack/events',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature,
    },
    body,
  };
}

/** `/order <text>` typed by `user`; its late answer (if any) goes to `responseUrl`. */
export function slashCommand(text: string, user: string, responseUrl: string): Outgoing {
  const body = new URLSearchParams({
    token: 'deprecated',
    team_id: 'T0001',
    team_domain: 'shop',
    channel_id: 'CSALES01',
    channel_name: 'sales',
    user_id: user,
    user_name: user.toLowerCase(),
    command: '/order',
    text,
    api_app_id: 'A0001',
    response_url: responseUrl,
    trigger_id: randomId('TRIG'),
  }).toString();
  return slack(body, FORM);
}

/** A click on a button of a message in `channel` (the approval request's Approve, say). */
export function buttonClick(actionId: string, value: string, user: string, channel: string): Outgoing {
  const payload = {
    type: 'block_actions',
    team: { id: 'T0001', domain: 'shop' },
    user: { id: user, username: user.toLowerCase(), team_id: 'T0001' },
    api_app_id: 'A0001',
    token: 'deprecated',
    trigger_id: randomId('TRIG'),
    container: { type: 'message', message_ts: '1700000000.000001', channel_id: channel },
    channel: { id: channel, name: 'orders-approvals' },
    message: { ts: '1700000000.000001', text: 'order' },
    response_url: 'https://hooks.slack.invalid/actions/1',
    actions: [
      { type: 'button', action_id: actionId, block_id: 'b1', value, action_ts: `${Date.now() / 1000}` },
    ],
  };
  return slack(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM);
}

/** `user` opens the app's Home tab. */
export function homeOpened(user: string): Outgoing {
  const body = JSON.stringify({
    token: 'deprecated',
    team_id: 'T0001',
    api_app_id: 'A0001',
    type: 'event_callback',
    event_id: randomId('Ev'),
    event_time: Math.floor(Date.now() / 1000),
    event: {
      type: 'app_home_opened',
      user,
      channel: 'D0HOME',
      tab: 'home',
      event_ts: `${Date.now() / 1000}`,
    },
  });
  return slack(body, 'application/json');
}

/** A form Twilio posts to `path`, signed over PUBLIC_URL + path and its fields. */
function twilioForm(path: string, fields: Record<string, string>): Outgoing {
  const signature = twilio.getExpectedTwilioSignature(TWILIO.authToken, `${TWILIO.publicUrl}${path}`, fields);
  return {
    method: 'POST',
    path,
    headers: { 'content-type': FORM, 'x-twilio-signature': signature },
    body: new URLSearchParams(fields).toString(),
  };
}

/** A customer's text to the shop's number, as Twilio posts it (a new MessageSid each time). */
export function incomingSms(from: string, text: string): Outgoing {
  const sid = `SM${randomBytes(16).toString('hex')}`;
  return twilioForm(SMS_PATH, {
    MessageSid: sid,
    SmsSid: sid,
    AccountSid: TWILIO.accountSid,
    From: from,
    To: TWILIO.number,
    Body: text,
    NumMedia: '0',
  });
}

/** A customer calls the shop's number: Twilio's "a call comes in" webhook (a new CallSid each time). */
export function incomingCall(from: string): { req: Outgoing; sid: string } {
  const sid = `CA${randomBytes(16).toString('hex')}`;
  const req = twilioForm(VOICE_PATH, {
    CallSid: sid,
    AccountSid: TWILIO.accountSid,
    From: from,
    To: TWILIO.number,
    Caller: from,
    Called: TWILIO.number,
    CallStatus: 'ringing',
    Direction: 'inbound',
    ApiVersion: '2010-04-01',
  });
  return { req, sid };
}

/** A REST API call with the bench's key. */
export function api(method: 'GET' | 'POST', path: string, key: string, json?: unknown): Outgoing {
  return {
    method,
    path,
    headers: {
      authorization: `Bearer ${key}`,
      ...(json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  };
}
