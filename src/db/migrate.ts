import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from 'mongodb';
import type { Connection } from 'mongoose';
import { codeOf, type MigrationLog, type Step } from './migrations/step.js';
import { toNaturalKeys } from './migrations/v2-natural-keys.js';
import { toRecordedEffects } from './migrations/v3-effects.js';
import { toSalesPerDay } from './migrations/v4-sales.js';

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
 * never imports the models. The steps live in ./migrations/, one orchestrating file per version.
 */

export type { MigrationLog } from './migrations/step.js';

/** Version 0 is a new database without data; 1 is the first release, which kept no version. */
const NEW_DATABASE = 0;
const FIRST_RELEASE = 1;

/** Each step takes the database from `to - 1` to `to`; append the next one here. */
const STEPS: readonly Step[] = [
  { to: 2, name: 'natural keys as _id', run: toNaturalKeys },
  { to: 3, name: 'effects recorded on the order', run: toRecordedEffects },
  { to: 4, name: 'sales per day on each product', run: toSalesPerDay },
];

/** The schema version this release writes. */
export const SCHEMA_VERSION = STEPS[STEPS.length - 1]?.to ?? FIRST_RELEASE;
const MIGRATIONS = 'migrations';
/**
 * How long the migration lock lasts without renewal: the holder renews it as it goes (the steps
 * call `renew` between batches, and a timer does between steps), so only a holder that stopped
 * lets it run out, and the next process takes over within this long.
 */
const LEASE_MS = 30_000;
/** How often the holder renews: several renewals fit in a lease, so a slow one does not lose it. */
const RENEW_MS = LEASE_MS / 6;
const WAIT_MS = 500;

interface MigrationDoc {
  _id: string;
  /** `schema`: the version, stamped when a step is complete. */
  version?: number;
  at?: Date;
  /** `lock`: who migrates now, and until when without renewal. */
  owner?: string;
  /** For the operator's eyes only (logs): whether a holder is gone is the lease's say alone. */
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

async function readVersion(db: Db): Promise<number> {
  const doc = await db.collection<MigrationDoc>(MIGRATIONS).findOne({ _id: 'schema' });
  if (typeof doc?.version === 'number') return doc.version;
  for (const name of DATA_COLLECTIONS) {
    if (await db.collection(name).findOne({}, { projection: { _id: 1 } })) return FIRST_RELEASE;
  }
  return NEW_DATABASE;
}

async function stamp(db: Db, version: number): Promise<void> {
  const set = { $set: { version, at: new Date() } };
  try {
    await db.collection<MigrationDoc>(MIGRATIONS).updateOne({ _id: 'schema' }, set, { upsert: true });
  } catch (err) {
    // Two processes stamping a new database at once (one took the lock over from the other, whose
    // lease ran out while it stamped): the upsert that lost the race to insert the record finds
    // it there now. The stamp they write is the same.
    if (codeOf(err) !== 11000) throw err;
    await db.collection<MigrationDoc>(MIGRATIONS).updateOne({ _id: 'schema' }, set);
  }
}

/**
 * Brings the database to the current schema version. Several processes may start at once on one
 * database: one takes the lock (`migrations` doc `lock`, a lease it renews) and migrates, the
 * others wait until it stamps the version, or take over once its lease runs out. Refuses a
 * database newer than this code.
 */
export async function migrateDatabase(
  conn: Connection,
  log: MigrationLog,
  /** `timezone`: BUSINESS_TIMEZONE, the local days of v4's sales per day (default UTC). */
  opts: { timezone?: string } = {},
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
        timezone: opts.timezone ?? 'UTC',
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

/**
 * Takes the migration lock, waiting while another process holds it; null if that process finished
 * the migration meanwhile. The lock is a lease in the database alone: a holder whose lease ran out
 * is gone, whoever and wherever it was (a pid says nothing across machines, nor across restarts of
 * a container, where every process is pid 1 again). Taken with an insert, or over an expired lease
 * with a compare-and-set on its end: of two processes taking over at once, one gets it.
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
    // A lock without an end (never written so) counts as run out.
    if (held && (held.until?.getTime() ?? 0) <= Date.now()) {
      const taken = await locks.updateOne(
        { _id: 'lock', owner: held.owner, until: held.until ?? { $exists: false } },
        { $set: { ...me, until: until() } },
      );
      if (taken.modifiedCount === 1) {
        log.warn(
          { from: { host: held.host, pid: held.pid, until: held.until } },
          'migration: taking over from a process whose lease ran out',
        );
        break;
      }
    }
    if ((await readVersion(db)) >= latest) return null;
    if (!told)
      log.info(
        { holder: { host: held?.host, pid: held?.pid, until: held?.until } },
        'migration: another process is migrating; waiting',
      );
    told = true;
    await sleep(WAIT_MS);
  }
  let renewed = Date.now();
  let lost: Error | undefined;
  const renew = async () => {
    if (lost) throw lost;
    if (Date.now() - renewed < RENEW_MS) return;
    const res = await locks.updateOne({ _id: 'lock', owner: me.owner }, { $set: { until: until() } });
    if (res.matchedCount !== 1) {
      lost = new Error('migration: another process took the lock over; stopping');
      throw lost;
    }
    renewed = Date.now();
  };
  // Between the steps' own renewals (a long index build, a slow batch), the lease is kept alive
  // here; a lost lock is reported at the step's next `renew`.
  const timer = setInterval(() => {
    renew().catch(() => undefined);
  }, RENEW_MS);
  timer.unref();
  return {
    renew,
    async release() {
      clearInterval(timer);
      await locks.deleteOne({ _id: 'lock', owner: me.owner });
    },
  };
}
