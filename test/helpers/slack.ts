import { createHmac, randomBytes } from 'node:crypto';
import { eventually } from './eventually.js';
import { listen } from './fake-server.js';

/**
 * The network edge for Slack in tests: requests signed exactly as Slack signs them (v0
 * HMAC-SHA256 over `v0:<timestamp>:<raw body>`), and a recording fake of Slack's Web API that
 * `SLACK_API_URL` points at. Nothing inside the app is replaced.
 */

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-test-token';
/** The installed workspace: every signed request says it comes from here unless told otherwise. */
export const TEAM_ID = 'T0001';
/** The Slack app's OAuth client (Sign in with Slack to the console). */
export const SLACK_CLIENT_ID = '1000.2000';
export const SLACK_CLIENT_SECRET = 'test-client-secret';
export const CHANNELS = { approvals: 'CAPPROVALS1', fulfillment: 'CFULFILL01', inventory: 'CINVENTORY1' };

export interface SlackCall {
  method: string;
  /** Form or JSON fields; `blocks`, `view` and `attachments` already parsed from their JSON. */
  body: Record<string, any>;
  token: string | undefined;
}

export function slackEnv(fake: FakeSlack, extra: Record<string, string> = {}): Record<string, string> {
  return {
    // Live Slack needs a public URL (invoice links); the same one as the Twilio helpers use.
    PUBLIC_URL: 'https://orders.example.test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: `${fake.url}/api/`,
    SLACK_CHANNEL_APPROVALS: CHANNELS.approvals,
    SLACK_CHANNEL_FULFILLMENT: CHANNELS.fulfillment,
    SLACK_CHANNEL_INVENTORY: CHANNELS.inventory,
    ...extra,
  };
}

