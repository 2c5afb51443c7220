import { MongoClient } from 'mongodb';
import { API_KEY, testDatabaseUri, uniqueDbName } from '../helpers/app.js';
import { uniquePhone, uniqueSku } from '../helpers/builders.js';
import { eventually } from '../helpers/eventually.js';
import { type ServerProcess, spawnServer, uriWithDb, waitListening } from '../helpers/process.js';
import { FakeSlack, randomId, slackEnv } from '../helpers/slack.js';
import { FakeTwilio, text, twilioEnv } from '../helpers/twilio.js';

/**
 * The crash drill: the built server as its own process, killed with SIGKILL at random moments
 * while 16 clients place 200 orders (and then approve, pick, pack and ship them), and started
 * again each time. A quarter of the orders come by SMS (ORDER, then CONFIRM). Clients retry what
 * failed, as a shop's systems would (same externalId) and as Twilio would (same MessageSid); a
 * customer whose text got no answer texts again. Then: every order exists once, has exactly one
 * approval message in Slack (and one fulfillment task), the customer was told "placed" exactly once
 * (SMS orders: the CONFIRM reply, or a text when that reply was lost), every other text went out
 * exactly once, and stock matches the orders to the unit.
 */

const ORDERS = 200;
const CONCURRENCY = 16;
const KILLS = 3;

let slack: FakeSlack;
let twilio: FakeTwilio;
let client: MongoClient;
let dbName: string;
let env: Record<string, string>;
let server: ServerProcess | undefined;
let url = '';
let restarts = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every server's output, for the failure message of an order that went wrong. */
const outputs: (() => string)[] = [];
const logsOf = (number: number | undefined) =>
  outputs
    .flatMap((o) => o().split('\n'))
    .filter((l) => l.includes(`"order":${number}`) || l.includes(`#${number}`))
    .map((l) => l.slice(0, 300));

async function start(): Promise<void> {
  server = spawnServer(env);
  const started = server;
  outputs.push(() => started.output());
  url = await waitListening(server);
}

/** SIGKILL: no shutdown, no drain, whatever was in flight is cut. Then a fresh start. */
async function killAndRestart(): Promise<void> {
  const dying = server as ServerProcess;
  url = '';
  dying.child.kill('SIGKILL');
  await dying.exited;
  restarts++;
  await start();
}

