import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Collection, Db, Document } from 'mongodb';
import type { Connection } from 'mongoose';

/**
 * Schema migrations, run at start-up before the indexes are made. This is the one place that
 * reads collections without their repository: a migration reads shapes no repository knows, so it
 * works on raw driver collections.
 *
 * Each step takes the database from version `to - 1` to `to`. It runs without transactions
 * (FerretDB v1 has none), so every step is idempotent and resumable: a document is converted by
 * inserting its new form (a duplicate means an earlier run already did) and only then deleting the
 * old one, and whatever a step derives is written before the documents it derives from go. A run
 * that died anywhere is finished by the next start. The version is stamped when a step is complete.
 * A step's code stays as it was when later ones are added: it knows the shapes of its time, so it
 * never imports the models.
 */

export interface MigrationLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

interface StepContext {
  db: Db;
  log: MigrationLog;
  /** Keeps the migration lock ours; called after every batch. Throws if another process took it. */
  renew(): Promise<void>;
  /** Counts per collection, logged as one line each when the step ends. */
  count(collection: string, what: string, n: number): void;
}

interface Step {
  to: number;
  name: string;
  run(ctx: StepContext): Promise<void>;
}

/** Version 0 is a new database without data; 1 is the first release, which kept no version. */
const NEW_DATABASE = 0;
const FIRST_RELEASE = 1;

/** Each step takes the database from `to - 1` to `to`; append the next one here. */
const STEPS: readonly Step[] = [{ to: 2, name: 'natural keys as _id', run: toNaturalKeys }];

/** The schema version this release writes. */
export const SCHEMA_VERSION = STEPS[STEPS.length - 1]?.to ?? FIRST_RELEASE;
const MIGRATIONS = 'migrations';
const BATCH = 500;
/** How long a migration lock lasts without renewal: a process that died lets the next one finish. */
const LEASE_MS = 60_000;
const WAIT_MS = 500;

interface MigrationDoc {
  _id: string;
  /** `schema`: the version, stamped when a step is complete. */
  version?: number;
  at?: Date;
  /** `lock`: who migrates now, and until when without renewal. */
  owner?: string;
  host?: string;
  pid?: number;
  until?: Date;
}

