import fc from 'fast-check';
import { parseOrderCommand, parseStatus, parseStockCommand } from '../../handlers/slack/commands/parse.js';
import { inputValue, parseItems, type ViewValues } from '../../handlers/slack/views/phone-order-form.js';
import { MAX_STOCK_UNITS, SKU_PATTERN } from '../../src/inventory/sku.js';
import { ORDER_STATUSES } from '../../src/orders/lifecycle.js';
import { INPUTS } from '../../src/slack/blocks/ids.js';
import { jsonText, runs, weirdString, wordSoup } from './arbitraries.js';

/**
 * The Slack parsers under generated text: `/order` and `/stock` (parse.ts) promise a command or
 * an `invalid` with a message for any text, and the phone-order form's reader promises items and
 * problems. None may throw, and no message may echo an unbounded piece of what was typed.
 */

const ORDER_WORDS = [
  'help',
  'HELP',
  'new',
  'status',
  'Status',
  'find',
  'list',
  'cancel',
  'CANCEL',
  ...ORDER_STATUSES,
  'pending',
  'Return-Requested',
  'pending approval',
];
const STOCK_WORDS = [
  'help',
  'set',
  'SET',
  'add',
  'threshold',
  'MUG-01',
  'mug-01',
  '+5',
  '-5',
  '+0',
  '-0',
  '0',
  '1000000',
  '1000001',
  '9999999',
  '10000000',
  '10000001',
  '99999999',
];
const orderText = fc.oneof(weirdString, wordSoup(ORDER_WORDS));
const stockText = fc.oneof(weirdString, wordSoup(STOCK_WORDS));
/** Slack answers a message over 3,000 characters with an error; ours stay far below that. */
const MESSAGE_MAX = 400;
const sku = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);

describe('/order', () => {
  test('When any text follows /order, then the parser answers with a well-formed command and never throws', () => {
    fc.assert(
      fc.property(orderText, (text) => {
        const cmd = parseOrderCommand(text);
        switch (cmd.kind) {
          case 'status':
            expect(Number.isSafeInteger(cmd.number) && cmd.number >= 0 && cmd.number <= 999_999_999).toBe(
              true,
            );
            break;
          case 'cancel':
            expect(Number.isSafeInteger(cmd.number) && cmd.number >= 0).toBe(true);
            if (cmd.reason !== undefined) {
              expect(cmd.reason).toBe(cmd.reason.trim());
              expect(cmd.reason.length).toBeGreaterThan(0);
              expect(cmd.reason.length).toBeLessThanOrEqual(500);
            }
            break;
          case 'find':
            expect(cmd.query).toBe(cmd.query.trim());
            expect(cmd.query.length).toBeGreaterThan(0);
            expect(cmd.query.length).toBeLessThanOrEqual(100);
            break;
          case 'list':
            if (cmd.status !== undefined) expect(ORDER_STATUSES).toContain(cmd.status);
            break;
          case 'invalid':
            expect(cmd.message.length).toBeGreaterThan(0);
            expect(cmd.message.length).toBeLessThanOrEqual(MESSAGE_MAX);
            break;
          default:
            expect(['help', 'new']).toContain(cmd.kind);
        }
      }),
      runs(400),
    );
  });

  test('When a status is written in any case, with spaces or dashes, then it is recognised', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ORDER_STATUSES),
        fc.constantFrom(' ', '-', '_', '  ', ' - '),
        fc.boolean(),
        (status, sep, upper) => {
          const written = status.replace(/_/g, sep);
          expect(parseStatus(upper ? written.toUpperCase() : written)).toBe(status);
          expect(parseOrderCommand(`list ${written}`)).toEqual({ kind: 'list', status });
        },
      ),
      runs(200),
    );
  });

  test('When /order names an order number with a reason or a search, then they are read back as typed', () => {
    const reason = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 60 })
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999 }), fc.boolean(), reason, (n, hash, words) => {
        const ref = `${hash ? '#' : ''}${n}`;
        expect(parseOrderCommand(ref)).toEqual({ kind: 'status', number: n });
        expect(parseOrderCommand(`status ${ref}`)).toEqual({ kind: 'status', number: n });
        expect(parseOrderCommand(`cancel ${ref}`)).toEqual({ kind: 'cancel', number: n });
        expect(parseOrderCommand(`cancel ${ref} ${words}`)).toEqual({
          kind: 'cancel',
          number: n,
          reason: words,
        });
        expect(parseOrderCommand(`find ${words}`)).toEqual({ kind: 'find', query: words });
      }),
      runs(300),
    );
    // 0 names no order (order numbers are positive), with or without "#".
    for (const ref of ['0', '#0', '000']) expect(parseOrderCommand(ref).kind).toBe('invalid');
    expect(parseOrderCommand('status 0').kind).toBe('invalid');
  });
});

