import type { DeliveryFailure } from '../../models/delivery-failure.js';
import { type Logger, runWithLogContext } from '../logger.js';
import { parseOrderNumber } from '../orders/number.js';
import { scrubSecrets } from '../redact.js';
import { backoff, classify } from './retry.js';

/** What a lane knows about one piece of work that has not gone through yet. */
export interface Trouble {
  key: string;
  attempts: number;
  since: Date;
  lastError: string;
  /** A failure of its own: not tried again before this (an outage's wait is the lane's). */
  nextAt?: Date;
}

/** The keys of the delivery lanes' work: one order's effects, one product's alert, one call's messages. */
export const orderKey = (n: number) => `order:${n}`;
export const stockKey = (sku: string) => `stock:${sku}`;
export const callKey = (sid: string) => `call:${sid}`;

/** What a lane key names; undefined for a key none of the lanes forms. The only place keys are read. */
export type LaneKey =
  | { kind: 'order'; number: number }
  | { kind: 'stock'; sku: string }
  | { kind: 'call'; sid: string };
export function parseLaneKey(key: string): LaneKey | undefined {
  const colon = key.indexOf(':');
  const id = key.slice(colon + 1);
  if (colon < 0 || id === '') return undefined;
  switch (key.slice(0, colon)) {
    case 'order': {
      const number = parseOrderNumber(id);
      return number === undefined ? undefined : { kind: 'order', number };
    }
    case 'stock':
      return { kind: 'stock', sku: id };
    case 'call':
      return { kind: 'call', sid: id };
    default:
      return undefined;
  }
}

/** The order a key names, or undefined (a product's alert, a call, a key from elsewhere). */
export const orderOfKey = (key: string): number | undefined => {
  const parsed = parseLaneKey(key);
  return parsed?.kind === 'order' ? parsed.number : undefined;
};

/** Where a lane keeps the failures of single deliveries (models/delivery-failure.ts). */
export interface FailureStore {
  get(lane: string, key: string): Promise<DeliveryFailure | null>;
  put(failure: Omit<DeliveryFailure, 'id'>): Promise<void>;
  clear(lane: string, key: string): Promise<void>;
}

export interface Lane {
  /** Queues the work for `key` (once, however often it is asked while queued). */
  add(key: string): void;
  /** Failing work this process is still retrying. */
  troubles(): Trouble[];
  /** Every key this lane has work for (queued, running, held by an outage or backing off), oldest first. */
  keys(): string[];
  /** How much work is queued, running, or waiting to be retried. */
  pending(): number;
  /** Resolves once nothing is queued, running or waiting on a timer (tests, shutdown). */
  idle(): Promise<void>;
  /**
   * Resolves once nothing runs or is free to run: what was asked for so far has run, or waits on a
   * timer (a backoff, an outage's pause, a reply window, another process's claim). Tests wait for
   * it before checking that nothing more was sent.
   */
  quiet(): Promise<void>;
  /** Whether work is running, or queued and free to run, now. */
  busy(): boolean;
  /** Stops taking work; waits up to `timeoutMs` for what runs. */
  stop(timeoutMs: number): Promise<void>;
}

/**
 * A first-in, first-out queue that delivers one kind of effect (Slack posts, customer texts). The
 * order is kept through an outage of the service (src/delivery/retry.ts): the work at the head is
 * retried at a growing interval capped at `retryMaxMs` while the rest waits behind it, so once the
 * service is back everything goes out in the order it was asked for, once; an outage never makes
 * it give up. Work that fails for its own reasons (refused, or an error of ours building or
 * recording it) backs off on its own and does not hold the others up. With a `failures` store, its
 * count and next try are kept there (so a restart or another process honours them), and after
 * `maxAttempts` it is given up: `giveUp` drops the work (its effects), the store keeps the reason
 * for staff. Without a store, or while the store cannot be written, it is retried without limit.
 */
