import type { InboundText, InboundTextRepository } from '../../models/inbound-text.js';
import type { Logger } from '../logger.js';
import type { SmsIntent } from './keywords.js';

/** A text's words are kept up to this many characters: two segments' worth and then some. */
export const INBOUND_TEXT_MAX = 320;
/** The buffer is written once a second… */
export const TEXT_LOG_FLUSH_MS = 1_000;
/** …or as soon as this many records wait. */
export const TEXT_LOG_BATCH = 200;
/**
 * While a write is slow, records wait; past this many, new ones are dropped (and counted in the
 * next warning), so a database that hangs never grows the process's memory.
 */
export const TEXT_LOG_MAX_WAITING = 10 * TEXT_LOG_BATCH;

/** The first `max` characters of `text` (UTF-16 units), never cutting a character in two. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const high = text.charCodeAt(max - 1);
  return text.slice(0, high >= 0xd800 && high <= 0xdbff ? max - 1 : max);
}

/** The order a text asked about by number (STATUS, CANCEL, RETURN of one), if it named one. */
function orderNamed(intent: SmsIntent): number | undefined {
  if (intent.kind === 'status' || intent.kind === 'cancel' || intent.kind === 'return') return intent.number;
  return undefined;
}

/**
 * The record of one answered text. `placed`: the order its answer placed or announced (CONFIRM);
 * `at`: when it came in.
 */
export function inboundTextOf(
  input: { from: string; body: string; sid: string },
  intent: SmsIntent,
  placed: number | undefined,
  at: Date,
): InboundText {
  const order = orderNamed(intent) ?? placed;
  return {
    sid: input.sid,
    phone: input.from,
    body: cut(input.body, INBOUND_TEXT_MAX),
    asked: intent.kind,
    ...(order !== undefined ? { order } : {}),
    at,
  };
}

/**
 * The log of customers' texts, written in batches so that no reply waits for it: `record` only
 * puts the record in memory; once a second, or as soon as TEXT_LOG_BATCH wait, one batch write
 * takes up to TEXT_LOG_BATCH of them (models/inbound-text.ts: one unordered `insertMany`, then
 * one update filing the new ones on their phones' lists), one batch at a time; `close` writes
 * what is left (the app's stop, before the database closes). A redelivery is one record: the same
 * MessageSid is kept once in the buffer, and a record already stored is left as it is.
 *
 * What can be lost: the records still in memory when the process is killed without its stop
 * (`kill -9`, a crash): the last second's (more only while the database is slow to take a
 * batch). A batch the database refuses is logged with its size and dropped, not retried. That is
 * acceptable because these records are a log of what customers asked, shown to staff on the
 * timelines; nothing owed to a customer depends on them (what a text changes, an order placed or
 * cancelled, is recorded by the change itself, in the order's history).
 */
export function createTextLog(deps: {
  texts: Pick<InboundTextRepository, 'insertMany'>;
  log: Logger;
  flushMs?: number;
  batch?: number;
  maxWaiting?: number;
}) {
  const { texts, log } = deps;
  const flushMs = deps.flushMs ?? TEXT_LOG_FLUSH_MS;
  const batch = deps.batch ?? TEXT_LOG_BATCH;
  const maxWaiting = deps.maxWaiting ?? TEXT_LOG_MAX_WAITING;
  const waiting = new Map<string, InboundText>();
  let dropped = 0;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;
  let closing = false;

  /** Keeps one record to write soon; never throws and never waits. */
  function record(text: InboundText): void {
    if (closing) {
      log.debug({ sid: text.sid }, 'inbound text log: closed, record not kept');
      return;
    }
    if (waiting.has(text.sid)) return;
    if (waiting.size >= maxWaiting) {
      dropped++;
      return;
    }
    waiting.set(text.sid, text);
    if (waiting.size >= batch) void flush();
    else arm();
  }

  function arm(): void {
    if (timer || closing) return;
    timer = setTimeout(() => void flush(), flushMs);
    timer.unref();
  }

  /** Writes what waits now; while a write runs, the same write (which goes on while a batch waits). */
  function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    writing ??= drain().finally(() => {
      writing = undefined;
    });
    return writing;
  }

  async function drain(): Promise<void> {
    do {
      await write(take());
    } while (waiting.size >= batch || (closing && waiting.size > 0));
    if (waiting.size > 0) arm();
  }

  /** The oldest records waiting, a batch at most, and how many were dropped since the last. */
  function take(): { records: InboundText[]; dropped: number } {
    const records = [...waiting.values()].slice(0, batch);
    for (const r of records) waiting.delete(r.sid);
    const taken = { records, dropped };
    dropped = 0;
    return taken;
  }

  async function write({ records, dropped }: { records: InboundText[]; dropped: number }): Promise<void> {
    if (dropped > 0)
      log.warn(
        { dropped },
        'inbound text log: records dropped while the database was slow to take them; those texts will not show on the console timelines (their replies went out)',
      );
    if (records.length === 0) return;
    try {
      await texts.insertMany(records);
    } catch (err) {
      log.warn(
        { err, records: records.length },
        'inbound text log: a batch could not be written and is dropped; those texts will not show on the console timelines (their replies went out). Check the database',
      );
    }
  }

  /** Writes everything left; records after this are not kept. */
  async function close(): Promise<void> {
    closing = true;
    while (writing || waiting.size > 0 || dropped > 0) await flush();
  }

  return { record, flush, close, waiting: () => waiting.size };
}

export type TextLog = ReturnType<typeof createTextLog>;
