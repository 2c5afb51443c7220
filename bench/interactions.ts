import type { Client } from './client.js';
import type { FakeSlack, FakeTwilio } from './fakes.js';
import { lifecycleInteractions, type Stage } from './lifecycle.js';
import { type Attempt, within } from './measure.js';
import type { AppProcess } from './processes.js';
import type { Subjects } from './seed.js';
import { CHANNEL_IDS, phoneOf, saidOf, skuOf } from './seed-data.js';
import {
  api,
  buttonClick,
  homeOpened,
  incomingCall,
  incomingSms,
  type Outgoing,
  slashCommand,
} from './signing.js';

/**
 * What the bench does to the app, as the people using it would: one builder per interaction, each
 * a fresh signed request for the next subject in turn, timed from the moment it is sent until
 * what the person waits for has happened.
 */

export const APPROVER = 'UAPPROVER1';
export const homeUser = (worker: number) => `UHOME${String(worker).padStart(2, '0')}`;
export interface World {
  client: Client;
  slack: FakeSlack;
  twilio: FakeTwilio;
  host: AppProcess;
  apiKey: string;
  subjects: Subjects;
  products: number;
  run: string;
  /** Pending orders the bench placed, oldest first: what the approvals take. */
  pending: number[];
  /** Every order the bench placed (to close them before growing the data). */
  placed: number[];
  /**
   * The bench's orders by status, carried on from `pending` one step at a time: picked (untimed)
   * → packed (timed: the invoice) → shipped (untimed) → delivered (timed: the follow-up) → return
   * requested (untimed) → returned (timed: the credit note).
   */
  stage: Record<Stage, number[]>;
  /** Placements so far, for unique external ids across phases. */
  serial: number;
  /** The console session's cookie (`consoleSignIn`). */
  consoleCookie?: string;
}

/** The console key the bench's app accepts (setup.ts). */
export const CONSOLE_KEY = 'bench-console-key-0123456789';

/** Signs in to the console with its key, as the sign-in form does; returns the session's cookie. */
export async function consoleSignIn(client: Client): Promise<string> {
  const form = await client.send({ method: 'GET', path: '/console/sign-in', headers: {} });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
  const pre = form.cookies.find((c) => c.startsWith('orderly_console_pre='));
  if (form.status !== 200 || !csrf || !pre) throw new Error(`console sign-in page: HTTP ${form.status}`);
  const res = await client.send({
    method: 'POST',
    path: '/console/sign-in',
    headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, key: CONSOLE_KEY }).toString(),
  });
  const session = res.cookies.find((c) => c.startsWith('orderly_console='));
  if (res.status !== 303 || !session)
    throw new Error(`console sign-in: HTTP ${res.status} ${res.body.slice(0, 200)}`);
  return session;
}

export type InteractionId =
  | 'place'
  | 'approve_api'
  | 'approve_click'
  | 'sms_status_n'
  | 'sms_status'
  | 'sms_order_words'
  | 'order_n'
  | 'order_find'
  | 'list_pending'
  | 'app_home'
  | 'api_list'
  | 'api_phone'
  | 'call_menu'
  | 'invoice_at_pack'
  | 'follow_up'
  | 'credit_note'
  | 'console_board'
  | 'console_order'
  | 'console_customer';

export const LABELS: Record<InteractionId, string> = {
  place: 'place order (API)',
  approve_api: 'approve (API action)',
  approve_click: 'Slack Approve click (to approved)',
  sms_status_n: 'SMS STATUS <n>',
  sms_status: 'SMS STATUS',
  sms_order_words: 'SMS ORDER in words (300 products)',
  order_n: 'Slack /order <n>',
  order_find: 'Slack /order find <phone>',
  list_pending: 'Slack /order list pending',
  app_home: 'App Home (to views.publish)',
  api_list: 'API GET orders?limit=20',
  api_phone: 'API GET orders?phone=',
  call_menu: 'call: TwiML menu (voice webhook)',
  invoice_at_pack: 'pack, invoice issued (API action)',
  // FOLLOW_UP_DELAY (growth.ts) and the wait for the job are left out: from the job's start.
  follow_up: 'follow-up SMS (job start to Twilio)',
  credit_note: 'receive return, credit note (API)',
  console_board: 'console: the board',
  console_order: 'console: an order and its timeline',
  console_customer: 'console: a customer and their timeline',
};

const turn = <T>(list: readonly T[]) => {
  let i = 0;
  return () => {
    if (list.length === 0) throw new Error('no subjects to ask about');
    return list[i++ % list.length] as T;
  };
};

