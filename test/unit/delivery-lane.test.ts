import type { DeliveryFailure } from '../../models/delivery-failure.js';
import { createLane, type FailureStore } from '../../src/delivery/lane.js';
import { backoff, classify, RetryLater } from '../../src/delivery/retry.js';
import { createLogger } from '../../src/logger.js';

/** The delivery lanes' rules (src/delivery/lane.ts), with a service that fails on cue. */

const log = createLogger('silent');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Errors shaped as the Slack and Twilio clients throw them. */
const slackDown = () =>
  Object.assign(new Error('An HTTP protocol error occurred: statusCode = 503'), {
    code: 'slack_webapi_http_error',
  });
const slackRefuses = (error: string) =>
  Object.assign(new Error(`An API error occurred: ${error}`), {
    code: 'slack_webapi_platform_error',
    data: { error },
  });

function lane(run: (key: string) => Promise<void>, concurrency = 1) {
  return createLane({ name: 'test', concurrency, retryMaxMs: 50, log, run });
}

test('When work is added, then it runs first in, first out, once per key while it waits', async () => {
  const done: string[] = [];
  const l = lane(async (key) => {
    await sleep(5);
    done.push(key);
  });
  l.add('a');
  // `a` runs now; these wait, and the second `b` is the same work as the first.
  for (const key of ['b', 'c', 'b']) l.add(key);
  await l.idle();
  expect(done).toEqual(['a', 'b', 'c']);
  expect(l.pending()).toBe(0);
});

test('When the service is down, then the head is retried and the rest wait behind it; once back, all go out in order', async () => {
  const done: string[] = [];
  let down = 4;
  const l = lane(async (key) => {
    if (down > 0) {
      down--;
      throw slackDown();
    }
    done.push(key);
  });
  for (const key of ['1', '2', '3']) l.add(key);
  await l.idle();
  expect(done).toEqual(['1', '2', '3']);
  expect(l.troubles()).toEqual([]);
});

test('When one message is refused for its own reasons, then it is retried alone and the others go on', async () => {
  const done: string[] = [];
  let refusals = 2;
  const l = lane(async (key) => {
    if (key === 'bad' && refusals > 0) {
      refusals--;
      throw slackRefuses('invalid_blocks');
    }
    done.push(key);
  });
  for (const key of ['bad', 'x', 'y']) l.add(key);
  await l.quiet();
  expect(done.slice(0, 2)).toEqual(['x', 'y']);
  expect(l.troubles()).toEqual([expect.objectContaining({ key: 'bad', attempts: expect.any(Number) })]);
  await l.idle();
  expect(done).toEqual(['x', 'y', 'bad']);
});

test('When building one message throws an error of ours (a TypeError), then it backs off alone and the others go on', async () => {
  const done: string[] = [];
  let broken = 2;
  const l = lane(async (key) => {
    if (key === 'bad' && broken > 0) {
      broken--;
      // What rendering a malformed record does.
      (undefined as unknown as { map(): void }).map();
    }
    done.push(key);
  });
  for (const key of ['bad', 'x', 'y']) l.add(key);
  await l.quiet();
  expect(done.slice(0, 2)).toEqual(['x', 'y']);
  expect(l.troubles()).toEqual([
    expect.objectContaining({
      key: 'bad',
      lastError: expect.stringMatching(/map/),
      nextAt: expect.any(Date),
    }),
  ]);
  await l.idle();
  expect(done).toEqual(['x', 'y', 'bad']);
});

/** A failure store in memory (models/delivery-failure.ts keeps them in the database). */
function memoryStore(): FailureStore & { records: Map<string, DeliveryFailure>; puts: DeliveryFailure[] } {
  const records = new Map<string, DeliveryFailure>();
  const puts: DeliveryFailure[] = [];
  return {
    records,
    puts,
    get: async (laneName, key) => records.get(`${laneName}:${key}`) ?? null,
    put: async (f) => {
      records.set(`${f.lane}:${f.key}`, { id: `${f.lane}:${f.key}`, ...f });
      puts.push({ id: `${f.lane}:${f.key}`, ...f });
    },
    clear: async (laneName, key) => {
      records.delete(`${laneName}:${key}`);
    },
  };
}

