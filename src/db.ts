import { MongoClient } from 'mongodb';
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from './logger.js';

export interface Database {
  connection: Connection;
  /** FerretDB runs an update as read-then-write; see `connectDatabase`. */
  backend: 'mongodb' | 'ferretdb';
  close(): Promise<void>;
  ping(): Promise<boolean>;
}

/** Asks the server what it is: FerretDB answers buildInfo with a `ferretdbVersion`. */
export async function detectBackend(uri: string): Promise<Database['backend']> {
  const client = new MongoClient(uri, { maxPoolSize: 1, serverSelectionTimeoutMS: 10_000 });
  try {
    await client.connect();
    const info = await client.db('admin').command({ buildInfo: 1 });
    return info.ferretdbVersion ? 'ferretdb' : 'mongodb';
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
    serverSelectionTimeoutMS: 10_000,
    autoIndex: false,
    autoCreate: true,
    ...(dbName ? { dbName } : {}),
  });
  await connection.asPromise();
  log.info({ backend, db: connection.name }, 'database connected');
  return {
    connection,
    backend,
    close: () => connection.close(),
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