describe('/stock', () => {
  test('When any text follows /stock, then the parser answers with a well-formed command and never throws', () => {
    fc.assert(
      fc.property(stockText, (text) => {
        const cmd = parseStockCommand(text);
        switch (cmd.kind) {
          case 'show':
            expect(cmd.sku).toMatch(SKU_PATTERN);
            break;
          case 'set':
          case 'threshold':
          case 'add':
            expect(cmd.sku).toMatch(SKU_PATTERN);
            expect(Number.isSafeInteger(cmd.quantity)).toBe(true);
            expect(Math.abs(cmd.quantity)).toBeLessThanOrEqual(MAX_STOCK_UNITS);
            if (cmd.kind === 'add') expect(cmd.quantity).not.toBe(0);
            else expect(cmd.quantity).toBeGreaterThanOrEqual(0);
            // -0 would be stored as -0 and shown as "0" only by luck.
            expect(Object.is(cmd.quantity, -0)).toBe(false);
            break;
          case 'invalid':
            expect(cmd.message.length).toBeGreaterThan(0);
            expect(cmd.message.length).toBeLessThanOrEqual(MESSAGE_MAX);
            break;
          default:
            expect(['help', 'list']).toContain(cmd.kind);
        }
      }),
      runs(400),
    );
  });

  test('When /stock set, add or threshold names any SKU and quantity in range, then they are read back', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('set', 'add', 'threshold'),
        sku,
        fc.integer({ min: -MAX_STOCK_UNITS, max: MAX_STOCK_UNITS }),
        fc.boolean(),
        (verb, s, n, plus) => {
          const qty = n >= 0 && plus && verb === 'add' ? `+${n}` : String(n);
          const cmd = parseStockCommand(`${verb.toUpperCase()}  ${s}\t${qty} `);
          if ((verb !== 'add' && n < 0) || (verb === 'add' && n === 0)) expect(cmd.kind).toBe('invalid');
          else expect(cmd).toEqual({ kind: verb, sku: s, quantity: n });
        },
      ),
      runs(300),
    );
  });
});

describe('the phone-order form', () => {
  test('When the items field holds any text, then every item read is a real SKU with 1 to 10,000 units, and anything else is a problem', () => {
    const itemsText = fc.oneof(
      weirdString,
      wordSoup(['MUG-01', 'mug-01', 'x', '×', '*', ':', '10000', '10001', '5000', '\n', '\r\n', '0'], {
        maxWords: 30,
      }),
    );
    fc.assert(
      fc.property(itemsText, (text) => {
        const { items, problems } = parseItems(text);
        const skus = items.map((i) => i.sku);
        expect(new Set(skus).size).toBe(skus.length);
        for (const item of items) {
          expect(item.sku).toMatch(SKU_PATTERN);
          expect(Number.isSafeInteger(item.quantity)).toBe(true);
          expect(item.quantity).toBeGreaterThanOrEqual(1);
          expect(item.quantity).toBeLessThanOrEqual(10_000);
        }
        if (problems.length === 0) expect(items.length).toBeGreaterThan(0);
        for (const p of problems) expect(p.length).toBeLessThanOrEqual(MESSAGE_MAX);
      }),
      runs(400),
    );
  });

  test('When items are typed in any documented form, then exactly those items are read', () => {
    // Kept out by design: a SKU of digits only (it reads as a quantity), or one that starts or ends
    // with x (`5 x5`, `MUGX 2`): the multiplication sign of the other forms.
    const plainSku = fc.stringMatching(/^[A-WYZa-wyz](?:[A-Za-z0-9._-]{0,62}[A-WYZa-wyz0-9._-])?$/);
    const forms = [
      '{s} {q}',
      '{q} {s}',
      '{s} x{q}',
      '{s} x {q}',
      '{q} x {s}',
      '{s}:{q}',
      '{s} × {q}',
      '{s}*{q}',
    ];
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ sku: plainSku, quantity: fc.integer({ min: 1, max: 10_000 }) }), {
          selector: (l) => l.sku,
          minLength: 1,
          maxLength: 50,
        }),
        fc.constantFrom(...forms),
        fc.constantFrom('\n', '\r\n', '\n\n  '),
        (lines, form, sep) => {
          const text = lines
            .map((l) => form.replace('{s}', l.sku).replace('{q}', String(l.quantity)))
            .join(sep);
          expect(parseItems(text)).toEqual({ items: lines, problems: [] });
        },
      ),
      runs(200),
    );
  });

  test('When the same SKU is typed on several lines, then the units add up, and a sum over 10,000 is a problem', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 5 }), (qs) => {
        const { items, problems } = parseItems(qs.map((q) => `MUG-01 ${q}`).join('\n'));
        const sum = qs.reduce((a, b) => a + b, 0);
        if (sum <= 10_000)
          expect({ items, problems }).toEqual({ items: [{ sku: 'MUG-01', quantity: sum }], problems: [] });
        else expect(problems.length).toBeGreaterThan(0);
      }),
      runs(200),
    );
  });

  test('When a line is thousands of characters long, then it is refused in linear time', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('1', 'a', '.', '-', ' ', 'x'),
        fc.integer({ min: 3_000, max: 20_000 }),
        fc.constantFrom('!', '', ' x', 'é'),
        (unit, n, end) => {
          const started = performance.now();
          parseItems(`a${unit.repeat(n)}${end}`);
          expect(performance.now() - started).toBeLessThan(400);
        },
      ),
      runs(40),
    );
  });

  test('When a view state holds any JSON at all, then each field reads as a trimmed string', () => {
    const ids = Object.values(INPUTS);
    const state = fc.oneof(
      jsonText([...ids, 'value', 'selected_option', 'type']).map((t) => JSON.parse(t) as unknown),
      fc.dictionary(
        fc.constantFrom(...ids),
        fc.dictionary(
          fc.constantFrom(...ids),
          fc.record(
            {
              value: fc.oneof(weirdString, fc.constant(null), fc.integer(), fc.array(fc.string())),
              selected_option: fc.oneof(
                fc.constant(null),
                fc.record({ value: fc.oneof(weirdString, fc.integer()) }),
              ),
            },
            { requiredKeys: [] },
          ),
        ),
      ),
    );
    fc.assert(
      fc.property(state, fc.constantFrom(...ids), (values, id) => {
        const read = inputValue(values as ViewValues, id);
        expect(typeof read).toBe('string');
        expect(read).toBe(read.trim());
      }),
      runs(400),
    );
  });
});
