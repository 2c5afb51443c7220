import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EmbeddedDb, EmbeddedOptions } from './embedded-types.js';
import { PROJECT_ROOT } from './project.js';

/** FerretDB v1 (MongoDB wire protocol on SQLite): the embedded database where mongod cannot be had. */

/**
 * Path of a usable FerretDB binary. `scripts/build-ferretdb.sh --cached` names it after the hash of
 * our patches (scripts/ferretdb/*.patch) and of itself, builds it the first time (about a minute),
 * and prints the path; a changed patch therefore rebuilds, and a second start is instant.
 */
export async function ensureFerretDbBinary(
  log: EmbeddedOptions['log'],
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const script = join(PROJECT_ROOT, 'scripts', 'build-ferretdb.sh');
  const building = setTimeout(() => log.info({}, 'building FerretDB once (about a minute)'), 1000);
  try {
    const path = (await run('bash', [script, '--cached'], env)).trim().split('\n').pop() ?? '';
    if (!existsSync(path)) throw new Error(`the FerretDB build finished but ${path} is missing`);
    return path;
  } finally {
    clearTimeout(building);
  }
}

export async function startFerretDb(opts: EmbeddedOptions): Promise<EmbeddedDb> {
  const binary = await ensureFerretDbBinary(opts.log, opts.env);
  const temporary = opts.dataDir === undefined;
  const dir = opts.dataDir
    ? join(opts.dataDir, 'ferretdb')
    : mkdtempSync(join(tmpdir(), 'orderly-ferretdb-'));
  mkdirSync(dir, { recursive: true });
  const pidFile = join(dir, 'ferretdb.pid');
  await stopOrphan(pidFile, opts.log);
  const port = opts.port ?? (await freePort());
  const launch = async () => {
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
    return { child, stderr: () => stderr };
  };

  let current = await launch();
  let stopping = false;
  /** The restart under way, if any: `stop` waits for it, so a FerretDB it starts is stopped too. */
  let restarting: Promise<void> | undefined;
  opts.log.info({ kind: 'ferretdb', port, dir, pid: current.child.pid }, 'embedded database started');

  /**
   * If FerretDB dies under us (killed, crashed), start it again on the same port and files: the
   * driver reconnects by itself and requests meanwhile get 503. After a few failed tries in a row
   * the server gives up (`onLost`) so that a supervisor restarts it whole.
   */
  const restart = async (code: number | null, signal: NodeJS.Signals | null, stderr: () => string) => {
    opts.log.error(
      { kind: 'ferretdb', code, signal, stderr: stderr().trim().slice(-500) },
      'embedded database exited; restarting it',
    );
    for (let attempt = 1; attempt <= 5 && !stopping; attempt++) {
      await new Promise((r) => setTimeout(r, 250 * attempt));
      if (stopping) return;
      try {
        const next = await launch();
        // Stopped while this one was starting: it must not outlive the server.
        if (stopping) {
          await stopChild(next.child);
          return;
        }
        current = next;
        opts.log.warn(
          { kind: 'ferretdb', port, pid: current.child.pid, attempt },
          'embedded database restarted',
        );
        supervise(current.child, current.stderr);
        return;
      } catch (err) {
        opts.log.error({ kind: 'ferretdb', attempt, err }, 'embedded database did not restart');
      }
    }
    if (!stopping) opts.onLost?.('the embedded database (FerretDB) exited and could not be restarted');
  };
  const supervise = (child: ChildProcess, stderr: () => string) => {
    child.once('exit', (code, signal) => {
      if (stopping) return;
      restarting = restart(code, signal, stderr).finally(() => {
        restarting = undefined;
      });
    });
  };
  supervise(current.child, current.stderr);

  return {
    kind: 'ferretdb',
    uri: `mongodb://127.0.0.1:${port}/orderly`,
    stop: async () => {
      stopping = true;
      await restarting;
      await stopChild(current.child);
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

/** Runs a command and resolves with its standard output. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr?.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-2000);
    });
    child.on('error', (err) => reject(new Error(`cannot run ${cmd}: ${err.message}`)));
    child.on('exit', (code) =>
      code === 0
        ? resolvePromise(stdout)
        : reject(new Error(`${cmd} ${args.join(' ')} failed (${code}): ${stderr.trim()}`)),
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
      throw new Error(`ferretdb exited with ${child.exitCode}: ${stderr().trim()}`);
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
  throw new Error(`ferretdb did not listen on port ${port} within 30s: ${stderr().trim()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  // Ended already: with a code, or killed by a signal (then `exitCode` stays null).
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      r();
    });
    child.kill('SIGTERM');
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