test('When a message fails for its own reasons, then its count and next try are kept on its failure record, honoured by a fresh lane (a restart), and cleared once it goes through', async () => {
  const store = memoryStore();
  let fail = true;
  const runs: string[] = [];
  const run = async (key: string) => {
    runs.push(key);
    if (fail) throw slackRefuses('invalid_blocks');
  };
  const first = createLane({
    name: 'slack',
    concurrency: 1,
    retryMaxMs: 60_000,
    log,
    run,
    failures: store,
    maxAttempts: 5,
  });
  first.add('k');
  await first.quiet();
  expect(store.records.get('slack:k')).toMatchObject({
    attempts: 1,
    lastError: expect.stringContaining('invalid_blocks'),
  });
  await first.stop(100);
  // A new process: the next try is not before its time, and the count goes on.
  const record = store.records.get('slack:k') as DeliveryFailure;
  record.nextAt = new Date(Date.now() + 150);
  const second = createLane({
    name: 'slack',
    concurrency: 1,
    retryMaxMs: 60_000,
    log,
    run,
    failures: store,
    maxAttempts: 5,
  });
  runs.length = 0;
  second.add('k');
  await second.quiet();
  expect(runs).toEqual([]);
  expect(second.troubles()).toEqual([expect.objectContaining({ key: 'k', attempts: 1 })]);
  fail = false;
  await second.idle();
  expect(runs).toEqual(['k']);
  expect(store.records.has('slack:k')).toBe(false);
});

test('When a message keeps failing for its own reasons past the limit, then it is given up: dropped, kept with its reason, not tried again', async () => {
  const store = memoryStore();
  const dropped: string[] = [];
  let runs = 0;
  const l = createLane({
    name: 'slack',
    concurrency: 1,
    retryMaxMs: 5,
    log,
    failures: store,
    maxAttempts: 3,
    run: async () => {
      runs++;
      throw new TypeError('items.map is not a function');
    },
    giveUp: async (key) => {
      dropped.push(key);
      return ['slack:1'];
    },
  });
  l.add('order:7');
  await l.idle();
  expect(runs).toBe(3);
  expect(dropped).toEqual(['order:7']);
  expect(store.records.get('slack:order:7')).toMatchObject({
    attempts: 3,
    givenUpAt: expect.any(Date),
    effects: ['slack:1'],
    lastError: 'items.map is not a function',
  });
  expect(l.troubles()).toEqual([]);
  expect(l.keys()).toEqual([]);
});

test("When the service is down, then no failure record is written: an outage is the lane's, never a reason to give up", async () => {
  const store = memoryStore();
  let down = 5;
  const l = createLane({
    name: 'slack',
    concurrency: 1,
    retryMaxMs: 5,
    log,
    failures: store,
    maxAttempts: 2,
    run: async () => {
      if (down-- > 0) throw slackDown();
    },
  });
  l.add('k');
  await l.idle();
  expect(down).toBeLessThan(0);
  expect(store.records.size).toBe(0);
});

test('When a message was held by a long outage and then fails once for its own reasons, then the outage tries do not count toward giving it up', async () => {
  const store = memoryStore();
  let down = 6;
  let refused = 1;
  const l = createLane({
    name: 'slack',
    concurrency: 1,
    retryMaxMs: 5,
    log,
    failures: store,
    maxAttempts: 3,
    run: async () => {
      if (down-- > 0) throw slackDown();
      if (refused-- > 0) throw slackRefuses('invalid_blocks');
    },
    giveUp: async () => {
      throw new Error('must not give up');
    },
  });
  l.add('k');
  await l.idle();
  expect(store.puts.map((p) => [p.attempts, Boolean(p.givenUpAt)])).toEqual([[1, false]]);
  expect(store.records.size).toBe(0);
});

