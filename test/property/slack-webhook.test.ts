import fc from 'fast-check';
import { parseOrderCommand, parseStockCommand } from '../../handlers/slack/commands/parse.js';
import { ACTIONS, INPUTS, VIEWS } from '../../src/slack/blocks/ids.js';
import { createProduct, placeOrder, walk } from '../helpers/builders.js';
import { settled } from '../helpers/delivery.js';
import { postToSlackRoute, randomId } from '../helpers/slack.js';
import { jsonText, NUMBER_WORDS, runs, weirdString, wordSoup } from './arbitraries.js';
import { errorsSince, type PropertyApp, snapshot, startPropertyApp } from './harness.js';

/**
 * POST /slack/events end to end, signed exactly as Slack signs: slash commands with any text,
 * button clicks with any value, modals submitted with any state, events with odd fields. Never a
 * 500, never an error in the log (a listener that threw after the ack), every Block Kit text within
 * Slack's limits, and a refusal leaves the database as it was.
 *
 * Kept out, because Slack sends neither: action_ids, callback_ids and commands we have no listener
 * for (Bolt waits 3 s, answers 404 and logs an error), and payloads without a user or an event
 * object (a known problem with its own test below).
 */

const APPROVER = 'UAPPROVER1';
let p: PropertyApp;
let sku: string;
const numbers: number[] = [];

beforeAll(async () => {
  p = await startPropertyApp('propslack', { SLACK_APPROVER_IDS: APPROVER });
  sku = (
    await createProduct(p.app, { sku: `MUG-${Date.now() % 100_000}`, onHand: 1_000, lowStockThreshold: 0 })
  ).sku;
  for (const steps of [
    [],
    [],
    ['approve'],
    ['approve', 'start_picking', 'pack'],
    ['approve', 'start_picking', 'pack'],
  ]) {
    const order = await placeOrder(p.app, [{ sku, quantity: 1 }]);
    await walk(p.app, order.number, steps);
    numbers.push(order.number);
  }
});
afterAll(() => p.close());

const FORM = 'application/x-www-form-urlencoded';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const wellFormed = (s: string) =>
  s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
/** JSON as Slack writes it: valid UTF-8, so no string holds a lone surrogate (not even escaped). */
const slackJson = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? wellFormed(v) : v));
/** Slack user ids are never empty; an empty one is a known bug with its own test below. */
const userId = () =>
  fc.oneof(
    { arbitrary: fc.constantFrom(APPROVER, 'UAGENT01'), weight: 2 },
    { arbitrary: weirdString.filter((s) => s.length > 0), weight: 1 },
  );
const orderRef = () =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...numbers.map(String)), weight: 3 },
    { arbitrary: fc.constantFrom(...NUMBER_WORDS, '999999'), weight: 1 },
    { arbitrary: weirdString, weight: 1 },
  );

/** Slack refuses a section or context text over 3,000 characters, and a message text over 40,000. */
function withinSlackLimits(value: unknown): string[] {
  const over: string[] = [];
  const walkBlocks = (v: unknown, path: string): void => {
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) walkBlocks(x, `${path}[${i}]`);
    } else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (
        (o.type === 'mrkdwn' || o.type === 'plain_text') &&
        typeof o.text === 'string' &&
        o.text.length > 3000
      )
        over.push(`${path}.text is ${o.text.length} characters`);
      for (const [k, x] of Object.entries(o)) walkBlocks(x, `${path}.${k}`);
    }
  };
  walkBlocks(value, '$');
  const text = (value as { text?: unknown } | undefined)?.text;
  if (typeof text === 'string' && text.length > 40_000) over.push(`text is ${text.length} characters`);
  return over;
}

