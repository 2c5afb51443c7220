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
 * Names the message a post is (Slack message metadata): an order's or a call's message in a slot,
 * so that after a crash between posting and storing the reference the message can be found
 * instead of posted twice.
 */
export type PostTag =
  | { order: number; slot: string }
  | { call: string; slot: string }
  /** A product's low-stock alert. */
  | { sku: string; slot: string }
  /** The daily digest of a local day (`YYYY-MM-DD`). */
  | { digest: string; slot: string };

/** A file for `uploadFile`: the chart of the daily digest. */
export interface UploadFile {
  filename: string;
  title: string;
  data: Buffer;
  /** What a screen reader says for an image. */
  altText?: string;
}

export const POST_TAG_EVENT = 'orderly_order_message';

export interface SlackOut {
  postMessage(channel: string, message: SlackMessage, tag?: PostTag): Promise<MessageRef>;
  /**
   * The message tagged `tag` posted in `channel` since `since`, if there is one; with `threadTs`,
   * among the replies in that message's thread (a thread reply is not in the channel's history).
   */
  findPosted(channel: string, since: Date, tag: PostTag, threadTs?: string): Promise<MessageRef | null>;
  update(ref: MessageRef, message: SlackMessage): Promise<void>;
  /** Visible to one user in one channel ("only visible to you"). */
  postEphemeral(channel: string, user: string, message: SlackMessage): Promise<void>;
  openView(triggerId: string, view: object): Promise<void>;
  /** Replaces an open modal; with `hash`, only if nobody changed it since (else `hash_conflict`). */
  updateView(viewId: string, view: object, hash?: string): Promise<void>;
  publishHome(userId: string, view: object): Promise<void>;
  /**
   * Shares a file in `channel` (in the thread of `message.threadTs`, with `message.text` as its
   * comment): live, Slack's upload in three steps (`filesUploadV2`); in sandbox mode, the outbox
   * keeps the bytes (base64) and shows an image on /outbox. Needs the `files:write` scope.
   */
  uploadFile(
    channel: string,
    file: UploadFile,
    message?: { text?: string; threadTs?: string },
  ): Promise<{ fileId: string }>;
  /** The workspace the bot token belongs to (`auth.test`); sandbox: none (no workspace to be in). */
  installedTeam(): Promise<string | undefined>;
  /** Who is in a user group (`usergroups.users.list`, scope `usergroups:read`); sandbox: refused. */
  userGroupMembers(group: string): Promise<string[]>;
  /**
   * Sign in with Slack: the OpenID Connect ID token for a code Slack gave the browser
   * (`openid.connect.token`, with the app's OAuth client); live only.
   */
  openIdToken(
    client: { clientId: string; clientSecret: string },
    code: string,
    redirectUri: string,
  ): Promise<string>;
}

/**
 * Everything Orderly says to Slack goes through here: live, a WebClient on `SLACK_API_URL`;
 * in sandbox mode, the outbox. Listeners, routing and jobs never hold a WebClient of their own.
 * Slack's Web API answers `{ok: false, error}` with HTTP 200; the WebClient turns that into a throw.
 */
export function createSlackOut(config: Config, log: Logger, outbox: Outbox): SlackOut {
  if (config.slack.door === 'off') return offSlack();
  if (config.slack.sandbox) return sandboxSlack(outbox);
  const client = new webApi.WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    // One call is short and bounded (two tries of 5 s at most), so a poster's claim on a message
    // (src/slack/sync.ts) always outlives its call; the delivery lanes retry beyond that, and a
    // 429 comes back at once with its Retry-After instead of sleeping inside the call.
    retryConfig: { retries: 1, factor: 2, minTimeout: 200, maxTimeout: 1_000 },
    timeout: 5_000,
    rejectRateLimitedCalls: true,
    logger: boltLogger(log),
  });
  return {
    async postMessage(channel, message, tag) {
      const res = await client.chat.postMessage({
        channel,
        ...message,
        unfurl_links: false,
        ...(tag ? { metadata: { event_type: POST_TAG_EVENT, event_payload: { ...tag } } } : {}),
      });
      return { channel: String(res.channel ?? channel), ts: String(res.ts) };
    },
    async findPosted(channel, since, tag, threadTs) {
      // Needs the channels:history (groups:history for a private channel) scope, and the bot in
      // the channel. Without them the message cannot be looked for: post it again (at least once).
      let cursor: string | undefined;
      for (let page = 0; page < 5; page++) {
        const query = {
          channel,
          oldest: String(Math.floor(since.getTime() / 1000) - 5),
          include_all_metadata: true,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        };
        const res = await (threadTs
          ? client.conversations.replies({ ...query, ts: threadTs })
          : client.conversations.history(query)
        ).catch((err) => {
          const code = (err as { data?: { error?: string } }).data?.error ?? '';
          if (!CANNOT_SEARCH.has(code)) throw err;
          log.warn(
            { channel, ...tag, error: code },
            'cannot search the channel for a message a crashed poster may have sent (invite the bot and grant channels:history); posting it again',
          );
          return null;
        });
        if (!res) return null;
        const found = (res.messages ?? []).find((m) => isTagged(m.metadata, tag));
        if (found?.ts) return { channel, ts: found.ts };
        cursor = res.response_metadata?.next_cursor || undefined;
        if (!cursor) return null;
      }
      return null;
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
    async updateView(viewId, view, hash) {
      await client.views.update({ view_id: viewId, view: view as never, ...(hash ? { hash } : {}) });
    },
    async publishHome(userId, view) {
      await client.views.publish({ user_id: userId, view: view as never });
    },
    async uploadFile(channel, file, message) {
      // files.getUploadURLExternal, a POST of the bytes to the URL it gives, then
      // files.completeUploadExternal, which shares the file in the channel (or thread).
      const res = await client.filesUploadV2({
        channel_id: channel,
        file: file.data,
        filename: file.filename,
        title: file.title,
        ...(file.altText ? { alt_text: file.altText } : {}),
        ...(message?.text ? { initial_comment: message.text } : {}),
        ...(message?.threadTs ? { thread_ts: message.threadTs } : {}),
      } as never);
      const completed = (res as { files?: { files?: { id?: string }[] }[] }).files ?? [];
      return { fileId: String(completed[0]?.files?.[0]?.id ?? '') };
    },
    async installedTeam() {
      const res = await client.auth.test();
      if (!res.team_id) throw new Error('auth.test named no team');
      return res.team_id;
    },
    async userGroupMembers(group) {
      const res = await client.usergroups.users.list({ usergroup: group });
      return res.users ?? [];
    },
    async openIdToken(oauth, code, redirectUri) {
      const res = await client.openid.connect.token({
        client_id: oauth.clientId,
        client_secret: oauth.clientSecret,
        code,
        redirect_uri: redirectUri,
      });
      if (!res.id_token) throw new Error('openid.connect.token gave no id_token');
      return res.id_token;
    },
  };
}

