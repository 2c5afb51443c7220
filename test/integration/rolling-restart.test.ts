import { request } from 'node:http';
import { API_KEY, testWithAtomicWrites } from '../helpers/app.js';
import { uniquePhone } from '../helpers/builders.js';
import { type Cluster, callOnce, placedTexts, settled, sleep, startCluster } from '../helpers/cluster.js';
import type { ServerProcess } from '../helpers/process.js';

/**
 * A rolling restart: process A serves a steady flow of orders and approvals; process B starts on
 * the same database; once B listens, new requests go to B only and A gets SIGTERM while some of
 * its requests are still in flight (two of them half-sent). No request fails: each is answered
 * 2xx by the process it went to, without a retry. A exits 0, and nothing is lost or doubled: every
 * order once, one approval post, one task, each text once, stock exact.
 */
const withAtomicWrites = await testWithAtomicWrites('rolling restart test');

/** The flow: this many clients, each placing and approving an order about every 0.7 s. */
const CONCURRENCY = 3;
/** A starts B after this many orders; the flow ends once B has served `AFTER` more. */
const BEFORE = 10;
const AFTER = 16;
const ON_HAND = 400;

let cluster: Cluster;

afterAll(async () => {
  await cluster?.close();
});

interface Sent {
  externalId: string;
  phone: string;
  quantity: number;
  number?: number;
  /** The process that answered the placement. */
  by?: 'A' | 'B';
}

const orderBody = (p: Sent) =>
  JSON.stringify({
    channel: 'web',
    externalId: p.externalId,
    customer: { name: p.externalId, phone: p.phone },
    items: [{ sku: 'ROLL-1', quantity: p.quantity }],
  });

/**
 * A placement sent in two parts with a pause between them: the server has it in flight (a
 * connection with a request begun) when SIGTERM arrives after `sent`.
 */
function halfSent(url: string, p: Sent, sent: () => Promise<void>): Promise<{ status: number; body: any }> {
  const body = orderBody(p);
  const req = request(`${url}/api/v1/orders`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${API_KEY}`,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    },
  });
  const answered = new Promise<{ status: number; body: any }>((resolve, reject) => {
    req.on('response', (res) => {
      let raw = '';
      res.on('data', (c) => {
        raw += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(raw || '{}') }));
    });
    req.on('error', reject);
  });
  req.write(body.slice(0, 20));
  void sent().then(() => req.end(body.slice(20)));
  return answered;
}

withAtomicWrites(
  `When a second process starts and the first gets SIGTERM while orders flow, then no request fails, the first exits 0, and nothing is lost or doubled`,
  async () => {
    cluster = await startCluster('rolling', 1);
    const a = cluster.servers[0] as ServerProcess;
    let target = a.url;
    expect(
      (
        await callOnce(target, 'POST', '/api/v1/products', {
          sku: 'ROLL-1',
          name: 'Roll',
          price: 120,
          onHand: ON_HAND,
          lowStockThreshold: 0,
        })
      ).status,
    ).toBe(201);

    const items: Sent[] = [];
    const failures: string[] = [];
    let inFlightOnA = 0;
    let done = 0;
    /** One request to whichever process is the target when it is sent; answered or a failure. */
    const send = async (method: string, path: string, body?: unknown) => {
      const url = target;
      const onA = url === a.url;
      if (onA) inFlightOnA++;
      try {
        const res = await callOnce(url, method, path, body);
        if (res.status >= 300) failures.push(`${method} ${path} on ${onA ? 'A' : 'B'}: ${res.status}`);
        return { ...res, by: onA ? ('A' as const) : ('B' as const) };
      } catch (err) {
        failures.push(`${method} ${path} on ${onA ? 'A' : 'B'}: ${(err as Error).message}`);
        return undefined;
      } finally {
        if (onA) inFlightOnA--;
      }
    };

    // The operator: after a quarter of the flow, start B; once it listens, route to B only and
    // stop A while it still has requests in flight (two half-sent on purpose, and whatever the
    // flow had under way).
    let releaseHalfSent: () => void = () => undefined;
    const halfSentGo = new Promise<void>((r) => {
      releaseHalfSent = r;
    });
    const extra: Sent[] = [0, 1].map((k) => ({
      externalId: `ROLL-HALF-${k}`,
      phone: uniquePhone(),
      quantity: 1,
    }));
    const operator = (async () => {
      while (done < BEFORE) await sleep(20);
      const b = await cluster.start();
      const halves = extra.map((p) => halfSent(a.url, p, () => halfSentGo));
      await sleep(100);
      target = b.url;
      const inFlight = inFlightOnA;
      a.child.kill('SIGTERM');
      await sleep(300);
      releaseHalfSent();
      const answers = await Promise.all(halves);
      for (const [k, res] of answers.entries()) {
        if (res.status !== 201) failures.push(`half-sent ${k} on A: ${res.status}`);
        (extra[k] as Sent).number = res.body.number;
        (extra[k] as Sent).by = 'A';
      }
      return { exit: await a.exited, inFlight };
    })();

    let stopped: { exit: number | null; inFlight: number } | undefined;
    void operator.then((s) => {
      stopped = s;
    });
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (!stopped || items.filter((p) => p.by === 'B').length < AFTER) {
          const i = items.length;
          const p: Sent = { externalId: `ROLL-${i}`, phone: uniquePhone(), quantity: 1 + (i % 3) };
          items.push(p);
          const placed = await send('POST', '/api/v1/orders', JSON.parse(orderBody(p)));
          if (!placed) return;
          p.number = placed.body.number;
          p.by = placed.by;
          await send('POST', `/api/v1/orders/${p.number}/actions`, { action: 'approve' });
          done++;
          // A steady flow, not a burst.
          await sleep(500);
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(stopped?.exit).toBe(0);
    expect(a.output()).toContain('"msg":"stopped"');
    const all = [...items, ...extra];
    // Both processes served placements.
    expect(all.filter((p) => p.by === 'A').length).toBeGreaterThan(BEFORE);
    expect(all.filter((p) => p.by === 'B').length).toBeGreaterThanOrEqual(AFTER);

    await settled(cluster.db, 'every post and text, A’s unfinished ones included');
    await sleep(1_000);
    const orders = await cluster.db.collection('orders').find({}).toArray();
    expect(orders).toHaveLength(all.length);
    expect(new Set(all.map((p) => p.number)).size).toBe(all.length);
    for (const p of all) {
      const n = p.number as number;
      const got = {
        approval: cluster.slack.postsOf(n, 'approval').length,
        // The half-sent ones are placed, not approved: no task, no approved text.
        task: cluster.slack.postsOf(n, 'task').length,
        placed: placedTexts(cluster.twilio, p.phone).length,
        approved: cluster.twilio.to(p.phone).filter((m) => m.body.includes('is approved and being prepared'))
          .length,
      };
      const approved = items.includes(p) ? 1 : 0;
      expect({ n, ...got }).toEqual({ n, approval: 1, task: approved, placed: 1, approved });
    }
    const held = all.reduce((sum, p) => sum + p.quantity, 0);
    const product = await cluster.db.collection('products').findOne({ _id: 'ROLL-1' as never });
    expect(product).toMatchObject({ onHand: ON_HAND, reserved: held, available: ON_HAND - held });
    expect(Object.keys(product?.reservations ?? {}).sort()).toEqual(all.map((p) => String(p.number)).sort());
  },
  180_000,
);
