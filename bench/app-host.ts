import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import type { HostRequest } from './processes.js';

/**
 * The app under test in a process of its own (forked by processes.ts): its memory is the app's
 * alone, not the bench's seeding and load generation, and its event loop serves only the app.
 * It tells the parent what the parent cannot see from outside: when an order moved (the effect
 * of a Slack click, which is acknowledged before the work), when a job for an order started (the
 * follow-up, so its work is timed without FOLLOW_UP_DELAY), whether jobs are still running, and
 * its memory.
 */

const send = (msg: object) => process.send?.(msg);
let app: Awaited<ReturnType<typeof startApp>> | undefined;
let running = 0;
let lastActivity = performance.now();
/** Highest RSS since the last reset, and ever. */
let peakRss = 0;
let maxRss = 0;
const sample = () => {
  const rss = process.memoryUsage().rss;
  peakRss = Math.max(peakRss, rss);
  maxRss = Math.max(maxRss, rss);
};
setInterval(sample, 200).unref();

async function start(msg: Extract<HostRequest, { type: 'start' }>): Promise<void> {
  const config = loadConfig(msg.env);
  const log = createLogger(config.logLevel);
  app = await startApp(config, { uri: msg.uri, dbName: msg.dbName, log, jobs: true });
  const touch = () => {
    lastActivity = performance.now();
  };
  app.deps.events.on('order.status_changed', ({ order, to }) => {
    touch();
    send({ type: 'moved', number: order.number, to });
  });
  app.deps.events.on('order.placed', touch);
  app.agenda.on('start', (job) => {
    running++;
    touch();
    const order = (job.attrs.data as { order?: unknown } | undefined)?.order;
    if (typeof order === 'number') send({ type: 'job', name: job.attrs.name, order });
  });
  // 'complete' follows every run, failed or not.
  app.agenda.on('complete', () => {
    running = Math.max(0, running - 1);
    touch();
  });
  send({ type: 'ready', url: app.url });
}

process.on('message', (msg: HostRequest) => {
  if (msg.type === 'start') {
    start(msg).catch((err: Error) => send({ type: 'failed', error: err.stack ?? err.message }));
  } else if (msg.type === 'stats') {
    sample();
    if (msg.gc) (globalThis as { gc?: () => void }).gc?.();
    const mem = process.memoryUsage();
    send({
      type: 'stats',
      id: msg.id,
      rss: mem.rss,
      heapUsed: mem.heapUsed,
      heapTotal: mem.heapTotal,
      external: mem.external,
      peakRss,
      maxRss,
      // Agenda's jobs and the deliveries (Slack posts, texts) still to go out.
      runningJobs: running + (app?.deps.delivery.pending() ?? 0),
      idleMs: performance.now() - lastActivity,
    });
    if (msg.resetPeak) peakRss = mem.rss;
  } else if (msg.type === 'stop') {
    (app?.stop() ?? Promise.resolve()).finally(() => {
      send({ type: 'stopped' });
      process.exit(0);
    });
  }
});
// Orphaned (the bench died): stop rather than keep the database busy.
process.on('disconnect', () => process.exit(1));
send({ type: 'loaded' });
