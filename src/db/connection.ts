import { MongoClient } from 'mongodb';
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '../logger.js';

export interface Database {
  connection: Connection;
  /** FerretDB runs an update as read-then-write; see `connectDatabase`. */
  backend: 'mongodb' | 'ferretdb';
  /** Whether one write command is atomic against every other, across connections and processes. */
  atomicWrites: boolean;
  /** Connections this process opens at most. */
  poolSize: number;
  close(): Promise<void>;
  ping(): Promise<boolean>;
  /** Whether the driver is connected now (no round trip): requests fail fast with 503 when not. */
  up(): boolean;
}

/** 10 s to find the server, unless the URI says otherwise (an explicit option would override it). */
const selectionTimeout = (uri: string) =>
  /[?&]serverSelectionTimeoutMS=/i.test(uri) ? {} : { serverSelectionTimeoutMS: 10_000 };

/** The URI without its password, fit for a log line or an error message. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

export interface ServerKind {
  backend: Database['backend'];
  atomicWrites: boolean;
}

/**
 * Asks the server what it is: FerretDB answers buildInfo with a `ferretdbVersion`, and the build
 * with our write-lock patch (scripts/ferretdb/0002-handler-write-lock.patch) adds
 * `orderlyAtomicWrites: true`. MongoDB applies each single-document write atomically.
 */
export async function describeServer(uri: string): Promise<ServerKind> {
  const client = new MongoClient(uri, { maxPoolSize: 1, ...selectionTimeout(uri) });
  try {
    await client.connect();
    const info = await client.db('admin').command({ buildInfo: 1 });
    if (!info.ferretdbVersion) return { backend: 'mongodb', atomicWrites: true };
    return { backend: 'ferretdb', atomicWrites: info.orderlyAtomicWrites === true };
  } catch (err) {
    throw new Error(`cannot reach the database at ${redactUri(uri)}: ${(err as Error).message}`, {
      cause: err,
    });
  } finally {
    await client.close();
  }
}

export const detectBackend = async (uri: string) => (await describeServer(uri)).backend;

/**
 * Connections per process. MongoDB: the driver's usual 20. FerretDB with the write lock: a pool,
 * so that reads stop queueing behind writes (its size as measured in README "Status"). An
 * unpatched FerretDB gets one, whatever was asked (see `connectDatabase`).
 */
export const DEFAULT_POOL_SIZE = { mongodb: 20, ferretdb: 4 } as const;

export interface ConnectOptions {
  /** Database name; default: the one in the URI. */
  dbName?: string;
  /** MONGODB_POOL_SIZE: overrides DEFAULT_POOL_SIZE. */
  poolSize?: number;
  /** Driver command events, for tests that check which commands a path sends (costs a decode per reply). */
  monitorCommands?: boolean;
}

/**
 * Connects mongoose. A FerretDB without our write lock applies an update as read-then-write
 * without concurrency control, so two commands in flight at once could interleave: against it the
 * pool is one connection, which makes the server run this process's commands one at a time (and
 * such a server is safe for one process only). MongoDB and the patched FerretDB get a pool.
 */
export async function connectDatabase(
  uri: string,
  log: Logger,
  opts: ConnectOptions = {},
): Promise<Database> {
  const { backend, atomicWrites } = await describeServer(uri);
  const poolSize = atomicWrites ? (opts.poolSize ?? DEFAULT_POOL_SIZE[backend]) : 1;
  if (!atomicWrites && (opts.poolSize ?? 1) > 1) {
    log.warn(
      { backend, asked: opts.poolSize },
      'MONGODB_POOL_SIZE ignored: this FerretDB lacks the write-lock patch, so one connection is used (build it with scripts/build-ferretdb.sh)',
    );
  }
  const { dbName } = opts;
  const connection = mongoose.createConnection(uri, {
    maxPoolSize: poolSize,
    ...selectionTimeout(uri),
    autoIndex: false,
    autoCreate: true,
    monitorCommands: opts.monitorCommands ?? false,
    // A database that went away is noticed within seconds (readiness, fast 503s), not 10 s.
    heartbeatFrequencyMS: 2000,
    ...(dbName ? { dbName } : {}),
  });
  await connection.asPromise();
  log.info({ backend, atomicWrites, poolSize, db: connection.name }, 'database connected');
  let closing = false;
  connection.on('disconnected', () => {
    if (!closing) log.error({ backend }, 'database unreachable: answering 503 until it is back');
  });
  connection.on('reconnected', () => log.warn({ backend }, 'database reachable again'));
  return {
    connection,
    backend,
    atomicWrites,
    poolSize,
    close: () => {
      closing = true;
      return connection.close();
    },
    up: () => connection.readyState === 1,
    ping: async () => {
      if (connection.readyState !== 1 || !connection.db) return false;
      try {
        await connection.db.command({ ping: 1 }, { timeoutMS: 2000 });
        return true;
      } catch {
        return false;
      }
    },
  };
}
