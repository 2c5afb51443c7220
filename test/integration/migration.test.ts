import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { BSON, type Db, type Document, MongoClient } from 'mongodb';
import mongoose, { type Connection } from 'mongoose';
import { createRepositories, ensureIndexes } from '../../models/index.js';
import { type MigrationLog, migrateDatabase, SCHEMA_VERSION } from '../../src/db/migrate.js';
import { loadV1Fixture, readV1Fixture } from '../fixtures/v1.js';
import { startTestApp, type TestApp, testDatabaseUri, uniqueDbName } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { FakeSlack, sendCommand, slackEnv } from '../helpers/slack.js';
import { FakeTwilio, text, twilioEnv } from '../helpers/twilio.js';

/**
 * Upgrading a database of the last release before natural keys (schema version 1). The fixture is
 * a real one, made by that release through its own doors (scripts/make-v1-fixture.mjs).
 */

const v1 = readV1Fixture();
const quiet: MigrationLog = { info() {}, warn() {}, error() {} };
const iso = (d: unknown) => new Date(d as Date).toISOString();
const numberOfId = new Map(v1.orders.map((o) => [o._id.toHexString(), o.number as number]));
const byNumber = (a: number, b: number) => a - b;
const ordersOf = (phone: string) =>
  v1.orders.filter((o) => o.customer.phone === phone).map((o) => o.number as number);
const withStatus = (status: string) =>
  v1.orders.filter((o) => o.status === status).map((o) => o.number as number);
/** The fixture's first order in `status` (the fixture has orders in every status). */
const first = (status: string, also: (o: Document) => boolean = () => true) =>
  v1.orders.find((o) => o.status === status && also(o)) as Document;
const v1Product = (sku: string) => v1.products.find((p) => p.sku === sku) as Document;

