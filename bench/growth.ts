import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { createRepositories } from '../models/index.js';
import { connectDatabase, DEFAULT_POOL_SIZE, describeServer } from '../src/db/connection.js';
import { createClient } from './client.js';
import { consoleSignIn, floorInteractions, type World } from './interactions.js';
import { load } from './measure.js';
import { measurePhase, type PhaseOptions } from './phase.js';
import { startAppProcess, startFloorProcess } from './processes.js';
import { evaluate, type Results, render, writeResults } from './report.js';
import { createSeeder } from './seed.js';
import { benchAppEnv, quietWaiter, startBenchEnvironment } from './setup.js';
import { api } from './signing.js';

/**
 * `npm run bench -- growth` (or `npm run bench:growth`): does the app's cost stay flat as orders
 * pile up? Against MONGODB_URI, or a temporary embedded database, with a fresh database name:
 *
 * 1. starts the real app in a process of its own (app-host.ts: jobs on as in production, Slack and
 *    Twilio live against recording fakes, so nothing goes to the sandbox outbox) and seeds, in bulk
 *    through the repositories' insertMany, 300 products and 1,000 orders (200 of them open, on the
 *    order board, holding their reservations) with customers, texts and idempotency keys;
 * 2. at that size (phase.ts): runs every read hot for a moment (untimed), then times each
 *    interaction one request at a time (p50/p90 of --n after --warmup, the app settled between
 *    requests) and under --workers closed-loop workers for --duration ms after a warm-up second,
 *    and Slack's acknowledgement of `/order <n>` under 20; then, one at a time only, a call to the
 *    voice menu, `pack` (the invoice), the follow-up text after `deliver` and `receive_return`
 *    (the credit note), on orders the bench carries through the lifecycle untimed in between;
 * 3. cancels the orders it placed (so the same 200 stay open), seeds closed orders and their
 *    customers up to --orders (100,000), and measures everything again;
 * 4. measures the FLOOR (floor.ts: node:http + the raw driver, one connection, the least work) for
 *    SMS STATUS and placement, with the same workers and duration;
 * 5. prints the tables, writes bench/results/growth-<time>.json, growth-latest.json and the app's
 *    log, and exits 1 if a target (report.ts) is missed or any request failed.
 *
 * Options: --orders 100000 --small 1000 --customers 20000 --n 40 --warmup 5 --workers 16
 * --duration 5000 --keep (leave the database in place). Takes about 10 minutes; run it alone, as
 * it uses the whole machine (the app, the floor, the load and the database share its cores).
 */

const { values: opt } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== 'growth'),
  options: {
    orders: { type: 'string', default: '100000' },
    small: { type: 'string', default: '1000' },
    customers: { type: 'string', default: '20000' },
    n: { type: 'string', default: '40' },
    warmup: { type: 'string', default: '5' },
    workers: { type: 'string', default: '16' },
    duration: { type: 'string', default: '5000' },
    keep: { type: 'boolean', default: false },
  },
});
const ORDERS = Number(opt.orders);
const SMALL = Number(opt.small);
const CUSTOMERS = Number(opt.customers);
const PRODUCTS = 300;
const OPEN = 200;
const API_KEY = 'bench-growth-key-0123456789';
const startedAt = new Date().toISOString();
const began = performance.now();
const say = (line: string) => console.log(line);
/** Progress, with the minutes since the start. */
const progress = (line: string) =>
  console.log(`[${((performance.now() - began) / 60_000).toFixed(1)} min] ${line}`);
const mb = (bytes: number) => Math.round(bytes / 1e6);

const { log, database, dbName, slack, twilio, logFile } = await startBenchEnvironment('growth', startedAt);

// The app's pool as connectDatabase will choose it, given to the app and to the floor alike.
const server = await describeServer(database.uri);
const poolSize = server.atomicWrites
  ? Number(process.env.MONGODB_POOL_SIZE) || DEFAULT_POOL_SIZE[server.backend]
  : 1;

const appEnv = benchAppEnv(poolSize, slack.url, twilio.url, API_KEY);

say(
  `growth bench: ${database.describe}, database ${dbName}, pool ${poolSize} (app and floor), ${cpus().length} CPUs, node ${process.version}`,
);
say(`app log: ${logFile}`);
const host = await startAppProcess(appEnv, database.uri, dbName, logFile);
const startRssMb = mb((await host.stats()).rss);
const seeding = await connectDatabase(database.uri, log, { dbName });
const repos = createRepositories(seeding.connection);
const seeder = createSeeder(repos, { products: PRODUCTS, open: OPEN, plannedOrders: ORDERS });
const client = createClient(host.url, 32);

const quiet = quietWaiter(host, [slack, twilio]);

const phaseOpts: PhaseOptions = {
  n: Number(opt.n),
  warmup: Number(opt.warmup),
  workers: Number(opt.workers),
  durationMs: Number(opt.duration),
  warmupMs: 1000,
  ackWorkers: 20,
  quiet,
  appStats: (resetPeak = false) => host.stats({ resetPeak }),
  say: progress,
};