/** Posts a signed body and checks the promises; `afterAck`: wait for the work after the ack. */
async function check(
  body: string,
  type: string,
  opts: { mayChange: (res: { status: number; body: any }) => boolean; afterAck?: boolean },
) {
  const before = await snapshot(p.app);
  const logged = p.errors.length;
  const calls = p.slack.calls.length;
  const res = await postToSlackRoute(p.app.url, body, type);
  const what = `${body.slice(0, 500)} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
  expect({ what, status: res.status < 500 }).toEqual({ what, status: true });
  // Clicks are acknowledged first and worked on after: wait for that work, and what it queued.
  if (opts.afterAck) await settled(p.app);
  if (!opts.mayChange(res)) expect({ what, db: await snapshot(p.app) }).toEqual({ what, db: before });
  const sent = p.slack.calls.slice(calls).map((c) => c.body);
  expect({ what, over: [res.body, ...sent].flatMap(withinSlackLimits) }).toEqual({ what, over: [] });
  expect({ what, errors: errorsSince(p.errors, logged) }).toEqual({ what, errors: [] });
}

function command(name: string, text: string, user: string) {
  return form({
    token: 'deprecated',
    team_id: 'T0001',
    team_domain: 'shop',
    channel_id: 'CSALES01',
    channel_name: 'sales',
    user_id: wellFormed(user),
    user_name: 'agent',
    command: name,
    text: wellFormed(text),
    api_app_id: 'A0001',
    response_url: `${p.slack.url}/response/${randomId('R')}`,
    trigger_id: randomId('TRIG'),
  });
}

test('When /order or /stock is sent with any text by anyone, then it is answered privately within limits and only a cancel or a stock change writes', async () => {
  const orderWords = [
    'status',
    'find',
    'list',
    'cancel',
    'new',
    'help',
    'pending',
    'shipped',
    ...numbers.map(String),
  ];
  const stockWords = ['set', 'add', 'threshold', 'help', sku, sku.toLowerCase(), '+5', '-5', '0', '1000000'];
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.tuple(fc.constant('/order'), fc.oneof(weirdString, wordSoup(orderWords))),
        fc.tuple(fc.constant('/stock'), fc.oneof(weirdString, wordSoup(stockWords))),
        // The commands that write, with odd reasons and quantities.
        fc.tuple(
          fc.constant('/order'),
          fc.tuple(orderRef(), weirdString).map(([n, reason]) => `cancel ${n} ${reason}`),
        ),
        fc.tuple(
          fc.constant('/stock'),
          fc
            .tuple(
              fc.constantFrom('set', 'add', 'threshold'),
              fc.constantFrom(sku, 'NOPE-1'),
              fc.constantFrom(...NUMBER_WORDS),
            )
            .map(([verb, s, n]) => `${verb} ${s} ${n}`),
        ),
      ),
      userId(),
      async ([name, text], user) => {
        const clean = wellFormed(text);
        const order = parseOrderCommand(clean);
        const stock = parseStockCommand(clean);
        await check(command(name, text, user), FORM, {
          mayChange: (res) =>
            res.status === 200 &&
            (name === '/order'
              ? order.kind === 'cancel' && numbers.includes(order.number)
              : (stock.kind === 'set' || stock.kind === 'add' || stock.kind === 'threshold') &&
                stock.sku === sku),
        });
      },
    ),
    runs(50),
  );
});

/** Any JSON value, for the fields Slack fills in and an attacker with the secret could not. */
const anyJson = () =>
  fc.oneof(
    weirdString,
    jsonText(['value', 'id', 'type']).map((t) => JSON.parse(t) as unknown),
  );

test('When any button is clicked with any value, by anyone, anywhere, then no 500, no logged error, and only a real order number can change anything', async () => {
  const action = fc.record(
    {
      type: fc.constantFrom('button', 'static_select', 'overflow', 'weird'),
      // Mostly the one-click lifecycle steps, so that some clicks succeed.
      action_id: fc.oneof(
        { arbitrary: fc.constantFrom(ACTIONS.approve, ACTIONS.startPicking, ACTIONS.pack), weight: 3 },
        { arbitrary: fc.constantFrom(...Object.values(ACTIONS)), weight: 2 },
      ),
      block_id: fc.oneof(fc.constant('b1'), weirdString),
      value: fc.oneof(orderRef(), anyJson(), fc.constantFrom('+15551234567', '+1555', '')),
      action_ts: fc.constantFrom('1700000000.1', 'x'),
      selected_option: anyJson(),
    },
    { requiredKeys: ['action_id', 'value'] },
  );
  const where = fc.oneof(
    fc.constant({}),
    fc.constant({ container: { type: 'view', view_id: 'VHOME' }, view: { id: 'VHOME', type: 'home' } }),
    fc.tuple(fc.oneof(fc.constant('CAPPROVALS1'), weirdString), anyJson()).map(([channel, container]) => ({
      container,
      channel: { id: channel, name: 'orders' },
      message: { ts: '1700000000.000001', text: 'order' },
      response_url: 'https://hooks.slack.invalid/actions/1',
    })),
  );
  const payload = fc
    .tuple(
      action,
      fc.array(action, { maxLength: 2 }),
      userId(),
      where,
      fc.oneof(fc.constant(randomId('TRIG')), weirdString),
    )
    .map(([first, more, user, place, trigger]) => ({
      type: 'block_actions',
      team: { id: 'T0001', domain: 'shop' },
      user: { id: user, username: 'someone', team_id: 'T0001' },
      api_app_id: 'A0001',
      token: 'deprecated',
      trigger_id: trigger,
      ...place,
      actions: [first, ...more],
    }));
  await fc.assert(
    fc.asyncProperty(payload, async (body) => {
      const value = body.actions[0]?.value;
      const real = typeof value === 'string' && /^\d{1,9}$/.test(value) && numbers.includes(Number(value));
      await check(form({ payload: slackJson(body) }), FORM, {
        afterAck: true,
        mayChange: () => real,
      });
    }),
    runs(40),
  );
});

test('When any modal is submitted with any state and metadata, then no 500, no logged error, and a form answered with errors changes nothing', async () => {
  const inputIds = Object.values(INPUTS);
  const fieldText = fc.oneof(
    weirdString,
    fc.constantFrom(
      '+15551234567',
      '050-123-4567',
      'Dana',
      `${sku} 2`,
      `2 x ${sku}\n${sku}`,
      'US',
      'il',
      'phone',
      'UPS',
      '1Z999',
    ),
    wordSoup([sku, 'x', '10000', '\n', 'MUG-01']),
  );
  const state = fc.oneof(
    {
      arbitrary: fc.record({
        type: fc.constant('plain_text_input'),
        value: fc.oneof(fieldText, fc.constant(null)),
      }),
      weight: 6,
    },
    {
      arbitrary: fc.record({
        type: fc.constant('static_select'),
        selected_option: fc.record({ value: fieldText }),
      }),
      weight: 2,
    },
    { arbitrary: anyJson(), weight: 1 },
  );
  // A block holds its input under the same id; sometimes it does not (a stale or forged form).
  const block = fc
    .tuple(fc.constantFrom(...inputIds), state, fc.boolean())
    .map(([id, st, same]) => [id, same ? { [id]: st } : { other: st }] as const);
  const typed = (value: string) => ({ type: 'plain_text_input', value });
  /** What a filled-in form of each modal looks like; the generated blocks then override parts of it. */
  const filled: Record<string, Record<string, unknown>> = {
    [VIEWS.phoneOrder]: {
      [INPUTS.customerPhone]: { [INPUTS.customerPhone]: typed('+15551234567') },
      [INPUTS.customerName]: { [INPUTS.customerName]: typed('Dana') },
      [INPUTS.items]: { [INPUTS.items]: typed(`${sku} 1`) },
    },
    [VIEWS.ship]: {
      [INPUTS.carrier]: { [INPUTS.carrier]: typed('UPS') },
      [INPUTS.trackingNumber]: { [INPUTS.trackingNumber]: typed('1Z999') },
    },
    [VIEWS.reject]: { [INPUTS.reason]: { [INPUTS.reason]: typed('out of stock') } },
  };
  const values = (callback: string) =>
    fc.oneof(
      {
        arbitrary: fc
          .array(block, { maxLength: 3 })
          .map((b) => ({ ...filled[callback], ...Object.fromEntries(b) })),
        weight: 5,
      },
      { arbitrary: fc.array(block, { maxLength: 8 }).map((b) => Object.fromEntries(b)), weight: 3 },
      { arbitrary: anyJson(), weight: 1 },
    );
  const metadata = fc.oneof(
    fc.constantFrom(...numbers).map((n) => JSON.stringify({ number: n, channel: 'CAPPROVALS1' })),
    fc.constantFrom(...numbers).map((n) => JSON.stringify({ number: String(n), channel: null })),
    jsonText(['number', 'channel']),
    weirdString,
  );
  const payload = fc
    .constantFrom(...Object.values(VIEWS))
    .chain((callback) => fc.tuple(fc.constant(callback), values(callback), metadata, userId()))
    .map(([callback, vals, meta, user]) => ({
      type: 'view_submission',
      team: { id: 'T0001', domain: 'shop' },
      user: { id: user, username: 'agent', team_id: 'T0001' },
      api_app_id: 'A0001',
      token: 'deprecated',
      trigger_id: randomId('TRIG'),
      view: {
        id: randomId('V'),
        type: 'modal',
        callback_id: callback,
        private_metadata: meta,
        state: { values: vals },
        hash: '1',
        title: { type: 'plain_text', text: 'x' },
        blocks: [],
      },
    }));
  await fc.assert(
    fc.asyncProperty(payload, async (body) => {
      await check(form({ payload: slackJson(body) }), FORM, {
        mayChange: (res) => res.status === 200 && res.body?.response_action !== 'errors',
      });
    }),
    runs(50),
  );
});

test('When events arrive with odd fields (App Home opened by anyone, unknown types, odd challenges), then no 500, no logged error, and nothing changes', async () => {
  const event = fc.oneof(
    fc.record({
      type: fc.constant('app_home_opened'),
      user: fc.oneof(fc.constantFrom(APPROVER, 'UAGENT01'), weirdString),
      tab: fc.oneof(fc.constantFrom('home', 'messages'), weirdString),
      view: anyJson(),
    }),
    fc.record({
      type: fc.oneof(fc.constantFrom('message', 'app_mention', 'reaction_added'), weirdString),
      user: weirdString,
      text: weirdString,
    }),
  );
  const body = fc.oneof(
    event.map((e) => ({
      token: 'deprecated',
      team_id: 'T0001',
      api_app_id: 'A0001',
      type: 'event_callback',
      event_id: randomId('Ev'),
      event_time: Math.floor(Date.now() / 1000),
      event: e,
    })),
    anyJson().map((challenge) => ({ token: 'x', type: 'url_verification', challenge })),
  );
  await fc.assert(
    fc.asyncProperty(body, async (b) => {
      // Only App Home's home tab is worked on after the ack (the view is published): wait for it.
      const e = (b as { event?: { type?: unknown; tab?: unknown } }).event;
      const published = e?.type === 'app_home_opened' && e.tab === 'home';
      await check(slackJson(b), 'application/json', {
        afterAck: published,
        mayChange: () => false,
      });
    }),
    runs(30),
  );
});

/**
 * Fixed (found by fast-check): a signed payload without the parts Slack always sends (an event
 * object, a user) makes Bolt throw before any listener; our receiver's error handler answers 400.
 */
test('When a signed payload lacks its event or user, then it is refused with a 4xx', async () => {
  for (const [body, type] of [
    ['{"type":"event_callback","event":null}', 'application/json'],
    [
      form({
        payload: JSON.stringify({
          type: 'block_actions',
          actions: [{ action_id: ACTIONS.approve, value: '1' }],
        }),
      }),
      FORM,
    ],
  ] as const) {
    const res = await postToSlackRoute(p.app.url, body, type);
    expect(res.status).toBeLessThan(500);
  }
});

/**
 * When the order insert itself fails (here: the modal was submitted by an empty user id, so the
 * history's `by` is refused by the schema), everything placement did before is taken back: the
 * stock, the board entry, and the order number on the customer. What stays is harmless: the
 * customer's record (a phone we now know, with no orders) and the spent order number.
 */
test('When placing a phone order fails at the insert, then nothing is left behind', async () => {
  const before = await snapshot(p.app);
  const typed = (value: string) => ({ type: 'plain_text_input', value });
  const body = {
    type: 'view_submission',
    team: { id: 'T0001', domain: 'shop' },
    user: { id: '', username: 'agent', team_id: 'T0001' },
    api_app_id: 'A0001',
    token: 'deprecated',
    trigger_id: randomId('TRIG'),
    view: {
      id: randomId('V'),
      type: 'modal',
      callback_id: VIEWS.phoneOrder,
      private_metadata: '',
      state: {
        values: {
          [INPUTS.customerPhone]: { [INPUTS.customerPhone]: typed('+15557770001') },
          [INPUTS.customerName]: { [INPUTS.customerName]: typed('Dana') },
          [INPUTS.items]: { [INPUTS.items]: typed(`${sku} 1`) },
        },
      },
      hash: '1',
      title: { type: 'plain_text', text: 'x' },
      blocks: [],
    },
  };
  const res = await postToSlackRoute(p.app.url, form({ payload: JSON.stringify(body) }), FORM);
  expect(res.body?.response_action).toBe('errors');
  const after = await snapshot(p.app);
  type Doc = { _id: unknown; orders?: unknown; updatedAt?: unknown };
  const [was, now] = [before.customers as Doc[], after.customers as Doc[]];
  const known = new Set(was.map((c) => String(c._id)));
  const added = now.filter((c) => !known.has(String(c._id)));
  expect(added.map((c) => c.orders)).toEqual(added.map(() => []));
  expect(now.filter((c) => known.has(String(c._id)))).toEqual(was);
  expect(after.orders).toEqual(before.orders);
  // The stock went back (the product was written twice, so only its time moved).
  const stock = (docs: unknown[] | undefined) => (docs as Doc[]).map(({ updatedAt: _, ...rest }) => rest);
  expect(stock(after.products)).toEqual(stock(before.products));
});
