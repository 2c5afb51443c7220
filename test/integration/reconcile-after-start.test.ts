import { MongoClient } from 'mongodb';
import { API_KEY, testDatabaseUri, uniqueDbName } from '../helpers/app.js';
import { uniqueSku } from '../helpers/builders.js';
import { eventually } from '../helpers/eventually.js';
import { type ServerProcess, spawnServer, uriWithDb, waitListening } from '../helpers/process.js';

/**
 * A server killed in the middle of a placement leaves a reservation for an order that was never
 * stored. The repair may release it only once it is older than any placement takes
 * (RECONCILE_GRACE); it then runs once that long after the next start, not at the next 5-minute run.
 * The built server as its own process, killed with SIGKILL, started again with a short grace.
 */

let client: MongoClient;
let dbName: string;
let server: ServerProcess | undefined;

const env = () => ({
  MONGODB_URI: uriWithDb(testDatabaseUri(), dbName),
  API_KEYS: `drill:${API_KEY}`,
  LOG_LEVEL: 'info',
  JOB_POLL_INTERVAL: '1 second',
  RECONCILE_GRACE: '4 seconds',
});

beforeAll(async () => {
  dbName = uniqueDbName('afterstart');
  client = await new MongoClient(testDatabaseUri(), { maxPoolSize: 1 }).connect();
});

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await client
    .db(dbName)
    .dropDatabase()
    .catch(() => undefined);
  await client.close();
});

test('When the server was killed leaving a reservation for an order never stored, then the next start releases it once the grace has passed, not 5 minutes later', async () => {
  server = spawnServer(env());
  const url = await waitListening(server);
  const sku = uniqueSku('CRASH');
  const created = await fetch(`${url}/api/v1/products`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sku, name: 'Crash mug', price: 900, onHand: 10 }),
  });
  expect(created.status).toBe(201);

  // The first start's own repair after start runs and is removed; then the crash.
  const jobs = client.db(dbName).collection('agendaJobs');
  await eventually(
    () => jobs.countDocuments({ name: 'reconcile-after-start' }),
    (n) => n === 0,
    { what: "the first start's repair", ms: 30_000 },
  );
  server.child.kill('SIGKILL');
  await server.exited;
  // What the kill left: 4 units reserved under order 999999, which was never stored.
  const products = client.db(dbName).collection('products');
  await products.updateOne(
    { _id: sku as never },
    {
      $inc: { reserved: 4, available: -4 },
      $set: { 'reservations.999999': { qty: 4, at: new Date() } },
    },
  );

  const restartedAt = Date.now();
  server = spawnServer(env());
  const restarted = await waitListening(server);
  const product = async () =>
    (
      await fetch(`${restarted}/api/v1/products/${sku}`, { headers: { authorization: `Bearer ${API_KEY}` } })
    ).json();
  expect(await product()).toMatchObject({ onHand: 10, reserved: 4, available: 6 });

  await eventually(
    () => products.findOne({ _id: sku as never }),
    (p) => p?.reserved === 0,
    { what: 'the leftover reservation released', ms: 30_000 },
  );
  expect(await product()).toMatchObject({ onHand: 10, reserved: 0, available: 10 });
  // Not before the grace: it might have been a placement still in flight.
  expect(Date.now() - restartedAt).toBeGreaterThanOrEqual(4_000);
  expect(server.output()).toContain('reconciled a reservation left by an interrupted operation');
  const stored = await products.findOne({ _id: sku as never });
  expect(stored?.reservations).toEqual({});
}, 120_000);