/** Calls the API until it answers; a dead or restarting server is retried, as a client would. */
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (!url) {
      await sleep(100);
      continue;
    }
    try {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(20_000),
      });
      const json: any = await res.json().catch(() => ({}));
      // 409 `conflict`: the same order is still being placed by a request the kill cut; 5xx: the
      // server died mid-answer. Both are retried with the same body.
      if (res.status >= 500 || (res.status === 409 && json?.error?.code === 'conflict')) {
        await sleep(200);
        continue;
      }
      return { status: res.status, body: json };
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${method} ${path}: no answer after many retries`);
}

/** A customer's text as Twilio delivers it: redelivered with the same MessageSid while the server is down. */
async function sms(phone: string, body: string): Promise<string> {
  const sid = randomId('SM');
  for (let attempt = 0; attempt < 600; attempt++) {
    if (!url) {
      await sleep(100);
      continue;
    }
    try {
      const res = await text(url, phone, body, { sid });
      if (res.status < 500) return res.reply;
    } catch {}
    await sleep(200);
  }
  throw new Error(`${phone} ${body}: no answer after many retries`);
}

/**
 * ORDER then CONFIRM. A text that got no answer (its first delivery died holding the claim) is
 * typed again, as a customer would. Returns whether a CONFIRM reply said the order was placed.
 */
async function orderBySms(p: Placed): Promise<void> {
  for (let i = 0; i < 10; i++) {
    if (/CONFIRM/.test(await sms(p.phone, `ORDER ${p.quantity} ${p.sku}`))) break;
    await sleep(500);
  }
  for (let i = 0; i < 20; i++) {
    const reply = await sms(p.phone, 'CONFIRM');
    const number = reply.match(/#(\d+)/)?.[1];
    if (number) {
      // "Order #n placed", or where it stands when an earlier CONFIRM placed it and it was texted.
      p.number = Number(number);
      p.replied = /placed/.test(reply);
      return;
    }
    if (reply) break; // "Nothing to confirm": an earlier CONFIRM placed it and its reply was lost.
    await sleep(500);
  }
  const found = await call('GET', `/api/v1/orders?phone=${encodeURIComponent(p.phone)}`);
  p.number = found.body.items[0]?.number;
  if (!p.number) throw new Error(`${p.phone}: no order after CONFIRM`);
}

/** Runs `work` for each item, `CONCURRENCY` at a time, while the server is killed at random moments. */
async function underKills<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let done = 0;
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
      done++;
    }
  });
  const killer = (async () => {
    for (let k = 0; k < KILLS; k++) {
      // A random moment while work is in flight.
      const target = Math.floor(((k + 1) / (KILLS + 1)) * items.length * (0.6 + Math.random() * 0.5));
      while (done < Math.min(target, items.length - CONCURRENCY)) await sleep(20);
      await sleep(Math.random() * 300);
      await killAndRestart();
    }
  })();
  await Promise.all([...workers, killer]);
}

const db = () => client.db(dbName);

/** Every effect delivered: no order or product has any left. */
async function settled(what: string): Promise<void> {
  await eventually(
    async () =>
      (await db()
        .collection('orders')
        .countDocuments({ 'effects.0': { $exists: true } })) +
      (await db().collection('products').countDocuments({ alertPending: true })),
    (n) => n === 0,
    { what, ms: 150_000 },
  );
}

beforeAll(async () => {
  slack = await new FakeSlack().start();
  twilio = await new FakeTwilio().start();
  dbName = uniqueDbName('drillcrash');
  client = await new MongoClient(testDatabaseUri(), { maxPoolSize: 1 }).connect();
  env = {
    ...slackEnv(slack),
    ...twilioEnv(twilio),
    MONGODB_URI: uriWithDb(testDatabaseUri(), dbName),
    API_KEYS: `drill:${API_KEY}`,
    API_RATE_LIMIT: '0',
    LOG_LEVEL: 'info',
    SMS_RATE_LIMIT: '0',
    SMS_MAX_OPEN_ORDERS: '0',
    JOB_POLL_INTERVAL: '1 second',
    DELIVERY_RETRY_MAX: '2 seconds',
    DELIVERY_SWEEP_EVERY: '5 seconds',
  };
  await start();
});

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await db()
    .dropDatabase()
    .catch(() => undefined);
  await client.close();
  await slack.stop();
  await twilio.stop();
});

interface Placed {
  externalId: string;
  phone: string;
  sku: string;
  quantity: number;
  bySms: boolean;
  number?: number;
  /** By SMS: a CONFIRM reply told the customer it was placed. */
  replied?: boolean;
}

const placed: Placed[] = [];
const skus: string[] = [];
const ON_HAND = 2000;

test(`When the server is killed ${KILLS} times while 200 orders are placed at 16 concurrent, then each order exists once with one approval message and one placed text, and stock is exact`, async () => {
  for (let i = 0; i < 4; i++) {
    const sku = uniqueSku('DRILL');
    const res = await call('POST', '/api/v1/products', {
      sku,
      name: `Drill ${i}`,
      price: 500 + i,
      onHand: ON_HAND,
      lowStockThreshold: 1,
    });
    expect(res.status).toBe(201);
    skus.push(sku);
  }
  for (let i = 0; i < ORDERS; i++) {
    placed.push({
      externalId: `DRILL-${i}`,
      phone: uniquePhone(),
      sku: skus[i % skus.length] as string,
      quantity: 1 + (i % 3),
      bySms: i % 4 === 3,
    });
  }

  await underKills(placed, async (p) => {
    if (p.bySms) return orderBySms(p);
    const res = await call('POST', '/api/v1/orders', {
      channel: 'web',
      externalId: p.externalId,
      customer: { name: `Drill ${p.externalId}`, phone: p.phone },
      items: [{ sku: p.sku, quantity: p.quantity }],
    });
    if (res.status !== 201 && res.status !== 200) throw new Error(`${p.externalId}: ${JSON.stringify(res)}`);
    p.number = res.body.number;
  });
  expect(restarts).toBe(KILLS);

  await settled('every approval message and placed text');
  const orders = await db().collection('orders').find({}).toArray();
  // Each externalId is one order; no order without a client behind it.
  expect(orders).toHaveLength(ORDERS);
  expect(new Set(orders.map((o) => o.externalId)).size).toBe(ORDERS);
  expect(new Set(placed.map((p) => p.number)).size).toBe(ORDERS);
  for (const p of placed) {
    expect(slack.postsOf(p.number as number, 'approval')).toHaveLength(1);
    // Told "placed" exactly once: by text, or (SMS orders) in the reply to CONFIRM.
    const told = twilio.to(p.phone).length + (p.replied ? 1 : 0);
    if (told !== 1) expect({ p, told, logs: logsOf(p.number) }).toEqual({ p, told: 1 });
  }
  expect(placed.filter((p) => p.bySms && p.replied).length).toBeGreaterThan(0);

  // A placement cut between reserving and storing leaves a reservation for no order; the
  // reconcile job releases it once it is older than a placement can take (GRACE_MS).
  await reconcileNow();
  for (const sku of skus) {
    const held = placed.filter((p) => p.sku === sku).reduce((sum, p) => sum + p.quantity, 0);
    const product = await db()
      .collection('products')
      .findOne({ _id: sku as never });
    expect(product).toMatchObject({ onHand: ON_HAND, reserved: held, available: ON_HAND - held });
    expect(Object.keys(product?.reservations ?? {}).sort()).toEqual(
      placed
        .filter((p) => p.sku === sku)
        .map((p) => String(p.number))
        .sort(),
    );
  }
}, 600_000);

test(`When the server is killed ${KILLS} times during a burst of approve, pick, pack and ship, then every order is shipped with one fulfillment task, one text per step, and stock is committed once`, async () => {
  const steps = ['approve', 'start_picking', 'pack', 'ship'];
  const reached = (status: string, action: string) =>
    steps.indexOf(action) < ['approved', 'picking', 'packed', 'shipped'].indexOf(status) + 1;
  await underKills(placed, async (p) => {
    for (const action of steps) {
      const body =
        action === 'ship' ? { action, carrier: 'UPS', trackingNumber: `1Z${p.number}` } : { action };
      const res = await call('POST', `/api/v1/orders/${p.number}/actions`, body);
      if (res.status === 200) continue;
      // The kill came after the change was stored and before the answer: it is done already.
      const now = await call('GET', `/api/v1/orders/${p.number}`);
      if (res.status === 409 && reached(now.body.status, action)) continue;
      throw new Error(`#${p.number} ${action}: ${JSON.stringify(res)}`);
    }
  });

  await settled('every task message and customer text');
  const orders = await db().collection('orders').find({}).toArray();
  expect(orders.map((o) => o.status)).toEqual(orders.map(() => 'shipped'));
  for (const p of placed) {
    expect(slack.postsOf(p.number as number, 'approval')).toHaveLength(1);
    expect(slack.postsOf(p.number as number, 'task')).toHaveLength(1);
    const texts = twilio.to(p.phone).map((m) => m.body);
    expect(texts).toHaveLength(p.replied ? 2 : 3);
    expect(texts.filter((b) => b.includes('is approved'))).toHaveLength(1);
    expect(texts.filter((b) => b.includes('1Z'))).toHaveLength(1);
  }
  await reconcileNow();
  for (const sku of skus) {
    const shipped = placed.filter((p) => p.sku === sku).reduce((sum, p) => sum + p.quantity, 0);
    const product = await db()
      .collection('products')
      .findOne({ _id: sku as never });
    expect(product).toMatchObject({ onHand: ON_HAND - shipped, reserved: 0, available: ON_HAND - shipped });
    expect(product?.reservations).toEqual({});
  }
}, 600_000);

