import { webApi } from '@slack/bolt';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Outbox } from '../outbox/service.js';
import type { SlackMessage } from './blocks/format.js';

export type { SlackMessage };

export interface MessageRef {
  channel: string;
  ts: string;
}

/**
 * Everything Orderly says to Slack goes through here: live, a WebClient on `SLACK_API_URL`;
 * in sandbox mode, the outbox. Listeners, routing and jobs never hold a WebClient of their own.
 */
export interface SlackOut {
  postMessage(channel: string, message: SlackMessage): Promise<MessageRef>;
  update(ref: MessageRef, message: SlackMessage): Promise<void>;
  /** Visible to one user in one channel ("only visible to you"). */
  postEphemeral(channel: string, user: string, message: SlackMessage): Promise<void>;
  openView(triggerId: string, view: object): Promise<void>;
  publishHome(userId: string, view: object): Promise<void>;
}

/** Slack's Web API answers `{ok: false, error}` with HTTP 200; the WebClient turns that into a throw. */
export function createSlackOut(config: Config, log: Logger, outbox: Outbox): SlackOut {
  if (config.slack.sandbox) return sandboxSlack(outbox);
  const client = new webApi.WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    // The WebClient's default retries last half an hour; a failed post is retried by its job.
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
    timeout: 10_000,
    logger: boltLogger(log),
  });
  return {
    async postMessage(channel, message) {
      const res = await client.chat.postMessage({ channel, ...message, unfurl_links: false });
      return { channel: String(res.channel ?? channel), ts: String(res.ts) };
    },
    async update(ref, message) {
      await client.chat.update({ channel: ref.channel, ts: ref.ts, ...message });
    },
    async postEphemeral(channel, user, message) {
      await client.chat.postEphemeral({ channel, user, ...message });
    },
    async openView(triggerId, view) {
      await client.views.open({ trigger_id: triggerId, view: view as never });
    },
    async publishHome(userId, view) {
      await client.views.publish({ user_id: userId, view: view as never });
    },
  };
}

function sandboxSlack(outbox: Outbox): SlackOut {
  let seq = 0;
  // Slack message ids are "seconds.micro" strings; these only need to be unique and stable.
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++seq % 1_000_000).padStart(6, '0')}`;
  const keep = (method: string, to: string, text: string, payload: Record<string, unknown>) =>
    outbox.record({ door: 'slack', method, to, text, payload });
  return {
    async postMessage(channel, message) {
      const ts = nextTs();
      await keep('chat.postMessage', channel, message.text, { channel, ts, ...message });
      return { channel, ts };
    },
    async update(ref, message) {
      await keep('chat.update', ref.channel, message.text, { ...ref, ...message });
    },
    async postEphemeral(channel, user, message) {
      await keep('chat.postEphemeral', `${channel}/${user}`, message.text, { channel, user, ...message });
    },
    async openView(triggerId, view) {
      await keep('views.open', triggerId, viewTitle(view), { trigger_id: triggerId, view });
    },
    async publishHome(userId, view) {
      await keep('views.publish', userId, 'App Home', { user_id: userId, view });
    },
  };
}

const viewTitle = (view: object) => String((view as { title?: { text?: string } }).title?.text ?? 'modal');

/** Bolt's and the WebClient's logger interface, on our pino logger. */
export function boltLogger(log: Logger) {
  const child = log.child({ component: 'slack' });
  let level = 'info';
  const text = (args: unknown[]) =>
    args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  return {
    debug: (...args: unknown[]) => child.debug(text(args)),
    info: (...args: unknown[]) => child.info(text(args)),
    warn: (...args: unknown[]) => child.warn(text(args)),
    error: (...args: unknown[]) => child.error(text(args)),
    setLevel: (l: string) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  } as unknown as webApi.Logger;
}
