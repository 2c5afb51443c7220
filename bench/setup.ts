import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, toolEnv } from '../src/config.js';
import { PROJECT_ROOT } from '../src/db/project.js';
import { startDatabase } from '../src/db/start.js';
import { createLogger } from '../src/logger.js';
import { type Fake, startFakeSlack, startFakeTwilio } from './fakes.js';
import { APPROVER, CONSOLE_KEY, homeUser } from './interactions.js';
import type { AppProcess } from './processes.js';
import { CHANNEL_IDS } from './seed-data.js';
import { SLACK_SECRET, TWILIO } from './signing.js';

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

/** The app's environment in the benches: production, Slack and Twilio live against the fakes. */
export function benchAppEnv(
  poolSize: number,
  slackUrl: string,
  twilioUrl: string,
  apiKey: string,
): Record<string, string> {
  return {
    NODE_ENV: 'production',
    MONGODB_POOL_SIZE: String(poolSize),
    PORT: '0',
    LOG_LEVEL: 'warn',
    API_KEYS: `bench:${apiKey}`,
    PUBLIC_URL: TWILIO.publicUrl,
    BUSINESS_NAME: 'Bench Shop',
    BUSINESS_ADDRESS: '1 Bench Street, Springfield',
    BUSINESS_TAX_ID: 'BENCH-0001',
    SLACK_SIGNING_SECRET: SLACK_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-bench-token',
    SLACK_API_URL: `${slackUrl}/api/`,
    SLACK_CHANNEL_APPROVALS: CHANNEL_IDS.approvals,
    SLACK_CHANNEL_FULFILLMENT: CHANNEL_IDS.fulfillment,
    SLACK_CHANNEL_INVENTORY: CHANNEL_IDS.inventory,
    SLACK_APPROVER_IDS: [APPROVER, ...Array.from({ length: 32 }, (_, w) => homeUser(w))].join(','),
    // The console's pages are read as a staff member signed in with the console key would.
    CONSOLE_API_KEY: `bench-console:${CONSOLE_KEY}:read+act+stock+admin`,
    TWILIO_ACCOUNT_SID: TWILIO.accountSid,
    TWILIO_AUTH_TOKEN: TWILIO.authToken,
    TWILIO_PHONE_NUMBER: TWILIO.number,
    TWILIO_API_URL: twilioUrl,
    // The abuse limits stay on (their cost is measured) but never refuse the bench's own load.
    API_RATE_LIMIT: '1000000',
    SMS_RATE_LIMIT: '1000000',
    // The follow-up is timed from its job's start, a second after the delivery (the job then runs
    // when due, not at the next poll). Only the orders the bench delivers have one: seeded orders
    // are inserted delivered, with no job.
    FOLLOW_UP_DELAY: '1 second',
  };
}

/**
 * Waits until the app's jobs are done and nothing reached the fakes for `idleMs` (or `maxMs`
 * passed); resolves with how long that took.
 */
export function quietWaiter(host: Pick<AppProcess, 'stats'>, fakes: Pick<Fake, 'activity'>[]) {
  return async (idleMs: number, maxMs: number): Promise<number> => {
    const start = performance.now();
    while (performance.now() - start < maxMs) {
      const s = await host.stats();
      const last = Math.max(...fakes.map((f) => f.activity().lastAt));
      if (s.runningJobs === 0 && s.idleMs >= idleMs && performance.now() - last >= idleMs) {
        return performance.now() - start;
      }
      await new Promise((r) => setTimeout(r, Math.min(20, idleMs / 2)));
    }
    return performance.now() - start;
  };
}