export function createLane(opts: {
  name: string;
  concurrency: number;
  retryMaxMs: number;
  log: Logger;
  run(key: string): Promise<void>;
  failures?: FailureStore;
  /** Tries of one piece of work failing for its own reasons before it is given up. */
  maxAttempts?: number;
  /**
   * Drops the work given up (settles its effects), so a later change of the same record is new work.
   * Without it, a given-up key is skipped until its failure record is removed.
   */
  giveUp?(key: string, failure: { attempts: number; lastError: string }): Promise<string[] | undefined>;
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
  /** When each key's current work was first asked for (for staff: what waits, oldest first). */
  const known = new Map<string, Date>();
  const maxAttempts = opts.failures
    ? (opts.maxAttempts ?? Number.POSITIVE_INFINITY)
    : Number.POSITIVE_INFINITY;
  let outageAttempts = 0;
  let pausedUntil = 0;
  let pauseTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  let idleWaiters: (() => void)[] = [];
  let quietWaiters: (() => void)[] = [];

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
    if (!known.has(key)) known.set(key, new Date());
    if (front) queue.unshift(key);
    else queue.push(key);
    pump();
  }

  /** Work is running, or queued and free to run (not held by an outage's pause). */
  function busy(): boolean {
    return running.size > 0 || (queue.length > 0 && pausedUntil <= Date.now());
  }

  function resolveQuiet(): void {
    for (const resolve of quietWaiters) resolve();
    quietWaiters = [];
  }

  function pump(): void {
    if (stopped) return;
    const wait = pausedUntil - Date.now();
    if (wait > 0) {
      pauseTimer ??= setTimeout(() => {
        pauseTimer = undefined;
        pump();
      }, wait);
      // What the pause holds waits on a timer.
      if (!busy()) resolveQuiet();
      return;
    }
    while (running.size < opts.concurrency && queue.length > 0) {
      const key = queue.shift() as string;
      queued.delete(key);
      running.add(key);
      void runOne(key);
    }
    if (running.size === 0 && queue.length === 0) {
      resolveQuiet();
      if (timers.size === 0) {
        for (const resolve of idleWaiters) resolve();
        idleWaiters = [];
      }
    }
  }

  async function runOne(key: string): Promise<void> {
    let record: DeliveryFailure | null = null;
    try {
      record = await storedFailure(key);
      if (record && !(await dueNow(key, record))) return;
      // Not in the log context of the request that asked for it (its reqId would mislead).
      await runWithLogContext({}, () => opts.run(key));
      outageAttempts = 0;
      known.delete(key);
      if (record)
        await opts.failures
          ?.clear(name, key)
          .catch((err) => log.warn({ lane: name, key, err }, 'could not clear a delivery failure'));
      const was = trouble.get(key);
      if (was) {
        trouble.delete(key);
        log.info(
          { lane: name, key, attempts: was.attempts + 1, lateMs: Date.now() - was.since.getTime() },
          'delivered after earlier failures',
        );
      }
    } catch (err) {
      await failed(key, err, record);
    } finally {
      running.delete(key);
      if (again.delete(key)) add(key);
      pump();
    }
  }

  /** This key's failure record, if the lane keeps them (a read that fails is no reason to wait). */
  async function storedFailure(key: string): Promise<DeliveryFailure | null> {
    if (!opts.failures) return null;
    return opts.failures.get(name, key).catch((err) => {
      log.warn({ lane: name, key, err }, 'could not read the delivery failure record; trying anyway');
      return null;
    });
  }

  /** Whether work with an earlier failure may run now; otherwise waits for its time. */
  async function dueNow(key: string, record: DeliveryFailure): Promise<boolean> {
    if (record.givenUpAt) {
      // Given up: new work for the key (its effects were dropped at give-up) starts afresh.
      if (opts.giveUp) return true;
      known.delete(key);
      return false;
    }
    const wait = record.nextAt.getTime() - Date.now();
    if (wait <= 0) return true;
    trouble.set(key, {
      key,
      attempts: record.attempts,
      since: record.since,
      lastError: record.lastError,
      nextAt: record.nextAt,
    });
    retryAlone(key, wait);
    return false;
  }

  async function failed(key: string, err: unknown, record: DeliveryFailure | null): Promise<void> {
    const failure = classify(err);
    const message = scrubSecrets((err as Error)?.message ?? String(err));
    if (failure.kind === 'later') {
      retryAlone(key, failure.afterMs ?? 5_000);
      waitingLater.add(key);
      return;
    }
    const was = trouble.get(key);
    const stored = record && !record.givenUpAt ? record : null;
    // Tries that failed for the message's own reasons count toward giving up; an outage's never
    // do (`nextAt` marks a trouble of its own).
    const own = stored?.attempts ?? (was?.nextAt ? was.attempts : 0);
    const now: Trouble = {
      key,
      attempts: failure.kind === 'outage' ? (was?.attempts ?? 0) + 1 : own + 1,
      since: stored?.since ?? was?.since ?? new Date(),
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
    // Its own trouble: it backs off alone, and the lane goes on with the rest.
    const delay = backoff(now.attempts - 1, opts.retryMaxMs);
    now.nextAt = new Date(Date.now() + delay);
    const failureRecord = {
      lane: name,
      key,
      attempts: now.attempts,
      since: now.since,
      lastError: message,
      nextAt: now.nextAt,
    };
    if (now.attempts >= maxAttempts && (await giveUp(key, failureRecord, err))) return;
    const kept = await opts.failures
      ?.put(failureRecord)
      .then(() => true)
      .catch((e) => log.warn({ lane: name, key, err: e }, 'could not record the delivery failure'));
    log.error(
      { lane: name, key, attempts: now.attempts, retryInMs: delay, kept: kept ?? false, err },
      'delivery failed for its own reasons; retrying it alone',
    );
    retryAlone(key, delay);
  }

  /** Past the limit: the work is dropped and its failure kept for staff. False if that failed. */
  async function giveUp(key: string, record: Omit<DeliveryFailure, 'id'>, err: unknown): Promise<boolean> {
    try {
      const effects = await opts.giveUp?.(key, record);
      await opts.failures?.put({ ...record, givenUpAt: new Date(), ...(effects ? { effects } : {}) });
    } catch (e) {
      log.warn({ lane: name, key, err: e }, 'could not give up the delivery; retrying it');
      return false;
    }
    trouble.delete(key);
    known.delete(key);
    log.error(
      { lane: name, key, attempts: record.attempts, err },
      'delivery given up after its last retry; shown to staff',
    );
    return true;
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
    keys: () => [...known.entries()].sort((a, b) => a[1].getTime() - b[1].getTime()).map(([key]) => key),
    // Waiting for another poster's claim is not work of ours.
    pending: () => queue.length + running.size + timers.size - waitingLater.size,
    idle: () =>
      running.size === 0 && queue.length === 0 && timers.size === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => idleWaiters.push(resolve)),
    busy,
    quiet: () => (busy() ? new Promise<void>((resolve) => quietWaiters.push(resolve)) : Promise.resolve()),
    async stop(timeoutMs) {
      stopped = true;
      clearTimeout(pauseTimer);
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      waitingLater.clear();
      known.clear();
      queue.length = 0;
      queued.clear();
      const deadline = Date.now() + timeoutMs;
      while (running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    },
  };
}
