import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
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
