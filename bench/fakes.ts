import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Recording fakes of Slack's Web API and Twilio's Messages API that SLACK_API_URL and
 * TWILIO_API_URL point at, so the app runs live (no sandbox, no outbox) and its work after an
 * acknowledgement (App Home's views.publish, a late slash-command answer, a customer's text) can be timed
 * where it lands. They answer at once with what the real APIs answer that the app reads.
 */

export interface Fake {
  url: string;
  /** Calls so far, and when the last one arrived (performance.now()). */
  activity(): { calls: number; lastAt: number };
  stop(): Promise<void>;
}

export interface FakeSlack extends Fake {
  /** Resolves with the arrival time of the next views.publish for `user`. */
  nextPublish(user: string): Promise<number>;
  /** A response_url of our own, and the arrival time of the answer posted to it (`forget` once not needed). */
  responseUrl(): { url: string; answered: Promise<number>; forget(): void };
  /** Calls by Web API method, for the report. */
  methods(): Record<string, number>;
}

export interface FakeTwilio extends Fake {
  /**
   * Resolves with the arrival time of the next text whose status callback names `ref` (the app's
   * record key, `<order>:<kind>`, e.g. `1234:follow_up`).
   */
  nextText(ref: string): Promise<number>;
}

async function serve(handle: (req: IncomingMessage, raw: string, res: ServerResponse) => void) {
  let calls = 0;
  let lastAt = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    calls++;
    lastAt = performance.now();
    handle(req, Buffer.concat(chunks).toString('utf8'), res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    activity: () => ({ calls, lastAt }),
    stop: async () => {
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function fields(raw: string, type: string | undefined): Record<string, string> {
  if (type?.includes('json')) return JSON.parse(raw || '{}') as Record<string, string>;
  return Object.fromEntries(new URLSearchParams(raw));
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const publishes = new Map<string, (at: number) => void>();
  const responses = new Map<string, (at: number) => void>();
  const methods: Record<string, number> = {};
  let ts = 0;
  let ids = 0;
  const base = await serve((req, raw, res) => {
    const at = performance.now();
    res.setHeader('content-type', 'application/json');
    const path = req.url ?? '';
    if (path.startsWith('/response/')) {
      responses.get(path.slice('/response/'.length))?.(at);
      res.end('{"ok":true}');
      return;
    }
    const method = path.replace(/^\/api\//, '').split('?')[0] ?? '';
    methods[method] = (methods[method] ?? 0) + 1;
    const body = fields(raw, req.headers['content-type']);
    const next = () => `1700000000.${String(++ts).padStart(6, '0')}`;
    let answer: Record<string, unknown> = { ok: true };
    if (method === 'chat.postMessage') answer = { ok: true, channel: body.channel, ts: next() };
    else if (method === 'chat.update') answer = { ok: true, channel: body.channel, ts: body.ts };
    else if (method === 'chat.postEphemeral') answer = { ok: true, message_ts: next() };
    // The workspace the bot is installed in: the signed requests (signing.ts) come from T0001.
    else if (method === 'auth.test') answer = { ok: true, team_id: 'T0001', user_id: 'UBOT' };
    else if (method === 'views.open' || method === 'views.publish')
      answer = { ok: true, view: { id: `V${++ts}` } };
    if (method === 'views.publish' && body.user_id) {
      publishes.get(body.user_id)?.(at);
      publishes.delete(body.user_id);
    }
    res.end(JSON.stringify(answer));
  });
  return {
    ...base,
    methods: () => ({ ...methods }),
    nextPublish: (user) => new Promise<number>((resolve) => publishes.set(user, resolve)),
    responseUrl() {
      const id = `R${++ids}`;
      const answered = new Promise<number>((resolve) =>
        responses.set(id, (at) => {
          responses.delete(id);
          resolve(at);
        }),
      );
      return { url: `${base.url}/response/${id}`, answered, forget: () => responses.delete(id) };
    },
  };
}

export async function startFakeTwilio(accountSid: string): Promise<FakeTwilio> {
  const texts = new Map<string, (at: number) => void>();
  let sids = 0;
  const base = await serve((req, raw, res) => {
    const at = performance.now();
    res.setHeader('content-type', 'application/json');
    if (req.method !== 'POST' || !req.url?.startsWith(`/2010-04-01/Accounts/${accountSid}/Messages.json`)) {
      res.statusCode = 404;
      res.end(JSON.stringify({ code: 20404, message: 'not found', status: 404 }));
      return;
    }
    const f = fields(raw, req.headers['content-type']);
    const ref = f.StatusCallback ? new URL(f.StatusCallback).searchParams.get('m') : null;
    if (ref) {
      texts.get(ref)?.(at);
      texts.delete(ref);
    }
    const sid = `SM${String(++sids).padStart(32, '0')}`;
    res.statusCode = 201;
    res.end(
      JSON.stringify({
        sid,
        status: 'queued',
        to: f.To,
        from: f.From,
        body: f.Body,
        account_sid: accountSid,
      }),
    );
  });
  return {
    ...base,
    nextText: (ref) => new Promise<number>((resolve) => texts.set(ref, resolve)),
  };
}
