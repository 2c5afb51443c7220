import type { Logger } from 'pino';

/** What the embedded database launchers (mongod, FerretDB) take and give. */
export type EmbeddedKind = 'mongod' | 'ferretdb';

export interface EmbeddedDb {
  kind: EmbeddedKind;
  uri: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Keep data here across restarts; unset: a temporary folder removed on stop. */
  dataDir?: string;
  /** Listen on this port (127.0.0.1); unset: a free one. */
  port?: number;
  /** `ferretdb`: skip mongod; `mongod`: try mongod even after a recent failed download. */
  prefer?: string;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Environment for child processes (go needs PATH, HOME); from config's toolEnv(). */
  env: NodeJS.ProcessEnv;
  /**
   * The embedded server died and could not be brought back (FerretDB is restarted up to a few
   * times first): the process should exit non-zero so a supervisor restarts it whole.
   */
  onLost?: (reason: string) => void;
}
