import { parseArgs } from 'node:util';
import { createRepositories } from '../models/index.js';
import { connectDatabase, DEFAULT_POOL_SIZE, describeServer } from '../src/db/connection.js';
import { createClient } from './client.js';
import { floorInteractions, interactions, LABELS, type World } from './interactions.js';
import { type LoadResult, load } from './measure.js';
import { startAppProcess, startFloorProcess } from './processes.js';
import { TARGETS } from './report.js';
import { createSeeder } from './seed.js';
import { benchAppEnv, quietWaiter, startBenchEnvironment } from './setup.js';

/**
 * `npm run bench -- standing`: the standing targets alone, in about two minutes, for working on
 * them (the growth bench, which takes ten or more, is the one of record). At one small size
 * (--orders, 1,000): SMS `STATUS` and placement under --workers against the floor, measured
 * alternately --rounds times so that both see the same machine; Slack's acknowledgement of
 * `/order <n>` under 20; the app's RSS at the end. Prints each round and the medians; exits 1
 * when a target is missed. BENCH_APP_FLAGS (bench/processes.ts) profiles the app meanwhile.
 */
const { values: opt } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== 'standing'),
  options: {
    orders: { type: 'string', default: '1000' },
    workers: { type: 'string', default: '16' },
    duration: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '2' },
    // One of sms_status, place, ack: only that measure (with a profile, only that code runs).
    only: { type: 'string' },
  },
});
const API_KEY = 'bench-standing-key-0123456789';
const say = (line: string) => console.log(line);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const { log, database, dbName, slack, twilio, logFile } = await startBenchEnvironment('standing');
const server = await describeServer(database.uri);
const poolSize = server.atomicWrites
  ? Number(process.env.MONGODB_POOL_SIZE) || DEFAULT_POOL_SIZE[server.backend]
  : 1;
say(`standing bench: ${database.describe}, pool ${poolSize}, app log ${logFile}`);
const host = await startAppProcess(
  benchAppEnv(poolSize, slack.url, twilio.url, API_KEY),
  database.uri,
  dbName,
  logFile,
);
const seeding = await connectDatabase(database.uri, log, { dbName });
const repos = createRepositories(seeding.connection);
const orders = Number(opt.orders);
const seeder = createSeeder(repos, { products: 300, open: 200, plannedOrders: orders });
const client = createClient(host.url, 32);
const floorProcess = await startFloorProcess(database.uri, dbName, poolSize, logFile);
const floorClient = createClient(floorProcess.url, 32);

const waitQuiet = quietWaiter(host, [slack, twilio]);
/** Until the app's jobs are done and nothing reached the fakes for a second. */
const quiet = async () => {
  await waitQuiet(1000, 120_000);
};

let exitCode = 1;
try {
  const first = await seeder.first(orders, Math.max(1, Math.round(orders / 5)));
  const world: World = {
    client,
    slack,
    twilio,
    host,
    apiKey: API_KEY,
    subjects: first.subjects,
    products: 300,
    run: Date.now().toString(36),
    pending: [],
    placed: [],
    stage: { picking: [], packed: [], shipped: [], delivered: [], return_requested: [] },
    serial: 0,
  };
  const app = interactions(world);
  const floor = floorInteractions(floorClient, world);
  const loadOpts = { workers: Number(opt.workers), durationMs: Number(opt.duration), warmupMs: 1000 };
  // Warm both up, untimed, so that neither is timed on code V8 has not optimised yet.
  const only = opt.only;
  if (only && !['sms_status', 'place', 'ack'].includes(only))
    throw new Error(`--only: sms_status, place or ack, not ${only}`);
  const wanted = (what: string) => !only || only === what;
  for (const attempt of [
    ...(wanted('sms_status') ? [app.sms_status, floor.sms_status] : []),
    ...(wanted('place') ? [app.place, floor.place] : []),
    ...(wanted('ack') ? [app.order_n] : []),
  ]) {
    await quiet();
    await load(attempt, { workers: 8, durationMs: 1500, warmupMs: 0 });
  }
  const ratios: Record<'sms_status' | 'place', number[]> = { sms_status: [], place: [] };
  const acks: number[] = [];
  const run = async (what: string, attempt: typeof app.place, workers = loadOpts.workers) => {
    await quiet();
    const r: LoadResult = await load(attempt, { ...loadOpts, workers });
    const ack = r.ackP99 === undefined ? '' : `, ack p99 ${r.ackP99} ms`;
    say(
      `  ${what} × ${workers}: ${r.rps} req/s, p50/p99 ${r.p50}/${r.p99} ms${ack}${r.errors ? `, ${r.errors} failed: ${r.firstError}` : ''}`,
    );
    return r;
  };
  for (let round = 1; round <= Number(opt.rounds); round++) {
    say(`round ${round}`);
    for (const id of ['sms_status', 'place'] as const) {
      if (!wanted(id)) continue;
      const a = await run(`app ${LABELS[id]}`, app[id]);
      const f = await run(`floor ${LABELS[id]}`, floor[id]);
      ratios[id].push(a.rps / f.rps);
    }
    if (wanted('ack')) {
      const r = await run(`app ${LABELS.order_n}`, app.order_n, 20);
      acks.push(r.ackP99 ?? r.p99);
    }
  }
  await quiet();
  const end = await host.stats();
  const rssMb = Math.round(end.rss / 1e6);
  const mb = (n: number) => `${Math.round(n / 1e6)} MB`;
  say(
    `app memory at the end: RSS ${mb(end.rss)} (peak ${mb(end.peakRss)}), V8 heap ${mb(end.heapUsed)} used of ${mb(end.heapTotal)}, external ${mb(end.external)}`,
  );
  const results = [
    ['SMS STATUS vs floor', median(ratios.sms_status), TARGETS.smsStatusVsFloor, '≥'] as const,
    ['place order vs floor', median(ratios.place), TARGETS.placeVsFloor, '≥'] as const,
    ['Slack ack p99 at 20 (ms)', median(acks), TARGETS.slackAckP99Ms, '<'] as const,
    ['app RSS at the end (MB)', rssMb, TARGETS.appRssMb, '<'] as const,
  ];
  say('');
  let pass = true;
  for (const [name, value, target, sense] of results) {
    if (Number.isNaN(value)) continue;
    const ok = sense === '≥' ? value >= target : value < target;
    pass &&= ok;
    say(`${ok ? 'PASS' : 'FAIL'} ${name}: ${Math.round(value * 100) / 100} (target ${sense} ${target})`);
  }
  exitCode = pass ? 0 : 1;
} catch (err) {
  console.error('standing bench failed:', err);
} finally {
  client.close();
  floorClient.close();
  await floorProcess.stop().catch(() => undefined);
  await host.stop().catch(() => undefined);
  await seeding.connection.dropDatabase().catch(() => undefined);
  await seeding.close().catch(() => undefined);
  await slack.stop();
  await twilio.stop();
  await database.stop();
}
process.exit(exitCode);
