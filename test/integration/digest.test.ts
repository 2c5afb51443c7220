import type { CommandStartedEvent, MongoClient } from 'mongodb';
import { DAILY_DIGEST, digestCron, scheduleDailyDigest } from '../../jobs/daily-digest.js';
import { dayBefore } from '../../src/digest/days.js';
import { DIGEST_CLAIM_STALE_MS } from '../../src/digest/service.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { act, createProduct, placeOrder } from '../helpers/builders.js';
import { eventually } from '../helpers/eventually.js';
import { FakeSlack, slackEnv } from '../helpers/slack.js';

/**
 * The daily digest end to end: a known day built through the API (then dated with the raw driver),
 * the digest run for that day as the 08:00 job would, the post and the chart as Slack receives
 * them, once per day across reruns, a second process, a dead poster and a restart at 08:00.
 */

const DIGEST_CHANNEL = 'CDIGEST001';
const TZ = 'Asia/Jerusalem';
/** 08:00 in Jerusalem on the morning after 2026-03-27 (the 23-hour day the clocks went forward). */
const MORNING = new Date('2026-03-28T05:00:00Z');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const env = (slack: FakeSlack) => ({
  ...slackEnv(slack, { SLACK_CHANNEL_DIGEST: DIGEST_CHANNEL }),
  BUSINESS_TIMEZONE: TZ,
  CURRENCY: 'ILS',
});

let slack: FakeSlack;
let app: TestApp;
const numbers: Record<string, number> = {};

/** Every text of a message's blocks, joined. */
const textOf = (blocks: unknown): string => {
  const found: string[] = [];
  const visit = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(visit);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (typeof o.text === 'string') found.push(o.text);
      Object.values(o).forEach(visit);
    }
  };
  visit(blocks);
  return found.join('\n');
};

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

beforeAll(async () => {
  slack = await new FakeSlack().start();
  app = await startTestApp('digest', env(slack));
  const mug = await createProduct(app, {
    sku: 'MUG-D',
    name: 'Mug',
    price: 1000,
    onHand: 20,
    lowStockThreshold: 30,
  });
  await createProduct(app, { sku: 'TEA-D', name: 'Tea', price: 500, onHand: 100, lowStockThreshold: 5 });
  // Placed in this order, then dated in the same order: order numbers rise with time.
  const days: [string, string, string][] = [
    ['lastWeek', 'web', '2026-03-22T10:00:00Z'],
    ['dayBefore', 'store', '2026-03-26T21:59:59Z'], // 23:59:59 IST on the 26th
    ['first', 'web', '2026-03-26T22:00:00Z'], // 00:00 IST on the 27th
    ['sms', 'sms', '2026-03-27T12:00:00Z'],
    ['last', 'phone', '2026-03-27T20:59:59Z'], // 23:59:59 IDT
    ['nextDay', 'web', '2026-03-27T21:00:00Z'], // 00:00 IDT on the 28th
  ];
  for (const [name, channel, at] of days) {
    const order = await placeOrder(app, [{ sku: mug.sku, quantity: name === 'lastWeek' ? 5 : 1 }], {
      channel,
      customer: { name: name === 'lastWeek' ? 'Avi <b>Cohen</b>' : 'Dana Levi', phone: '+15550001111' },
    });
    numbers[name] = order.number;
    await app.raw('orders').updateOne({ _id: order.number }, { $set: { createdAt: new Date(at) } });
  }
  expect((await act(app, numbers.last as number, 'cancel')).status).toBe(200);
  expect((await act(app, numbers.first as number, 'approve')).status).toBe(200);
  await app
    .raw('orders')
    .updateOne(
      { _id: numbers.lastWeek as never },
      { $set: { status: 'delivered', rating: { score: 2, at: new Date('2026-03-27T09:00:00Z') } } },
    );
  await app
    .raw('orders')
    .updateOne(
      { _id: numbers.dayBefore as never },
      { $set: { rating: { score: 5, at: new Date('2026-03-27T10:00:00Z') } } },
    );
  await app.raw('orders').updateOne(
    { _id: numbers.sms as never },
    {
      $set: {
        smsFailures: [
          { kind: 'placed', at: new Date('2026-03-27T12:00:05Z'), error: 'Twilio 21610: unsubscribed' },
        ],
      },
    },
  );
});
afterAll(async () => {
  await app.close();
  await slack.stop();
});

