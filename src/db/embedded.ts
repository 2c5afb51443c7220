import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EmbeddedDb, EmbeddedOptions } from './embedded-types.js';
import { isAlive, startFerretDb } from './ferretdb.js';
import { PROJECT_ROOT } from './project.js';

export type { EmbeddedDb, EmbeddedKind, EmbeddedOptions } from './embedded-types.js';
export { PROJECT_ROOT };

/**
 * Starts a MongoDB-compatible server when no MONGODB_URI is given: used by `npm start`,
 * `npm test` and `.ci/run`. First choice is mongodb-memory-server (a real mongod it downloads
 * once); where that download is impossible, FerretDB v1 on SQLite, built once from the Go
 * module proxy into `.cache/bin/`.
 */

/** Remembers a failed mongod download for a day, so each start does not retry it (and log it). */
const MONGOD_UNAVAILABLE = join(PROJECT_ROOT, '.cache', 'mongod-unavailable');
const RETRY_MONGOD_AFTER_MS = 24 * 3600_000;

export class EmbeddedDbError extends Error {
  override name = 'EmbeddedDbError';
}

/**
 * One process at a time may run the embedded database on a data folder: two servers writing the
 * same files would corrupt them. The lock holds the owner's pid; a dead owner's lock is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lock = join(dataDir, 'embedded.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => rmSync(lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(lock, 'utf8'));
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new EmbeddedDbError(
          `the embedded database in ${dataDir} is in use by process ${owner} (a running \`npm start\` or \`npm run db\`?). ` +
            'For several Orderly processes on one database, run it on its own with `npm run db` and start each ' +
            'process with the MONGODB_URI it prints',
        );
      }
      rmSync(lock, { force: true });
    }
  }
  throw new EmbeddedDbError(`cannot lock ${lock}`);
}

export async function startEmbeddedDb(opts: EmbeddedOptions): Promise<EmbeddedDb> {
  if (!opts.dataDir) return startEither(opts);
  const unlock = lockDataDir(opts.dataDir);
  try {
    const db = await startEither(opts);
    return {
      ...db,
      stop: async () => {
        await db.stop();
        unlock();
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}

async function startEither(opts: EmbeddedOptions): Promise<EmbeddedDb> {
  let mongodProblem = 'skipped (ORDERLY_EMBEDDED_DB=ferretdb)';
  const knownUnavailable = recentMongodFailure();
  if (knownUnavailable !== undefined && opts.prefer !== 'mongod') {
    mongodProblem = knownUnavailable;
    opts.log.info(
      { reason: knownUnavailable, retry: `delete ${MONGOD_UNAVAILABLE} or set ORDERLY_EMBEDDED_DB=mongod` },
      'embedded mongod could not be downloaded recently; using FerretDB',
    );
  } else if (opts.prefer !== 'ferretdb') {
    try {
      return await startMongod(opts);
    } catch (err) {
      mongodProblem = (err as Error).message.split('\n')[0] ?? String(err);
      opts.log.warn({ reason: mongodProblem }, 'embedded mongod unavailable; falling back to FerretDB');
      if ((err as { name?: string }).name === 'DownloadError' || /download/i.test(mongodProblem)) {
        mkdirSync(dirname(MONGOD_UNAVAILABLE), { recursive: true });
        writeFileSync(MONGOD_UNAVAILABLE, `${mongodProblem}\n`);
      }
    }
  }
  try {
    return await startFerretDb(opts);
  } catch (err) {
    throw new EmbeddedDbError(
      `No database: set MONGODB_URI to a MongoDB server, or let Orderly start one. mongod: ${mongodProblem}. ` +
        `FerretDB: ${(err as Error).message}. Install Go (https://go.dev/dl) so FerretDB can be built, ` +
        'or allow mongodb-memory-server to download mongod.',
    );
  }
}

function recentMongodFailure(): string | undefined {
  try {
    if (Date.now() - statSync(MONGOD_UNAVAILABLE).mtimeMs > RETRY_MONGOD_AFTER_MS) return undefined;
    return readFileSync(MONGOD_UNAVAILABLE, 'utf8').trim();
  } catch {
    return undefined;
  }
}

async function startMongod(opts: EmbeddedOptions): Promise<EmbeddedDb> {
  const { MongoMemoryServer } = await import('mongodb-memory-server');
  const dbPath = opts.dataDir ? join(opts.dataDir, 'mongod') : undefined;
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  const server = await MongoMemoryServer.create({
    instance: {
      ...(dbPath ? { dbPath, storageEngine: 'wiredTiger' as const } : {}),
      ...(opts.port ? { port: opts.port } : {}),
    },
  });
  opts.log.info({ kind: 'mongod', dbPath }, 'embedded database started');
  let stopping = false;
  // mongodb-memory-server does not restart a mongod that dies: exit so a supervisor restarts us.
  server.instanceInfo?.instance.mongodProcess?.once('exit', (code, signal) => {
    if (!stopping) opts.onLost?.(`embedded mongod exited (code ${code}, signal ${signal})`);
  });
  return {
    kind: 'mongod',
    uri: server.getUri('orderly'),
    stop: async () => {
      stopping = true;
      await server.stop({ doCleanup: !dbPath });
    },
  };
}