let exitCode = 1;
try {
  const first = await seeder.first(SMALL, Math.max(1, Math.round((CUSTOMERS * SMALL) / ORDERS)));
  progress(
    `seeded ${SMALL} orders (${first.stats.customers} customers, ${first.stats.messages} texts) in ${(first.stats.ms / 1000).toFixed(1)} s`,
  );
  const world: World = {
    client,
    slack,
    twilio,
    host,
    apiKey: API_KEY,
    subjects: first.subjects,
    products: PRODUCTS,
    run: Date.now().toString(36),
    pending: [],
    placed: [],
    stage: { picking: [], packed: [], shipped: [], delivered: [], return_requested: [] },
    serial: 0,
  };
  world.consoleCookie = await consoleSignIn(client);
  const small = await measurePhase(labelOf(SMALL), await repos.orders.count(), world, phaseOpts);

  // Back to the seeded open orders only, so the lists at the large size hold the same 200.
  await closePlaced(world);
  const grow = await seeder.growTo(ORDERS, CUSTOMERS - first.stats.customers);
  progress(
    `seeded up to ${ORDERS} orders (+${grow.orders} orders, +${grow.customers} customers, +${grow.messages} texts, +${grow.keys} keys) in ${(grow.ms / 1000).toFixed(1)} s`,
  );
  progress(`open orders on the board: ${await repos.orderBoard.count()}`);
  const large = await measurePhase(labelOf(ORDERS), await repos.orders.count(), world, phaseOpts);

  await quiet(1000, 600_000);
  const stats = await host.stats();
  const floorProcess = await startFloorProcess(database.uri, dbName, poolSize, logFile);
  const floorClient = createClient(floorProcess.url, 32);
  const floorAttempts = floorInteractions(floorClient, world);
  const loadOpts = {
    workers: phaseOpts.workers,
    durationMs: phaseOpts.durationMs,
    warmupMs: phaseOpts.warmupMs,
  };
  const floor: Results['floor'] = {};
  for (const id of ['sms_status', 'place'] as const) {
    await quiet(1000, 60_000);
    floor[id] = await load(floorAttempts[id], loadOpts);
    progress(
      `  floor ${id} × ${loadOpts.workers}: ${floor[id]?.rps} req/s, p50/p99 ${floor[id]?.p50}/${floor[id]?.p99} ms`,
    );
  }
  floorClient.close();
  await floorProcess.stop();

  // Diagnostic only, after the RSS above was taken: is the heap live data or garbage not yet collected?
  const collected = await host.stats({ gc: true });
  const app = {
    startRssMb,
    rssMb: mb(stats.rss),
    peakRssMb: mb(stats.maxRss),
    heapUsedMb: mb(stats.heapUsed),
    heapAfterGcMb: mb(collected.heapUsed),
    rssAfterGcMb: mb(collected.rss),
  };
  const results: Results = {
    startedAt,
    database: database.describe,
    params: {
      n: phaseOpts.n,
      warmup: phaseOpts.warmup,
      workers: phaseOpts.workers,
      durationMs: phaseOpts.durationMs,
      warmupMs: phaseOpts.warmupMs,
      ackWorkers: phaseOpts.ackWorkers,
      products: PRODUCTS,
      open: OPEN,
      customers: CUSTOMERS,
      cpus: cpus().length,
      node: process.version,
      poolSize,
    },
    seeding: { first: first.stats, grow, totalMs: Math.round(first.stats.ms + grow.ms) },
    scales: [small, large],
    floor,
    app,
    slackCalls: slack.methods(),
    targets: evaluate(small, large, floor, app),
    pass: false,
  };
  results.pass = results.targets.every((t) => t.pass);
  say('');
  say(render(results));
  say(`\nresults: ${writeResults(results)}`);
  say(results.pass ? 'growth bench: all targets met' : 'growth bench: some targets missed');
  exitCode = results.pass ? 0 : 1;
} catch (err) {
  console.error('growth bench failed:', err);
} finally {
  client.close();
  await host.stop().catch(() => undefined);
  if (!opt.keep) await seeding.connection.dropDatabase().catch(() => undefined);
  await seeding.close().catch(() => undefined);
  await slack.stop();
  await twilio.stop();
  await database.stop();
}
process.exit(exitCode);

function labelOf(n: number): string {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

/** Cancels what the bench placed and is still open, untimed, so only the seeded orders stay open. */
async function closePlaced(world: World): Promise<void> {
  const numbers = [...world.placed];
  world.placed.length = 0;
  world.pending.length = 0;
  for (const list of Object.values(world.stage)) list.length = 0;
  const started = performance.now();
  const worker = async () => {
    for (let n = numbers.pop(); n !== undefined; n = numbers.pop()) {
      const res = await client.send(
        api('POST', `/api/v1/orders/${n}/actions`, API_KEY, { action: 'cancel', note: 'bench' }),
      );
      if (res.status !== 200 && res.status !== 409)
        throw new Error(`cancelling #${n}: HTTP ${res.status} ${res.body}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  await quiet(1000, 600_000);
  progress(`closed the bench's orders in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
