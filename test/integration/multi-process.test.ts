import { ACTIONS } from '../../src/slack/blocks/ids.js';
import { testWithAtomicWrites } from '../helpers/app.js';
import { uniquePhone } from '../helpers/builders.js';
import {
  type Answer,
  type Cluster,
  callAny,
  callOnce,
  placedTexts,
  pool,
  settled,
  sleep,
  startCluster,
} from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';
import { CHANNELS, clickButton, randomId } from '../helpers/slack.js';
import { PUBLIC_URL, postTwilio, text } from '../helpers/twilio.js';

/**
 * Two built server processes on one database, sharing one fake Slack and one fake Twilio, with
 * every request sent to both at once: placements (replayed by externalId and not), approve clicks,
 * SMS CONFIRMs and Twilio's status callbacks; then a low-stock episode fed through both and the
 * approval reminders swept by both. Each promise of one process must hold for the two: one order per
 * externalId, no oversell, one transition per click, one order per draft, one approval post, one
 * task, one low-stock alert, each text and each reminder once. Needs each write command atomic
 * across connections (MongoDB, or our patched FerretDB); elsewhere reported as skipped.
 */
const withAtomicWrites = await testWithAtomicWrites('two-process race tests');

let cluster: Cluster;
const url = (i: number) => cluster.servers[i % 2]?.url as string;
/** The same request to both processes at once. */
const both = <T>(send: (url: string) => Promise<T>) => Promise.all([send(url(0)), send(url(1))]);

beforeAll(async () => {
  if ((withAtomicWrites as unknown) === test.skip) return;
  cluster = await startCluster('multiproc', 2, {
    APPROVAL_REMINDER_AFTER: '2 seconds',
    PENDING_ORDER_EXPIRY: '0',
  });
}, 90_000);

afterAll(async () => {
  await cluster?.close();
});

const orderOf = (number: number) => cluster.db.collection('orders').findOne({ _id: number as never });
const productOf = (sku: string) => cluster.db.collection('products').findOne({ _id: sku as never });

async function createProduct(sku: string, onHand: number, lowStockThreshold = 0): Promise<void> {
  const res = await callOnce(url(0), 'POST', '/api/v1/products', {
    sku,
    name: sku,
    price: 300,
    onHand,
    lowStockThreshold,
  });
  expect(res.status).toBe(201);
}

interface Placed {
  number: number;
  phone: string;
}
/** Every order accepted in this file, for the checks on posts, texts and reminders. */
const accepted: Placed[] = [];

const place = (i: number, sku: string, phone: string, externalId?: string) =>
  callAny(cluster.servers, i, 'POST', '/api/v1/orders', {
    channel: 'web',
    ...(externalId ? { externalId } : {}),
    customer: { name: `Race ${i}`, phone },
    items: [{ sku, quantity: 1 }],
  });

withAtomicWrites(
  'When 40 orders for 30 units are each sent to both processes at once with the same externalId, then each externalId is one order, both answers name it, and exactly 30 are accepted',
  async () => {
    await createProduct('RACE-A', 30);
    const results = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const phone = uniquePhone();
        const answers = await Promise.all([0, 1].map((p) => place(p, 'RACE-A', phone, `RACE-${i}`)));
        return { i, phone, answers };
      }),
    );
    const ok = (a: Answer) => a.status === 200 || a.status === 201;
    const won = results.filter((r) => r.answers.some(ok));
    expect(won.length).toBe(30);
    for (const r of won) {
      // The replay answers the same order as the placement it repeats, never another one.
      expect(r.answers.map((a) => a.status).sort()).toEqual([200, 201]);
      expect(r.answers[0]?.body.number).toBe(r.answers[1]?.body.number);
      accepted.push({ number: r.answers[0]?.body.number, phone: r.phone });
    }
    for (const r of results.filter((x) => !x.answers.some(ok))) {
      expect(r.answers.map((a) => a.body.error?.code)).toEqual(['insufficient_stock', 'insufficient_stock']);
    }
    const stored = await cluster.db
      .collection('orders')
      .find({ externalId: /^RACE-/ })
      .toArray();
    expect(stored).toHaveLength(30);
    expect(new Set(stored.map((o) => o.externalId)).size).toBe(30);
    expect(await productOf('RACE-A')).toMatchObject({ onHand: 30, reserved: 30, available: 0 });
    expect(Object.keys((await productOf('RACE-A'))?.reservations ?? {})).toHaveLength(30);
  },
);

