import { startApp } from '../src/app.js';
import { loadConfig, toolEnv } from '../src/config.js';
import { startConfiguredDatabase } from '../src/db/start.js';
import { seedDemoCatalogue } from '../src/demo-catalogue.js';
import { createLogger } from '../src/logger.js';

/** `npm run seed`: loads the demo catalogue into MONGODB_URI or the embedded database. */
process.on('uncaughtException', (err) => {
  process.stderr.write(`orderly seed: ${err.message}\n`);
  process.exit(1);
});
const config = loadConfig({ ...process.env, PORT: '0' });
const log = createLogger(config.logLevel);
const tools = toolEnv();
const database = await startConfiguredDatabase(config.mongodbUri, tools, log);
// The app itself (without its job processor) so the database is migrated and indexed as on start.
const app = await startApp(config, { uri: database.uri, log, jobs: false });
try {
  const added = await seedDemoCatalogue(app.deps.inventory);
  log.info({ added }, added.length ? 'demo catalogue loaded' : 'demo catalogue already present');
} finally {
  await app.stop();
  await database.stop();
}
process.exit(0);
