import { join } from 'node:path';
import { ensureIndexes } from '../models/index.js';
import { loadConfig, toolEnv } from '../src/config.js';
import { connectDatabase } from '../src/db.js';
import { seedDemoCatalogue } from '../src/demo-catalogue.js';
import { PROJECT_ROOT, startEmbeddedDb } from '../src/embedded-db.js';
import { createLogger } from '../src/logger.js';
import { createServices } from '../src/services.js';

/** `npm run seed`: loads the demo catalogue into MONGODB_URI or the embedded database. */
process.on('uncaughtException', (err) => {
  process.stderr.write(`orderly seed: ${err.message}\n`);
  process.exit(1);
});
const config = loadConfig();
const log = createLogger(config.logLevel);
const tools = toolEnv();
const embedded = config.mongodbUri
  ? undefined
  : await startEmbeddedDb({
      dataDir: join(PROJECT_ROOT, '.data'),
      prefer: tools.embeddedDb,
      env: tools.childEnv,
      log,
    });
const db = await connectDatabase(config.mongodbUri ?? (embedded?.uri as string), log);
try {
  const deps = createServices(config, db, log);
  await ensureIndexes(deps.models);
  const added = await seedDemoCatalogue(deps.inventory);
  log.info({ added }, added.length ? 'demo catalogue loaded' : 'demo catalogue already present');
} finally {
  await db.close();
  await embedded?.stop();
}
