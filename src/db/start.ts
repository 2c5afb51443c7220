import { join } from 'node:path';
import type { Logger } from 'pino';
import { redactUri } from './connection.js';
import { type EmbeddedKind, startEmbeddedDb } from './embedded.js';
import { PROJECT_ROOT } from './project.js';

/** Where the app's data lives when no MONGODB_URI is given (`npm start`, `npm run seed`). */
export const DATA_DIR = join(PROJECT_ROOT, '.data');

export interface StartedDatabase {
  uri: string;
  /** `uri`: the server named by MONGODB_URI; otherwise the embedded server we started. */
  kind: 'uri' | EmbeddedKind;
  /** For the start-up log line: where the data is. */
  describe: string;
  /** Stops the embedded server (nothing for a MONGODB_URI). */
  stop(): Promise<void>;
}

export interface StartDatabaseOptions {
  /** MONGODB_URI, if set: used as it is. */
  uri?: string;
  /** Keep the embedded server's data here; unset: a temporary folder removed on stop. */
  dataDir?: string;
  /** ORDERLY_EMBEDDED_DB: `ferretdb` skips mongod, `mongod` retries it. */
  prefer?: string;
  /** The embedded server's port (`npm run db -- --port`); unset: a free one. */
  port?: number;
  env: NodeJS.ProcessEnv;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** The embedded server died for good (see EmbeddedOptions.onLost). */
  onLost?: (reason: string) => void;
}

/**
 * The app's database as configured: MONGODB_URI, else the embedded server keeping its data in
 * `.data/` (`main` and `seed`).
 */
export function startConfiguredDatabase(
  mongodbUri: string | undefined,
  tools: { embeddedDb?: string | undefined; dataDir?: string | undefined; childEnv: NodeJS.ProcessEnv },
  log: StartDatabaseOptions['log'],
  onLost?: (reason: string) => void,
): Promise<StartedDatabase> {
  return startDatabase({
    ...(mongodbUri ? { uri: mongodbUri } : {}),
    ...(onLost ? { onLost } : {}),
    dataDir: tools.dataDir ?? DATA_DIR,
    ...(tools.embeddedDb ? { prefer: tools.embeddedDb } : {}),
    env: tools.childEnv,
    log,
  });
}

/**
 * The one way to get a database server, for `main`, `seed`, `bench` and the tests' global setup:
 * MONGODB_URI when given, else an embedded server (mongod through mongodb-memory-server, else our
 * patched FerretDB on SQLite).
 */
export async function startDatabase(opts: StartDatabaseOptions): Promise<StartedDatabase> {
  if (opts.uri) {
    return {
      uri: opts.uri,
      kind: 'uri',
      describe: `MONGODB_URI (${redactUri(opts.uri)})`,
      stop: async () => {},
    };
  }
  const embedded = await startEmbeddedDb({
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.prefer ? { prefer: opts.prefer } : {}),
    ...(opts.port ? { port: opts.port } : {}),
    env: opts.env,
    log: opts.log,
    ...(opts.onLost ? { onLost: opts.onLost } : {}),
  });
  return {
    uri: embedded.uri,
    kind: embedded.kind,
    describe: `embedded ${embedded.kind}${opts.dataDir ? ' (data in .data/)' : ''}`,
    stop: () => embedded.stop(),
  };
}
