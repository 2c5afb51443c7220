import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { PROJECT_ROOT } from '../../src/db/embedded.js';
import { MAIN_JS } from '../helpers/process.js';

/** `npm run db`: the embedded database on its own, for several Orderly processes (README "Deploying"). */
const DB_JS = join(PROJECT_ROOT, 'dist', 'scripts', 'db.js');

let dir: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orderly-db-cmd-'));
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

function run(script: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [script, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ORDERLY_DATA_DIR: dir,
      ORDERLY_EMBEDDED_DB: 'ferretdb',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

async function uriLine(db: ReturnType<typeof run>): Promise<string> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const line = db.stdout().split('\n')[0] ?? '';
    if (line.startsWith('MONGODB_URI=')) return line.slice('MONGODB_URI='.length);
    if (db.child.exitCode !== null) throw new Error(`npm run db exited: ${db.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no MONGODB_URI line: ${db.stderr()}`);
}

test('When npm run db starts, then it prints only the MONGODB_URI on stdout, the server there has atomic writes, a second start on the same data refuses and npm start points to it, and SIGTERM stops it with 0', async () => {
  const port = await freePort();
  const db = run(DB_JS, ['--port', String(port)]);
  const uri = await uriLine(db);
  expect(uri).toBe(`mongodb://127.0.0.1:${port}/orderly`);
  expect(db.stdout()).toBe(`MONGODB_URI=${uri}\n`);

  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    expect(info.orderlyAtomicWrites).toBe(true);
  } finally {
    await client.close();
  }

  const second = run(DB_JS, ['--port', String(await freePort())]);
  expect(await second.exited).toBe(1);
  expect(second.stderr()).toContain('in use by process');
  expect(second.stderr()).toContain('npm run db');

  const server = run(MAIN_JS, [], { NODE_ENV: 'test', PORT: '0' });
  expect(await server.exited).toBe(1);
  expect(server.stderr()).toContain('run it on its own with `npm run db`');

  db.child.kill('SIGTERM');
  expect(await db.exited).toBe(0);
}, 120_000);

test('When npm run db is given a bad port or an unknown argument, then it exits 2 with its usage', async () => {
  for (const args of [['--port', 'x'], ['--port', '70000'], ['--verbose']]) {
    const db = run(DB_JS, args);
    expect(await db.exited).toBe(2);
    expect(db.stderr()).toContain('usage: npm run db [-- --port N]');
    expect(db.stdout()).toBe('');
  }
});