withAtomicWrites(
  'When 20 orders without externalId for 10 units arrive through both processes at once, then exactly 10 are accepted and none oversold',
  async () => {
    await createProduct('RACE-B', 10);
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const phone = uniquePhone();
        const res = await place(i, 'RACE-B', phone);
        if (res.status === 201) accepted.push({ number: res.body.number, phone });
        return res.status;
      }),
    );
    expect(answers.filter((s) => s === 201)).toHaveLength(10);
    expect(answers.filter((s) => s === 409)).toHaveLength(10);
    expect(await productOf('RACE-B')).toMatchObject({ onHand: 10, reserved: 10, available: 0 });
  },
);

withAtomicWrites(
  'When the approve button of 15 orders is clicked through both processes at once, then each order is approved once, with one approval post, one task and one approved text',
  async () => {
    const clicked = accepted.slice(0, 15);
    await Promise.all(
      clicked.map(async (p) => {
        const acks = await both((u) =>
          clickButton(u, ACTIONS.approve, String(p.number), { channel: CHANNELS.approvals }),
        );
        expect(acks.map((a) => a.status)).toEqual([200, 200]);
      }),
    );
    await eventually(
      async () => Promise.all(clicked.map(async (p) => (await orderOf(p.number))?.status)),
      (s) => s.every((x) => x === 'approved'),
      { what: 'every clicked order approved', ms: 30_000 },
    );
    await settled(cluster.db, 'the approval posts, tasks and texts');
    await sleep(1_000);
    for (const p of clicked) {
      const order = await orderOf(p.number);
      expect(order?.history.filter((h: { action: string }) => h.action === 'approve')).toHaveLength(1);
      expect(cluster.slack.postsOf(p.number, 'approval')).toHaveLength(1);
      expect(cluster.slack.postsOf(p.number, 'task')).toHaveLength(1);
      const approvedTexts = cluster.twilio
        .to(p.phone)
        .filter((m) => m.body.includes('is approved and being prepared'));
      expect(approvedTexts).toHaveLength(1);
    }
  },
);

withAtomicWrites(
  "When a customer's CONFIRM reaches both processes at once (the same delivery twice, or two texts), then one order is placed and the customer is told once",
  async () => {
    await createProduct('RACE-C', 100);
    const phones = Array.from({ length: 12 }, () => uniquePhone());
    await Promise.all(
      phones.map(async (phone, i) => {
        const draft = await text(url(i), phone, 'ORDER 2 RACE-C');
        expect(draft.reply).toMatch(/CONFIRM/);
      }),
    );
    const replies = await Promise.all(
      phones.map(async (phone, i) => {
        // Even: Twilio delivering the same message to both; odd: the customer texting twice.
        const sid = randomId('SM');
        const answers = await both((u) => text(u, phone, 'CONFIRM', i % 2 === 0 ? { sid } : {}));
        expect(answers.map((a) => a.status)).toEqual([200, 200]);
        return answers.map((a) => a.reply);
      }),
    );
    await settled(cluster.db, 'the SMS orders');
    await sleep(1_000);
    for (const [i, phone] of phones.entries()) {
      const found = await callOnce(url(i), 'GET', `/api/v1/orders?phone=${encodeURIComponent(phone)}`);
      expect(found.body.items).toHaveLength(1);
      const number = found.body.items[0].number as number;
      accepted.push({ number, phone });
      const saidPlaced = (replies[i] as string[]).filter((r) => /placed/.test(r)).length;
      // Told once: in a reply to CONFIRM, or by text when no reply could say it. The same delivery
      // twice may get the same reply twice (Twilio shows the customer one of them).
      if (i % 2 === 1) expect(saidPlaced).toBeLessThanOrEqual(1);
      expect(Math.min(saidPlaced, 1) + placedTexts(cluster.twilio, phone).length).toBe(1);
      expect(cluster.slack.postsOf(number, 'approval')).toHaveLength(1);
    }
    expect(await productOf('RACE-C')).toMatchObject({ onHand: 100, reserved: 24, available: 76 });
  },
);

withAtomicWrites(
  "When Twilio's status callbacks are delivered to both processes at once, then both answer 204 and each message ends delivered",
  async () => {
    const sent = cluster.twilio.sent.filter((m) => m.statusCallback?.includes('?m='));
    expect(sent.length).toBeGreaterThan(30);
    const callback = (u: string, m: (typeof sent)[number], status: string) =>
      postTwilio(u, (m.statusCallback as string).slice(PUBLIC_URL.length), {
        MessageSid: m.sid,
        MessageStatus: status,
        To: m.to,
      });
    for (const status of ['sent', 'delivered', 'sent']) {
      await Promise.all(
        sent.map(async (m) => {
          const answers = await both((u) => callback(u, m, status));
          expect(answers.map((a) => a.status)).toEqual([204, 204]);
        }),
      );
    }
    const keys = sent.map((m) => decodeURIComponent((m.statusCallback as string).split('?m=')[1] as string));
    const records = await cluster.db
      .collection('sms_messages')
      .find({ _id: { $in: keys as never[] } })
      .toArray();
    expect(records).toHaveLength(new Set(keys).size);
    expect(records.map((r) => r.status)).toEqual(records.map(() => 'delivered'));
  },
);