function parseFields(raw: string, type: string | undefined): Record<string, any> {
  const fields: Record<string, any> = type?.includes('json')
    ? JSON.parse(raw || '{}')
    : Object.fromEntries(new URLSearchParams(raw));
  for (const key of ['blocks', 'view', 'attachments', 'metadata']) {
    if (typeof fields[key] === 'string') fields[key] = JSON.parse(fields[key]);
  }
  return fields;
}

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  /** What was posted to each command's response_url (`/response/<id>`), by id. */
  readonly lateAnswers = new Map<string, Record<string, any>>();
  url = '';
  private close?: () => Promise<void>;
  private failures = new Map<string, { times: number; error: string; channel?: string }>();
  private ts = 0;
  /** Messages as Slack keeps them, per channel (what conversations.history answers). */
  private messages = new Map<
    string,
    { ts: string; text: string; thread_ts?: string; metadata?: unknown }[]
  >();
  /**
   * While set, every Web API call fails as during an outage: HTTP 503, or HTTP 429 with a
   * Retry-After of `retryAfter` seconds.
   */
  outage: { status: 503 } | { status: 429; retryAfter: number } | undefined;
  /** Calls refused by the outage, and when. */
  refused = 0;
  refusedAt: number[] = [];
  /**
   * Files uploaded as Slack's upload takes them: `files.getUploadURLExternal` gives a URL on the
   * fake's own upload server, the bytes are POSTed there, `files.completeUploadExternal` shares them.
   */
  readonly uploads: FakeUpload[] = [];
  private uploadServer?: { url: string; close(): Promise<void> };
  /** The workspace the bot token belongs to, as `auth.test` answers it. */
  teamId = TEAM_ID;
  /** User groups (`S…`) and their members, as `usergroups.users.list` answers them. */
  readonly userGroups = new Map<string, string[]>();
  /**
   * Sign in with Slack: who Slack's authorize page signs in (it redirects straight back with a
   * code, as Slack does once the person has agreed), and the codes it gave, until exchanged.
   */
  signIn:
    | { user: string; name: string; team?: string /** A token minted for another sign-in. */; nonce?: string }
    | undefined;
  private readonly codes = new Map<
    string,
    { user: string; name: string; team: string; nonce: string; clientId: string; redirectUri: string }
  >();

  async start(): Promise<this> {
    const server = await listen((req, raw, res) => {
      res.setHeader('content-type', 'application/json');
      // A slash command's late answer goes to its response_url; the tests point those here.
      if (req.url?.startsWith('/response/')) {
        this.lateAnswers.set(
          req.url.slice('/response/'.length),
          parseFields(raw, req.headers['content-type']),
        );
        res.end('{"ok":true}');
        return;
      }
      if (req.url?.startsWith('/openid/connect/authorize')) {
        const q = new URL(req.url, 'http://fake').searchParams;
        if (!this.signIn) {
          res.statusCode = 302;
          res.setHeader('location', `${q.get('redirect_uri')}?error=access_denied&state=${q.get('state')}`);
          res.end();
          return;
        }
        const code = `code-${++this.ts}`;
        this.codes.set(code, {
          ...this.signIn,
          team: this.signIn.team ?? this.teamId,
          nonce: this.signIn.nonce ?? q.get('nonce') ?? '',
          clientId: q.get('client_id') ?? '',
          redirectUri: q.get('redirect_uri') ?? '',
        });
        res.statusCode = 302;
        res.setHeader(
          'location',
          `${q.get('redirect_uri')}?code=${code}&state=${encodeURIComponent(q.get('state') ?? '')}`,
        );
        res.end();
        return;
      }
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      if (this.outage) {
        this.refused++;
        this.refusedAt.push(Date.now());
        res.statusCode = this.outage.status;
        if (this.outage.status === 429) res.setHeader('retry-after', String(this.outage.retryAfter));
        res.end(
          JSON.stringify({
            ok: false,
            error: this.outage.status === 429 ? 'ratelimited' : 'service_unavailable',
          }),
        );
        return;
      }
      const body = parseFields(raw, req.headers['content-type']);
      this.calls.push({ method, body, token: req.headers.authorization?.replace(/^Bearer /, '') });
      const failure = this.failures.get(method);
      if (failure && failure.times > 0 && (!failure.channel || failure.channel === body.channel)) {
        failure.times--;
        res.end(JSON.stringify({ ok: false, error: failure.error }));
        return;
      }
      res.end(JSON.stringify(this.answer(method, body)));
    });
    this.url = server.url;
    this.close = server.close;
    this.uploadServer = await listenForUploads((fileId, bytes) => {
      const upload = this.uploads.find((u) => u.fileId === fileId);
      if (upload) upload.bytes = bytes;
      return Boolean(upload);
    });
    return this;
  }

  private answer(method: string, body: Record<string, any>): Record<string, unknown> {
    switch (method) {
      case 'chat.postMessage': {
        const ts = `${Math.floor(Date.now() / 1000)}.${String(++this.ts).padStart(6, '0')}`;
        const kept = this.messages.get(body.channel) ?? [];
        kept.push({
          ts,
          text: body.text,
          ...(body.thread_ts ? { thread_ts: String(body.thread_ts) } : {}),
          ...(body.metadata ? { metadata: body.metadata } : {}),
        });
        this.messages.set(body.channel, kept);
        return { ok: true, channel: body.channel, ts };
      }
      case 'conversations.history':
      case 'conversations.replies': {
        // Newest first, after `oldest`, with metadata when asked (as Slack's API does). The
        // channel's history leaves thread replies out; a thread's replies are only its own.
        const oldest = Number(body.oldest ?? 0);
        const inThread = (m: { ts: string; thread_ts?: string }) =>
          method === 'conversations.history' ? !m.thread_ts : m.thread_ts === body.ts || m.ts === body.ts;
        const found = (this.messages.get(body.channel) ?? [])
          .filter((m) => Number(m.ts) > oldest && inThread(m))
          .reverse()
          .map(({ metadata, ...m }) =>
            body.include_all_metadata === 'true' || body.include_all_metadata === true
              ? { ...m, metadata }
              : m,
          );
        return { ok: true, messages: found, has_more: false };
      }
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts };
      case 'openid.connect.token': {
        const given = this.codes.get(body.code);
        this.codes.delete(body.code);
        if (!given || given.clientId !== body.client_id || given.redirectUri !== body.redirect_uri)
          return { ok: false, error: 'invalid_code' };
        if (body.client_secret !== SLACK_CLIENT_SECRET) return { ok: false, error: 'bad_client_secret' };
        const claims = {
          iss: 'https://slack.com',
          sub: given.user,
          aud: given.clientId,
          exp: Math.floor(Date.now() / 1000) + 3600,
          iat: Math.floor(Date.now() / 1000),
          nonce: given.nonce,
          name: given.name,
          'https://slack.com/user_id': given.user,
          'https://slack.com/team_id': given.team,
        };
        const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        return {
          ok: true,
          access_token: 'xoxp-signin',
          id_token: `${part({ alg: 'RS256' })}.${part(claims)}.c2ln`,
        };
      }
      case 'auth.test':
        return { ok: true, team_id: this.teamId, team: 'shop', user_id: 'U_ORDERLY', bot_id: 'B_ORDERLY' };
      case 'usergroups.users.list': {
        const users = this.userGroups.get(body.usergroup);
        return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `1700000000.${String(++this.ts).padStart(6, '0')}` };
      case 'views.open':
      case 'views.publish':
        return { ok: true, view: { id: `V${++this.ts}`, ...body.view } };
      case 'files.getUploadURLExternal': {
        const fileId = `F${String(++this.ts).padStart(8, '0')}`;
        this.uploads.push({ fileId, filename: body.filename, length: Number(body.length) });
        return { ok: true, upload_url: `${this.uploadServer?.url}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const files: { id: string; title?: string }[] =
          typeof body.files === 'string' ? JSON.parse(body.files) : (body.files ?? []);
        const found = files.map((f) => ({ f, upload: this.uploads.find((u) => u.fileId === f.id) }));
        if (found.some(({ upload }) => !upload?.bytes)) return { ok: false, error: 'file_upload_not_found' };
        for (const { f, upload } of found) {
          Object.assign(upload as FakeUpload, {
            title: f.title,
            channel: body.channel_id,
            threadTs: body.thread_ts,
            comment: body.initial_comment,
          });
        }
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
      }
      default:
        return { ok: true };
    }
  }

  /** Messages posted (not refused) with metadata naming `order` and `slot` (our post tag). */
  postsOf(order: number, slot: string): SlackCall[] {
    return this.calls.filter(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.body.metadata?.event_payload?.order === order &&
        c.body.metadata?.event_payload?.slot === slot,
    );
  }

  /**
   * The next `times` calls of `method` (to `channel` alone, if given) answer `{ok: false, error}`
   * as Slack does when it refuses.
   */
  failNext(method: string, times: number, error = 'fatal_error', channel?: string): void {
    this.failures.set(method, { times, error, ...(channel ? { channel } : {}) });
  }

  /** Waits until `pick` finds something among the calls (Slack work runs after the ack). */
  waitFor<T>(
    pick: (calls: SlackCall[]) => T | undefined | false,
    what = 'a Slack call',
    ms = 10_000,
  ): Promise<T> {
    return eventually(() => pick(this.calls), Boolean, {
      what,
      ms,
      detail: () => `calls: ${this.calls.map((c) => c.method).join(', ')}`,
    }) as Promise<T>;
  }

  /** `chat.postMessage` calls naming the daily digest of `day` in their metadata (refused ones too). */
  digestPosts(day: string): SlackCall[] {
    return this.calls.filter(
      (c) => c.method === 'chat.postMessage' && c.body.metadata?.event_payload?.digest === day,
    );
  }

  /** Uploads shared in a channel (completed), oldest first. */
  sharedFiles(channel?: string): FakeUpload[] {
    return this.uploads.filter((u) => u.channel && (!channel || u.channel === channel));
  }

  async stop(): Promise<void> {
    await this.close?.();
    await this.uploadServer?.close();
  }
}

/** A file as the fake received it; `channel` once `files.completeUploadExternal` shared it. */
export interface FakeUpload {
  fileId: string;
  filename: string;
  /** The length announced to files.getUploadURLExternal. */
  length: number;
  bytes?: Buffer;
  title?: string;
  channel?: string;
  threadTs?: string;
  comment?: string;
}

/**
 * The upload URLs' server: takes the bytes as Slack's does (the WebClient sends them as a
 * multipart form; a raw body is taken as is) and answers 200 `OK - <length>`.
 */
async function listenForUploads(
  receive: (fileId: string, bytes: Buffer) => boolean,
): Promise<{ url: string; close(): Promise<void> }> {
  return listen(async (req, _text, res, raw) => {
    const fileId = /^\/upload\/([A-Z0-9]+)$/.exec(req.url ?? '')?.[1] ?? '';
    let bytes = raw;
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      const form = await new Request('http://upload.invalid/', {
        method: 'POST',
        headers: { 'content-type': type },
        body: raw,
      }).formData();
      const file = [...form.values()].find((v) => typeof v !== 'string') as Blob | undefined;
      bytes = file ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0);
    }
    const ok = req.method === 'POST' && receive(fileId, bytes);
    res.statusCode = ok ? 200 : 404;
    res.end(ok ? `OK - ${bytes.length}` : 'not found');
  });
}

/** Slack's request signature: `v0=` + HMAC-SHA256(secret, `v0:<ts>:<body>`). */
export function slackSignature(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignOptions {
  secret?: string;
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  /** Send no signature headers at all. */
  unsigned?: boolean;
}

/** POSTs a body to /slack/events signed like Slack. */
export async function postToSlackRoute(
  appUrl: string,
  body: string,
  contentType: string,
  opts: SignOptions = {},
): Promise<{ status: number; body: any }> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': contentType };
  if (!opts.unsigned) {
    headers['x-slack-request-timestamp'] = String(timestamp);
    headers['x-slack-signature'] = slackSignature(body, timestamp, opts.secret);
  }
  const res = await fetch(`${appUrl}/slack/events`, { method: 'POST', headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : '';
  } catch {}
  return { status: res.status, body: parsed };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = 'application/x-www-form-urlencoded';
export const randomId = (prefix: string) => `${prefix}${randomBytes(5).toString('hex').toUpperCase()}`;

/**
 * A slash command, signed as Slack signs it. The answer is the acknowledgement's body, or, when
 * the work took longer than the app answers inline (a "Working on it…" acknowledgement), what it
 * posted to the response_url after: what the person sees in the end either way.
 */
export async function sendCommand(
  appUrl: string,
  fake: FakeSlack,
  command: string,
  text: string,
  user = 'UAGENT01',
  opts: SignOptions & { team?: string } = {},
) {
  const responseId = randomId('R');
  const body = form({
    token: 'deprecated',
    team_id: opts.team ?? TEAM_ID,
    team_domain: 'shop',
    channel_id: 'CSALES01',
    channel_name: 'sales',
    user_id: user,
    user_name: user.toLowerCase(),
    command,
    text,
    api_app_id: 'A0001',
    response_url: `${fake.url}/response/${responseId}`,
    trigger_id: randomId('TRIG'),
  });
  const acked = await postToSlackRoute(appUrl, body, FORM, opts);
  if (acked.status !== 200 || !JSON.stringify(acked.body).includes('Working on it')) return acked;
  const late = await eventually(() => fake.lateAnswers.get(responseId), Boolean, {
    what: `the late answer to ${command} ${text}`,
  });
  return { status: acked.status, body: late as unknown };
}

/** A button click on a message in `channel` (or on App Home when `channel` is null). */
export function clickButton(
  appUrl: string,
  actionId: string,
  value: string,
  opts: {
    user?: string;
    channel?: string | null;
    messageTs?: string;
    sign?: SignOptions;
    /** The block the button is in (Orderly names some, e.g. a call pop's `call:<CallSid>`). */
    blockId?: string;
    /** The clicker's own workspace (a Slack Connect guest's differs from the channel's). */
    userTeam?: string;
  } = {},
) {
  const channel = opts.channel === undefined ? CHANNELS.approvals : opts.channel;
  const payload = {
    type: 'block_actions',
    team: { id: TEAM_ID, domain: 'shop' },
    user: { id: opts.user ?? 'UAPPROVER1', username: 'someone', team_id: opts.userTeam ?? TEAM_ID },
    api_app_id: 'A0001',
    token: 'deprecated',
    trigger_id: randomId('TRIG'),
    ...(channel
      ? {
          container: {
            type: 'message',
            message_ts: opts.messageTs ?? '1700000000.000001',
            channel_id: channel,
          },
          channel: { id: channel, name: 'orders' },
          message: { ts: opts.messageTs ?? '1700000000.000001', text: 'order' },
          response_url: 'https://hooks.slack.invalid/actions/1',
        }
      : { container: { type: 'view', view_id: 'VHOME' }, view: { id: 'VHOME', type: 'home' } }),
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: opts.blockId ?? 'b1',
        value,
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
  return postToSlackRoute(appUrl, form({ payload: JSON.stringify(payload) }), FORM, opts.sign);
}

/** A modal submitted with `values` (block_id → plain text, or `{select: value}` for a select). */
export function submitView(
  appUrl: string,
  callbackId: string,
  values: Record<string, string | { select: string }>,
  opts: { user?: string; privateMetadata?: string; viewId?: string; userTeam?: string } = {},
) {
  const state: Record<string, Record<string, unknown>> = {};
  for (const [id, v] of Object.entries(values)) {
    state[id] = {
      [id]:
        typeof v === 'string'
          ? { type: 'plain_text_input', value: v }
          : {
              type: 'static_select',
              selected_option: { value: v.select, text: { type: 'plain_text', text: v.select } },
            },
    };
  }
  const payload = {
    type: 'view_submission',
    team: { id: TEAM_ID, domain: 'shop' },
    user: { id: opts.user ?? 'UAGENT01', username: 'agent', team_id: opts.userTeam ?? TEAM_ID },
    api_app_id: 'A0001',
    token: 'deprecated',
    trigger_id: randomId('TRIG'),
    view: {
      id: opts.viewId ?? randomId('V'),
      type: 'modal',
      callback_id: callbackId,
      private_metadata: opts.privateMetadata ?? '',
      state: { values: state },
      hash: '1',
      title: { type: 'plain_text', text: 'x' },
      blocks: [],
    },
  };
  return postToSlackRoute(appUrl, form({ payload: JSON.stringify(payload) }), FORM);
}

export function sendEvent(appUrl: string, event: Record<string, unknown>) {
  const body = JSON.stringify({
    token: 'deprecated',
    team_id: TEAM_ID,
    api_app_id: 'A0001',
    type: 'event_callback',
    event_id: randomId('Ev'),
    event_time: Math.floor(Date.now() / 1000),
    event,
  });
  return postToSlackRoute(appUrl, body, 'application/json');
}
