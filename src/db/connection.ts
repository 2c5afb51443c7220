import { MongoClient } from 'mongodb';
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '../logger.js';

export interface Database {
  connection: Connection;
  /** FerretDB runs an update as read-then-write; see `connectDatabase`. */
  backend: 'mongodb' | 'ferretdb';
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

/** Asks the server what it is: FerretDB answers buildInfo with a `ferretdbVersion`. */
export async function detectBackend(uri: string): Promise<Database['backend']> {
  const client = new MongoClient(uri, { maxPoolSize: 1, ...selectionTimeout(uri) });
  try {
    await client.connect();
    const info = await client.db('admin').command({ buildInfo: 1 });
    return info.ferretdbVersion ? 'ferretdb' : 'mongodb';
  } catch (err) {
    throw new Error(`cannot reach the database at ${redactUri(uri)}: ${(err as Error).message}`, {
      cause: err,
    });
  } finally {
    await client.close();
  }
}

/**
 * Connects mongoose. Against FerretDB the pool is one connection: FerretDB applies an update as
 * read-then-write without concurrency control, so two of our own commands in flight at once could
 * interleave; one connection makes the server run this process's commands one at a time, and our
 * conditional updates stay atomic. Real MongoDB gets a normal pool.
 */
export async function connectDatabase(uri: string, log: Logger, dbName?: string): Promise<Database> {
  const backend = await detectBackend(uri);
  const connection = mongoose.createConnection(uri, {
    maxPoolSize: backend === 'ferretdb' ? 1 : 20,
    ...selectionTimeout(uri),
    autoIndex: false,
    autoCreate: true,
    // Command events let the tests check that every hot path finds its documents by key.
    monitorCommands: true,
    // A database that went away is noticed within seconds (readiness, fast 503s), not 10 s.
    heartbeatFrequencyMS: 2000,
    ...(dbName ? { dbName } : {}),
  });
  await connection.asPromise();
  log.info({ backend, db: connection.name }, 'database connected');
  let closing = false;
  connection.on('disconnected', () => {
    if (!closing) log.error({ backend }, 'database unreachable: answering 503 until it is back');
  });
  connection.on('reconnected', () => log.warn({ backend }, 'database reachable again'));
  return {
    connection,
    backend,
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
