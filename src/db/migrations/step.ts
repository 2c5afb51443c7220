import type { Collection, Db, Document } from 'mongodb';

/**
 * What every migration step is given, and the driver helpers they share. Converts nothing itself;
 * its helpers tolerate what an earlier, interrupted run left behind (a collection or index already
 * gone), which is part of how every step stays resumable. A step's code stays as it was when later
 * ones are added: it knows the shapes of its time, so it never imports the models.
 */

export interface MigrationLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface StepContext {
  db: Db;
  log: MigrationLog;
  /** Keeps the migration lock ours; called after every batch. Throws if another process took it. */
  renew(): Promise<void>;
  /** Counts per collection, logged as one line each when the step ends. */
  count(collection: string, what: string, n: number): void;
  /** BUSINESS_TIMEZONE, for steps that name local days (v4's sales per day). */
  timezone: string;
}

export interface Step {
  to: number;
  name: string;
  run(ctx: StepContext): Promise<void>;
}

export const BATCH = 500;

export const codeOf = (err: unknown) => (err as { code?: unknown }).code;
export const NAMESPACE_NOT_FOUND = 26;
export const INDEX_NOT_FOUND = 27;

export async function listIndexes(col: Collection): Promise<Document[]> {
  try {
    return await col.listIndexes().toArray();
  } catch (err) {
    if (codeOf(err) === NAMESPACE_NOT_FOUND) return [];
    throw err;
  }
}

export async function dropCollection(db: Db, name: string): Promise<void> {
  await db.dropCollection(name).catch((err) => {
    if (codeOf(err) !== NAMESPACE_NOT_FOUND) throw err;
  });
}