test('When someone else holds the claim (RetryLater), then it waits for the claim, but asking again looks at once', async () => {
  let held = true;
  const runs: number[] = [];
  const l = lane(async () => {
    runs.push(Date.now());
    if (held) throw new RetryLater('claimed elsewhere', 60_000);
  });
  l.add('k');
  await l.quiet();
  expect(runs).toHaveLength(1);
  // Not counted as our work, and not a failure.
  expect(l.pending()).toBe(0);
  expect(l.troubles()).toEqual([]);
  held = false;
  l.add('k');
  await l.quiet();
  expect(runs).toHaveLength(2);
  await l.stop(100);
});

test('When work is asked for again while it runs, then it runs once more after', async () => {
  let runs = 0;
  const l = lane(async () => {
    runs++;
    await sleep(10);
  });
  l.add('k');
  // Running already: add() marks it to run again.
  l.add('k');
  await l.idle();
  expect(runs).toBe(2);
});

test('Errors are sorted into outage, refusal and later as the clients throw them', () => {
  expect(classify(slackDown())).toEqual({ kind: 'outage' });
  expect(
    classify(
      Object.assign(new Error('rate limited'), { code: 'slack_webapi_rate_limited_error', retryAfter: 7 }),
    ),
  ).toEqual({
    kind: 'outage',
    afterMs: 7000,
  });
  expect(classify(slackRefuses('internal_error'))).toEqual({ kind: 'outage' });
  expect(classify(slackRefuses('channel_not_found'))).toEqual({ kind: 'item' });
  // twilio-node's RestException carries the HTTP status.
  expect(classify(Object.assign(new Error('Service unavailable'), { status: 503 }))).toEqual({
    kind: 'outage',
  });
  expect(classify(Object.assign(new Error('Too many requests'), { status: 429 }))).toEqual({
    kind: 'outage',
  });
  expect(classify(Object.assign(new Error('not a mobile number'), { status: 400, code: 21614 }))).toEqual({
    kind: 'item',
  });
  expect(classify(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toEqual({
    kind: 'outage',
  });
  expect(classify(new RetryLater('held', 1234))).toEqual({ kind: 'later', afterMs: 1234 });
  // Our credentials: every message would fail alike, so the lane holds (never a give-up of all).
  expect(classify(slackRefuses('invalid_auth'))).toEqual({ kind: 'outage' });
  expect(classify(Object.assign(new Error('Authenticate'), { status: 401, code: 20003 }))).toEqual({
    kind: 'outage',
  });
  // An error of ours with one message (a malformed record, a bug): that message's own trouble.
  expect(classify(new TypeError("Cannot read properties of undefined (reading 'map')"))).toEqual({
    kind: 'item',
  });
  expect(classify(new Error('E11000 duplicate key error'))).toEqual({ kind: 'item' });
});

test('The wait between tries grows and stops at the cap', () => {
  const waits = Array.from({ length: 12 }, (_, i) => backoff(i, 60_000));
  expect(waits[0]).toBeLessThanOrEqual(1200);
  expect(waits[3]).toBeGreaterThan(waits[0] as number);
  for (const w of waits) expect(w).toBeLessThanOrEqual(72_000);
  expect(waits[11]).toBeGreaterThanOrEqual(48_000);
});

test('When the service is down, then the lane is quiet while its pause holds the queue (nothing runs or may run), and busy again once the pause ends', async () => {
  let down = true;
  const done: string[] = [];
  const l = createLane({
    name: 'test',
    concurrency: 1,
    retryMaxMs: 60_000,
    log,
    run: async (key) => {
      if (down) throw slackDown();
      done.push(key);
    },
  });
  for (const key of ['1', '2']) l.add(key);
  await l.quiet();
  expect(l.busy()).toBe(false);
  expect(l.pending()).toBe(2);
  expect(done).toEqual([]);
  down = false;
  await l.idle();
  expect(done).toEqual(['1', '2']);
}, 10_000);
