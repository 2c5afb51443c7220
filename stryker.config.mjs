// StrykerJS for one module of scripts/mutation-modules.mjs, named by ORDERLY_MUTATE_MODULE.
// Run it through `npm run mutate -- <module>` (scripts/mutate.mjs), which also starts the one
// database server every test run of the module shares.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import jestConfig from './jest.config.js';
import { MUTATION_MODULES } from './scripts/mutation-modules.mjs';

const name = process.env.ORDERLY_MUTATE_MODULE ?? '';
const module = MUTATION_MODULES[name];
if (!module) {
  throw new Error(`ORDERLY_MUTATE_MODULE must be one of: ${Object.keys(MUTATION_MODULES).join(', ')}`);
}

const indent = (line) => line.length - line.trimStart().length;

/**
 * `file:start-end` for the block starting at the `nth` line (1 = the first) containing `at`
 * (line numbers 1-based, inclusive).
 */
export function blockRange(file, at, nth = 1) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const matches = lines.flatMap((l, i) => (l.includes(at) ? [i] : []));
  const start = matches[nth - 1] ?? -1;
  if (start < 0) throw new Error(`mutation module ${name}: "${at}" (match ${nth}) not found in ${file}`);
  const depth = indent(lines[start]);
  let end = start;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    // Deeper lines belong to the block; so do its closing brackets at the block's own depth.
    if (indent(line) > depth || (indent(line) === depth && /^[}\])]/.test(line.trimStart()))) end = i;
    else break;
  }
  return `${file}:${start + 1}-${end + 1}`;
}

const mutate = module.mutate.flatMap((entry) => {
  const file = typeof entry === 'string' ? entry : entry.file;
  if (!existsSync(file)) return [];
  return [typeof entry === 'string' ? file : blockRange(file, entry.at, entry.nth)];
});

const reports = `reports/mutation/${name}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  // Jest runs our TypeScript as native ESM (see jest.config.js), in each test runner process.
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // Only the module's own test files; global setup uses the database scripts/mutate.mjs started.
    config: {
      testMatch: module.tests.map((t) => `<rootDir>/${t}`),
      maxWorkers: 1,
      // The sandbox has no node_modules of its own (ours is a link Stryker does not follow), so
      // a mapping into <rootDir>/node_modules must name the project's.
      moduleNameMapper: Object.fromEntries(
        Object.entries(jestConfig.moduleNameMapper).map(([from, to]) => [
          from,
          to.replace('<rootDir>/node_modules', resolve('node_modules')),
        ]),
      ),
    },
    // Every integration test imports the whole app, so "related tests" would be all of them.
    enableFindRelatedTests: false,
  },
  mutate,
  // perTest: a mutant runs only the tests that reach it (static ones, like the lifecycle table, run all).
  coverageAnalysis: 'perTest',
  // One test runner by default: each starts the app and shares the 2-core machine with the
  // database. ORDERLY_MUTATE_CONCURRENCY=2 on a quiet machine halves a run.
  concurrency: Number(process.env.ORDERLY_MUTATE_CONCURRENCY) || 1,
  // Added to the mutant's expected time (its tests' time in the dry run × timeoutFactor): enough
  // for a slow start on a busy machine, short enough that a mutant stuck in a wait loop (the
  // replay's 15 s wait for another placement) ends as a timeout instead of holding the run.
  // A module whose mutants mostly stop work (the effects' lanes) may ask for less.
  timeoutMS: module.timeoutMS ?? 10_000,
  timeoutFactor: 2,
  // The built db starter (dist/) is copied with the sandbox: global setup imports it.
  ignorePatterns: ['.cache', '.data', 'coverage', 'bench/results'],
  incremental: true,
  incrementalFile: `${reports}/incremental.json`,
  reporters: ['html', 'json', 'clear-text', 'progress-append-only'],
  htmlReporter: { fileName: `${reports}/index.html` },
  jsonReporter: { fileName: `${reports}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  thresholds: { high: 90, low: 75, break: null },
};
