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
 * Append the next step to STEPS; a step's code stays as it was, since it knows the shapes of its time.
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
const MIGRATIONS = 'migrations';
const BATCH = 500;
/** How long a migration lock lasts without renewal: a process that died lets the next one finish. */
const LEASE_MS = 60_000;
const WAIT_MS = 500;

type MigrationDoc = { _id: string; version?: number; at?: Date; owner?: string; until?: Date };

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
  const latest = STEPS[STEPS.length - 1]?.to ?? FIRST_RELEASE;
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

/** Takes the lock, waiting while a live process holds it; null if another process finished meanwhile. */
async function takeLock(db: Db, log: MigrationLog, latest: number) {
  const locks = db.collection<MigrationDoc>(MIGRATIONS);
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const until = () => new Date(Date.now() + LEASE_MS);
  let told = false;
  for (;;) {
    try {
      await locks.insertOne({ _id: 'lock', owner, until: until() });
      break;
    } catch (err) {
      if (codeOf(err) !== 11000) throw err;
    }
    const stale = await locks.updateOne(
      { _id: 'lock', until: { $lt: new Date() } },
      { $set: { owner, until: until() } },
    );
    if (stale.modifiedCount === 1) {
      log.warn({}, 'migration: taking over from a process that stopped migrating');
      break;
    }
    if ((await readVersion(db)) >= latest) return null;
    if (!told) log.info({}, 'migration: another process is migrating; waiting for it');
    told = true;
    await sleep(WAIT_MS);
  }
  let renewed = Date.now();
  return {
    async renew() {
      if (Date.now() - renewed < LEASE_MS / 6) return;
      const res = await locks.updateOne({ _id: 'lock', owner }, { $set: { until: until() } });
      if (res.matchedCount !== 1) throw new Error('migration: the lock was taken over; stopping this run');
      renewed = Date.now();
    },
    release: () => locks.deleteOne({ _id: 'lock', owner }),
  };
}

// ---- helpers shared by steps ----

/** Inserts documents, skipping those whose `_id` is there already (an earlier run stored them). */
async function insertNew(col: Collection, docs: Document[]): Promise<number> {
  if (docs.length === 0) return 0;
  try {
    return (await col.insertMany(docs, { ordered: false })).insertedCount;
  } catch (err) {
    const e = err as { writeErrors?: { code?: number }[] | { code?: number }; insertedCount?: number };
    const errors = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
    if (errors.length === 0 || errors.some((w) => w.code !== 11000)) throw err;
    return e.insertedCount ?? 0;
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
  let batch: Document[] = [];
  const flush = async () => {
    await conversion.prepare?.(batch);
    const converted = batch.map((d) => conversion.convert(d)).filter((d): d is Document => d !== null);
    await conversion.derive?.(converted);
    const inserted = await insertNew(col, converted);
    const ids = converted.map((d) => d._id);
    const present = new Set(
      (await col.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray()).map((d) => idKey(d._id)),
    );
    const missing = ids.find((id) => !present.has(idKey(id)));
    if (missing !== undefined) throw new Error(`migration: ${name} ${String(missing)} was not stored`);
    await col.deleteMany({ _id: { $in: batch.map((d) => d._id) } });
    ctx.count(name, 'converted', converted.length);
    if (batch.length > converted.length) ctx.count(name, 'dropped', batch.length - converted.length);
    if (converted.length > inserted) ctx.count(name, 'foundConverted', converted.length - inserted);
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
/** Statuses in which people still work on an order (see models/order-board.ts). */
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

/** Records every old order's number by its id, before any old order is deleted. */
async function mapOrderIds(ctx: StepContext): Promise<void> {
  const map = ctx.db.collection(V2_ORDER_IDS);
  let batch: Document[] = [];
  for await (const o of ctx.db
    .collection('orders')
    .find({ _id: { $type: 'objectId' } }, { projection: { number: 1 } })
    .batchSize(BATCH)) {
    batch.push({ _id: o._id.toHexString(), number: o.number });
    if (batch.length === BATCH) {
      await insertNew(map, batch);
      batch = [];
      await ctx.renew();
    }
  }
  await insertNew(map, batch);
}
