import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from 'mongodb';
import type { Connection } from 'mongoose';
import { codeOf, type MigrationLog, type Step } from './migrations/step.js';
import { toNaturalKeys } from './migrations/v2-natural-keys.js';
import { toRecordedEffects } from './migrations/v3-effects.js';

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
];

/** The schema version this release writes. */
export const SCHEMA_VERSION = STEPS[STEPS.length - 1]?.to ?? FIRST_RELEASE;
const MIGRATIONS = 'migrations';
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
    // Two processes stamping a new database at once: the upsert that lost the race to insert the
    // record finds it there now. (FerretDB v1 does not make the lock's compare-and-set atomic
    // across connections, so both may hold it; the stamp they write is the same.)
    if (codeOf(err) !== 11000) throw err;
    await db.collection<MigrationDoc>(MIGRATIONS).updateOne({ _id: 'schema' }, set);
  }
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
