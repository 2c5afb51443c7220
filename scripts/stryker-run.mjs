// One Stryker run with stryker.config.mjs, for scripts/mutate.mjs (ORDERLY_MUTATE_MODULE names
// the module). StrykerJS 10's command line refuses Node.js below 22 at start-up, while its
// engine runs on the Node.js 20 this project supports, so the engine is started directly (a
// file import: the package exports only its command line's entry).
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const { Stryker } = await import(
  pathToFileURL(join(ROOT, 'node_modules/@stryker-mutator/core/dist/src/stryker.js')).href
);
const results = await new Stryker({
  configFile: 'stryker.config.mjs',
  ...(process.env.ORDERLY_MUTATE_FORCE ? { force: true } : {}),
}).runMutationTest();
process.exitCode = results.length > 0 ? 0 : 1;
