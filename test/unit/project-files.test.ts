import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startCommand } from '../../bench/processes.js';
import { PROJECT_ROOT } from '../../src/db/project.js';

const run = promisify(execFile);

test('When a file that is not the project’s lies in its folder (a saved openapi.json, an outbox page), then the lint of npm test ignores it', async () => {
  const stray = [
    `openapi-${randomBytes(3).toString('hex')}.json`,
    `outbox-${randomBytes(3).toString('hex')}.html`,
  ];
  for (const name of stray)
    writeFileSync(join(PROJECT_ROOT, name), name.endsWith('.json') ? '{"a":1,   "b" : 2}' : '<p>x');
  try {
    const { stdout, stderr } = await run(join(PROJECT_ROOT, 'node_modules/.bin/biome'), ['check', '.'], {
      cwd: PROJECT_ROOT,
    });
    for (const name of stray) expect(stdout + stderr).not.toContain(name);
  } finally {
    for (const name of stray) rmSync(join(PROJECT_ROOT, name), { force: true });
  }
});

test('When a shop runs Orderly under systemd, then it runs node with the same flags and environment as npm start (the ones the memory target is measured with)', () => {
  const unit = readFileSync(join(PROJECT_ROOT, 'deploy/orderly@.service'), 'utf8');
  const exec = /^ExecStart=\S+ (.*)$/m.exec(unit)?.[1] ?? '';
  const environment = Object.fromEntries(
    [...unit.matchAll(/^Environment=(.*)$/gm)]
      .flatMap((m) => (m[1] ?? '').split(/\s+/))
      .map((pair) => pair.split('=') as [string, string]),
  );
  const start = startCommand();
  expect(start.flags.length).toBeGreaterThan(0);
  expect(exec.split(/\s+/).filter((w) => w.startsWith('--'))).toEqual(start.flags);
  expect(exec).toMatch(/ dist\/src\/main\.js$/);
  for (const [name, value] of Object.entries(start.env)) expect(environment[name]).toBe(value);
});

test('When the start script sets environment before node, then the bench reads it apart from the flags', () => {
  expect(startCommand('MALLOC_ARENA_MAX=2 node --max-semi-space-size=4 --x=1 dist/src/main.js')).toEqual({
    env: { MALLOC_ARENA_MAX: '2' },
    flags: ['--max-semi-space-size=4', '--x=1'],
  });
  expect(startCommand('node --a dist/src/main.js')).toEqual({ env: {}, flags: ['--a'] });
});
