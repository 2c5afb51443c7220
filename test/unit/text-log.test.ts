import type { InboundText } from '../../models/inbound-text.js';
import type { Logger } from '../../src/logger.js';
import { createTextLog, INBOUND_TEXT_MAX, inboundTextOf } from '../../src/sms/text-log.js';
import { eventually } from '../helpers/eventually.js';

/** The batch writer of customers' texts (src/sms/text-log.ts), against a recording repository. */

type Line = { level: 'warn' | 'debug'; fields: Record<string, unknown>; message: string };

function recordingLog(): { log: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const at =
    (level: Line['level']) =>
    (fields: Record<string, unknown>, message: string): void => {
      lines.push({ level, fields, message });
    };
  return { log: { warn: at('warn'), debug: at('debug') } as unknown as Logger, lines };
}

/** A repository that keeps each batch; `fail` refuses the next ones, `hold` keeps them waiting. */
function recordingTexts() {
  const batches: InboundText[][] = [];
  let release: (() => void) | undefined;
  const store = {
    batches,
    fail: 0,
    hold: false,
    release: () => release?.(),
    async insertMany(texts: readonly InboundText[]): Promise<number> {
      if (store.hold) await new Promise<void>((r) => (release = r));
      if (store.fail > 0) {
        store.fail--;
        throw new Error('connection refused');
      }
      batches.push([...texts]);
      return texts.length;
    },
  };
  return store;
}

let n = 0;
const aText = (over: Partial<InboundText> = {}): InboundText => ({
  sid: `SM${++n}`,
  phone: '+15550100001',
  body: 'STATUS',
  asked: 'status',
  at: new Date(),
  ...over,
});
const tick = () => new Promise((r) => setImmediate(r));

test('When as many records as a batch wait, then they are written at once, in one insert', async () => {
  const texts = recordingTexts();
  const textLog = createTextLog({ texts, log: recordingLog().log, batch: 3, flushMs: 60_000 });
  textLog.record(aText());
  textLog.record(aText());
  await tick();
  expect(texts.batches).toEqual([]);
  textLog.record(aText());
  await tick();
  expect(texts.batches.map((b) => b.length)).toEqual([3]);
  expect(textLog.waiting()).toBe(0);
  await textLog.close();
});

test('When fewer records than a batch wait, then they are written once the interval has passed', async () => {
  const texts = recordingTexts();
  const textLog = createTextLog({ texts, log: recordingLog().log, batch: 200, flushMs: 30 });
  const started = Date.now();
  textLog.record(aText());
  textLog.record(aText());
  await tick();
  expect(texts.batches).toEqual([]);
  await eventually(
    () => texts.batches.length,
    (count) => count === 1,
    { what: 'the timed batch' },
  );
  expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  expect(texts.batches[0]).toHaveLength(2);
  // The next record starts a new interval.
  textLog.record(aText());
  await eventually(
    () => texts.batches.length,
    (count) => count === 2,
    { what: 'the second batch' },
  );
  await textLog.close();
});

test('When the log is closed, then what waits is written, and records after that are not kept', async () => {
  const texts = recordingTexts();
  const textLog = createTextLog({ texts, log: recordingLog().log, batch: 200, flushMs: 60_000 });
  textLog.record(aText());
  textLog.record(aText());
  await textLog.close();
  expect(texts.batches.map((b) => b.length)).toEqual([2]);
  textLog.record(aText());
  await textLog.close();
  expect(texts.batches.map((b) => b.length)).toEqual([2]);
});

test('When the same MessageSid comes twice before a write (a redelivery), then it is one record', async () => {
  const texts = recordingTexts();
  const textLog = createTextLog({ texts, log: recordingLog().log, flushMs: 60_000 });
  const first = aText({ sid: 'SMredelivered' });
  textLog.record(first);
  textLog.record({ ...first, at: new Date(first.at.getTime() + 1000) });
  await textLog.close();
  expect(texts.batches).toEqual([[first]]);
});

test('When a write fails, then it is logged with its size and not thrown, and the next batch is written', async () => {
  const texts = recordingTexts();
  const { log, lines } = recordingLog();
  const textLog = createTextLog({ texts, log, batch: 2, flushMs: 60_000 });
  texts.fail = 1;
  textLog.record(aText());
  expect(() => textLog.record(aText())).not.toThrow();
  await textLog.flush();
  const warning = lines.find((l) => l.level === 'warn');
  expect(warning?.fields.records).toBe(2);
  expect(warning?.message).toMatch(/could not be written/);
  textLog.record(aText());
  await textLog.close();
  expect(texts.batches.map((b) => b.length)).toEqual([1]);
});

test('When a write hangs, then one write runs at a time, the records waiting are bounded, and those dropped are counted in a warning', async () => {
  const texts = recordingTexts();
  const { log, lines } = recordingLog();
  const textLog = createTextLog({ texts, log, batch: 2, maxWaiting: 3, flushMs: 60_000 });
  texts.hold = true;
  textLog.record(aText());
  textLog.record(aText());
  await tick();
  for (let i = 0; i < 5; i++) textLog.record(aText());
  expect(textLog.waiting()).toBe(3);
  texts.hold = false;
  texts.release();
  await textLog.close();
  // A batch at a time, TEXT_LOG_BATCH (here 2) at most.
  expect(texts.batches.map((b) => b.length)).toEqual([2, 2, 1]);
  expect(lines.find((l) => l.level === 'warn')?.fields.dropped).toBe(2);
});

describe('the record of a text', () => {
  const input = { from: '+15550100001', body: 'STATUS 1042', sid: 'SM1' };
  const at = new Date('2026-03-01T10:00:00Z');

  test('When a text names an order or CONFIRM placed one, then the record says which', () => {
    expect(inboundTextOf(input, { kind: 'status', number: 1042 }, undefined, at)).toEqual({
      sid: 'SM1',
      phone: '+15550100001',
      body: 'STATUS 1042',
      asked: 'status',
      order: 1042,
      at,
    });
    expect(inboundTextOf(input, { kind: 'cancel', number: 7 }, undefined, at).order).toBe(7);
    expect(inboundTextOf(input, { kind: 'return', number: 8 }, undefined, at).order).toBe(8);
    expect(inboundTextOf({ ...input, body: 'CONFIRM' }, { kind: 'confirm' }, 1050, at)).toMatchObject({
      asked: 'confirm',
      order: 1050,
    });
    expect(inboundTextOf({ ...input, body: 'HELP' }, { kind: 'help' }, undefined, at)).not.toHaveProperty(
      'order',
    );
  });

  test('When a text is long, then its words are cut to the limit without splitting a character', () => {
    const long = inboundTextOf({ ...input, body: 'x'.repeat(1000) }, { kind: 'unknown' }, undefined, at);
    expect(long.body).toHaveLength(INBOUND_TEXT_MAX);
    const emoji = `${'x'.repeat(INBOUND_TEXT_MAX - 1)}😀 and more`;
    const cut = inboundTextOf({ ...input, body: emoji }, { kind: 'unknown' }, undefined, at).body;
    expect(cut).toBe('x'.repeat(INBOUND_TEXT_MAX - 1));
  });
});
