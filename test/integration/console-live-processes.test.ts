import { request } from 'node:http';
import { API_KEY, testDatabaseUri, testWithAtomicWrites, uniqueDbName } from '../helpers/app.js';
import { uniquePhone } from '../helpers/builders.js';
import { callOnce, sleep } from '../helpers/cluster.js';
import { ConsoleClient } from '../helpers/console.js';
import { eventually } from '../helpers/eventually.js';
import { type ServerProcess, spawnServer, uriWithDb, waitListening } from '../helpers/process.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

/**
 * The console's live board with two built server processes on one database, as behind a load
 * balancer: a person watches the board on process A while orders are placed and approved through
 * the REST API on process B. A has no event of its own for B's changes; it finds them by reading
 * the order board's signature once a second while anyone watches, and sends `change` with `{}`.
 * Each change must reach A's stream within 2 seconds of B's answer, and A's board must then show
 * the card in its column. A reaches the database through a counting proxy, so the test also sees
 * that A reads the board only while someone watches. Needs each write command atomic across
 * connections (MongoDB, or our patched FerretDB); elsewhere reported as skipped.
 */
const withAtomicWrites = await testWithAtomicWrites('two-process live board test');

/** The promise: a change made anywhere shows on a watching board within this. */
const PROMISED_MS = 2_000;
/** A made-up sandbox user with no role: watching the board needs none. */
const CASEY = 'U0CONSOLEC';

/**
 * The live board's own read, which the proxy between process A and the database counts: a `find`
 * on `order_board` with an empty filter, as the driver encodes it (the reconcile sweep is the only
 * other reader of the whole board, and it runs minutes apart).
 */
const WATCH_READ = Buffer.concat([
  Buffer.from([0x02]),
  Buffer.from('find\0'),
  Buffer.from([12, 0, 0, 0]),
  Buffer.from('order_board\0'),
  Buffer.from([0x03]),
  Buffer.from('filter\0'),
  Buffer.from([5, 0, 0, 0, 0]),
]);

interface Received {
  at: number;
  event: string;
  data: string;
}

/** A browser's EventSource, by hand: the events as they arrive, each with the time it came. */
interface Stream {
  events: Received[];
  close(): void;
}

