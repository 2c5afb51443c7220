import { parseOrderCommand, parseStockCommand } from '../../handlers/slack/commands/parse.js';
import { answerCommand } from '../../handlers/slack/reply.js';
import { parseItems } from '../../handlers/slack/views/phone-order-form.js';
import { AppError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';

describe('/order grammar', () => {
  test.each([
    ['', { kind: 'help' }],
    ['  HELP ', { kind: 'help' }],
    ['new', { kind: 'new' }],
    ['1001', { kind: 'status', number: 1001 }],
    ['#1001', { kind: 'status', number: 1001 }],
    ['status #1001', { kind: 'status', number: 1001 }],
    ['Status 1001', { kind: 'status', number: 1001 }],
    ['find +1 555 123 4567', { kind: 'find', query: '+1 555 123 4567' }],
    ['find Dana Levi', { kind: 'find', query: 'Dana Levi' }],
    ['list', { kind: 'list' }],
    ['list pending', { kind: 'list', status: 'pending_approval' }],
    ['list Return Requested', { kind: 'list', status: 'return_requested' }],
    ['cancel 1001', { kind: 'cancel', number: 1001 }],
    ['late', { kind: 'late' }],
    ['LATE', { kind: 'late' }],
    [
      'cancel #1001  customer changed their mind',
      { kind: 'cancel', number: 1001, reason: 'customer changed their mind' },
    ],
  ])('%j → %j', (text, expected) => {
    expect(parseOrderCommand(text)).toEqual(expected);
  });

  test.each([
    'status',
    'status x',
    'status 1 2',
    'cancel',
    'cancel x',
    'find',
    'list nonsense',
    'ship 1001',
    '1001 1002',
  ])('%j is refused with an explanation', (text) => {
    const parsed = parseOrderCommand(text);
    expect(parsed.kind).toBe('invalid');
    expect((parsed as { message: string }).message.length).toBeGreaterThan(10);
  });
});

describe('/stock grammar', () => {
  test.each([
    ['', { kind: 'list' }],
    ['help', { kind: 'help' }],
    ['MUG-01', { kind: 'show', sku: 'MUG-01' }],
    ['set MUG-01 10', { kind: 'set', sku: 'MUG-01', quantity: 10 }],
    ['SET MUG-01 0', { kind: 'set', sku: 'MUG-01', quantity: 0 }],
    ['add MUG-01 -3', { kind: 'add', sku: 'MUG-01', quantity: -3 }],
    ['add MUG-01 +3', { kind: 'add', sku: 'MUG-01', quantity: 3 }],
    ['threshold MUG-01 4', { kind: 'threshold', sku: 'MUG-01', quantity: 4 }],
  ])('%j → %j', (text, expected) => {
    expect(parseStockCommand(text)).toEqual(expected);
  });

  test.each([
    'set MUG-01',
    'set MUG-01 -1',
    'set MUG-01 1.5',
    'add MUG-01 0',
    'threshold MUG-01 -2',
    'set $where 1',
    'a b',
    'set MUG 99999999',
  ])('%j is refused with an explanation', (text) => {
    expect(parseStockCommand(text).kind).toBe('invalid');
  });

  test.each([
    ['aliases MUG-BLUE blue mug', ['blue mug']],
    ['aliases MUG-BLUE blue mug, ספל כחול', ['blue mug', 'ספל כחול']],
    ['ALIASES MUG-BLUE  blue   mug ,ספל כחול,', ['blue   mug', 'ספל כחול']],
    ['aliases MUG-BLUE blue mug,, , red mug', ['blue mug', 'red mug']],
    ['aliases MUG-BLUE mugs &amp; cups, &lt;mug&gt;', ['mugs & cups', '<mug>']],
    ['aliases MUG-BLUE -', []],
    ['aliases MUG-BLUE none', []],
    ['aliases MUG-BLUE None', []],
    ['aliases MUG-BLUE none, mug', ['none', 'mug']],
  ])('%j sets the aliases %j', (text, aliases) => {
    expect(parseStockCommand(text)).toEqual({ kind: 'aliases', sku: 'MUG-BLUE', aliases });
  });

  test.each([
    ['aliases', 'Usage: `/stock aliases'],
    ['aliases MUG-BLUE', 'Usage: `/stock aliases'],
    ['aliases MUG-BLUE  ', 'Usage: `/stock aliases'],
    ['aliases MUG-BLUE , ,', 'Usage: `/stock aliases'],
    ['aliases $where mug', '`$where` is not a SKU'],
  ])('%j is refused with an explanation', (text, says) => {
    const parsed = parseStockCommand(text);
    expect(parsed.kind).toBe('invalid');
    expect((parsed as { message: string }).message).toContain(says);
  });
});

describe('phone-order items', () => {
  test('reads the ways agents type items, and adds up repeated SKUs', () => {
    expect(parseItems('MUG-01 2\n3 x TEA-1\nMUG-01 x1\nBAG-9\n\n  2 CUP  ')).toEqual({
      items: [
        { sku: 'MUG-01', quantity: 3 },
        { sku: 'TEA-1', quantity: 3 },
        { sku: 'BAG-9', quantity: 1 },
        { sku: 'CUP', quantity: 2 },
      ],
      problems: [],
    });
  });

  test('names each line it cannot read, and refuses an empty list or a zero', () => {
    expect(parseItems('').problems).toHaveLength(1);
    const { problems } = parseItems('MUG-01 2\ntwo mugs\nMUG-01 0');
    expect(problems).toEqual([expect.stringContaining('Line 2'), expect.stringContaining('Line 3')]);
  });
});

describe('answering a slash command within Slack’s 3 seconds', () => {
  const log = createLogger('silent');

  test('quick work is the acknowledgement itself', async () => {
    const acks: unknown[] = [];
    const responds: unknown[] = [];
    await answerCommand(
      async (m) => void acks.push(m),
      async (m) => void responds.push(m),
      log,
      'test',
      async () => ({ text: 'done', blocks: [] }),
    );
    expect(acks).toEqual([{ response_type: 'ephemeral', text: 'done', blocks: [] }]);
    expect(responds).toEqual([]);
  });

  test('slow work is acknowledged at once and answered through the response_url', async () => {
    const acks: { at: number; m: unknown }[] = [];
    const responds: unknown[] = [];
    const started = Date.now();
    await answerCommand(
      async (m) => void acks.push({ at: Date.now() - started, m }),
      async (m) => void responds.push(m),
      log,
      'test',
      () => new Promise((r) => setTimeout(() => r({ text: 'late', blocks: [] }), 2_800)),
    );
    expect(acks).toHaveLength(1);
    expect(acks[0]?.at).toBeLessThan(2_900);
    expect(JSON.stringify(acks[0]?.m)).toContain('Working on it');
    expect(responds).toEqual([expect.objectContaining({ text: 'late', replace_original: true })]);
  });

  test('a refusal is explained; an unexpected failure says it was logged', async () => {
    const acks: any[] = [];
    await answerCommand(
      async (m) => void acks.push(m),
      async () => undefined,
      log,
      'test',
      async () => {
        throw new AppError('not_found', 'No order #5.');
      },
    );
    await answerCommand(
      async (m) => void acks.push(m),
      async () => undefined,
      log,
      'test',
      async () => {
        throw new Error('database exploded');
      },
    );
    expect(acks[0].text).toContain('No order #5.');
    expect(acks[1].text).toContain('logged');
    expect(acks[1].text).not.toContain('exploded');
  });
});