withAtomicWrites(
  'When 24 orders through both processes take a product below its alert level, then exactly one low-stock alert is posted',
  async () => {
    await createProduct('LOW-1', 24, 6);
    await pool(
      Array.from({ length: 24 }, (_, i) => i),
      8,
      async (i) => {
        const phone = uniquePhone();
        const res = await place(i, 'LOW-1', phone);
        if (res.status !== 201) expect({ i, ...res }).toEqual({ i, status: 201 });
        accepted.push({ number: res.body.number, phone });
      },
    );
    await settled(cluster.db, 'the low-stock alert');
    await sleep(2_000);
    const alerts = cluster.slack.calls.filter(
      (c) => c.method === 'chat.postMessage' && c.body.metadata?.event_payload?.sku === 'LOW-1',
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.body.channel).toBe(CHANNELS.inventory);
    expect(await productOf('LOW-1')).toMatchObject({ onHand: 24, reserved: 24, available: 0 });
  },
);

withAtomicWrites(
  'When both processes sweep approval reminders, then each reminder of each waiting order is posted once, in its thread',
  async () => {
    const jobs = cluster.db.collection('agendaJobs');
    // Run the every-minute sweep now, three times, whichever process takes it.
    for (let run = 0; run < 3; run++) {
      const asked = new Date();
      await jobs.updateOne({ name: 'approval-reminders' }, { $set: { nextRunAt: new Date() } });
      await eventually(
        () => jobs.findOne({ name: 'approval-reminders' }),
        (job) => job?.lastFinishedAt instanceof Date && job.lastFinishedAt >= asked,
        { what: 'the approval-reminders job to run', ms: 30_000 },
      );
      await sleep(1_500);
    }
    await settled(cluster.db, 'the reminders');
    await sleep(1_000);
    let reminded = 0;
    for (const p of accepted) {
      const order = await orderOf(p.number);
      if (order?.status !== 'pending_approval') continue;
      const posts = cluster.slack.calls.filter(
        (c) =>
          c.method === 'chat.postMessage' &&
          c.body.metadata?.event_payload?.order === p.number &&
          String(c.body.metadata?.event_payload?.slot).startsWith('remind.'),
      );
      const slots = posts.map((c) => c.body.metadata.event_payload.slot);
      expect(new Set(slots).size).toBe(slots.length);
      expect(posts.length).toBeGreaterThanOrEqual(1);
      if (posts.length > order.reminders || !slots.includes(`remind.n${order.reminders}`))
        expect({ order: p.number, reminders: order.reminders, slots }).toEqual({ order: p.number });
      expect(posts.every((c) => c.body.thread_ts === order.slack.approval.ts)).toBe(true);
      reminded++;
    }
    expect(reminded).toBeGreaterThan(40);
  },
  120_000,
);

withAtomicWrites(
  'When runs of the digest for one day fall due together on both processes, then it is posted once',
  async () => {
    const RUNS = 8;
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const jobs = cluster.db.collection('agendaJobs');
    // As `agenda.now('daily-digest', {day})` stores them: each its own job, so both processes
    // lock and run some of them at the same time; the day's claim must let one post.
    // One every 150 ms: whichever process polls next takes it, so both hold some at once.
    for (let k = 0; k < RUNS; k++) {
      await jobs.insertOne({
        name: 'daily-digest',
        data: { day },
        type: 'normal',
        priority: 0,
        nextRunAt: new Date(),
        lockedAt: null,
      });
      await sleep(150);
    }
    // Every run has been tried: the one that posted removed itself (removeOnComplete), the others
    // found the day taken ("busy"), failed and wait for their retry a minute later.
    await eventually(
      async () =>
        (await jobs.find({ name: 'daily-digest', 'data.day': day }).toArray()).filter(
          (j) => !(j.failCount >= 1),
        ).length,
      (untried) => untried === 0,
      { what: 'every digest run tried', ms: 150_000 },
    );
    await sleep(2_000);
    expect(cluster.slack.digestPosts(day)).toHaveLength(1);
  },
  // Each run that wins the day renders the digest's chart; on a loaded machine the eight take a while.
  180_000,
);
