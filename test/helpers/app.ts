import { randomBytes } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import type { DestinationStream } from 'pino';
import { type RunningApp, startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { describeServer, detectBackend } from '../../src/db/connection.js';
import { createLogger } from '../../src/logger.js';

export const API_KEY = 'test-key-0123456789';
export const OTHER_KEY = 'other-key-0123456789';

export function testDatabaseUri(): string {
  const uri = process.env.ORDERLY_TEST_MONGODB_URI;
  if (!uri) throw new Error('ORDERLY_TEST_MONGODB_URI is not set: run the tests with `npm test`');
  return uri;
}

export const testBackend = () => detectBackend(testDatabaseUri());

export const uniqueDbName = (label: string) =>
  `t_${label.replace(/[^a-z0-9]/gi, '').slice(0, 20)}_${randomBytes(4).toString('hex')}`;

export interface TestApp extends RunningApp {
  dbName: string;
  /** Calls the REST API with the test key (or `key`), JSON in and out. */
  api<T = any>(
    method: string,
    path: string,
    body?: unknown,
    key?: string | null,
  ): Promise<{ status: number; body: T }>;
  /**
   * A collection of the test's database through the raw driver: for setting up the states a
   * crash leaves behind and for checking what is stored, never for what the app does itself.
   */
  raw(name: string): Collection;
  close(): Promise<void>;
}

/** The real app on port 0 against its own fresh database on the test server. */
export async function startTestApp(
  label: string,
  env: Record<string, string> = {},
  /** `uri`: another way to the test database server (a proxy at the network edge). */
  opts: { dbName?: string; jobs?: boolean; logStream?: DestinationStream; uri?: string } = {},
): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    API_KEYS: `tester:${API_KEY},shop:${OTHER_KEY}`,
    ...env,
  });
  const dbName = opts.dbName ?? uniqueDbName(label);
  const app = await startApp(config, {
    uri: opts.uri ?? testDatabaseUri(),
    dbName,
    log: createLogger(opts.logStream ? 'info' : config.logLevel, opts.logStream),
    jobs: opts.jobs ?? false,
    monitorCommands: true,
  });
  return {
    ...app,
    dbName,
    async api(method, path, body, key = API_KEY) {
      const headers: Record<string, string> = {};
      if (key !== null) headers.authorization = `Bearer ${key}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${app.url}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: res.status, body: parsed as never };
    },
    raw: (name: string) => (app.db.connection.db as unknown as Db).collection(name),
    async close() {
      await app.db.connection.dropDatabase().catch(() => undefined);
      await app.stop();
    },
  };
}

/**
 * `test`, or `test.skip` with a warning saying why, for what needs each write command to be atomic
 * across connections (several processes on one database): MongoDB, or FerretDB built with our
 * write-lock patch (`buildInfo.orderlyAtomicWrites`). Every server this project builds has it;
 * only a MONGODB_URI naming another FerretDB skips.
 */
export async function testWithAtomicWrites(what: string): Promise<typeof test> {
  if ((await describeServer(testDatabaseUri())).atomicWrites) return test;
  console.warn(
    `SKIPPED ${what}: the test database lacks atomic writes across connections (a FerretDB ` +
      'without scripts/ferretdb/0002-handler-write-lock.patch). Unset MONGODB_URI to use the one ' +
      'scripts/build-ferretdb.sh builds, or point it at a MongoDB.',
  );
  return test.skip;
}
