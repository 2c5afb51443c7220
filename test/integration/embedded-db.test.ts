import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT, startEmbeddedDb } from '../../src/db/embedded.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orderly-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('When another live process runs the embedded database on the data folder, then a second start refuses, naming it', async () => {
  writeFileSync(join(dir, 'embedded.lock'), String(process.ppid));
  await expect(
    startEmbeddedDb({ dataDir: dir, prefer: 'ferretdb', env: process.env, log: quiet }),
  ).rejects.toThrow(`in use by process ${process.ppid}`);
});

test('When the lock was left by a process that died, then the next start takes it over and releases it on stop', async () => {
  writeFileSync(join(dir, 'embedded.lock'), '999999');
  // Whichever embedded server this machine can run (mongod, else FerretDB).
  const db = await startEmbeddedDb({ dataDir: dir, env: process.env, log: quiet });
  expect(readFileSync(join(dir, 'embedded.lock'), 'utf8')).toBe(String(process.pid));
  await db.stop();
  expect(() => readFileSync(join(dir, 'embedded.lock'))).toThrow();
});

const bin = join(PROJECT_ROOT, '.cache', 'bin');
const ferretBuilt = existsSync(bin) && readdirSync(bin).some((f) => f.startsWith('ferretdb-'));
if (!ferretBuilt)
  console.warn('SKIPPED orphan FerretDB test: no FerretDB binary in .cache/bin on this machine');
const withFerret = ferretBuilt ? test : test.skip;

withFerret(
  'When a killed server left its FerretDB running, then the next start stops that orphan first',
  async () => {
    const first = await startEmbeddedDb({ dataDir: dir, prefer: 'ferretdb', env: process.env, log: quiet });
    const orphan = Number(readFileSync(join(dir, 'ferretdb', 'ferretdb.pid'), 'utf8'));
    rmSync(join(dir, 'embedded.lock')); // as if its owner had been SIGKILLed
    const second = await startEmbeddedDb({ dataDir: dir, prefer: 'ferretdb', env: process.env, log: quiet });
    try {
      expect(() => process.kill(orphan, 0)).toThrow();
      expect(Number(readFileSync(join(dir, 'ferretdb', 'ferretdb.pid'), 'utf8'))).not.toBe(orphan);
    } finally {
      await second.stop();
      await first.stop();
    }
  },
);

/** The FerretDB processes running on `dataDir`'s files, found by their command line. */
function ferretDbsOn(dataDir: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
        return cmd.includes('ferretdb') && cmd.includes(dataDir);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

withFerret(
  'When the server stops while it is restarting a FerretDB that died, then the restarted one is stopped too (none is left running)',
  async () => {
    const db = await startEmbeddedDb({ dataDir: dir, prefer: 'ferretdb', env: process.env, log: quiet });
    const [died] = ferretDbsOn(dir);
    expect(died).toBeDefined();
    process.kill(died as number, 'SIGKILL');
    // The supervisor starts another within a second; stop the server while that one is starting.
    const deadline = Date.now() + 10_000;
    while (!ferretDbsOn(dir).some((pid) => pid !== died) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    expect(ferretDbsOn(dir).some((pid) => pid !== died)).toBe(true);
    // stop() returns once every FerretDB it started has exited.
    await db.stop();
    const left = ferretDbsOn(dir);
    for (const pid of left) process.kill(pid, 'SIGKILL'); // not to leave one behind if this fails
    expect(left).toEqual([]);
  },
);