/**
 * The reconcile job as it runs every 5 minutes, at a moment past its grace period: the server is
 * stopped (SIGTERM) and one more start runs it at once through the sweep it does at start.
 */
async function reconcileNow(): Promise<void> {
  const running = server as ServerProcess;
  running.child.kill('SIGTERM');
  expect(await running.exited).toBe(0);
  // Age every reservation past the grace period, as 2 minutes of waiting would.
  const old = new Date(Date.now() - 10 * 60_000);
  for (const product of await db().collection('products').find({}).toArray()) {
    const reservations = Object.fromEntries(
      Object.entries((product.reservations ?? {}) as Record<string, { qty: number }>).map(([n, r]) => [
        n,
        { ...r, at: old },
      ]),
    );
    await db().collection('products').updateOne({ _id: product._id }, { $set: { reservations } });
  }
  await db()
    .collection('agendaJobs')
    .updateOne({ name: 'reconcile-reservations' }, { $set: { nextRunAt: new Date() } });
  const startedAt = new Date();
  await start();
  await eventually(
    () => db().collection('agendaJobs').findOne({ name: 'reconcile-reservations' }),
    (job) => job?.lastFinishedAt instanceof Date && job.lastFinishedAt >= startedAt,
    { what: 'the reconcile job to run', ms: 30_000 },
  );
  await settled('effects after reconcile');
}
