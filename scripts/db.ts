import pino from 'pino';
import { toolEnv } from '../src/config.js';
import { describeServer } from '../src/db/connection.js';
import { DATA_DIR, startDatabase } from '../src/db/start.js';
import { createLogger } from '../src/logger.js';

/**
 * `npm run db [-- --port N]`: the embedded database on its own, with its data in `.data/` (as
 * `npm start` keeps it), for several Orderly processes on one machine. It prints the
 * MONGODB_URI to give each of them and runs until Ctrl-C or SIGTERM.
 *
 *   npm run db                      # 127.0.0.1:27017
 *   MONGODB_URI=mongodb://127.0.0.1:27017/orderly PORT=3001 npm start
 */
const USAGE = 'usage: npm run db [-- --port N]   (N: 1-65535, default 27017)';
const args = process.argv.slice(2);
let port = 27017;
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--help' || arg === '-h') {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const value = arg === '--port' ? args[++i] : arg?.startsWith('--port=') ? arg.slice(7) : undefined;
  if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
    process.stderr.write(
      `orderly db: ${arg === '--port' || arg?.startsWith('--port=') ? `not a port: ${value ?? '(none)'}` : `unknown argument: ${arg}`}\n${USAGE}\n`,
    );
    process.exit(2);
  }
  port = Number(value);
}

const tools = toolEnv();
// Log lines go to stderr; stdout carries the MONGODB_URI line only, for scripts to read.
const log = createLogger(tools.logLevel ?? 'info', pino.destination(2));
let database: Awaited<ReturnType<typeof startDatabase>>;
try {
  database = await startDatabase({
    dataDir: tools.dataDir ?? DATA_DIR,
    port,
    ...(tools.embeddedDb ? { prefer: tools.embeddedDb } : {}),
    env: tools.childEnv,
    log,
    onLost: (reason) => {
      log.fatal({ reason }, 'embedded database lost; exiting');
      process.exit(1);
    },
  });
} catch (err) {
  const message = (err as Error).message;
  const inUse = /EADDRINUSE|address already in use|did not listen/i.test(message);
  process.stderr.write(
    `orderly db: ${message}${inUse ? `\nPort ${port} may be taken: try npm run db -- --port ${port + 1}` : ''}\n`,
  );
  process.exit(1);
}

const server = await describeServer(database.uri);
if (!server.atomicWrites) {
  log.warn(
    { kind: database.kind },
    'this database server lacks atomic writes across connections: run one Orderly process on it',
  );
}
log.info(
  { kind: database.kind, data: tools.dataDir ?? DATA_DIR, atomicWrites: server.atomicWrites },
  'database ready: start each Orderly process with MONGODB_URI set to the MONGODB_URI line this prints (npm run seed loads the demo products)',
);
// The one line a script may read: stdout carries nothing else.
process.stdout.write(`MONGODB_URI=${database.uri}\n`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping the database');
  await database.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