/**
 * Slack turned off on purpose (SLACK_ENABLED=false): nothing asks for a Slack message then
 * (src/doors.ts), and anything that still tries is refused, never kept or reported as sent.
 */
function offSlack(): SlackOut {
  const refuse = async (): Promise<never> => {
    throw new Error('Slack is turned off (SLACK_ENABLED=false): nothing is sent to Slack');
  };
  return {
    postMessage: refuse,
    findPosted: refuse,
    update: refuse,
    postEphemeral: refuse,
    openView: refuse,
    updateView: refuse,
    publishHome: refuse,
    uploadFile: refuse,
    installedTeam: refuse,
    userGroupMembers: refuse,
    openIdToken: refuse,
  };
}

function sandboxSlack(outbox: Outbox): SlackOut {
  let seq = 0;
  // Slack message ids are "seconds.micro" strings; these only need to be unique and stable.
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++seq % 1_000_000).padStart(6, '0')}`;
  const keep = (method: string, to: string, text: string, payload: Record<string, unknown>) =>
    outbox.record({ door: 'slack', method, to, text, payload });
  return {
    async postMessage(channel, message, tag) {
      const ts = nextTs();
      const metadata = tag ? { event_type: POST_TAG_EVENT, event_payload: { ...tag } } : undefined;
      await keep('chat.postMessage', channel, message.text, { channel, ts, ...message, metadata });
      return { channel, ts };
    },
    async findPosted(channel, since, tag) {
      const kept = await outbox.list({ door: 'slack', limit: 1000 });
      const found = kept.find(
        (e) =>
          e.method === 'chat.postMessage' &&
          e.createdAt >= new Date(since.getTime() - 5_000) &&
          (e.payload as { channel?: string }).channel === channel &&
          isTagged((e.payload as { metadata?: unknown }).metadata, tag),
      );
      return found ? { channel, ts: String((found.payload as { ts: string }).ts) } : null;
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
    async updateView(viewId, view, hash) {
      await keep('views.update', viewId, viewTitle(view), { view_id: viewId, hash, view });
    },
    async publishHome(userId, view) {
      await keep('views.publish', userId, 'App Home', { user_id: userId, view });
    },
    async uploadFile(channel, file, message) {
      const fileId = `F${nextTs().replace('.', '')}`;
      await keep('files.uploadV2', channel, message?.text ?? file.title, {
        channel_id: channel,
        file_id: fileId,
        filename: file.filename,
        title: file.title,
        ...(file.altText ? { alt_text: file.altText } : {}),
        ...(message?.text ? { initial_comment: message.text } : {}),
        ...(message?.threadTs ? { thread_ts: message.threadTs } : {}),
        bytes: file.data.length,
        data_base64: file.data.toString('base64'),
      });
      return { fileId };
    },
    async installedTeam() {
      return undefined;
    },
    async userGroupMembers(group) {
      // Nobody to ask: a role given to a user group holds nobody here (fail closed).
      throw new Error(`user group ${group} cannot be resolved without Slack credentials`);
    },
    async openIdToken() {
      throw new Error('Sign in with Slack needs Slack live (credentials and SLACK_CLIENT_ID)');
    },
  };
}

/** Slack's refusals that mean "you may not read this channel's history", not "try later". */
const CANNOT_SEARCH = new Set([
  'not_in_channel',
  'missing_scope',
  'channel_not_found',
  'not_allowed_token_type',
]);

function isTagged(metadata: unknown, tag: PostTag): boolean {
  const m = metadata as { event_type?: string; event_payload?: Record<string, unknown> } | undefined;
  return (
    m?.event_type === POST_TAG_EVENT &&
    ('order' in tag
      ? Number(m.event_payload?.order) === tag.order
      : 'call' in tag
        ? m.event_payload?.call === tag.call
        : 'sku' in tag
          ? m.event_payload?.sku === tag.sku
          : m.event_payload?.digest === tag.digest) &&
    m.event_payload?.slot === tag.slot
  );
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