function listen(url: string, cookie: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/console/events`, { headers: { cookie, accept: 'text/event-stream' } });
    req.on('error', reject);
    req.on('response', (res) => {
      if (res.statusCode !== 200 || res.headers['content-type'] !== 'text/event-stream') {
        req.destroy();
        reject(new Error(`events answered ${res.statusCode} ${res.headers['content-type']}`));
        return;
      }
      const events: Received[] = [];
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const at = Date.now();
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end).split('\n');
          buffer = buffer.slice(end + 2);
          const field = (name: string) =>
            block
              .filter((line) => line.startsWith(`${name}:`))
              .map((line) => line.slice(name.length + 1).trimStart())
              .join('\n');
          const event = field('event');
          if (event) events.push({ at, event, data: field('data') });
        }
      });
      // Once open, a dropped stream is the test's own close: nothing to report.
      req.removeListener('error', reject);
      req.on('error', () => undefined);
      resolve({ events, close: () => req.destroy() });
    });
    req.end();
  });
}

let a: ServerProcess;
let b: ServerProcess;
let proxy: TcpProxy;
/** How many times A has read the whole board so far. */
let boardReads: () => number;
let casey: ConsoleClient;
const streams: Stream[] = [];
let sku: string;

beforeAll(async () => {
  if ((withAtomicWrites as unknown) === test.skip) return;
  const uri = uriWithDb(testDatabaseUri(), uniqueDbName('consolelive'));
  const target = new URL(testDatabaseUri());
  proxy = await new TcpProxy().start({ host: target.hostname, port: Number(target.port) });
  boardReads = proxy.count(WATCH_READ);
  // No Slack or Twilio credentials and no PUBLIC_URL: the sandbox, where the made-up users sign in.
  const env = {
    MONGODB_URI: uri,
    API_KEYS: `live:${API_KEY}`,
    LOG_LEVEL: 'info',
    API_RATE_LIMIT: '0',
    JOB_POLL_INTERVAL: '1 second',
  };
  // A first, so the migration and the recurring jobs' schedules are in place; then B.
  a = spawnServer({ ...env, MONGODB_URI: proxy.uriFor(uri) });
  await waitListening(a);
  b = spawnServer(env);
  await waitListening(b);
  sku = `LIVE-${Date.now()}`;
  const created = await callOnce(b.url, 'POST', '/api/v1/products', {
    sku,
    name: sku,
    price: 500,
    onHand: 50,
  });
  expect(created.status).toBe(201);
  casey = new ConsoleClient(a.url);
  expect((await casey.signIn({ user: CASEY })).status).toBe(303);
}, 120_000);

// Each test begins with nobody watching A's board.
afterEach(() => {
  for (const s of streams.splice(0)) s.close();
});

afterAll(async () => {
  for (const s of [a, b])
    if (s && s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
  await Promise.all([a, b].filter(Boolean).map((s) => s.exited));
  await proxy?.stop();
});

const cookie = () => `orderly_console=${casey.cookies.get('orderly_console')}`;

async function watch(): Promise<Stream> {
  const stream = await listen(a.url, cookie());
  streams.push(stream);
  return stream;
}

const place = async (url: string) => {
  const res = await callOnce(url, 'POST', '/api/v1/orders', {
    channel: 'web',
    customer: { name: 'Live Board', phone: uniquePhone() },
    items: [{ sku, quantity: 1 }],
  });
  expect(res.status).toBe(201);
  return res.body.number as number;
};

const approve = async (url: string, number: number) => {
  const res = await callOnce(url, 'POST', `/api/v1/orders/${number}/actions`, { action: 'approve' });
  expect(res.status).toBe(200);
};

/**
 * Does `act` through B and waits (boundedly) for the first `change` A's stream delivers after it
 * began; the answer is how long after B's answer that was (negative when it came before it).
 */
async function changeSeenAfter(
  stream: Stream,
  act: () => Promise<void>,
): Promise<{ ms: number; data: string }> {
  const sent = Date.now();
  await act();
  const answered = Date.now();
  const change = await eventually(
    () => stream.events.find((e) => e.event === 'change' && e.at >= sent),
    Boolean,
    { what: "A's change event", ms: PROMISED_MS + 3_000, detail: () => JSON.stringify(stream.events) },
  );
  return { ms: (change as Received).at - answered, data: (change as Received).data };
}

/** The cards of one column of A's board. */
async function column(status: string): Promise<string> {
  const page = await casey.get('/console/board');
  expect(page.status).toBe(200);
  const start = page.text.indexOf(`id="col-${status}"`);
  expect(start).toBeGreaterThan(-1);
  const end = page.text.indexOf('id="col-', start + 1);
  return page.text.slice(start, end === -1 ? undefined : end);
}

withAtomicWrites(
  'When an order is placed and another approved through process B while the board watches on process A, then A sends a change within 2 seconds of each and its board shows both cards in their columns',
  async () => {
    const existing = await place(b.url);
    const stream = await watch();

    // Placed at once after the board begins to watch: the first second of watching counts too.
    let placed = 0;
    const placement = await changeSeenAfter(stream, async () => {
      placed = await place(b.url);
    });
    // B's change reached A through the board's signature, not an in-process event naming it.
    expect(placement.data).toBe('{}');
    expect(placement.ms).toBeLessThan(PROMISED_MS);
    expect(await column('pending_approval')).toContain(`data-order="${placed}"`);

    const approval = await changeSeenAfter(stream, () => approve(b.url, existing));
    expect(approval.data).toBe('{}');
    expect(approval.ms).toBeLessThan(PROMISED_MS);
    expect(await column('approved')).toContain(`data-order="${existing}"`);
    expect(await column('pending_approval')).not.toContain(`data-order="${existing}"`);
  },
  60_000,
);

withAtomicWrites(
  'When nobody watches the board on process A, then A stops reading the board, and it starts again with the next watcher',
  async () => {
    const stream = await watch();
    // While watched: the board is read about once a second.
    const before = boardReads();
    await sleep(2_500);
    expect(boardReads() - before).toBeGreaterThanOrEqual(2);

    stream.close();
    // A read already under way when the stream closed may still come in; none after.
    await sleep(1_500);
    const closed = boardReads();
    const placed = await place(b.url);
    await approve(b.url, await place(b.url));
    await sleep(3_000);
    expect(boardReads() - closed).toBe(0);
    // The board itself still shows what B did, read when asked.
    expect(await column('pending_approval')).toContain(`data-order="${placed}"`);

    // The next watcher starts the watch again, and B's changes reach it.
    const again = await watch();
    const change = await changeSeenAfter(again, () => approve(b.url, placed));
    expect(change.ms).toBeLessThan(PROMISED_MS);
    expect(boardReads()).toBeGreaterThan(closed);
    expect(await column('approved')).toContain(`data-order="${placed}"`);
  },
  60_000,
);
