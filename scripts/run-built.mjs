// Plain JavaScript, so it runs before anything is built.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * `npm run slack|sms|call`: runs `dist/scripts/<name>.js` with the same arguments, environment and
 * exit code, building first (`tsc -p tsconfig.build.json`) only when the build is missing or a
 * source is newer than it. A current build starts at once instead of after a 12 s `tsc`.
 *
 *   node scripts/run-built.mjs slack-try /order help
 */
const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const SOURCE_DIRS = ['src', 'handlers', 'models', 'jobs', 'scripts'];

/** The newest TypeScript source or tsconfig, by modification time. */
function newestSource() {
  let newest = { path: '', mtimeMs: 0 };
  const consider = (path) => {
    const { mtimeMs } = statSync(path);
    if (mtimeMs > newest.mtimeMs) newest = { path, mtimeMs };
  };
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) consider(path);
    }
  };
  for (const dir of SOURCE_DIRS) walk(join(ROOT, dir));
  for (const name of readdirSync(ROOT)) if (/^tsconfig.*\.json$/.test(name)) consider(join(ROOT, name));
  return newest;
}

const [name, ...args] = process.argv.slice(2);
if (!name || !/^[\w-]+$/.test(name)) {
  process.stderr.write('usage: node scripts/run-built.mjs <script in scripts/, without .ts> [args…]\n');
  process.exit(2);
}
const built = join(ROOT, 'dist', 'scripts', `${name}.js`);
const builtAt = statSync(built, { throwIfNoEntry: false })?.mtimeMs;
const source = newestSource();
if (builtAt === undefined || source.mtimeMs > builtAt) {
  const why =
    builtAt === undefined
      ? `${relative(ROOT, built)} is not built yet`
      : `${relative(ROOT, source.path)} changed since the last build`;
  process.stderr.write(`building first (${why}): tsc -p tsconfig.build.json\n`);
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  // tsc exits 2 when it found type errors but wrote the files anyway (noEmitOnError is off).
  if (result.status === 2) process.stderr.write('type errors above; running what tsc wrote anyway\n');
  else if (result.status !== 0) {
    process.stderr.write(
      `the build failed (${result.error?.message ?? `exit ${result.status}`}); nothing was run\n`,
    );
    process.exit(result.status || 1);
  }
}
if (!statSync(built, { throwIfNoEntry: false })) {
  process.stderr.write(`no ${relative(ROOT, built)}: is there a scripts/${name}.ts?\n`);
  process.exit(2);
}
// The script reads its arguments from process.argv, as if it had been started directly.
process.argv = [process.argv[0], built, ...args];
await import(pathToFileURL(built).href);
