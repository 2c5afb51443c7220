import { createServer, type Server } from 'node:http';
import { type AddressInfo, isIPv6 } from 'node:net';
import type { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import { createAgenda, defineJobs, scheduleRecurring } from '../jobs/index.js';
import { createRepositories, ensureIndexes, type Repositories } from '../models/index.js';
import type { Config } from './config.js';
import { connectDatabase, type Database } from './db/connection.js';
import { migrateDatabase } from './db/migrate.js';
import { withinDeadline } from './deadline.js';
import { routeEventsToDelivery } from './delivery/subscribe.js';
import { effectKeeper } from './doors.js';
import { createHttpApp } from './http.js';
import { resolveInvoiceLinkSecret } from './invoices/links.js';
import type { Logger } from './logger.js';
import { createScheduler } from './scheduler.js';
import { createServices, type Deps } from './services.js';

export interface RunningApp {
  url: string;
  deps: Deps;
  /** For main (first-start demo data), the benchmark's bulk load and tests; never for doors or jobs. */
  repos: Repositories;
  db: Database;
  agenda: Agenda;
  server: Server;
  /** Stops accepting, finishes in-flight requests and jobs, closes the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  uri: string;
  log: Logger;
  /** Database name; default: the one in the URI. Tests give each file its own. */
  dbName?: string;
  /** Run the background work: Agenda's job processor and the delivery of effects (default true). */
  jobs?: boolean;
  /** Driver command events (tests that check which commands a path sends); off in production. */
  monitorCommands?: boolean;
}

/**
 * config → db → migrate → repositories → services → jobs defined → HTTP → listen → jobs run.
 * Used by main.ts, the benchmark and the tests alike.
 */
export async function startApp(config: Config, opts: StartOptions): Promise<RunningApp> {
  const db = await connectDatabase(opts.uri, opts.log, {
    dbName: opts.dbName,
    poolSize: config.mongodbPoolSize,
    monitorCommands: opts.monitorCommands,
  });
  try {
    await migrateDatabase(db.connection, opts.log, { timezone: config.timezone });
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  const repos = createRepositories(db.connection, { keepEffect: effectKeeper(config) });
  await ensureIndexes(repos);
  const invoiceLinks = await resolveInvoiceLinkSecret(config.invoiceLinks.secret, repos.settings);
  // Agenda stores jobs from the start (a service may schedule one); it runs them only once started.
  const agenda = createAgenda(db.connection.db as unknown as Db, {
    pollMs: config.jobPollInterval.ms,
    log: opts.log,
  });
  const deps = createServices(
    config,
    repos,
    opts.log,
    { ping: db.ping, up: db.up },
    { invoiceLinks },
    createScheduler(agenda),
  );
  defineJobs(agenda, deps);
  // Agenda connects its backend (and creates its index) as soon as it is made; wait for that so
  // a start-up failure surfaces here and a quick stop never interrupts it.
  await agenda.ready;

  const app = createHttpApp(deps);
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // HOST, else loopback only while a published sandbox secret is accepted (config.listen).
    server.listen({ port: config.port, host: config.listen.host }, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (err) => {
    await agenda.stop(false).catch(() => undefined);
    await db.close().catch(() => undefined);
    throw new Error(`cannot listen on port ${config.port}: ${(err as Error).message}`, { cause: err });
  });
  // Jobs start only once the port is ours: a start-up that fails to listen has run no job, so it
  // stops cleanly with one line saying why.
  if (opts.jobs !== false) {
    routeEventsToDelivery(deps.events, deps.delivery);
    deps.delivery.start(config.delivery.sweepEvery.ms);
    await agenda.start();
    await scheduleRecurring(agenda, opts.log, deps);
  }
  // Slack retries after 3 s and Twilio gives up after 15 s; nothing of ours should hang longer.
  server.requestTimeout = 30_000;
  // An idle keep-alive connection is closed by the client or the proxy in front (their idle
  // timeouts are 60 s or less), never by us first: a server that closes it (Node's default, 5 s)
  // races the next request sent on it, which then fails with ECONNRESET (a 502 behind a proxy).
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // A keep-alive connection that finishes its request after close() would otherwise be kept
      // open until its idle timeout: close each one as soon as it goes idle.
      const sweeper = setInterval(() => server.closeIdleConnections(), 50);
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
      clearTimeout(timer);
      clearInterval(sweeper);
      server.closeAllConnections();
      // What the doors carry on after answering (Slack's listeners after their acknowledgement,
      // a text answered late) is waited for like a request.
      await withinDeadline(deps.carryOn.idle(), 10_000);
      // The customers' texts still waiting for their batch are written while the database is open.
      await withinDeadline(deps.textLog.close(), 5_000);
      // Let running deliveries and jobs finish, then stop polling, so closing the database
      // interrupts nothing; what is left undelivered stays due on its order for the next start.
      await deps.delivery.stop(10_000);
      await agenda.drain({ timeout: 10_000, closeConnection: false });
      await agenda.stop(false);
      await db.close();
    })();
    return stopping;
  };
  return { url: `http://${localAddress(config.listen.host)}:${port}`, deps, repos, db, agenda, server, stop };
}

/** An address of this machine that reaches a server listening on `host` (all interfaces: loopback). */
function localAddress(host: string | undefined): string {
  if (host === undefined || host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return isIPv6(host) ? `[${host}]` : host;
}
