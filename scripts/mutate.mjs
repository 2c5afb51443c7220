// Plain JavaScript: it runs StrykerJS, which copies the project and runs the TypeScript itself.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MUTATION_MODULES } from './mutation-modules.mjs';

/**
 * `npm run mutate [-- <module>…]`: the mutation check of the modules in mutation-modules.mjs
 * (all of them without arguments), one Stryker run each with one test runner. One database
 * server serves every run (MONGODB_URI if set, else the embedded one, as for the tests), so a
 * mutant's test run does not start its own. Reports: reports/mutation/<module>/index.html.
 *
 *   npm run mutate -- lifecycle roles
 *   npm run mutate -- lifecycle --force
 */
const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
// --force: retest every mutant, not only those the incremental report says changed. Needed after
// a test was added for a survivor in module-level code (the lifecycle table's constants), whose
// survival the incremental report otherwise reuses.
const force = process.argv.includes('--force');
const names = process.argv.slice(2).filter((a) => a !== '--force');
const unknown = names.filter((n) => !(n in MUTATION_MODULES));
if (unknown.length > 0) {
  console.error(
    `Unknown module: ${unknown.join(', ')}. Modules: ${Object.keys(MUTATION_MODULES).join(', ')}`,
  );
  process.exit(2);
}
const modules = names.length > 0 ? names : Object.keys(MUTATION_MODULES);

// Global setup imports the built db starter; build once if it is missing.
if (!existsSync(join(ROOT, 'dist/src/db/start.js'))) {
  const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const { startDatabase } = await import(pathToFileURL(join(ROOT, 'dist/src/db/start.js')).href);
const say = (obj, msg) => process.stderr.write(`[mutate db] ${msg} ${JSON.stringify(obj)}\n`);
const db = await startDatabase({
  uri: process.env.MONGODB_URI?.trim() || undefined,
  prefer: process.env.ORDERLY_EMBEDDED_DB,
  env: process.env,
  log: { info: say, warn: say, error: say },
});

const scores = [];
let failed = false;
try {
  for (const name of modules) {
    const started = Date.now();
    console.log(`\n== mutate ${name}: ${MUTATION_MODULES[name].what}`);
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts/stryker-run.mjs')], {
      cwd: ROOT,
      stdio: 'inherit',
      env: {
        ...process.env,
        ORDERLY_MUTATE_MODULE: name,
        // A mutant that stops the work fails its test's wait in 4 s, not 10 (test/helpers/eventually.ts).
        ORDERLY_TEST_WAIT_MS: process.env.ORDERLY_TEST_WAIT_MS ?? '4000',
        MONGODB_URI: db.uri,
        ...(force ? { ORDERLY_MUTATE_FORCE: '1' } : {}),
      },
    });
    const minutes = ((Date.now() - started) / 60_000).toFixed(1);
    if (run.status !== 0) failed = true;
    scores.push({ name, minutes, ...summary(name), exit: run.status });
  }
} finally {
  await db.stop();
}

// A Markdown table, as README "Status" shows it.
console.log('\n| module | score | killed | timeout | survived | no coverage | minutes |');
console.log('|---|---|---|---|---|---|---|');
for (const s of scores) {
  const cells = [
    s.name,
    s.score ? `${s.score}%` : 'no report',
    s.killed,
    s.timeout,
    s.survived,
    s.noCoverage,
  ];
  console.log(`| ${[...cells.map((c) => c ?? '-'), s.minutes].join(' | ')} |`);
}
process.exit(failed ? 1 : 0);

/** Counts from the module's JSON report: score = (killed + timeout) / all valid mutants. */
function summary(name) {
  const file = join(ROOT, 'reports/mutation', name, 'mutation.json');
  if (!existsSync(file)) return {};
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const count = { Killed: 0, Survived: 0, NoCoverage: 0, Timeout: 0 };
  for (const f of Object.values(report.files)) {
    for (const m of f.mutants) if (m.status in count) count[m.status]++;
  }
  const valid = count.Killed + count.Survived + count.NoCoverage + count.Timeout;
  return {
    score: valid ? ((100 * (count.Killed + count.Timeout)) / valid).toFixed(1) : undefined,
    killed: count.Killed,
    survived: count.Survived,
    noCoverage: count.NoCoverage,
    timeout: count.Timeout,
  };
}
