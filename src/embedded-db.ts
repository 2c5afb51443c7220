import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

/**
 * Starts a MongoDB-compatible server when no MONGODB_URI is given: used by `npm start`,
 * `npm test` and `.ci/run`. First choice is mongodb-memory-server (a real mongod it downloads
 * once); where that download is impossible, FerretDB v1 on SQLite, built once from the Go
 * module proxy into `.cache/bin/`.
 */

export const FERRETDB_VERSION = 'v1.24.2';
export const PROJECT_ROOT = findProjectRoot();
const CACHE_BIN = join(PROJECT_ROOT, '.cache', 'bin');
/** Remembers a failed mongod download for a day, so each start does not retry it (and log it). */
const MONGOD_UNAVAILABLE = join(PROJECT_ROOT, '.cache', 'mongod-unavailable');
const RETRY_MONGOD_AFTER_MS = 24 * 3600_000;

export type EmbeddedKind = 'mongod' | 'ferretdb';

export interface EmbeddedDb {
  kind: EmbeddedKind;
  uri: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Keep data here across restarts; unset: a temporary folder removed on stop. */
  dataDir?: string;
  /** `ferretdb`: skip mongod; `mongod`: try mongod even after a recent failed download. */
  prefer?: string;
  log: Pick<Logger, 'info' | 'warn'>;
  /** Environment for child processes (go needs PATH, HOME); from config's toolEnv(). */
  env: NodeJS.ProcessEnv;
}

export class EmbeddedDbError extends Error {
  override name = 'EmbeddedDbError';
}

function findProjectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
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
          `the embedded database in ${dataDir} is in use by process ${owner} (a running \`npm start\`?); ` +
            'stop it first, or set MONGODB_URI to share a database server',
        );
      }
      rmSync(lock, { force: true });
    }
  }
  throw new EmbeddedDbError(`cannot lock ${lock}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
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
    instance: dbPath ? { dbPath, storageEngine: 'wiredTiger' } : {},
  });
  opts.log.info({ kind: 'mongod', dbPath }, 'embedded database started');
  return {
    kind: 'mongod',
    uri: server.getUri('orderly'),
    stop: async () => {
      await server.stop({ doCleanup: !dbPath });
    },
  };
}

/** Path of a usable FerretDB binary, building it with `go install` if there is none yet. */
export async function ensureFerretDbBinary(
  log: EmbeddedOptions['log'],
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const cached = join(CACHE_BIN, 'ferretdb');
  if (existsSync(cached)) return cached;
  log.info({ version: FERRETDB_VERSION, into: CACHE_BIN }, 'building FerretDB once (about a minute)');
  mkdirSync(CACHE_BIN, { recursive: true });
  // Not a bare `go install`: see scripts/build-ferretdb.sh for why.
  await run('bash', [join(PROJECT_ROOT, 'scripts', 'build-ferretdb.sh'), cached, FERRETDB_VERSION], env);
  if (!existsSync(cached)) throw new EmbeddedDbError(`the FerretDB build finished but ${cached} is missing`);
  return cached;
}

async function startFerretDb(opts: EmbeddedOptions): Promise<EmbeddedDb> {
  const binary = await ensureFerretDbBinary(opts.log, opts.env);
  const temporary = opts.dataDir === undefined;
  const dir = opts.dataDir
    ? join(opts.dataDir, 'ferretdb')
    : mkdtempSync(join(tmpdir(), 'orderly-ferretdb-'));
  mkdirSync(dir, { recursive: true });
  const pidFile = join(dir, 'ferretdb.pid');
  await stopOrphan(pidFile, opts.log);
  const port = await freePort();
  const child = spawn(
    binary,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${resolve(dir)}/`,
      `--listen-addr=127.0.0.1:${port}`,
      `--state-dir=${resolve(dir)}`,
      '--telemetry=disable',
      '--debug-addr=-',
      '--log-level=error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  if (child.pid) writeFileSync(pidFile, String(child.pid));
  try {
    await waitForPort(port, child, () => stderr);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  opts.log.info({ kind: 'ferretdb', port, dir }, 'embedded database started');
  return {
    kind: 'ferretdb',
    uri: `mongodb://127.0.0.1:${port}/orderly`,
    stop: async () => {
      await stopChild(child);
      rmSync(pidFile, { force: true });
      if (temporary) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A FerretDB left running by a server that was killed outright (SIGKILL, a crash) still writes to
 * the same SQLite files: stop it before starting another on them.
 */
async function stopOrphan(pidFile: string, log: EmbeddedOptions['log']): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8'));
  } catch {
    return;
  }
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {}
  if (pid > 0 && isAlive(pid) && cmdline.includes('ferretdb')) {
    log.warn({ pid }, 'stopping a FerretDB left running by an earlier server');
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(pidFile, { force: true });
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-2000);
    });
    child.on('error', (err) => reject(new EmbeddedDbError(`cannot run ${cmd}: ${err.message}`)));
    child.on('exit', (code) =>
      code === 0
        ? resolvePromise()
        : reject(new EmbeddedDbError(`${cmd} ${args.join(' ')} failed (${code}): ${stderr.trim()}`)),
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolvePromise(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new EmbeddedDbError(`ferretdb exited with ${child.exitCode}: ${stderr().trim()}`);
    }
    const open = await new Promise<boolean>((r) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.end();
        r(true);
      });
      socket.on('error', () => r(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new EmbeddedDbError(`ferretdb did not listen on port ${port} within 30s: ${stderr().trim()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((r) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      r();
    });
    child.kill('SIGTERM');
  });
}
