// Plain ESM because Jest loads global setup outside its module mapper; it uses the build that
// `npm run test:jest` makes first (dist/).
import { startDatabase } from '../dist/src/db/start.js';

/**
 * One database server for the whole run: MONGODB_URI if set, else mongodb-memory-server, else
 * FerretDB (built once into .cache/). Each test file then uses its own database on it.
 */
export default async function globalSetup() {
  const given = process.env.MONGODB_URI?.trim();
  const say = (obj, msg) => process.stderr.write(`[test db] ${msg} ${JSON.stringify(obj)}\n`);
  const db = await startDatabase({
    uri: given || undefined,
    prefer: process.env.ORDERLY_EMBEDDED_DB,
    env: process.env,
    log: { info: say, warn: say, error: say },
  });
  if (given) say({}, 'using MONGODB_URI');
  process.env.ORDERLY_TEST_MONGODB_URI = db.uri;
  globalThis.__ORDERLY_DB__ = db;
}
