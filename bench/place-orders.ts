import autocannon from 'autocannon';
import { startApp } from '../src/app.js';
import { loadConfig, toolEnv } from '../src/config.js';
import { startDatabase } from '../src/db/start.js';
import { createLogger } from '../src/logger.js';

/**
 * `npm run bench`: order placement under load through HTTP (autocannon), against MONGODB_URI or
 * a temporary embedded database. Reports throughput, latency and memory, checks that stock came
 * out exact, and exits non-zero when a target is missed.
 */
const TARGETS = { p99Ms: 1000, minRps: 20, maxRssMb: 400 };
const DURATION_S = 10;
const STOCK = 1_000_000;

const tools = toolEnv();
const config = loadConfig({
  ...tools.childEnv,
  NODE_ENV: 'test',
  PORT: '0',
  LOG_LEVEL: 'warn',
  API_KEYS: 'bench:bench-key-0123456789',
  // On (its cost is measured) but never refusing: the whole load comes from one key.
  API_RATE_LIMIT: '1000000',
});
const log = createLogger('warn');
const database = await startDatabase({
  ...(config.mongodbUri ? { uri: config.mongodbUri } : {}),
  ...(tools.embeddedDb ? { prefer: tools.embeddedDb } : {}),
  env: tools.childEnv,
  log,
});
const app = await startApp(config, {
  uri: database.uri,
  dbName: `bench_${Date.now()}`,
  log,
  jobs: false,
});
const headers = { authorization: 'Bearer bench-key-0123456789', 'content-type': 'application/json' };

try {
  await fetch(`${app.url}/api/v1/products`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ sku: 'BENCH-1', name: 'Bench', price: 100, onHand: STOCK }),
  });
  let n = 0;
  const result = await autocannon({
    url: `${app.url}/api/v1/orders`,
    connections: 10,
    duration: DURATION_S,
    requests: [
      {
        method: 'POST',
        headers,
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify({
            channel: 'web',
            customer: { name: 'Bench', phone: `+1555${String(1_000_000 + (n++ % 8_999_999)).slice(-7)}` },
            items: [{ sku: 'BENCH-1', quantity: 1 }],
          }),
        }),
      },
    ],
  });
  // autocannon stops at the deadline without waiting for the last responses: let them land.
  await new Promise((r) => setTimeout(r, 2000));
  const product = (await (await fetch(`${app.url}/api/v1/products/BENCH-1`, { headers })).json()) as {
    reserved: number;
    available: number;
  };
  const orders = await app.repos.orders.count();
  const rssMb = Math.round(process.memoryUsage().rss / 1e6);
  const report = {
    database: database.describe,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    rps: Math.round(result.requests.average),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    rssMb,
    ordersStored: orders,
    reserved: product.reserved,
  };
  console.log(JSON.stringify(report, null, 2));
  const problems = [
    report.non2xx > 0 || report.errors > 0 ? 'some requests failed' : '',
    product.reserved !== orders ? `reserved ${product.reserved} != orders ${orders}` : '',
    product.available !== STOCK - orders ? 'available is not onHand - reserved' : '',
    report.latencyMs.p99 > TARGETS.p99Ms ? `p99 ${report.latencyMs.p99} ms > ${TARGETS.p99Ms} ms` : '',
    report.rps < TARGETS.minRps ? `${report.rps} req/s < ${TARGETS.minRps}` : '',
    rssMb > TARGETS.maxRssMb ? `rss ${rssMb} MB > ${TARGETS.maxRssMb} MB` : '',
  ].filter(Boolean);
  if (problems.length) {
    console.error(`bench: targets missed: ${problems.join('; ')}`);
    process.exitCode = 1;
  } else {
    console.log(`bench: all targets met (${JSON.stringify(TARGETS)})`);
  }
} finally {
  await app.db.connection.dropDatabase().catch(() => undefined);
  await app.stop();
  await database.stop();
}
