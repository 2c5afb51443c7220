import { ACTIONS } from '../../src/slack/blocks/ids.js';
import { testWithAtomicWrites } from '../helpers/app.js';
import { uniquePhone } from '../helpers/builders.js';
import {
  alive,
  type Cluster,
  callAny,
  placedTexts,
  pool,
  settled,
  sleep,
  startCluster,
} from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';
import type { ServerProcess } from '../helpers/process.js';
import { CHANNELS, clickButton, randomId } from '../helpers/slack.js';
import { text } from '../helpers/twilio.js';

/**
 * Two built server processes on one database; one is killed with SIGKILL (no drain, whatever it
 * held is cut) in the middle of a burst of orders (by API and by SMS) and approvals (by API and by
 * Slack button) spread over both. Clients fall over to the survivor, as behind a load balancer,
 * and retry what was cut (same externalId, same MessageSid). The survivor carries on alone and
 * takes over what the dead one had claimed. Then: every order exists once with one approval post
 * and one task, the customer was told "placed" once and "approved" once, and stock is exact.
 */
const withAtomicWrites = await testWithAtomicWrites('two-process kill test');

const ORDERS = 48;
const CONCURRENCY = 8;
const ON_HAND = 500;

let cluster: Cluster;

afterAll(async () => {
  await cluster?.close();
});

interface Item {
  externalId: string;
  phone: string;
  sku: string;
  quantity: number;
  bySms: boolean;
  bySlack: boolean;
  number?: number;
  /** By SMS: a CONFIRM reply said it was placed. */
  replied?: boolean;
}

/** The first live server from `first` on. */
function liveFrom(first: number): ServerProcess | undefined {
  const servers = cluster.servers;
  for (let k = 0; k < servers.length; k++) {
    const s = servers[(first + k) % servers.length] as ServerProcess;
    if (alive(s)) return s;
  }
  return undefined;
}

/** A text as Twilio delivers it through a load balancer: redelivered (same MessageSid) until answered. */
async function sms(first: number, phone: string, body: string): Promise<string> {
  const sid = randomId('SM');
  for (let attempt = 0; attempt < 300; attempt++) {
    const s = liveFrom(first + attempt);
    try {
      const res = await text(s?.url as string, phone, body, { sid });
      if (res.status < 500) return res.reply;
    } catch {}
    await sleep(200);
  }
  throw new Error(`${phone} ${body}: no answer`);
}