/** Collections that hold data in every release: none of them has a document in a new database. */
const DATA_COLLECTIONS = [
  'orders',
  'products',
  'customers',
  'sms_messages',
  'sms_drafts',
  'processed_requests',
  'outbox',
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const codeOf = (err: unknown) => (err as { code?: unknown }).code;
const NAMESPACE_NOT_FOUND = 26;
const INDEX_NOT_FOUND = 27;

async function readVersion(db: Db): Promise<number> {
  const doc = await db.collection<MigrationDoc>(MIGRATIONS).findOne({ _id: 'schema' });
  if (typeof doc?.version === 'number') return doc.version;
  for (const name of DATA_COLLECTIONS) {
    if (await db.collection(name).findOne({}, { projection: { _id: 1 } })) return FIRST_RELEASE;
  }
  return NEW_DATABASE;
}

async function stamp(db: Db, version: number): Promise<void> {
  await db
    .collection<MigrationDoc>(MIGRATIONS)
    .updateOne({ _id: 'schema' }, { $set: { version, at: new Date() } }, { upsert: true });
}

/**
 * Brings the database to the current schema version. Several processes may start at once on a
 * shared MongoDB: one takes the lock (`migrations` doc `lock`, a lease it renews) and migrates, the
 * others wait until it stamps the version. Refuses a database newer than this code.
 */
export async function migrateDatabase(
  conn: Connection,
  log: MigrationLog,
): Promise<{ from: number; to: number }> {
  const db = conn.db;
  if (!db) throw new Error('migrateDatabase needs an open connection');
  const latest = SCHEMA_VERSION;
  const from = await readVersion(db);
  if (from > latest) {
    throw new Error(`the database has schema version ${from}, newer than this release knows (${latest})`);
  }
  if (from === latest) return { from, to: from };

  const lock = await takeLock(db, log, latest);
  if (!lock) return { from, to: await readVersion(db) };
  try {
    let version = await readVersion(db);
    if (version === NEW_DATABASE) {
      await stamp(db, latest);
      log.info({ version: latest }, 'migration: new database stamped with the current schema version');
      return { from, to: latest };
    }
    for (const step of STEPS.filter((s) => s.to > version)) {
      const started = Date.now();
      const counts = new Map<string, Record<string, number>>();
      await step.run({
        db,
        log,
        renew: lock.renew,
        count(collection, what, n) {
          const c = counts.get(collection) ?? {};
          c[what] = (c[what] ?? 0) + n;
          counts.set(collection, c);
        },
      });
      for (const [collection, c] of counts)
        log.info({ collection, ...c }, `migration to v${step.to}: ${collection}`);
      await stamp(db, step.to);
      log.info(
        { from: version, to: step.to, ms: Date.now() - started },
        `migration to v${step.to} done: ${step.name}`,
      );
      version = step.to;
    }
    return { from, to: version };
  } finally {
    await lock.release().catch((err) => log.warn({ err }, 'migration: could not release the lock'));
  }
}

/** A lock's holder is gone: its lease ran out, or it ran on this host and its process is no more. */
function holderGone(lock: MigrationDoc | null): boolean {
  if (!lock) return true;
  if (!lock.until || lock.until.getTime() < Date.now()) return true;
  if (lock.host !== hostname() || typeof lock.pid !== 'number') return false;
  // The same pid is an earlier life of this process (a container restarts as pid 1 again).
  if (lock.pid === process.pid) return true;
  try {
    process.kill(lock.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Takes the migration lock, waiting while a live process holds it; null if another process
 * finished the migration meanwhile. A crashed holder's lock is taken over (compare-and-set on its
 * owner), at once if it ran on this host, else once its lease ran out.
 */
async function takeLock(db: Db, log: MigrationLog, latest: number) {
  const locks = db.collection<MigrationDoc>(MIGRATIONS);
  const me = { owner: randomBytes(8).toString('hex'), host: hostname(), pid: process.pid };
  const until = () => new Date(Date.now() + LEASE_MS);
  let told = false;
  for (;;) {
    try {
      await locks.insertOne({ _id: 'lock', ...me, until: until() });
      break;
    } catch (err) {
      if (codeOf(err) !== 11000) throw err;
    }
    const held = await locks.findOne({ _id: 'lock' });
    if (held && holderGone(held)) {
      const taken = await locks.updateOne(
        { _id: 'lock', owner: held.owner },
        { $set: { ...me, until: until() } },
      );
      if (taken.modifiedCount === 1) {
        log.warn(
          { from: { host: held.host, pid: held.pid } },
          'migration: taking over from a process that stopped',
        );
        break;
      }
    }
    if ((await readVersion(db)) >= latest) return null;
    if (!told)
      log.info(
        { holder: { host: held?.host, pid: held?.pid } },
        'migration: another process is migrating; waiting',
      );
    told = true;
    await sleep(WAIT_MS);
  }
  let renewed = Date.now();
  return {
    async renew() {
      if (Date.now() - renewed < LEASE_MS / 6) return;
      const res = await locks.updateOne({ _id: 'lock', owner: me.owner }, { $set: { until: until() } });
      if (res.matchedCount !== 1) throw new Error('migration: another process took the lock over; stopping');
      renewed = Date.now();
    },
    release: () => locks.deleteOne({ _id: 'lock', owner: me.owner }),
  };
}

// ---- helpers shared by steps ----

/** Inserts documents, skipping those whose `_id` is there already (an earlier run stored them); returns how many were. */
async function insertNew(col: Collection, docs: Document[]): Promise<number> {
  if (docs.length === 0) return 0;
  try {
    await col.insertMany(docs, { ordered: false });
    return 0;
  } catch (err) {
    const e = err as { writeErrors?: { code?: number }[] | { code?: number } };
    const errors = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
    if (errors.length === 0 || errors.some((w) => w.code !== 11000)) throw err;
    return errors.length;
  }
}

const idKey = (id: unknown) => `${typeof id}:${String(id)}`;

interface Conversion {
  /** Runs on each batch of old documents before `convert` (to look up what it needs). */
  prepare?(old: Document[]): Promise<void>;
  /** The new form of an old document; null drops it. */
  convert(old: Document): Document | null;
  /** Writes what is derived from a converted batch; runs before the batch is stored and the old forms go. */
  derive?(converted: Document[]): Promise<void>;
}

/**
 * Converts every document of `name` still keyed by an ObjectId (the old form), batch by batch: the
 * new forms are inserted, checked to be there, and only then are the old ones deleted.
 */
async function convertCollection(ctx: StepContext, name: string, conversion: Conversion): Promise<void> {
  const col = ctx.db.collection(name);
  ctx.count(name, 'converted', 0);
  let batch: Document[] = [];
  const flush = async () => {
    await conversion.prepare?.(batch);
    const pairs = batch.map((old) => [old, conversion.convert(old)] as const);
    // A document without its natural key (edited by hand) stops the run rather than get a new ObjectId.
    const keyless = pairs.find(([, d]) => d && (d._id === undefined || d._id === null));
    if (keyless) throw new Error(`migration: ${name} ${keyless[0]._id} has no key to become its _id; fix it`);
    const converted = pairs.map(([, d]) => d).filter((d): d is Document => d !== null);
    await conversion.derive?.(converted);
    const existing = await insertNew(col, converted);
    // Where an insert met a duplicate, the old document goes only if its new form is really there.
    if (existing > 0) {
      const ids = converted.map((d) => d._id);
      const found = await col.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray();
      const present = new Set(found.map((d) => idKey(d._id)));
      const missing = ids.find((id) => !present.has(idKey(id)));
      if (missing !== undefined) throw new Error(`migration: ${name} ${String(missing)} was not stored`);
    }
    await col.deleteMany({ _id: { $in: batch.map((d) => d._id) } });
    ctx.count(name, 'converted', converted.length);
    if (batch.length > converted.length) ctx.count(name, 'dropped', batch.length - converted.length);
    if (existing > 0) ctx.count(name, 'foundConverted', existing);
    batch = [];
    await ctx.renew();
  };
  for await (const doc of col.find({ _id: { $type: 'objectId' } }).batchSize(BATCH)) {
    batch.push(doc);
    if (batch.length === BATCH) await flush();
  }
  if (batch.length > 0) await flush();
}

async function listIndexes(col: Collection): Promise<Document[]> {
  try {
    return await col.listIndexes().toArray();
  } catch (err) {
    if (codeOf(err) === NAMESPACE_NOT_FOUND) return [];
    throw err;
  }
}

async function dropCollection(db: Db, name: string): Promise<void> {
  await db.dropCollection(name).catch((err) => {
    if (codeOf(err) !== NAMESPACE_NOT_FOUND) throw err;
  });
}

// ---- v2: natural keys as `_id` ----

/** Fields v1 documents had and v2 ones have not: an index naming one is dead weight or, if unique, breaks inserts. */
const V2_GONE_FIELDS: Record<string, string[]> = {
  orders: ['number', 'customerId'],
  products: ['sku'],
  customers: ['phone'],
  sms_messages: ['key'],
  sms_drafts: ['phone'],
  processed_requests: ['key', 'updatedAt'],
  outbox: [],
};
/** v1 indexes on fields v2 keeps but that v2 does not declare (or declares differently: `sid_1` is no longer unique). */
const V2_RETIRED_INDEXES: Record<string, string[]> = {
  customers: ['name_1'],
  orders: ['inventory_1_status_1'],
  outbox: ['createdAt_-1', 'door_1_createdAt_-1'],
  sms_messages: ['orderNumber_1', 'sid_1'],
};
/** Statuses in which people still work on an order (BOARD_STATUSES of src/orders/board.ts, as of v2). */
const V2_BOARD_STATUSES = ['pending_approval', 'approved', 'picking', 'packed', 'return_requested'];
/** Order ObjectId (hex) → number, kept until the step ends so a re-run can still re-key the ledgers. */
const V2_ORDER_IDS = 'migration_v2_order_ids';
const V2_OUTBOX_KEEP = 1000;

/**
 * Drops, before any document is converted, every index v2 does not want. Unique ones go too, even
 * `orders.idempotencyKey_1`: while a document exists in both forms they would collide (and on
 * MongoDB a unique index on a field the new forms lack makes them collide on null). The app
 * creates v2's indexes itself after migrating.
 */
async function dropV1Indexes(ctx: StepContext): Promise<void> {
  for (const [name, gone] of Object.entries(V2_GONE_FIELDS)) {
    const col = ctx.db.collection(name);
    for (const index of await listIndexes(col)) {
      if (index.name === '_id_') continue;
      const fields = Object.keys(index.key as Document);
      const unwanted =
        index.unique === true ||
        fields.some((f) => gone.includes(f)) ||
        (V2_RETIRED_INDEXES[name] ?? []).includes(index.name);
      if (!unwanted) continue;
      await col.dropIndex(index.name).catch((err) => {
        if (codeOf(err) !== INDEX_NOT_FOUND) throw err;
      });
      ctx.count(name, 'indexesDropped', 1);
    }
  }
}

const isObjectIdHex = (key: string) => /^[0-9a-f]{24}$/.test(key);

/** SKU as `_id`; the ledgers keyed by order number. A reservation of an order never stored is released. */
function productConversion(ctx: StepContext): Conversion {
  const ids = ctx.db.collection<{ _id: string; number: number }>(V2_ORDER_IDS);
  const numbers = new Map<string, number>();
  const rekey = (ledger: Document, product: Document, kind: 'reservations' | 'restocked') => {
    const out: Document = {};
    for (const [key, entry] of Object.entries(ledger)) {
      const number = isObjectIdHex(key) ? numbers.get(key) : /^\d+$/.test(key) ? Number(key) : undefined;
      if (number !== undefined) {
        out[String(number)] = entry;
      } else if (kind === 'reservations') {
        // Its placement died before storing the order: v1's reconcile job would have released it.
        product.reserved -= entry.qty;
        product.available += entry.qty;
        ctx.log.warn(
          { sku: product._id, order: key, qty: entry.qty },
          'migration: released an orphan reservation',
        );
        ctx.count('products', 'orphanReservationsReleased', 1);
      } else {
        ctx.count('products', 'orphanRestockMarksDropped', 1);
      }
    }
    return out;
  };
  return {
    async prepare(old) {
      const keys = old.flatMap((p) => [
        ...Object.keys(p.reservations ?? {}),
        ...Object.keys(p.restocked ?? {}),
      ]);
      numbers.clear();
      for (const m of await ids.find({ _id: { $in: keys.filter(isObjectIdHex) } }).toArray()) {
        numbers.set(m._id, m.number);
      }
    },
    convert({ _id, sku, reservations, restocked, ...rest }) {
      const product: Document = { _id: sku, ...rest };
      product.reservations = rekey(reservations ?? {}, product, 'reservations');
      if (restocked) product.restocked = rekey(restocked, product, 'restocked');
      return product;
    },
  };
}

interface PhoneOrders {
  byPhone: Map<string, { numbers: Set<number>; latest: Document; firstAt: Date }>;
  /** The phone's order numbers, ascending. */
  sorted(phone: string): number[];
}

/**
 * One pass over the orders, in either form. It records every old order's number by its id (in
 * V2_ORDER_IDS, complete before any old order is deleted, so a re-run can still re-key the
 * ledgers), and gathers each phone's orders for the customers.
 */
async function scanOrders(ctx: StepContext): Promise<PhoneOrders> {
  const byPhone: PhoneOrders['byPhone'] = new Map();
  const map = ctx.db.collection(V2_ORDER_IDS);
  let ids: Document[] = [];
  const projection = { number: 1, customer: 1, createdAt: 1 };
  for await (const o of ctx.db.collection('orders').find({}, { projection }).batchSize(BATCH)) {
    const old = o._id?._bsontype === 'ObjectId';
    const number = old ? o.number : o._id;
    if (old) ids.push({ _id: o._id.toHexString(), number });
    if (ids.length === BATCH) {
      await insertNew(map, ids);
      ids = [];
      await ctx.renew();
    }
    const phone = o.customer?.phone;
    if (typeof phone !== 'string' || typeof number !== 'number') continue;
    const entry = byPhone.get(phone) ?? { numbers: new Set<number>(), latest: o, firstAt: o.createdAt };
    entry.numbers.add(number);
    if (o.createdAt > entry.latest.createdAt) entry.latest = o;
    if (o.createdAt < entry.firstAt) entry.firstAt = o.createdAt;
    byPhone.set(phone, entry);
  }
  await insertNew(map, ids);
  return { byPhone, sorted: (phone) => [...(byPhone.get(phone)?.numbers ?? [])].sort((a, b) => a - b) };
}

/**
 * Phone as `_id`, with the customer's order numbers. v1 made the customer before each order; a
 * phone with orders and no customer (deleted by hand) gets one from its latest order, so that
 * every order is on its customer's list.
 */
async function convertCustomers(ctx: StepContext, { byPhone, sorted }: PhoneOrders): Promise<void> {
  await convertCollection(ctx, 'customers', {
    convert: ({ _id, phone, ...rest }) => ({ _id: phone, ...rest, orders: sorted(phone) }),
  });
  const customers = ctx.db.collection('customers');
  const phones = [...byPhone.keys()];
  for (let i = 0; i < phones.length; i += BATCH) {
    const slice = phones.slice(i, i + BATCH);
    const found = await customers
      .find({ _id: { $in: slice } } as Document, { projection: { _id: 1 } })
      .toArray();
    const known = new Set<unknown>(found.map((c) => c._id));
    const missing = slice.filter((p) => !known.has(p));
    const created = missing.map((phone) => {
      const { latest, firstAt } = byPhone.get(phone) as { latest: Document; firstAt: Date };
      const { name, email, language } = latest.customer;
      return {
        _id: phone,
        ...(name ? { name } : {}),
        ...(email ? { email } : {}),
        ...(language ? { language } : {}),
        optedOut: false,
        orders: sorted(phone),
        createdAt: firstAt,
        updatedAt: latest.createdAt,
      };
    });
    const inserted = created.length - (await insertNew(customers, created));
    if (inserted > 0) ctx.count('customers', 'createdFromOrders', inserted);
    await ctx.renew();
  }
}

/**
 * Number as `_id`. Each order with an idempotency key gets its `order_keys` record (how a replayed
 * placement finds it), and each order on the board's terms (src/orders/board.ts: people still work
 * on it, or its return is still `restocking`) gets its `order_board` entry: the board is how v2
 * lists open orders, so an open order missing from it would not be seen there again.
 */
async function convertOrders(ctx: StepContext): Promise<void> {
  const keys = ctx.db.collection('order_keys');
  const board = ctx.db.collection('order_board');
  await convertCollection(ctx, 'orders', {
    convert: ({ _id, number, customerId, ...rest }) => ({ _id: number, ...rest }),
    async derive(orders) {
      const withKey = orders.filter((o) => typeof o.idempotencyKey === 'string');
      const open = orders.filter((o) => V2_BOARD_STATUSES.includes(o.status) || o.inventory === 'restocking');
      const keyDocs = withKey.map((o) => ({
        _id: o.idempotencyKey,
        token: 'migrated',
        state: 'done',
        number: o._id,
        claimedAt: o.createdAt,
      }));
      const entries = open.map((o) => ({
        _id: o._id,
        status: o.status,
        v: o.history?.length ?? 0,
        at: o.createdAt,
      }));
      ctx.count('order_keys', 'created', keyDocs.length - (await insertNew(keys, keyDocs)));
      ctx.count('order_board', 'created', entries.length - (await insertNew(board, entries)));
    },
  });
}

/**
 * The outbox (sandbox mode's record of what would have gone out) becomes a ring of slots. Only the
 * latest V2_OUTBOX_KEEP entries are kept, numbered 1…n by age; the numbering comes from the old
 * entries alone and all new slots are written before any old entry is deleted, so a re-run writes
 * the same slots (or finds them all written) and then finishes the deletion.
 */
async function convertOutbox(ctx: StepContext): Promise<void> {
  const outbox = ctx.db.collection('outbox');
  const old = { _id: { $type: 'objectId' } } as const;
  const order = await outbox
    .find(old, { projection: { _id: 1 } })
    .sort({ createdAt: 1, _id: 1 })
    .toArray();
  const kept = order.slice(-V2_OUTBOX_KEEP).map((d) => d._id);
  for (let i = 0; i < kept.length; i += BATCH) {
    const ids = kept.slice(i, i + BATCH);
    const docs = new Map((await outbox.find({ _id: { $in: ids } }).toArray()).map((d) => [idKey(d._id), d]));
    const slots = ids.map((id, j) => {
      const { _id, ...rest } = docs.get(idKey(id)) as Document;
      const seq = i + j + 1;
      return { _id: seq % V2_OUTBOX_KEEP, seq, ...rest };
    });
    ctx.count('outbox', 'converted', slots.length - (await insertNew(outbox, slots)));
    await ctx.renew();
  }
  if (kept.length > 0) {
    await ctx.db
      .collection<{ _id: string; seq: number }>('counters')
      .updateOne({ _id: 'outbox' }, { $max: { seq: kept.length } }, { upsert: true });
  }
  const { deletedCount } = await outbox.deleteMany(old);
  if (deletedCount > kept.length) ctx.count('outbox', 'droppedOlder', deletedCount - kept.length);
}

async function toNaturalKeys(ctx: StepContext): Promise<void> {
  await dropV1Indexes(ctx);
  const phones = await scanOrders(ctx);
  // Before the orders go: the ledgers' order ids are re-keyed to numbers through the map.
  await convertCollection(ctx, 'products', productConversion(ctx));
  await convertCustomers(ctx, phones);
  await convertOrders(ctx);
  await convertCollection(ctx, 'sms_messages', {
    convert: ({ _id, key, ...rest }) => ({ _id: key, ...rest }),
  });
  await convertCollection(ctx, 'sms_drafts', {
    convert: ({ _id, phone, ...rest }) => ({ _id: phone, ...rest }),
  });
  await convertCollection(ctx, 'processed_requests', {
    // `order:` claims are replaced by order_keys; the others (`sms:<MessageSid>`) keep their key.
    convert: ({ _id, key, updatedAt, ...rest }) =>
      String(key).startsWith('order:') ? null : { _id: key, ...rest },
  });
  await convertOutbox(ctx);
  await dropCollection(ctx.db, V2_ORDER_IDS);
}
