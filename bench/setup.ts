import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, toolEnv } from '../src/config.js';
import { PROJECT_ROOT } from '../src/db/project.js';
import { startDatabase } from '../src/db/start.js';
import { createLogger } from '../src/logger.js';
import { startFakeSlack, startFakeTwilio } from './fakes.js';
import { TWILIO } from './signing.js';

/**
 * What every bench that runs the app in its own process starts with: the database (MONGODB_URI
 * or the embedded one, as `npm start` chooses), a fresh database name, recording fakes of Slack
 * and Twilio, and a log file under bench/results/ named after the bench and its start.
 */
export async function startBenchEnvironment(bench: string, startedAt = new Date().toISOString()) {
  const tools = toolEnv();
  const log = createLogger('warn', process.stderr);
  const database = await startDatabase({
    ...(loadConfig({ MONGODB_URI: tools.childEnv.MONGODB_URI }).mongodbUri
      ? { uri: tools.childEnv.MONGODB_URI }
      : {}),
    ...(tools.embeddedDb ? { prefer: tools.embeddedDb } : {}),
    env: tools.childEnv,
    log,
  });
  const slack = await startFakeSlack();
  const twilio = await startFakeTwilio(TWILIO.accountSid);
  mkdirSync(join(PROJECT_ROOT, 'bench', 'results'), { recursive: true });
  const logFile = join(PROJECT_ROOT, 'bench', 'results', `${bench}-${startedAt.replace(/[:.]/g, '-')}.log`);
  return { log, database, dbName: `${bench}_${Date.now()}`, slack, twilio, logFile };
}
