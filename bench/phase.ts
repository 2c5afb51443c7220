import { type InteractionId, interactions, LABELS, type World } from './interactions.js';
import { carry, STEPS } from './lifecycle.js';
import { type Attempt, type LoadResult, load, sequential } from './measure.js';
import type { HostStats } from './processes.js';
import type { ScaleResult } from './report.js';

/**
 * Everything measured at one size of the data, in an order that keeps the lists honest: the
 * reads first, while the open orders are exactly the seeded ones; then placement (which leaves
 * pending orders); then the approvals, which take those pending orders (topped up, untimed, when
 * the placements did not leave enough); last, one at a time, a call to the menu and the
 * documents and follow-up, where one batch of pending orders is carried through the lifecycle:
 * picked (untimed), packed (timed, the invoice), shipped (untimed), delivered (timed, the
 * follow-up), return requested (untimed), return received (timed, the credit note). They end
 * returned, so the board holds the same open orders at both sizes.
 */

export interface PhaseOptions {
  n: number;
  warmup: number;
  workers: number;
  durationMs: number;
  warmupMs: number;
  /** Workers for the Slack acknowledgement target. */
  ackWorkers: number;
  /** Waits until the app's jobs are done and nothing moved for `idleMs`; returns how long it waited. */
  quiet(idleMs: number, maxMs: number): Promise<number>;
  /** The app process's memory now; `resetPeak` starts a new peak. */
  appStats(resetPeak?: boolean): Promise<HostStats>;
  say(line: string): void;
}

const READS: readonly InteractionId[] = [
  'sms_status_n',
  'sms_status',
  'order_n',
  'order_find',
  'list_pending',
  'app_home',
  'api_list',
  'api_phone',
];
const CONSOLE_READS: readonly InteractionId[] = ['console_board', 'console_order', 'console_customer'];
/** How long each read runs untimed at the start of each size. */
const PHASE_WARMUP_MS = 1500;
/** At most this many orders are placed untimed for one approval run. */
const MAX_POOL = 10_000;