/** A web order of 1–3 lines for an existing customer, with the shop's own id (idempotent placement). */
function placeBody(world: World, i: number, phone: string) {
  const lines = 1 + (i % 3);
  return {
    channel: 'web',
    externalId: `BENCH-${world.run}-${i}`,
    customer: { name: 'Bench Customer', phone },
    items: Array.from({ length: lines }, (_, k) => ({
      sku: skuOf((i * 37 + k * 101) % world.products),
      quantity: 1 + (k % 2),
    })),
  };
}

export function interactions(world: World): Record<InteractionId, Attempt> {
  const { client, slack, host, apiKey, subjects } = world;
  const nextOrder = turn(subjects.orders);
  const nextRegular = turn(subjects.regulars);
  const nextPlacer = turn(subjects.placers);
  let ordersInWords = 0;

  /** Sends `req` and checks the answer; the time is the HTTP round trip. */
  async function http(req: Outgoing, check: (status: number, body: string) => string | undefined) {
    const t0 = performance.now();
    const res = await client.send(req);
    const ms = performance.now() - t0;
    const problem = check(res.status, res.body);
    return problem ? { ms, ok: false, error: problem } : { ms, ok: true };
  }
  const status = (want: number) => (got: number, body: string) =>
    got === want ? undefined : `HTTP ${got}: ${body.slice(0, 200)}`;

  /** A slash command is answered in its acknowledgement, or (slow work) through response_url. */
  async function command(text: string, expect?: string) {
    const late = slack.responseUrl();
    const req = slashCommand(text, APPROVER, late.url);
    const t0 = performance.now();
    const res = await client.send(req);
    const ack = performance.now() - t0;
    if (res.status !== 200)
      return { ms: ack, ok: false, error: `HTTP ${res.status}: ${res.body.slice(0, 200)}` };
    if (res.body.includes('Working on it')) {
      const at = await within(late.answered, `the late answer to /order ${text}`);
      return { ms: at - t0, ackMs: ack, ok: true };
    }
    late.forget();
    if (res.body.includes('Something went wrong'))
      return { ms: ack, ok: false, error: res.body.slice(0, 200) };
    if (expect && !res.body.includes(expect))
      return { ms: ack, ok: false, error: `no ${expect} in ${res.body.slice(0, 200)}` };
    return { ms: ack, ackMs: ack, ok: true };
  }

  const EXHAUSTED = { ms: 0, ok: false, exhausted: true, error: 'no pending order left to approve' };
  return {
    async place() {
      const req = api('POST', '/api/v1/orders', apiKey, placeBody(world, ++world.serial, nextPlacer()));
      const t0 = performance.now();
      const res = await client.send(req);
      const ms = performance.now() - t0;
      if (res.status !== 201)
        return { ms, ok: false, error: `HTTP ${res.status}: ${res.body.slice(0, 200)}` };
      const number = (JSON.parse(res.body) as { number: number }).number;
      world.pending.push(number);
      world.placed.push(number);
      return { ms, ok: true };
    },
    async approve_api() {
      const number = world.pending.shift();
      if (number === undefined) return EXHAUSTED;
      return http(
        api('POST', `/api/v1/orders/${number}/actions`, apiKey, { action: 'approve' }),
        status(200),
      );
    },
    async approve_click() {
      const number = world.pending.shift();
      if (number === undefined) return EXHAUSTED;
      const approved = host.moved(number, 'approved');
      const req = buttonClick('order_approve', String(number), APPROVER, CHANNEL_IDS.approvals);
      const t0 = performance.now();
      const res = await client.send(req);
      const ack = performance.now() - t0;
      if (res.status !== 200)
        return { ms: ack, ok: false, error: `HTTP ${res.status}: ${res.body.slice(0, 200)}` };
      const at = await within(approved, `order #${number} approved`);
      return { ms: at - t0, ackMs: ack, ok: true };
    },
    sms_status_n() {
      const o = nextOrder();
      return http(incomingSms(o.phone, `STATUS ${o.number}`), (got, body) =>
        got !== 200
          ? `HTTP ${got}`
          : body.includes(String(o.number))
            ? undefined
            : `no #${o.number} in ${body.slice(0, 200)}`,
      );
    },
    sms_status() {
      const r = nextRegular();
      return http(incomingSms(r.phone, 'STATUS'), (got, body) =>
        got !== 200
          ? `HTTP ${got}`
          : body.includes('<Message>')
            ? undefined
            : `no reply in ${body.slice(0, 200)}`,
      );
    },
    /** "ORDER 2 blue mugs and a red tote": read against the 300 products' names, a priced draft back. */
    sms_order_words() {
      // A new customer each time (clear of the seeded ones), so no limit of a regular's gets in the way.
      const i = ordersInWords++;
      const a = (i * 7) % world.products;
      const b = (i * 13 + 5) % world.products;
      const said = a === b ? saidOf(a, 2) : `${saidOf(a, 2)} and ${saidOf(b, 1)}`;
      return http(incomingSms(phoneOf(900_000 + i), `ORDER ${said}`), (got, body) =>
        got !== 200
          ? `HTTP ${got}`
          : body.includes('CONFIRM')
            ? undefined
            : `no summary for "${said}" in ${body.slice(0, 200)}`,
      );
    },
    order_n() {
      const o = nextOrder();
      return command(String(o.number), String(o.number));
    },
    order_find: () => command(`find ${nextRegular().phone}`),
    list_pending: () => command('list pending'),
    async app_home(worker) {
      const user = homeUser(worker);
      const published = slack.nextPublish(user);
      const req = homeOpened(user);
      const t0 = performance.now();
      const res = await client.send(req);
      const ack = performance.now() - t0;
      if (res.status !== 200)
        return { ms: ack, ok: false, error: `HTTP ${res.status}: ${res.body.slice(0, 200)}` };
      const at = await within(published, `views.publish for ${user}`);
      return { ms: at - t0, ackMs: ack, ok: true };
    },
    api_list: () =>
      http(api('GET', '/api/v1/orders?limit=20', apiKey), (got, body) =>
        got !== 200
          ? `HTTP ${got}`
          : (JSON.parse(body) as { items: unknown[] }).items.length === 20
            ? undefined
            : 'not 20 items',
      ),
    api_phone: () =>
      http(
        api('GET', `/api/v1/orders?phone=${encodeURIComponent(nextRegular().phone)}`, apiKey),
        (got, body) =>
          got !== 200
            ? `HTTP ${got}`
            : (JSON.parse(body) as { items: unknown[] }).items.length > 0
              ? undefined
              : 'no orders',
      ),
    /** A regular customer calls; the time is to the TwiML with the menu. The call's record is checked after. */
    async call_menu() {
      const phone = nextRegular().phone;
      const { req, sid } = incomingCall(phone);
      const t0 = performance.now();
      const res = await client.send(req);
      const ms = performance.now() - t0;
      if (res.status !== 200)
        return { ms, ok: false, error: `HTTP ${res.status}: ${res.body.slice(0, 200)}` };
      if (!res.body.includes('<Gather'))
        return { ms, ok: false, error: `no menu in ${res.body.slice(0, 200)}` };
      // The menu also answers without the database (its fallback): the call must have been recorded.
      const call = await client.send(api('GET', `/api/v1/calls/${sid}`, apiKey));
      if (call.status !== 200)
        return {
          ms,
          ok: false,
          error: `call ${sid} not recorded: HTTP ${call.status} ${call.body.slice(0, 200)}`,
        };
      return { ms, ok: true };
    },
    ...lifecycleInteractions(world),
    console_board: () => page('/console/board', 'id="board"'),
    console_order: () => {
      const o = nextOrder();
      return page(`/console/orders/${o.number}`, 'class="timeline"');
    },
    console_customer: () =>
      page(`/console/customers/${encodeURIComponent(nextRegular().phone)}`, 'class="timeline"'),
  };

  /** A console page, signed in; the time is the whole page. */
  function page(path: string, expect: string) {
    if (!world.consoleCookie) throw new Error('the bench has not signed in to the console');
    return http({ method: 'GET', path, headers: { cookie: world.consoleCookie } }, (got, body) =>
      got !== 200
        ? `HTTP ${got}: ${body.slice(0, 200)}`
        : body.includes(expect)
          ? undefined
          : `no ${expect} in ${path}`,
    );
  }
}

/**
 * The floor's two requests (floor.ts), built exactly as the app's: the same SMS form (its
 * signature header is sent and ignored) and the same order body, from the same subjects.
 */
export function floorInteractions(floor: Client, world: World): { sms_status: Attempt; place: Attempt } {
  const nextRegular = turn(world.subjects.regulars);
  const nextPlacer = turn(world.subjects.placers);
  const timed = async (req: Outgoing, want: number) => {
    const t0 = performance.now();
    const res = await floor.send(req);
    const ms = performance.now() - t0;
    return res.status === want
      ? { ms, ok: true }
      : { ms, ok: false, error: `HTTP ${res.status}: ${res.body.slice(0, 200)}` };
  };
  return {
    sms_status: () => timed({ ...incomingSms(nextRegular().phone, 'STATUS'), path: '/sms' }, 200),
    place: () =>
      timed(
        {
          ...api('POST', '/orders', world.apiKey, placeBody(world, ++world.serial, nextPlacer())),
          path: '/orders',
        },
        201,
      ),
  };
}
