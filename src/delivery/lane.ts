import { type Logger, runWithLogContext } from '../logger.js';
import { backoff, classify } from './retry.js';

/** What a lane knows about one piece of work that has not gone through yet. */
export interface Trouble {
  key: string;
  attempts: number;
  since: Date;
  lastError: string;
}

export interface Lane {
  /** Queues the work for `key` (once, however often it is asked while queued). */
  add(key: string): void;
  /** Failing work this process is still retrying. */
  troubles(): Trouble[];
  /** How much work is queued, running, or waiting to be retried. */
  pending(): number;
  /** Resolves once nothing is queued or running (tests, shutdown). */
  idle(): Promise<void>;
  /** Stops taking work; waits up to `timeoutMs` for what runs. */
  stop(timeoutMs: number): Promise<void>;
}

/**
 * A first-in, first-out queue that delivers one kind of effect (Slack posts, customer texts) and
 * never gives up on one. The order is kept through an outage: the work at the head is retried at a
 * growing interval capped at `retryMaxMs` while the rest waits behind it, so once the service is
 * back everything goes out in the order it was asked for, once. Work the service refuses for its
 * own reasons is retried on its own at the capped interval and does not hold the others up.
 */
export function createLane(opts: {
  name: string;
  concurrency: number;
  retryMaxMs: number;
  log: Logger;
  run(key: string): Promise<void>;
}): Lane {
  const { name, log } = opts;
  const queue: string[] = [];
  const queued = new Set<string>();
  const running = new Set<string>();
  /** Asked for again while running: queued again when the run ends. */
  const again = new Set<string>();
  const timers = new Map<string, NodeJS.Timeout>();
  const waitingLater = new Set<string>();
  const trouble = new Map<string, Trouble>();
  let outageAttempts = 0;
  let pausedUntil = 0;
  let pauseTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  let idleWaiters: (() => void)[] = [];

  function add(key: string, front = false): void {
    if (stopped) return;
    if (running.has(key)) {
      again.add(key);
      return;
    }
    if (queued.has(key)) return;
    // Waiting out a refusal's backoff: not before its time. Waiting for someone else's claim
    // (`later`): asking again is cheap, so a sweep or a new change looks now.
    if (timers.has(key)) {
      if (!waitingLater.has(key)) return;
      clearTimeout(timers.get(key));
      timers.delete(key);
      waitingLater.delete(key);
    }
    queued.add(key);
    if (front) queue.unshift(key);
    else queue.push(key);
    pump();
  }

  function pump(): void {
    if (stopped) return;
    const wait = pausedUntil - Date.now();
    if (wait > 0) {
      pauseTimer ??= setTimeout(() => {
        pauseTimer = undefined;
        pump();
      }, wait);
      return;
    }
    while (running.size < opts.concurrency && queue.length > 0) {
      const key = queue.shift() as string;
      queued.delete(key);
      running.add(key);
      void runOne(key);
    }
    if (running.size === 0 && queue.length === 0 && timers.size === 0) {
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    }
  }

  async function runOne(key: string): Promise<void> {
    try {
      // Not in the log context of the request that asked for it (its reqId would mislead).
      await runWithLogContext({}, () => opts.run(key));
      outageAttempts = 0;
      const was = trouble.get(key);
      if (was) {
        trouble.delete(key);
        log.info(
          { lane: name, key, attempts: was.attempts + 1, lateMs: Date.now() - was.since.getTime() },
          'delivered after earlier failures',
        );
      }
    } catch (err) {
      failed(key, err);
    } finally {
      running.delete(key);
      if (again.delete(key)) add(key);
      pump();
    }
  }

  function failed(key: string, err: unknown): void {
    const failure = classify(err);
    const message = (err as Error)?.message ?? String(err);
    if (failure.kind === 'later') {
      retryAlone(key, failure.afterMs ?? 5_000);
      waitingLater.add(key);
      return;
    }
    const was = trouble.get(key);
    const now: Trouble = {
      key,
      attempts: (was?.attempts ?? 0) + 1,
      since: was?.since ?? new Date(),
      lastError: message,
    };
    trouble.set(key, now);
    if (stopped) return;
    if (failure.kind === 'outage') {
      // The service is in trouble: everything waits, this one is tried first when the pause ends.
      const delay = Math.max(backoff(outageAttempts++, opts.retryMaxMs), failure.afterMs ?? 0);
      pausedUntil = Date.now() + delay;
      queued.add(key);
      queue.unshift(key);
      const level = now.attempts === 1 || now.attempts % 10 === 0 ? 'warn' : 'debug';
      log[level](
        { lane: name, key, attempts: now.attempts, retryInMs: delay, err },
        'delivery failed; will retry',
      );
      return;
    }
    const delay = backoff(now.attempts - 1, opts.retryMaxMs);
    log.error(
      { lane: name, key, attempts: now.attempts, retryInMs: delay, err },
      'delivery refused; retrying it alone',
    );
    retryAlone(key, delay);
  }

  function retryAlone(key: string, delayMs: number): void {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(key);
      waitingLater.delete(key);
      add(key);
    }, delayMs);
    timers.set(key, timer);
  }

  return {
    add: (key) => add(key),
    troubles: () => [...trouble.values()],
    // Waiting for another poster's claim is not work of ours.
    pending: () => queue.length + running.size + timers.size - waitingLater.size,
    idle: () =>
      running.size === 0 && queue.length === 0 && timers.size === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => idleWaiters.push(resolve)),
    async stop(timeoutMs) {
      stopped = true;
      clearTimeout(pauseTimer);
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      waitingLater.clear();
      queue.length = 0;
      queued.clear();
      const deadline = Date.now() + timeoutMs;
      while (running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    },
  };
}