export async function measurePhase(
  label: string,
  orders: number,
  world: World,
  opts: PhaseOptions,
): Promise<ScaleResult> {
  const attempts = interactions(world);
  const result: ScaleResult = { label, orders, sequential: {}, load: {}, ack20: {} };
  const settle = async () => {
    await opts.quiet(50, 5000);
  };

  async function oneAtATime(id: InteractionId): Promise<void> {
    await opts.quiet(1000, 120_000);
    const r = await sequential(attempts[id], { warmup: opts.warmup, n: opts.n, settle });
    result.sequential[id] = r;
    opts.say(
      `  ${label} ${LABELS[id]}: p50 ${r.p50} ms, p90 ${r.p90} ms${r.errors ? `, ${r.errors} failed: ${r.firstError}` : ''}`,
    );
  }

  async function underLoad(id: InteractionId, workers = opts.workers): Promise<LoadResult> {
    await opts.quiet(1000, 300_000);
    await opts.appStats(true);
    const r = await load(attempts[id], { workers, durationMs: opts.durationMs, warmupMs: opts.warmupMs });
    r.appPeakRssMb = Math.round((await opts.appStats()).peakRss / 1e6);
    const ack = r.ackP99 === undefined ? '' : `, ack p50/p99 ${r.ackP50}/${r.ackP99} ms`;
    const early =
      r.durationMs < opts.durationMs * 0.9 ? ` in ${r.durationMs} ms: ran out of pending orders` : '';
    opts.say(
      `  ${label} ${LABELS[id]} × ${workers}: ${r.rps} req/s, p50/p99 ${r.p50}/${r.p99} ms${ack} (n=${r.n}${early}), app peak RSS ${r.appPeakRssMb} MB${r.errors ? `, ${r.errors} failed: ${r.firstError}` : ''}`,
    );
    return r;
  }

  /** Places orders (untimed, 16 at a time) until `count` wait for approval. */
  async function pendingPool(count: number): Promise<void> {
    const want = Math.min(MAX_POOL, count);
    if (world.pending.length >= want) return;
    await opts.quiet(1000, 300_000);
    const started = performance.now();
    const before = world.pending.length;
    const place: Attempt = attempts.place;
    const worker = async () => {
      while (world.pending.length < want) {
        const s = await place(0);
        if (!s.ok) throw new Error(`placing orders to approve failed: ${s.error}`);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    opts.say(
      `  ${label} placed ${world.pending.length - before} orders to approve (untimed) in ${seconds} s`,
    );
  }
  /** An untimed step that readies orders for the next timed one, reported with its time. */
  async function prepare(what: string, work: () => Promise<number>): Promise<void> {
    await opts.quiet(1000, 300_000);
    const started = performance.now();
    const moved = await work();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    opts.say(`  ${label} ${what} ${moved} orders (untimed) in ${seconds} s`);
  }

  /**
   * Enough pending orders for a load run: an approval is a part of a placement's work and makes
   * as many jobs, so three times the placement rate under the same load is plenty (the one-at-a-time
   * rate caps it). A run that still runs out stops early; its duration is reported.
   */
  const poolFor = (id: InteractionId) => {
    const seconds = (opts.durationMs + opts.warmupMs) / 1000;
    const p50 = result.sequential[id]?.p50 ?? 5;
    const byPlacement = 3 * (result.load.place?.rps ?? 50) * seconds + 50;
    const bySequential = 3 * seconds * (1000 / Math.max(p50, 0.5));
    return Math.ceil(Math.min(byPlacement, bySequential));
  };

  // Each size starts with every read path run hot for a while, untimed, so that neither size is
  // timed on code V8 has not optimised yet or on a cold database cache.
  for (const id of READS) {
    await opts.quiet(1000, 120_000);
    await load(attempts[id], { workers: 8, durationMs: PHASE_WARMUP_MS, warmupMs: 0 });
  }
  for (const id of READS) await oneAtATime(id);
  // The console's pages: read one at a time (a person at a screen), not under load.
  for (const id of CONSOLE_READS) {
    await load(attempts[id], { workers: 4, durationMs: PHASE_WARMUP_MS, warmupMs: 0 });
    await oneAtATime(id);
  }
  for (const id of READS) result.load[id] = await underLoad(id);

  await oneAtATime('place');
  result.load.place = await underLoad('place');
  result.jobsCatchUpMs = Math.round(await opts.quiet(1000, 600_000));
  opts.say(`  ${label} the app's jobs caught up ${result.jobsCatchUpMs} ms after the placement load`);

  for (const id of ['approve_api', 'approve_click'] as const) {
    await pendingPool(opts.warmup + opts.n);
    await oneAtATime(id);
  }
  for (const id of ['approve_api', 'approve_click'] as const) {
    await pendingPool(poolFor(id));
    result.load[id] = await underLoad(id);
  }

  // The acknowledgement that carries the answer (an Approve click is acknowledged before any work;
  // its ack under load is in the approve_click run above).
  result.ack20.order_n = await underLoad('order_n', opts.ackWorkers);

  await oneAtATime('call_menu');
  // An order in words writes a draft: run hot for a moment untimed, like the reads, then timed.
  await load(attempts.sms_order_words, { workers: 4, durationMs: PHASE_WARMUP_MS, warmupMs: 0 });
  await oneAtATime('sms_order_words');
  const count = opts.warmup + opts.n;
  await pendingPool(count);
  const { stage } = world;
  await prepare('picked', () => carry(world, world.pending, stage.picking, count, STEPS.picking));
  await oneAtATime('invoice_at_pack');
  await prepare('shipped', () => carry(world, stage.packed, stage.shipped, count, STEPS.shipped));
  await oneAtATime('follow_up');
  await prepare('returns requested on', () =>
    carry(world, stage.delivered, stage.return_requested, count, STEPS.return_requested),
  );
  await oneAtATime('credit_note');
  const stats = await opts.appStats();
  result.app = { rssMb: Math.round(stats.rss / 1e6), heapUsedMb: Math.round(stats.heapUsed / 1e6) };
  return result;
}
