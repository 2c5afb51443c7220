import { type ChildProcess, fork } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/db/project.js';

/**
 * The processes under test, each forked on its own: the app (app-host.ts) and the floor
 * (floor.ts). Their output goes to a log file, so warnings the app writes are kept as evidence.
 */

export type HostRequest =
  | { type: 'start'; env: Record<string, string>; uri: string; dbName: string }
  | { type: 'stats'; id: number; gc?: boolean; resetPeak?: boolean }
  | { type: 'stop' };

export interface HostStats {
  rss: number;
  heapUsed: number;
  /** V8's heap as reserved (used or not), and memory outside it (Buffers, native). */
  heapTotal: number;
  external: number;
  /** Highest RSS since the last reset, and ever. */
  peakRss: number;
  maxRss: number;
  runningJobs: number;
  idleMs: number;
}

type HostMessage =
  | { type: 'loaded' | 'stopped' }
  | { type: 'ready'; url: string }
  | { type: 'failed'; error: string }
  | ({ type: 'stats'; id: number } & HostStats)
  | { type: 'moved'; number: number; to: string }
  | { type: 'job'; name: string; order: number };

/**
 * How package.json's `start` script runs node: the environment it sets before `node` (such as
 * `MALLOC_ARENA_MAX=2`) and the flags after it, so the app measured runs as a shop runs it.
 */
export function startCommand(script?: string): { env: Record<string, string>; flags: string[] } {
  const start =
    script ??
    (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } })
      .scripts.start;
  const words = start.split(/\s+/).filter(Boolean);
  const node = words.indexOf('node');
  const env: Record<string, string> = {};
  for (const word of words.slice(0, Math.max(node, 0))) {
    const eq = word.indexOf('=');
    if (eq > 0) env[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return { env, flags: words.slice(node + 1).filter((w) => w.startsWith('--')) };
}

function spawnLogged(
  script: string,
  args: string[],
  logFile: string,
  execArgv: string[] = [],
  env: Record<string, string> = {},
): ChildProcess {
  const child = fork(new URL(script, import.meta.url), args, {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    execArgv,
    env: { ...process.env, ...env },
  });
  const out = createWriteStream(logFile, { flags: 'a' });
  child.stdout?.pipe(out, { end: false });
  child.stderr?.pipe(out, { end: false });
  return child;
}

function once<T>(child: ChildProcess, pick: (msg: HostMessage) => T | undefined, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: HostMessage) => {
      if (msg.type === 'failed') return done(() => reject(new Error(`${what}: ${msg.error}`)));
      const value = pick(msg);
      if (value !== undefined) done(() => resolve(value));
    };
    const onExit = (code: number | null) =>
      done(() => reject(new Error(`${what}: the process exited (${code})`)));
    const done = (settle: () => void) => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      settle();
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

export interface AppProcess {
  url: string;
  pid: number;
  /**
   * Its memory and jobs. `resetPeak` starts a new peak after reporting this one; `gc` first forces
   * a full collection (a diagnostic, never for the target).
   */
  stats(opts?: { gc?: boolean; resetPeak?: boolean }): Promise<HostStats>;
  /** Resolves with the time (performance.now() here) the app reported order `number` moved to `to`. */
  moved(number: number, to: string): Promise<number>;
  /** Resolves with the time the app reported that job `name` for order `order` started. */
  jobStarted(name: string, order: number): Promise<number>;
  stop(): Promise<void>;
}

export async function startAppProcess(
  env: Record<string, string>,
  uri: string,
  dbName: string,
  logFile: string,
): Promise<AppProcess> {
  // The V8 flags and environment of `npm start` (package.json), so the memory measured is what a
  // shop runs.
  // --expose-gc only serves the diagnostic `stats(true)`; nothing calls gc() otherwise.
  // BENCH_APP_FLAGS adds node flags for the app alone, e.g. `--cpu-prof --cpu-prof-dir=bench/results`
  // to see where its time goes under the same load (written when the bench stops it).
  const extra = (process.env.BENCH_APP_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const start = startCommand();
  const child = spawnLogged(
    './app-host.js',
    [],
    logFile,
    [...start.flags, '--expose-gc', ...extra],
    start.env,
  );
  const waiting = new Map<string, (at: number) => void>();
  child.on('message', (msg: HostMessage) => {
    if (msg.type !== 'moved' && msg.type !== 'job') return;
    const key = msg.type === 'moved' ? `${msg.number}:${msg.to}` : `job:${msg.name}:${msg.order}`;
    waiting.get(key)?.(performance.now());
    waiting.delete(key);
  });
  const loaded = once(child, (m) => (m.type === 'loaded' ? true : undefined), 'app host');
  await loaded;
  const ready = once(child, (m) => (m.type === 'ready' ? m.url : undefined), 'starting the app');
  child.send({ type: 'start', env, uri, dbName } satisfies HostRequest);
  const url = await ready;
  let ids = 0;
  return {
    url,
    pid: child.pid ?? 0,
    stats(opts = {}) {
      const id = ++ids;
      const answer = once(
        child,
        (m) => (m.type === 'stats' && m.id === id ? (m as HostStats) : undefined),
        'stats',
      );
      child.send({ type: 'stats', id, ...opts } satisfies HostRequest);
      return answer;
    },
    moved: (number, to) => new Promise((resolve) => waiting.set(`${number}:${to}`, resolve)),
    jobStarted: (name, order) => new Promise((resolve) => waiting.set(`job:${name}:${order}`, resolve)),
    async stop() {
      if (child.exitCode !== null) return;
      const stopped = new Promise<void>((r) => child.once('exit', () => r()));
      child.send({ type: 'stop' } satisfies HostRequest);
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await stopped;
      clearTimeout(timer);
    },
  };
}

export interface FloorProcess {
  url: string;
  stop(): Promise<void>;
}

export async function startFloorProcess(
  uri: string,
  dbName: string,
  poolSize: number,
  logFile: string,
): Promise<FloorProcess> {
  const child = spawnLogged('./floor.js', [JSON.stringify({ uri, dbName, poolSize })], logFile);
  const url = await once(child, (m) => (m.type === 'ready' ? m.url : undefined), 'starting the floor');
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const stopped = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await stopped;
    },
  };
}
