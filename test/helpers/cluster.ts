import { MongoClient } from 'mongodb';
import { API_KEY, testDatabaseUri, uniqueDbName } from './app.js';
import { eventually } from './eventually.js';
import { type ServerProcess, spawnServer, uriWithDb, waitListening } from './process.js';
import { FakeSlack, slackEnv } from './slack.js';
import { FakeTwilio, twilioEnv } from './twilio.js';

/**
 * Several built server processes on one database, sharing one fake Slack and one fake Twilio (so
 * a post or a text doubled by two processes is seen), for the multi-process, kill and rolling
 * restart tests. The client calls go to the process a test names; `callAny` falls over to another
 * live one, as a load balancer would.
 */
export interface Cluster {
  slack: FakeSlack;
  twilio: FakeTwilio;
  env: Record<string, string>;
  servers: ServerProcess[];
  dbName: string;
  db: ReturnType<MongoClient['db']>;
  /** Starts one more process on the same database and waits until it listens. */
  start(): Promise<ServerProcess>;
  close(): Promise<void>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startCluster(
  label: string,
  processes: number,
  extra: Record<string, string> = {},
): Promise<Cluster> {
  const slack = await new FakeSlack().start();
  const twilio = await new FakeTwilio().start();
  const dbName = uniqueDbName(label);
  const client = await new MongoClient(testDatabaseUri(), { maxPoolSize: 2 }).connect();
  const env = {
    ...slackEnv(slack),
    ...twilioEnv(twilio),
    MONGODB_URI: uriWithDb(testDatabaseUri(), dbName),
    API_KEYS: `cluster:${API_KEY}`,
    LOG_LEVEL: 'info',
    API_RATE_LIMIT: '0',
    SMS_RATE_LIMIT: '0',
    SMS_MAX_OPEN_ORDERS: '0',
    JOB_POLL_INTERVAL: '1 second',
    DELIVERY_RETRY_MAX: '2 seconds',
    DELIVERY_SWEEP_EVERY: '3 seconds',
    ...extra,
  };
  const servers: ServerProcess[] = [];
  const start = async () => {
    const server = spawnServer(env);
    servers.push(server);
    await waitListening(server);
    return server;
  };
  // One first, so the migration and the recurring jobs' schedules are in place; then the rest at once.
  await start();
  await Promise.all(Array.from({ length: processes - 1 }, start));
  return {
    slack,
    twilio,
    env,
    servers,
    dbName,
    db: client.db(dbName),
    start,
    async close() {
      for (const s of servers)
        if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
      await Promise.all(servers.map((s) => s.exited));
      await client
        .db(dbName)
        .dropDatabase()
        .catch(() => undefined);
      await client.close();
      await slack.stop();
      await twilio.stop();
    },
  };
}

export const alive = (s: ServerProcess) => s.child.exitCode === null && s.child.signalCode === null;

export interface Answer {
  status: number;
  body: any;
}

/** One REST call with the cluster's key, JSON in and out; a refused connection throws. */
export async function callOnce(url: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, body: await res.json().catch(() => ({})) };
}

/**
 * A REST call as a client behind a load balancer makes it: to `servers[first]`, and while that one
 * is dead or cut the answer off, to the next live one, with the same body. A 409 `conflict` (the same
 * order still being placed by a request a kill cut) and any 5xx are retried too.
 */
export async function callAny(
  servers: ServerProcess[],
  first: number,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const server = servers[(first + attempt) % servers.length] as ServerProcess;
    if (!alive(server)) continue;
    try {
      const res = await callOnce(server.url, method, path, body);
      if (res.status >= 500 || (res.status === 409 && res.body?.error?.code === 'conflict')) {
        await sleep(250);
        continue;
      }
      return res;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${method} ${path}: no answer after many retries`);
}

/** Every effect delivered: no order or product has any left. */
export async function settled(db: Cluster['db'], what: string, ms = 90_000): Promise<void> {
  await eventually(
    async () =>
      (await db.collection('orders').countDocuments({ 'effects.0': { $exists: true } })) +
      (await db.collection('products').countDocuments({ alertPending: true })),
    (n) => n === 0,
    { what, ms },
  );
}

/** The customer texts that said the order was placed. */
export const placedTexts = (twilio: FakeTwilio, phone: string) =>
  twilio.to(phone).filter((m) => /placed/i.test(m.body));

/** Runs `work` over `items`, `concurrency` at a time; `onDone` sees the count after each. */
export async function pool<T>(
  items: T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i] as T, i);
      }
    }),
  );
}