/** ORDER then CONFIRM, typed again when a text got no answer (its first delivery died with the claim). */
async function orderBySms(i: number, p: Item): Promise<void> {
  for (let k = 0; k < 10 && !/CONFIRM/.test(await sms(i, p.phone, `ORDER ${p.quantity} ${p.sku}`)); k++)
    await sleep(500);
  for (let k = 0; k < 40; k++) {
    const reply = await sms(i + k, p.phone, 'CONFIRM');
    const number = reply.match(/#(\d+)/)?.[1];
    if (number) {
      p.number = Number(number);
      p.replied = /placed/.test(reply);
      return;
    }
    if (reply) break; // "Nothing to confirm": an earlier CONFIRM placed it and its answer was cut.
    await sleep(500);
  }
  const found = await callAny(
    cluster.servers,
    i,
    'GET',
    `/api/v1/orders?phone=${encodeURIComponent(p.phone)}`,
  );
  p.number = found.body.items[0]?.number;
  if (!p.number) throw new Error(`${p.phone}: no order after CONFIRM`);
}

const statusOf = async (n: number) =>
  (await cluster.db.collection('orders').findOne({ _id: n as never }, { projection: { status: 1 } }))?.status;

/** Approve by button or by API until the order says approved (a click cut by the kill is clicked again). */
async function approve(i: number, p: Item): Promise<void> {
  const n = p.number as number;
  for (let k = 0; k < 60; k++) {
    if ((await statusOf(n)) === 'approved') return;
    const s = liveFrom(i + k);
    if (p.bySlack) {
      try {
        await clickButton(s?.url as string, ACTIONS.approve, String(n), { channel: CHANNELS.approvals });
        await eventually(
          () => statusOf(n),
          (x) => x === 'approved',
          { ms: 3_000 },
        ).catch(() => undefined);
      } catch {}
      continue;
    }
    const res = await callAny(cluster.servers, i + k, 'POST', `/api/v1/orders/${n}/actions`, {
      action: 'approve',
    });
    if (res.status === 200) return;
    if (res.status !== 409) throw new Error(`#${n} approve: ${JSON.stringify(res)}`);
  }
  throw new Error(`#${n} was never approved`);
}

withAtomicWrites(
  `When one of two processes is killed (SIGKILL) during ${ORDERS} orders and approvals spread over both, then the other carries on and every order exists once with one approval post, one task and each text once, and stock is exact`,
  async () => {
    cluster = await startCluster('kill', 2);
    const skus = ['KILL-A', 'KILL-B', 'KILL-C'];
    for (const sku of skus) {
      const res = await callAny(cluster.servers, 0, 'POST', '/api/v1/products', {
        sku,
        name: sku,
        price: 250,
        onHand: ON_HAND,
        lowStockThreshold: 0,
      });
      expect(res.status).toBe(201);
    }
    const items: Item[] = Array.from({ length: ORDERS }, (_, i) => ({
      externalId: `KILL-${i}`,
      phone: uniquePhone(),
      sku: skus[i % skus.length] as string,
      quantity: 1 + (i % 3),
      bySms: i % 4 === 3,
      bySlack: i % 2 === 0,
    }));

    let done = 0;
    const victim = cluster.servers[0] as ServerProcess;
    const killer = (async () => {
      while (done < ORDERS / 3) await sleep(20);
      await sleep(Math.random() * 200);
      victim.child.kill('SIGKILL');
      await victim.exited;
    })();
    await pool(items, CONCURRENCY, async (p, i) => {
      if (p.bySms) await orderBySms(i, p);
      else {
        const res = await callAny(cluster.servers, i, 'POST', '/api/v1/orders', {
          channel: 'web',
          externalId: p.externalId,
          customer: { name: `Kill ${i}`, phone: p.phone },
          items: [{ sku: p.sku, quantity: p.quantity }],
        });
        if (res.status !== 201 && res.status !== 200)
          throw new Error(`${p.externalId}: ${JSON.stringify(res)}`);
        p.number = res.body.number;
      }
      await approve(i, p);
      done++;
    });
    await killer;
    expect(victim.child.signalCode).toBe('SIGKILL');
    expect(alive(cluster.servers[1] as ServerProcess)).toBe(true);

    // The dead process's claims on posts and texts are taken over after 30 s.
    await settled(cluster.db, 'every post and text, the dead process’s included', 100_000);
    await sleep(1_000);
    const orders = await cluster.db.collection('orders').find({}).toArray();
    expect(orders).toHaveLength(ORDERS);
    expect(orders.map((o) => o.status)).toEqual(orders.map(() => 'approved'));
    expect(new Set(items.map((p) => p.number)).size).toBe(ORDERS);
    for (const p of items) {
      const n = p.number as number;
      const texts = cluster.twilio.to(p.phone);
      const got = {
        approval: cluster.slack.postsOf(n, 'approval').length,
        task: cluster.slack.postsOf(n, 'task').length,
        placed: placedTexts(cluster.twilio, p.phone).length + (p.replied ? 1 : 0),
        approved: texts.filter((m) => m.body.includes('is approved and being prepared')).length,
      };
      expect({ n, ...got }).toEqual({ n, approval: 1, task: 1, placed: 1, approved: 1 });
    }

    // A placement cut between reserving and storing left a reservation for no order; the
    // reconcile job releases what is older than its grace period: age them, then run it now.
    const products = cluster.db.collection('products');
    const old = new Date(Date.now() - 10 * 60_000);
    for (const product of await products.find({}).toArray()) {
      const aged = Object.fromEntries(
        Object.entries((product.reservations ?? {}) as Record<string, object>).map(([k, r]) => [
          k,
          { ...r, at: old },
        ]),
      );
      await products.updateOne({ _id: product._id }, { $set: { reservations: aged } });
    }
    const jobs = cluster.db.collection('agendaJobs');
    const asked = new Date();
    await jobs.updateOne({ name: 'reconcile-reservations' }, { $set: { nextRunAt: new Date() } });
    await eventually(
      () => jobs.findOne({ name: 'reconcile-reservations' }),
      (job) => job?.lastFinishedAt instanceof Date && job.lastFinishedAt >= asked,
      { what: 'the reconcile job to run on the survivor', ms: 30_000 },
    );
    for (const sku of skus) {
      const mine = items.filter((p) => p.sku === sku);
      const held = mine.reduce((sum, p) => sum + p.quantity, 0);
      const product = await products.findOne({ _id: sku as never });
      expect(product).toMatchObject({ onHand: ON_HAND, reserved: held, available: ON_HAND - held });
      expect(Object.keys(product?.reservations ?? {}).sort()).toEqual(
        mine.map((p) => String(p.number)).sort(),
      );
    }
  },
  240_000,
);