describe('The app started on an old release’s database', () => {
  let client: MongoClient;
  let app: TestApp;
  let twilio: FakeTwilio;
  let slack: FakeSlack;

  beforeAll(async () => {
    client = await MongoClient.connect(testDatabaseUri());
    const dbName = uniqueDbName('migration');
    await loadV1Fixture(client.db(dbName));
    twilio = await new FakeTwilio().start();
    slack = await new FakeSlack().start();
    app = await startTestApp('migration', { ...twilioEnv(twilio), ...slackEnv(slack) }, { dbName });
  });
  afterAll(async () => {
    await app?.close();
    await client?.close();
    await twilio?.stop();
    await slack?.stop();
  });

  const get = async (path: string) => {
    const res = await app.api('GET', path);
    expect(res.status).toBe(200);
    return res.body;
  };
  const numbers = (page: { items: { number: number }[] }) => page.items.map((o) => o.number);
  const ledger = async (sku: string) => {
    for await (const l of app.repos.products.ledgers()) if (l.sku === sku) return l;
    throw new Error(`no ledger for ${sku}`);
  };
  const held = (reservations: Record<string, { qty: number }>) =>
    Object.fromEntries(Object.entries(reservations).map(([k, r]) => [k, r.qty]));

  test('Then every order reads as before: status, customer, items, totals, history, invoice, shipment, rating', async () => {
    expect(v1.orders.length).toBeGreaterThanOrEqual(13);
    for (const o of v1.orders) {
      const got = await get(`/api/v1/orders/${o.number}`);
      expect(got).toMatchObject({
        number: o.number,
        status: o.status,
        channel: o.channel,
        externalId: o.externalId ?? null,
        customer: { name: o.customer.name, phone: o.customer.phone, language: o.customer.language ?? null },
        items: o.items,
        total: o.total,
        currency: o.currency,
        notes: o.notes ?? null,
        createdAt: iso(o.createdAt),
        updatedAt: iso(o.updatedAt),
      });
      expect(got.history).toEqual(
        o.history.map((h: Document) => ({ ...h, at: iso(h.at), from: h.from ?? null, note: h.note ?? null })),
      );
      expect(got.invoice && { number: got.invoice.number, issuedAt: got.invoice.issuedAt }).toEqual(
        o.invoice ? { number: o.invoice.number, issuedAt: iso(o.invoice.issuedAt) } : null,
      );
      expect(got.shipment).toEqual(
        o.shipment ? { ...o.shipment, shippedAt: iso(o.shipment.shippedAt) } : null,
      );
      expect(got.rating).toEqual(o.rating ? { score: o.rating.score, at: iso(o.rating.at) } : null);
      // What only the stored order shows: its stock state and its Slack messages.
      const stored = await app.repos.orders.get(o.number);
      expect(stored?.inventory).toBe(o.inventory);
      expect(stored?.slack).toEqual(o.slack);
    }
    // Every status of the lifecycle is in the fixture.
    expect(new Set(v1.orders.map((o) => o.status)).size).toBe(10);
  });

  test('Then every product keeps its stock, and its ledger is keyed by order number and sums to reserved', async () => {
    for (const p of v1.products) {
      expect(await get(`/api/v1/products/${p.sku}`)).toMatchObject({
        sku: p.sku,
        name: p.name,
        price: p.price,
        onHand: p.onHand,
        reserved: p.reserved,
        available: p.available,
        lowStockThreshold: p.lowStockThreshold,
      });
      const { reservations } = await ledger(p.sku);
      const expected = Object.fromEntries(
        Object.entries(p.reservations as Record<string, { qty: number }>).map(([id, r]) => [
          String(numberOfId.get(id)),
          r.qty,
        ]),
      );
      expect(held(reservations)).toEqual(expected);
      expect(Object.values(held(reservations)).reduce((a, b) => a + b, 0)).toBe(p.reserved);
      expect((await app.repos.products.get(p.sku))?.lowStockAlerted).toBe(p.lowStockAlerted);
    }
    expect(v1.products.some((p) => p.lowStockAlerted)).toBe(true);
  });

  test('Then every customer is found by phone with the same details, and lists their orders', async () => {
    for (const c of v1.customers) {
      const got = await app.repos.customers.get(c.phone);
      expect(got).toMatchObject({ phone: c.phone, name: c.name, optedOut: c.optedOut });
      expect(got?.language).toBe(c.language);
      expect(got?.orders).toEqual(ordersOf(c.phone).sort(byNumber));
      const listed = await get(`/api/v1/orders?phone=${encodeURIComponent(c.phone)}`);
      expect(numbers(listed)).toEqual(ordersOf(c.phone).sort(byNumber).reverse());
    }
    const stopped = v1.customers.filter((c) => c.optedOut);
    expect(stopped).toHaveLength(1);
    expect((await app.repos.customers.get(stopped[0]?.phone))?.optedOut).toBe(true);
  });

  test('Then the open orders are listed by status, from the API and from Slack', async () => {
    for (const status of ['pending_approval', 'approved', 'picking', 'packed', 'return_requested']) {
      const listed = await get(`/api/v1/orders?status=${status}`);
      expect(numbers(listed)).toEqual(withStatus(status).sort(byNumber).reverse());
    }
    expect(numbers(await get('/api/v1/orders?status=delivered'))).toEqual(withStatus('delivered'));
    const all = await get('/api/v1/orders?limit=100');
    expect(numbers(all)).toEqual(
      v1.orders
        .map((o) => o.number)
        .sort(byNumber)
        .reverse(),
    );

    const res = await sendCommand(app.url, slack, '/order', 'list pending');
    for (const n of withStatus('pending_approval')) expect(JSON.stringify(res.body)).toContain(`#${n}`);
    const shipped = first('shipped');
    const card = await sendCommand(app.url, slack, '/order', String(shipped.number));
    expect(JSON.stringify(card.body)).toContain(shipped.shipment.trackingNumber);
  });

  test('Then every SMS record, claimed MessageSid and order key is found by its key', async () => {
    for (const m of v1.sms_messages) {
      expect(await app.repos.smsMessages.get(m.key)).toMatchObject({
        key: m.key,
        orderNumber: m.orderNumber,
        kind: m.kind,
        to: m.to,
        status: m.status,
        attempts: m.attempts,
        ...(m.sid ? { sid: m.sid } : {}),
      });
    }
    for (const r of v1.processed_requests.filter((p) => p.key.startsWith('sms:'))) {
      expect(await app.repos.processedRequests.get(r.key)).toMatchObject({
        key: r.key,
        state: r.state,
        ref: r.ref,
      });
    }
    for (const o of v1.orders.filter((x) => x.idempotencyKey)) {
      expect(await app.repos.orderKeys.get(o.idempotencyKey)).toMatchObject({
        state: 'done',
        number: o.number,
      });
    }
    // A delivery receipt for a text sent before the upgrade still finds its record, by sid.
    const sent = v1.sms_messages.find((m) => m.sid && m.status === 'outbox') as Document;
    expect(await app.repos.smsMessages.recordStatus({ sid: sent.sid }, 'delivered')).toBe(true);
  });

  test('When a text from before the upgrade is redelivered, then it gets its first reply and no second effect', async () => {
    const bySms = v1.orders.find((o) => o.channel === 'sms') as Document;
    const first = v1.processed_requests.find((r) => r.key === `sms:${bySms.externalId}`) as Document;
    const before = await app.repos.counters.current('order', 1000);
    const res = await text(app.url, bySms.customer.phone, 'CONFIRM', { sid: bySms.externalId });
    expect(res.reply).toBe(first.ref);
    expect(await app.repos.counters.current('order', 1000)).toBe(before);
  });

  test('When the Hebrew customer texts STATUS, then their orders are listed in Hebrew', async () => {
    const noa = v1.customers.find((c) => c.language === 'he') as Document;
    const res = await text(app.url, noa.phone, 'סטטוס');
    expect(res.reply).toMatch(/[\u0590-\u05FF]/);
    for (const n of ordersOf(noa.phone)) expect(res.reply).toContain(`#${n}`);
  });

  test('When the customer with an open draft confirms it, then the draft is found by phone and placed', async () => {
    const draft = v1.sms_drafts[0] as Document;
    // The fixture's draft expired long ago; give it time so CONFIRM can place it.
    await app
      .raw('sms_drafts')
      .updateOne({ _id: draft.phone }, { $set: { expiresAt: new Date(Date.now() + 60_000) } });
    const res = await text(app.url, draft.phone, 'CONFIRM');
    const number = Number(res.reply.match(/#(\d+)/)?.[1]);
    expect(number).toBeGreaterThan(Math.max(...v1.orders.map((o) => o.number)));
    expect((await get(`/api/v1/orders/${number}`)).items).toMatchObject(draft.items);
  });

  test('When a migrated pending order is approved, then it moves from the pending list to the approved one', async () => {
    const { number } = first('pending_approval');
    const res = await app.api('POST', `/api/v1/orders/${number}/actions`, { action: 'approve' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'approved',
      history: [{ action: 'place' }, { action: 'approve' }],
    });
    expect(numbers(await get('/api/v1/orders?status=pending_approval'))).not.toContain(number);
    expect(numbers(await get('/api/v1/orders?status=approved'))).toContain(number);
  });

  test('When a migrated approved order is cancelled, then its reserved stock is released, once', async () => {
    const order = first('approved');
    const before = await Promise.all(order.items.map((i: Document) => get(`/api/v1/products/${i.sku}`)));
    const res = await app.api('POST', `/api/v1/orders/${order.number}/actions`, { action: 'cancel' });
    expect(res.status).toBe(200);
    for (const [i, item] of order.items.entries()) {
      const after = await get(`/api/v1/products/${item.sku}`);
      expect(after.reserved).toBe(before[i].reserved - item.quantity);
      expect(after.available).toBe(before[i].available + item.quantity);
      expect((await ledger(item.sku)).reservations[String(order.number)]).toBeUndefined();
    }
  });

  test('When a migrated packed order ships, then its reservation becomes a decrement of on hand', async () => {
    const order = first('packed');
    const before = await Promise.all(order.items.map((i: Document) => get(`/api/v1/products/${i.sku}`)));
    const res = await app.api('POST', `/api/v1/orders/${order.number}/actions`, {
      action: 'ship',
      carrier: 'UPS',
      trackingNumber: '1Z0000000000000001',
    });
    expect(res.status).toBe(200);
    for (const [i, item] of order.items.entries()) {
      expect(await get(`/api/v1/products/${item.sku}`)).toMatchObject({
        onHand: before[i].onHand - item.quantity,
        reserved: before[i].reserved - item.quantity,
        available: before[i].available,
      });
    }
    expect((await get(`/api/v1/orders/${order.number}/invoice`)).number).toBe(order.invoice.number);
  });

  test('When the same order is posted again with its migrated externalId, then the same order comes back (200)', async () => {
    const order = first('shipped', (o) => o.externalId);
    const before = await app.repos.counters.current('order', 1000);
    const res = await app.api('POST', '/api/v1/orders', {
      channel: order.channel,
      externalId: order.externalId,
      customer: { name: order.customer.name, phone: order.customer.phone },
      items: order.items.map((i: Document) => ({ sku: i.sku, quantity: i.quantity })),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ number: order.number, status: order.status });
    expect(await app.repos.counters.current('order', 1000)).toBe(before);
  });

  test('When a new order comes for a migrated customer, then it takes the next number and heads their list', async () => {
    const dana = first('pending_approval').customer;
    const last = await app.repos.counters.current('order', 1000);
    const res = await app.api('POST', '/api/v1/orders', {
      channel: 'web',
      externalId: `WEB-NEW-${randomBytes(3).toString('hex')}`,
      customer: { name: dana.name, phone: dana.phone },
      items: [{ sku: 'MUG-BLUE', quantity: 1 }],
    });
    expect(res.status).toBe(201);
    expect(res.body.number).toBe(last + 1);
    const listed = await get(`/api/v1/orders?phone=${encodeURIComponent(dana.phone)}`);
    expect(numbers(listed)).toEqual([last + 1, ...ordersOf(dana.phone).sort(byNumber).reverse()]);
    expect(numbers(await get('/api/v1/orders?status=pending_approval'))[0]).toBe(last + 1);
  });
});

/** Every collection, documents in `_id` order; of `migrations` only the version (not when, nor a lock). */
async function snapshot(db: Db): Promise<string> {
  const out: Record<string, unknown> = {};
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  for (const name of names) {
    const docs = await db.collection<Document>(name).find().toArray();
    // The app's repositories create their (empty) collections when first made.
    if (docs.length === 0) continue;
    if (name === 'migrations') out.version = docs.find((d) => String(d._id) === 'schema')?.version;
    else out[name] = docs.sort((a, b) => String(a._id).localeCompare(String(b._id)));
  }
  return BSON.EJSON.stringify(out, { relaxed: false });
}

/** A dead migrator's lease runs out: as time would make it, without waiting. */
const leaseRunsOut = (db: Db) =>
  db
    .collection('migrations')
    .updateOne({ _id: 'lock' } as Document, { $set: { until: new Date(Date.now() - 1) } });

const indexNames = async (db: Db, name: string) =>
  (await db.collection(name).listIndexes().toArray()).map((i) => i.name as string).sort();

/**
 * The database as a process sees it that dies at its `at`-th write: that write is made (`after`)
 * or not, and every call after it fails, as the process is gone.
 */
function dyingAt(db: Db, at: number, after: boolean) {
  const WRITES = [
    'insertOne',
    'insertMany',
    'updateOne',
    'updateMany',
    'deleteOne',
    'deleteMany',
    'dropIndex',
  ];
  let writes = 0;
  let dead = false;
  const wrap = <T extends object>(target: T, isDb: boolean): T =>
    new Proxy(target, {
      get(t, prop) {
        const value = Reflect.get(t, prop, t);
        if (typeof value !== 'function') return value;
        const fn = value as (...args: unknown[]) => unknown;
        if (isDb && prop === 'collection')
          return (...args: unknown[]) => wrap(fn.apply(t, args) as object, false);
        if (WRITES.includes(String(prop)) || prop === 'dropCollection') {
          return async (...args: unknown[]) => {
            if (dead) throw new Error('the process is gone');
            if (++writes === at) {
              dead = true;
              if (after) await fn.apply(t, args);
              throw new Error(`crash at write ${at}`);
            }
            return fn.apply(t, args);
          };
        }
        return (...args: unknown[]) => {
          if (dead) throw new Error('the process is gone');
          return fn.apply(t, args);
        };
      },
    });
  return { conn: { db: wrap(db, true) } as unknown as Connection, writes: () => writes };
}

describe('The migration', () => {
  let conn: Connection;
  let db: Db;
  beforeEach(async () => {
    conn = await mongoose
      .createConnection(testDatabaseUri(), { dbName: uniqueDbName('migrate'), maxPoolSize: 1 })
      .asPromise();
    db = conn.db as Db;
  });
  afterEach(async () => {
    await db.dropDatabase().catch(() => undefined);
    await conn.close();
  });

  const reload = async () => {
    await db.dropDatabase();
    await loadV1Fixture(db);
  };

  test('When it runs on the old database, then every collection is converted and a second run changes nothing', async () => {
    await loadV1Fixture(db);
    const lines: string[] = [];
    const log = { ...quiet, info: (_: object, msg: string) => void lines.push(msg) };
    expect(await migrateDatabase(conn, log)).toEqual({ from: 1, to: SCHEMA_VERSION });
    const once = await snapshot(db);

    for (const name of [
      'orders',
      'products',
      'customers',
      'sms_messages',
      'sms_drafts',
      'processed_requests',
      'outbox',
    ]) {
      expect(await db.collection(name).countDocuments({ _id: { $type: 'objectId' } })).toBe(0);
      expect(lines).toContain(`migration to v2: ${name}`);
    }
    expect(lines).toContainEqual(expect.stringMatching(/^migration to v2 done/));
    expect(lines.at(-1)).toMatch(/^migration to v4 done/);
    expect(await db.collection('orders').countDocuments()).toBe(v1.orders.length);
    expect(
      await db
        .collection('orders')
        .countDocuments({ $or: [{ number: { $exists: true } }, { customerId: { $exists: true } }] }),
    ).toBe(0);
    expect(await db.collection('products').countDocuments({ sku: { $exists: true } })).toBe(0);
    expect(await db.collection('customers').countDocuments({ phone: { $exists: true } })).toBe(0);
    expect(await db.collection('sms_messages').countDocuments()).toBe(v1.sms_messages.length);
    // `order:` claims are replaced by order_keys; the `sms:` ones keep their key.
    const smsClaims = v1.processed_requests.filter((r) => r.key.startsWith('sms:'));
    expect(await db.collection('processed_requests').countDocuments()).toBe(smsClaims.length);
    expect(await db.collection('order_keys').countDocuments()).toBe(
      v1.orders.filter((o) => o.idempotencyKey).length,
    );
    expect((await db.collection('order_board').find().sort({ _id: 1 }).toArray()).map((e) => e._id)).toEqual(
      v1.orders
        .filter((o) =>
          ['pending_approval', 'approved', 'picking', 'packed', 'return_requested'].includes(o.status),
        )
        .map((o) => o.number),
    );
    // The outbox is a ring numbered by age; its counter goes on from there.
    const outbox = await db.collection('outbox').find().sort({ seq: 1 }).toArray();
    expect(outbox.map((e) => e.seq)).toEqual(v1.outbox.map((_, i) => i + 1));
    expect(outbox.map((e) => e.text)).toEqual(
      [...v1.outbox]
        .sort((a, b) => a.createdAt - b.createdAt || a._id.toHexString().localeCompare(b._id.toHexString()))
        .map((e) => e.text),
    );
    expect(await db.collection('counters').findOne({ _id: 'outbox' } as Document)).toMatchObject({
      seq: v1.outbox.length,
    });
    expect(await db.collection('agendaJobs').countDocuments()).toBe(v1.agendaJobs.length);
    // No old index is left that names a field the documents lost, or that v2 declares otherwise.
    expect(await indexNames(db, 'orders')).toEqual(['_id_']);
    expect(await indexNames(db, 'customers')).toEqual(['_id_']);
    expect(await indexNames(db, 'products')).toEqual(['_id_']);
    expect(await indexNames(db, 'sms_messages')).toEqual(['_id_']);
    expect(await indexNames(db, 'sms_drafts')).toEqual(['_id_', 'expiresAt_1']);
    expect(await indexNames(db, 'processed_requests')).toEqual(['_id_', 'createdAt_1']);
    // The app's own indexes go on the migrated data.
    await ensureIndexes(createRepositories(conn));

    expect(await migrateDatabase(conn, quiet)).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
    expect(JSON.parse(await snapshot(db))).toEqual(JSON.parse(once));
  });

  test('When Slack posts and texts were still queued as jobs by the old release, then each becomes an effect on its order and is delivered from there', async () => {
    await loadV1Fixture(db);
    const order =
      v1.orders.find((o) => o.status === 'delivered') ?? (v1.orders[0] as (typeof v1.orders)[number]);
    const sku = v1.products[0]?.sku as string;
    const job = (name: string, data: object, nextRunAt: Date | null) => ({
      name,
      data,
      type: 'normal',
      priority: 0,
      nextRunAt,
      lastModifiedBy: null,
    });
    await db
      .collection('agendaJobs')
      .insertMany([
        job('slack-sync-order', { number: order.number }, new Date()),
        job('sms-customer-update', { number: order.number, kind: 'delivered' }, new Date()),
        job('slack-low-stock-alert', { sku }, new Date()),
        job('sms-customer-update', { number: order.number, kind: 'shipped' }, null),
      ]);
    await migrateDatabase(conn, quiet);
    const migrated = await db.collection('orders').findOne({ _id: order.number as never });
    expect(migrated?.effects).toEqual(['slack:0', 'sms:delivered']);
    expect(await db.collection('order_board').findOne({ _id: order.number as never })).toMatchObject({
      status: order.status,
    });
    expect(await db.collection('products').findOne({ _id: sku as never })).toMatchObject({
      alertPending: true,
    });
    // The one that had given up was told to staff by the old release; it stays for the record.
    expect(
      await db
        .collection('agendaJobs')
        .find({ name: /slack-|sms-/ })
        .toArray(),
    ).toEqual([expect.objectContaining({ name: 'sms-customer-update', nextRunAt: null })]);
  });

  test('When a run dies at any write, then the next run finishes it with the same result as an uninterrupted one', async () => {
    await loadV1Fixture(db);
    const counting = dyingAt(db, Number.POSITIVE_INFINITY, false);
    await migrateDatabase(counting.conn, quiet);
    const clean = await snapshot(db);
    const total = counting.writes();
    expect(total).toBeGreaterThan(20);
    // Dying just after each write leaves every state a crash can leave (dying just before write k
    // leaves what dying after write k - 1 does), and dying before the first leaves the old database.
    const points = [
      { at: 1, after: false },
      ...Array.from({ length: total }, (_, i) => ({ at: i + 1, after: true })),
    ];
    for (const { at, after } of points) {
      await reload();
      // It dies (or, dying at the lock's release, finishes with the lock left behind), and its
      // lease runs out (at once here rather than in 30 s).
      await migrateDatabase(dyingAt(db, at, after).conn, quiet).catch(() => undefined);
      await leaseRunsOut(db);
      expect(await migrateDatabase(conn, quiet)).toMatchObject({ to: SCHEMA_VERSION });
      expect({ at, after, same: (await snapshot(db)) === clean }).toEqual({ at, after, same: true });
    }
  }, 180_000);

  test('When a half-done run left documents in both forms and some collections half converted, then the next run completes it', async () => {
    await loadV1Fixture(db);
    await migrateDatabase(conn, quiet);
    const clean = await snapshot(db);
    const converted = async (name: string) => db.collection(name).find().toArray();
    const target = Object.fromEntries(
      await Promise.all(
        ['orders', 'products', 'customers', 'order_keys', 'order_board', 'sms_messages', 'outbox'].map(
          async (n) => [n, await converted(n)] as const,
        ),
      ),
    );
    await reload();
    // The first stage ran: the unique indexes that old and new forms would collide on are gone.
    for (const [name, index] of [
      ['products', 'sku_1'],
      ['customers', 'phone_1'],
      ['orders', 'number_1'],
      ['orders', 'idempotencyKey_1'],
      ['sms_messages', 'key_1'],
      ['sms_messages', 'sid_1'],
    ] as const) {
      await db.collection(name).dropIndex(index);
    }
    const put = (name: string, docs: Document[]) => db.collection(name).insertMany(docs);
    const dropOld = (name: string, field: string, values: unknown[]) =>
      db.collection(name).deleteMany({ [field]: { $in: values } });
    // Products: three converted, one in both forms.
    const products = target.products as Document[];
    await put('products', products.slice(0, 4));
    await dropOld(
      'products',
      'sku',
      products.slice(0, 3).map((p) => p._id),
    );
    // Orders: four in both forms, with their keys and board entries for two of them.
    const orders = target.orders as Document[];
    await put('orders', orders.slice(0, 4));
    const firstNumbers = orders.slice(0, 2).map((o) => o._id);
    await put(
      'order_keys',
      (target.order_keys as Document[]).filter((k) => firstNumbers.includes(k.number)),
    );
    await put(
      'order_board',
      (target.order_board as Document[]).filter((e) => firstNumbers.includes(e._id)),
    );
    // Customers: two converted.
    const customers = target.customers as Document[];
    await put('customers', customers.slice(0, 2));
    await dropOld(
      'customers',
      'phone',
      customers.slice(0, 2).map((c) => c._id),
    );
    // SMS records: half converted; the outbox: the first slots written.
    const messages = target.sms_messages as Document[];
    const half = messages.slice(0, Math.floor(messages.length / 2));
    await put('sms_messages', half);
    await dropOld(
      'sms_messages',
      'key',
      half.map((m) => m._id),
    );
    await put(
      'outbox',
      (target.outbox as Document[]).filter((e) => e.seq <= 10),
    );
    expect(await snapshot(db)).not.toBe(clean);

    expect(await migrateDatabase(conn, quiet)).toEqual({ from: 1, to: SCHEMA_VERSION });
    expect(await snapshot(db)).toBe(clean);
  });

  test('When the old database holds what a crash left, then stock held for no order is released and open work stays on the board', async () => {
    const data = readV1Fixture();
    // A placement died after reserving 2 MUG-BLUE and before storing its order.
    const mug = data.products.find((p) => p.sku === 'MUG-BLUE') as Document;
    const ghost = new BSON.ObjectId().toHexString();
    mug.reservations[ghost] = { qty: 2, at: new Date() };
    mug.reserved += 2;
    mug.available -= 2;
    // A return whose goods were being put back when the process died.
    const returned = data.orders.find((o) => o.status === 'returned') as Document;
    returned.inventory = 'restocking';
    // A customer deleted by hand while their orders stayed.
    const { customer: lee } = first('picking');
    data.customers = data.customers.filter((c) => c.phone !== lee.phone);
    await loadV1Fixture(db, data);

    const warnings: string[] = [];
    await migrateDatabase(conn, { ...quiet, warn: (_: object, msg: string) => void warnings.push(msg) });
    const repos = createRepositories(conn);
    expect(await repos.products.get('MUG-BLUE')).toMatchObject({
      reserved: v1Product('MUG-BLUE').reserved,
      available: v1Product('MUG-BLUE').available,
    });
    expect(warnings).toContain('migration: released an orphan reservation');
    expect(await repos.orderBoard.list(['returned'])).toEqual([
      expect.objectContaining({ number: returned.number, status: 'returned' }),
    ]);
    expect(await repos.customers.get(lee.phone)).toMatchObject({
      name: lee.name,
      optedOut: false,
      orders: ordersOf(lee.phone).sort(byNumber),
    });
  });

  test('When the database is new, then it is stamped with the current version and nothing else is written', async () => {
    expect(await migrateDatabase(conn, quiet)).toEqual({ from: 0, to: SCHEMA_VERSION });
    expect(await snapshot(db)).toBe(BSON.EJSON.stringify({ version: SCHEMA_VERSION }, { relaxed: false }));
    expect(await migrateDatabase(conn, quiet)).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
  });

  test('When the database comes from a newer release, then start-up is refused and nothing is changed', async () => {
    await loadV1Fixture(db);
    await db.collection('migrations').insertOne({ _id: 'schema', version: SCHEMA_VERSION + 1 } as Document);
    const before = await snapshot(db);
    await expect(migrateDatabase(conn, quiet)).rejects.toThrow(/newer than this release/);
    expect(await snapshot(db)).toBe(before);
  });

  test('When another live process is migrating, then a start waits for it instead of migrating too', async () => {
    await loadV1Fixture(db);
    const lock = {
      _id: 'lock',
      owner: 'other',
      host: 'another-host',
      pid: 1,
      until: new Date(Date.now() + 60_000),
    };
    await db.collection('migrations').insertOne(lock as Document);
    let done = false;
    const said: string[] = [];
    const waiting = migrateDatabase(conn, {
      ...quiet,
      info: (_: object, msg: string) => void said.push(msg),
    }).then((r) => {
      done = true;
      return r;
    });
    await eventually(() => said.includes('migration: another process is migrating; waiting'));
    expect(done).toBe(false);
    expect(await db.collection('orders').countDocuments({ _id: { $type: 'objectId' } })).toBe(
      v1.orders.length,
    );
    // The other process finishes.
    await db.collection('migrations').insertOne({ _id: 'schema', version: SCHEMA_VERSION } as Document);
    await db.collection('migrations').deleteOne({ _id: 'lock' } as Document);
    expect(await waiting).toEqual({ from: 1, to: SCHEMA_VERSION });
  });

  test('When two processes start on the old database at once, then one migrates and the other waits for it and finds the migration done', async () => {
    await loadV1Fixture(db);
    const other = await mongoose
      .createConnection(testDatabaseUri(), { dbName: db.databaseName, maxPoolSize: 1 })
      .asPromise();
    try {
      const lines: string[][] = [[], []];
      const logTo = (i: number): MigrationLog => ({
        ...quiet,
        info: (_: object, msg: string) => void lines[i]?.push(msg),
      });
      const results = await Promise.all([migrateDatabase(conn, logTo(0)), migrateDatabase(other, logTo(1))]);
      expect(results).toEqual([
        { from: 1, to: SCHEMA_VERSION },
        { from: 1, to: SCHEMA_VERSION },
      ]);
      const migrated = lines.map((l) => l.some((m) => m.startsWith(`migration to v${SCHEMA_VERSION} done`)));
      const waited = lines.map((l) => l.includes('migration: another process is migrating; waiting'));
      expect(migrated.filter(Boolean)).toHaveLength(1);
      expect(waited).toEqual(migrated.map((m) => !m));
      expect(await db.collection('migrations').countDocuments({ _id: 'lock' } as Document)).toBe(0);
    } finally {
      await other.close();
    }
  });

  test('When a live process renewing its lease holds the lock, even one with this host and this pid (a restarted container), then a start waits past the lease’s first end and then finds the migration done', async () => {
    await loadV1Fixture(db);
    const lease = () => new Date(Date.now() + 1000);
    await db.collection('migrations').insertOne({
      _id: 'lock',
      owner: 'other',
      host: hostname(),
      pid: process.pid,
      until: lease(),
    } as Document);
    const renewing = setInterval(() => {
      void db
        .collection('migrations')
        .updateOne({ _id: 'lock', owner: 'other' } as Document, { $set: { until: lease() } });
    }, 200);
    try {
      let done = false;
      const waiting = migrateDatabase(conn, quiet).then((r) => {
        done = true;
        return r;
      });
      // Time passing is what this test is about: the lease's first end (1 s) and the waiter's
      // next look after it (every 500 ms) are behind us.
      await new Promise((r) => setTimeout(r, 2500));
      expect(done).toBe(false);
      expect(await db.collection('migrations').findOne({ _id: 'lock' } as Document)).toMatchObject({
        owner: 'other',
      });
      expect(await db.collection('orders').countDocuments({ _id: { $type: 'objectId' } })).toBe(
        v1.orders.length,
      );
      // The other process finishes.
      clearInterval(renewing);
      await db.collection('migrations').insertOne({ _id: 'schema', version: SCHEMA_VERSION } as Document);
      await db.collection('migrations').deleteOne({ _id: 'lock' } as Document);
      expect(await waiting).toEqual({ from: 1, to: SCHEMA_VERSION });
      expect(await db.collection('orders').countDocuments({ _id: { $type: 'objectId' } })).toBe(
        v1.orders.length,
      );
    } finally {
      clearInterval(renewing);
    }
  });

  test('When the process that was migrating died with its lease still running, then the next start waits until the lease runs out, takes the lock over and finishes', async () => {
    await loadV1Fixture(db);
    // No process has this pid on this host: only the lease says whether its holder is gone.
    const until = new Date(Date.now() + 2000);
    await db
      .collection('migrations')
      .insertOne({ _id: 'lock', owner: 'dead', host: hostname(), pid: 2 ** 22 + 1, until } as Document);
    let finishedAt = 0;
    const migrating = migrateDatabase(conn, quiet).then((r) => {
      finishedAt = Date.now();
      return r;
    });
    expect(await migrating).toEqual({ from: 1, to: SCHEMA_VERSION });
    expect(finishedAt).toBeGreaterThanOrEqual(until.getTime());
    expect(await db.collection('orders').countDocuments({ _id: { $type: 'objectId' } })).toBe(0);
    expect(await db.collection('migrations').countDocuments({ _id: 'lock' } as Document)).toBe(0);
  });

  test('When the process that was migrating is gone (its lease ran out), then the next start takes over and finishes', async () => {
    await loadV1Fixture(db);
    const lock = {
      _id: 'lock',
      owner: 'dead',
      host: 'another-host',
      pid: 1,
      until: new Date(Date.now() - 1000),
    };
    await db.collection('migrations').insertOne(lock as Document);
    expect(await migrateDatabase(conn, quiet)).toEqual({ from: 1, to: SCHEMA_VERSION });
    expect(await db.collection('orders').countDocuments({ _id: { $type: 'objectId' } })).toBe(0);
    expect(await db.collection('migrations').countDocuments({ _id: 'lock' } as Document)).toBe(0);
  });
});
