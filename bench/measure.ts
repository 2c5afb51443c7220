/**
 * Two ways to time an interaction. `sequential`: one request at a time, warm-ups first and
 * excluded, the app left to settle (its jobs done) between requests so each is timed alone.
 * `load`: a closed loop of N workers, each sending its next request as soon as its last one is
 * done; a warm-up second excluded, then `durationMs` measured. An attempt times itself, so "done"
 * can be the HTTP answer or what the app does after it (a views.publish, an order moving).
 */

export interface Sample {
  ms: number;
  ok: boolean;
  /** The HTTP acknowledgement, when the attempt's end is later work. */
  ackMs?: number;
  error?: string;
  /** Nothing left to do (a pool of orders ran out): the worker stops; not a sample. */
  exhausted?: boolean;
}
export type Attempt = (worker: number) => Promise<Sample>;

export interface SequentialResult {
  n: number;
  warmup: number;
  p50: number;
  p90: number;
  max: number;
  ackP50?: number;
  errors: number;
  firstError?: string;
}

export interface LoadResult {
  workers: number;
  durationMs: number;
  n: number;
  rps: number;
  p50: number;
  p99: number;
  ackP50?: number;
  ackP99?: number;
  errors: number;
  firstError?: string;
  /** The app process's peak RSS during the run (filled in by the caller). */
  appPeakRssMb?: number;
}

/** Nearest-rank percentile of a sorted list. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
}
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const round = (x: number) => Math.round(x * 100) / 100;

async function safely(attempt: Attempt, worker: number): Promise<Sample> {
  try {
    return await attempt(worker);
  } catch (err) {
    return { ms: Number.NaN, ok: false, error: (err as Error).message };
  }
}

export async function sequential(
  attempt: Attempt,
  opts: { warmup: number; n: number; settle: () => Promise<void> },
): Promise<SequentialResult> {
  const samples: Sample[] = [];
  for (let i = 0; i < opts.warmup + opts.n; i++) {
    const s = await safely(attempt, 0);
    if (s.exhausted) break;
    if (i >= opts.warmup) samples.push(s);
    await opts.settle();
  }
  const good = samples.filter((s) => s.ok);
  const ms = sorted(good.map((s) => s.ms));
  const acks = sorted(good.flatMap((s) => (s.ackMs === undefined ? [] : [s.ackMs])));
  const failed = samples.filter((s) => !s.ok);
  return {
    n: samples.length,
    warmup: opts.warmup,
    p50: round(percentile(ms, 0.5)),
    p90: round(percentile(ms, 0.9)),
    max: round(ms[ms.length - 1] ?? Number.NaN),
    ...(acks.length ? { ackP50: round(percentile(acks, 0.5)) } : {}),
    errors: failed.length,
    ...(failed[0]?.error ? { firstError: failed[0].error } : {}),
  };
}

export async function load(
  attempt: Attempt,
  opts: { workers: number; durationMs: number; warmupMs: number },
): Promise<LoadResult> {
  const start = performance.now();
  const measureFrom = start + opts.warmupMs;
  const stopAt = measureFrom + opts.durationMs;
  const samples: Sample[] = [];
  let lastEnd = measureFrom;
  const worker = async (w: number) => {
    while (performance.now() < stopAt) {
      const began = performance.now();
      const s = await safely(attempt, w);
      if (s.exhausted) return;
      if (began >= measureFrom) {
        samples.push(s);
        lastEnd = Math.max(lastEnd, performance.now());
      }
    }
  };
  await Promise.all(Array.from({ length: opts.workers }, (_, w) => worker(w)));
  const good = samples.filter((s) => s.ok);
  const ms = sorted(good.map((s) => s.ms));
  const acks = sorted(good.flatMap((s) => (s.ackMs === undefined ? [] : [s.ackMs])));
  const failed = samples.filter((s) => !s.ok);
  const elapsed = lastEnd - measureFrom;
  return {
    workers: opts.workers,
    durationMs: Math.round(elapsed),
    n: samples.length,
    rps: round(good.length / (elapsed / 1000)),
    p50: round(percentile(ms, 0.5)),
    p99: round(percentile(ms, 0.99)),
    ...(acks.length ? { ackP50: round(percentile(acks, 0.5)), ackP99: round(percentile(acks, 0.99)) } : {}),
    errors: failed.length,
    ...(failed[0]?.error ? { firstError: failed[0].error } : {}),
  };
}

/** Slack waits 3 s, Twilio 15 s; an effect later than this counts as a failure. */
const EFFECT_TIMEOUT_MS = 15_000;

/** `work`, or a failure naming `what` once EFFECT_TIMEOUT_MS has passed without it. */
export function within<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not happen within ${EFFECT_TIMEOUT_MS} ms`)),
      EFFECT_TIMEOUT_MS,
    );
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