test('When the digest runs for the morning after a known day, then one message with that day’s numbers and the chart in its thread reach the digest channel, every read by key', async () => {
  const commands: CommandStartedEvent[] = [];
  const client = app.db.connection.getClient() as unknown as MongoClient;
  const record = (e: CommandStartedEvent) => commands.push(e);
  client.on('commandStarted', record);
  const run = await app.deps.digest.runFor(MORNING).finally(() => client.off('commandStarted', record));

  expect(run).toMatchObject({ day: '2026-03-27', outcome: 'posted', channel: DIGEST_CHANNEL });
  const posts = slack.digestPosts('2026-03-27');
  expect(posts).toHaveLength(1);
  const post = posts[0]?.body ?? {};
  expect(post.channel).toBe(DIGEST_CHANNEL);
  const text = textOf(post.blocks);
  expect(text).toContain('Daily digest: Friday, March 27, 2026');
  expect(text).toContain('a 23-hour day');
  expect(text).toContain('*Orders placed*\n3'); // first, sms, last: not the day before's or the next day's
  expect(text).toContain('*Revenue*\n₪20.00'); // the cancelled one left out
  expect(text).toContain('Web 1 · Phone 1 · SMS 1');
  expect(text).toContain(`*#${numbers.sms}*`);
  expect(text).toContain('Twilio 21610: unsubscribed');
  expect(text).toContain('3.5 on average from 2 ratings');
  expect(text).toMatch(new RegExp(`⭐⭐ \\*#${numbers.lastWeek}\\* · Avi &lt;b&gt;Cohen&lt;/b&gt;`));
  expect(text).toContain('*MUG-D* · Mug');
  expect(text).not.toContain('TEA-D');
  expect(text).toMatch(/\*Waiting longest for shipping\* \(1 order open\)\n• \*#\d+\* · Dana Levi/);

  // The chart: Slack's three-step upload, into the message's thread.
  const files = slack.sharedFiles(DIGEST_CHANNEL);
  expect(files).toHaveLength(1);
  const file = files[0];
  expect(file?.threadTs).toBe(run.ts);
  expect(file?.filename).toBe('orders-2026-03-27.png');
  expect(file?.bytes?.subarray(0, 8).equals(PNG)).toBe(true);
  expect(file?.bytes?.length).toBe(file?.length);
  expect(file?.bytes?.length).toBeGreaterThan(10_000);
  expect(await app.raw('digests').findOne({ _id: '2026-03-27' as never })).toMatchObject({
    ts: run.ts,
    channel: DIGEST_CHANNEL,
    chartFileId: file?.fileId,
  });

  // Bounded reads: orders by key only (DEVELOPERS.md "Storage").
  expect(commands.some((e) => e.command.find === 'orders')).toBe(true);
  const scans = commands
    .filter((e) => ['orders', 'customers'].includes(String(e.command[e.commandName])))
    .map((e) => e.command.filter ?? e.command.query ?? {})
    .filter((f: Record<string, unknown>) => f._id === undefined);
  expect(scans).toEqual([]);
});

test('When the digest runs again for the same day, in this process or another on the same database, then nothing more is posted', async () => {
  expect((await app.deps.digest.runFor(MORNING)).outcome).toBe('already');
  const second = await startTestApp('digest2', env(slack), { dbName: app.dbName });
  try {
    expect(await second.deps.digest.runDay('2026-03-27')).toMatchObject({
      outcome: 'already',
      channel: DIGEST_CHANNEL,
    });
    // Two processes on a new day at once: one posts, the other finds it taken.
    const runs = await Promise.all([
      app.deps.digest.runDay('2026-03-20'),
      second.deps.digest.runDay('2026-03-20'),
    ]);
    expect(runs.map((r) => r.outcome).sort()).toEqual(expect.arrayContaining(['posted']));
    expect(runs.filter((r) => r.outcome === 'posted')).toHaveLength(1);
  } finally {
    await second.stop(); // not close(): that would drop the shared database
  }
  expect(slack.digestPosts('2026-03-27')).toHaveLength(1);
  expect(slack.digestPosts('2026-03-20')).toHaveLength(1);
  expect(slack.sharedFiles(DIGEST_CHANNEL)).toHaveLength(2);
});

test('When another process holds a fresh claim on the day, then this one posts nothing and says it is busy', async () => {
  await app
    .raw('digests')
    .insertOne({ _id: '2026-03-19' as never, claimedAt: new Date(), firstClaimedAt: new Date() });
  expect((await app.deps.digest.runDay('2026-03-19')).outcome).toBe('busy');
  expect(slack.digestPosts('2026-03-19')).toHaveLength(0);
});

test('When a poster died holding the claim before posting, then after a while the claim is taken over and the digest posted once', async () => {
  const stale = minutesAgo(DIGEST_CLAIM_STALE_MS / 60_000 + 1);
  await app.raw('digests').insertOne({ _id: '2026-03-18' as never, claimedAt: stale, firstClaimedAt: stale });
  expect((await app.deps.digest.runDay('2026-03-18')).outcome).toBe('posted');
  expect(slack.digestPosts('2026-03-18')).toHaveLength(1);
});

test('When a poster died between posting and recording it, and the chart upload failed, then the channel is searched, the message is not posted again and the chart follows', async () => {
  slack.failNext('files.getUploadURLExternal', 1, 'internal_error');
  await expect(app.deps.digest.runDay('2026-03-17')).rejects.toThrow();
  const [post] = slack.digestPosts('2026-03-17');
  expect(post).toBeDefined();
  // As if the process died before storing the message's ts (and the claim went stale).
  const stale = minutesAgo(DIGEST_CLAIM_STALE_MS / 60_000 + 1);
  await app.raw('digests').updateOne(
    { _id: '2026-03-17' as never },
    {
      $unset: { ts: '', channel: '', postedAt: '' },
      $set: { claimedAt: stale, firstClaimedAt: minutesAgo(1) },
    },
  );
  const run = await app.deps.digest.runDay('2026-03-17');
  expect(run.outcome).toBe('posted');
  expect(slack.digestPosts('2026-03-17')).toHaveLength(1);
  const history = slack.calls.filter(
    (c) => c.method === 'conversations.history' && c.body.channel === DIGEST_CHANNEL,
  );
  expect(history.length).toBeGreaterThan(0);
  const stored = await app.raw('digests').findOne({ _id: '2026-03-17' as never });
  expect(stored?.ts).toBe(run.ts);
  const chart = slack.sharedFiles(DIGEST_CHANNEL).filter((f) => f.filename === 'orders-2026-03-17.png');
  expect(chart).toHaveLength(1);
  expect(chart[0]?.threadTs).toBe(run.ts);
});

test('When Slack refuses the first post, then the day is given back and the next run posts it', async () => {
  slack.failNext('chat.postMessage', 1, 'channel_not_found');
  await expect(app.deps.digest.runDay('2026-03-16')).rejects.toThrow();
  expect(await app.raw('digests').findOne({ _id: '2026-03-16' as never })).toBeNull();
  expect((await app.deps.digest.runDay('2026-03-16')).outcome).toBe('posted');
  expect(slack.digestPosts('2026-03-16')).toHaveLength(2); // the refused try, then the post
});

describe('the 08:00 job', () => {
  let jobsSlack: FakeSlack;
  let jobsApp: TestApp;
  beforeAll(async () => {
    jobsSlack = await new FakeSlack().start();
    jobsApp = await startTestApp(
      'digestjob',
      { ...env(jobsSlack), DIGEST_AT: '08:00', JOB_POLL_INTERVAL: '1 second' },
      { jobs: true },
    );
  });
  afterAll(async () => {
    await jobsApp.close();
    await jobsSlack.stop();
  });

  const stored = async () => jobsApp.raw('agendaJobs').findOne({ name: DAILY_DIGEST });

  test('When the server starts, then the digest is scheduled once, at 08:00 on the business’s clock, moving with daylight saving', async () => {
    const job = await eventually(stored, Boolean, { what: 'the daily digest job' });
    expect(job).toMatchObject({ repeatInterval: '0 8 * * *', repeatTimezone: TZ });
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit' });
    expect(local.format(job?.nextRunAt)).toBe('08:00');
    expect(job?.nextRunAt.getTime()).toBeGreaterThan(Date.now());
    expect(await jobsApp.raw('agendaJobs').countDocuments({ name: DAILY_DIGEST })).toBe(1);

    // Agenda's own arithmetic with our cron: 08:00 IST on the 26th, then 08:00 IDT on the 27th.
    const probe = jobsApp.agenda.create(DAILY_DIGEST);
    probe.attrs.nextRunAt = new Date('2026-03-26T06:00:00Z');
    probe.repeatEvery(digestCron({ hour: 8, minute: 0 }), { timezone: TZ, skipImmediate: true });
    expect(probe.attrs.nextRunAt).toEqual(new Date('2026-03-27T05:00:00Z'));
    const ny = jobsApp.agenda.create(DAILY_DIGEST);
    ny.attrs.nextRunAt = new Date('2026-03-07T13:00:00Z');
    ny.repeatEvery(digestCron({ hour: 8, minute: 0 }), { timezone: 'America/New_York', skipImmediate: true });
    expect(ny.attrs.nextRunAt).toEqual(new Date('2026-03-08T12:00:00Z'));
  });

  test('When a server restarts at 08:00 before the digest ran, then the due run is kept (not pushed to tomorrow), runs, and a rerun posts nothing twice', async () => {
    const due = new Date(Date.now() - 10_000);
    const job = await eventually(stored, Boolean, { what: 'the daily digest job' });
    // Stop processing while the schedule is made due, as if this process had been down at 08:00.
    await jobsApp.agenda.stop(false);
    await jobsApp.raw('agendaJobs').updateOne({ _id: job?._id }, { $set: { nextRunAt: due } });
    // A restarting process schedules again: an unchanged schedule is left as it is.
    await scheduleDailyDigest(jobsApp.agenda, jobsApp.deps.config, jobsApp.deps.log);
    expect((await stored())?.nextRunAt).toEqual(due);
    await jobsApp.agenda.start();

    const day = dayBefore(new Date(), TZ);
    await eventually(
      () => jobsSlack.digestPosts(day).length === 1 && jobsSlack.sharedFiles().length === 1,
      Boolean,
      {
        what: `the digest of ${day} posted by the job`,
        ms: 20_000,
      },
    );
    await eventually(stored, (j) => j?.nextRunAt > new Date() && !j?.lockedAt, {
      what: 'the next run scheduled',
    });

    await jobsApp.agenda.now(DAILY_DIGEST);
    await eventually(
      () =>
        jobsApp.raw('agendaJobs').countDocuments({ name: DAILY_DIGEST, repeatInterval: { $exists: false } }),
      (n) => n === 0,
      { what: 'the rerun finished', ms: 20_000 },
    );
    expect(jobsSlack.digestPosts(day)).toHaveLength(1);
    expect(jobsSlack.sharedFiles()).toHaveLength(1);
  });
});

describe('sandbox mode', () => {
  let sandbox: TestApp;
  beforeAll(async () => {
    sandbox = await startTestApp('digestsandbox', { BUSINESS_TIMEZONE: 'America/New_York' });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  test('When the digest runs without Slack credentials, then the message and the chart are kept in the outbox and the chart is shown on /outbox', async () => {
    const run = await sandbox.deps.digest.runFor(new Date('2026-03-09T12:00:00Z'));
    expect(run).toMatchObject({ day: '2026-03-08', outcome: 'posted', channel: 'approvals' });
    const items = (await sandbox.api('GET', '/api/v1/outbox?door=slack')).body.items as any[];
    const post = items.find((e) => e.method === 'chat.postMessage');
    expect(post.payload.metadata.event_payload).toEqual({ digest: '2026-03-08', slot: 'digest' });
    expect(textOf(post.payload.blocks)).toContain('a 23-hour day');
    const upload = items.find((e) => e.method === 'files.uploadV2');
    expect(upload.payload).toMatchObject({
      channel_id: 'approvals',
      thread_ts: run.ts,
      filename: 'orders-2026-03-08.png',
    });
    expect(Buffer.from(upload.payload.data_base64, 'base64').subarray(0, 8).equals(PNG)).toBe(true);

    const page = await fetch(`${sandbox.url}/outbox`);
    expect(page.headers.get('content-security-policy')).toContain('img-src data:');
    const html = await page.text();
    expect(html).toContain(`src="data:image/png;base64,${upload.payload.data_base64}"`);
    // The bytes are shown once, as the image, not again in the payload dump.
    expect(html.split(upload.payload.data_base64)).toHaveLength(2);

    expect((await sandbox.deps.digest.runFor(new Date('2026-03-09T12:00:00Z'))).outcome).toBe('already');
  });
});
