import type { Server } from 'node:http';
import { type AddressInfo, isIPv6 } from 'node:net';
import { startApp } from './app.js';
import { type Config, ConfigError, loadConfig, toolEnv } from './config.js';
import { startConfiguredDatabase } from './db/start.js';
import { seedDemoCatalogue } from './demo-catalogue.js';
import { createLogger } from './logger.js';

/** Composition root: config → database → services → HTTP and jobs → listen. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      // One line naming the variable; never start half-configured.
      process.stderr.write(`orderly: configuration error: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const tools = toolEnv();

  const database = await startConfiguredDatabase(config.mongodbUri, tools, log, (reason) => {
    // Without its database the server can only answer 503: exit so a supervisor starts it afresh.
    log.fatal({ reason }, 'embedded database lost; exiting');
    process.exit(1);
  });
  const embedded = database.kind !== 'uri';

  let app: Awaited<ReturnType<typeof startApp>>;
  try {
    app = await startApp(config, { uri: database.uri, log });
  } catch (err) {
    // Do not leave the embedded database running (and its data folder locked) behind us.
    await database.stop().catch(() => undefined);
    throw err;
  }
  if (embedded && (await app.deps.inventory.count()) === 0) {
    const added = await seedDemoCatalogue(app.deps.inventory);
    log.info({ products: added }, 'empty embedded database: demo catalogue loaded');
  }

  log.info(
    {
      url: app.url.replace('127.0.0.1', 'localhost'),
      database: embedded ? database.describe : 'MONGODB_URI',
      slack: DOOR_STATES[config.slack.door],
      twilio: DOOR_STATES[config.twilio.door],
    },
    `Orderly is listening on ${listeningOn(config, app.server)}`,
  );
  if (
    config.listen.host &&
    !config.listen.localOnly &&
    config.sandboxSecrets &&
    !isLoopback(config.listen.host)
  ) {
    log.warn(
      { host: config.listen.host },
      'HOST opens this server beyond this machine while the published sandbox secrets are accepted: anyone who can reach it can use them',
    );
  }
  if (config.slack.sandbox && config.slack.signingSecret) {
    log.warn(
      { try: 'npm run slack -- /order help', outbox: `${app.url.replace('127.0.0.1', 'localhost')}/outbox` },
      'Slack has no credentials: messages for Slack go to the outbox, and /slack/events accepts requests signed with the sandbox secret',
    );
  }
  if (!config.apiKeysFromEnv && config.apiKeys.length === 0) {
    log.warn(
      'API_KEYS is not set and the sandbox key is off (a door is live or PUBLIC_URL is set): the REST API answers 503',
    );
  } else if (!config.apiKeysFromEnv) {
    log.warn(
      { header: `Authorization: Bearer ${config.apiKeys[0]?.key}` },
      'API_KEYS is not set: the REST API accepts the sandbox key (never in production)',
    );
  }
  // A key without scopes may approve, ship and change stock: fine for a first try, not for a till.
  for (const warning of config.apiKeyWarnings) log.warn(warning);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests and jobs');
    try {
      await app.stop();
      await database.stop();
      log.info('stopped');
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'unclean shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled promise rejection'));
}

main().catch((err) => {
  process.stderr.write(`orderly: failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});

const DOOR_STATES = {
  live: 'live',
  sandbox: 'sandbox (no credentials)',
  off: 'off (turned off on purpose)',
} as const;

/** The start line's "where": the address and port bound, and why when it is loopback only. */
function listeningOn(config: Config, server: Server): string {
  const { port } = server.address() as AddressInfo;
  const host = config.listen.host;
  if (host === undefined) return `port ${port} on all interfaces`;
  const url = `http://${isIPv6(host) ? `[${host}]` : host}:${port}`;
  if (config.listen.localOnly) return `${url} (sandbox: local only; set HOST to change)`;
  return host === '0.0.0.0' || host === '::' ? `${url} (all interfaces)` : url;
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');
