import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedDb } from '../../src/embedded-db.js';

const quiet = { info: () => undefined, warn: () => undefined };
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
