import { placeOrderBody, stockBody } from '../../handlers/api/schemas.js';
import { parseStockCommand } from '../../handlers/slack/commands/parse.js';
import { parseItems } from '../../handlers/slack/views/phone-order-form.js';
import { MAX_STOCK_UNITS } from '../../src/inventory/sku.js';
import { ORDER_LIMITS } from '../../src/orders/types.js';
import { MAX_ITEM_QUANTITY, MAX_ORDER_ITEMS } from '../../src/sms/keywords.js';

/** Every door reads its bounds from the domain's: it may allow less, never more. */

const lines = (n: number, quantity = 1) =>
  Array.from({ length: n }, (_, i) => ({ sku: `SKU-${i}`, quantity }));
const apiAccepts = (items: { sku: string; quantity: number }[]) =>
  placeOrderBody.safeParse({ channel: 'web', customer: { name: 'Dana', phone: '+15551234567' }, items })
    .success;

test('When the REST API reads an order, then it allows exactly the domain’s lines and units per line', () => {
  expect(apiAccepts(lines(ORDER_LIMITS.lines, ORDER_LIMITS.quantityPerLine))).toBe(true);
  expect(apiAccepts(lines(ORDER_LIMITS.lines + 1))).toBe(false);
  expect(apiAccepts(lines(1, ORDER_LIMITS.quantityPerLine + 1))).toBe(false);
});

test('When the Slack phone-order form reads the items, then it allows exactly the domain’s lines and units per line', () => {
  const form = (n: number, quantity: number) =>
    parseItems(
      lines(n, quantity)
        .map((l) => `${l.sku} ${l.quantity}`)
        .join('\n'),
    ).problems;
  expect(form(ORDER_LIMITS.lines, ORDER_LIMITS.quantityPerLine)).toEqual([]);
  expect(form(ORDER_LIMITS.lines + 1, 1).join(' ')).toContain(`At most ${ORDER_LIMITS.lines} lines`);
  expect(form(1, ORDER_LIMITS.quantityPerLine + 1).join(' ')).toContain(
    `1 to ${ORDER_LIMITS.quantityPerLine}`,
  );
});

test('When a text orders, then its own bounds stay within the domain’s', () => {
  expect(MAX_ITEM_QUANTITY).toBeLessThanOrEqual(ORDER_LIMITS.quantityPerLine);
  expect(MAX_ORDER_ITEMS).toBeLessThanOrEqual(ORDER_LIMITS.lines);
});

test('When stock is changed through the REST API or /stock, then both allow exactly MAX_STOCK_UNITS', () => {
  for (const verb of ['set', 'add', 'threshold']) {
    expect(parseStockCommand(`${verb} MUG-01 ${MAX_STOCK_UNITS}`)).toMatchObject({ kind: verb });
    expect(parseStockCommand(`${verb} MUG-01 ${MAX_STOCK_UNITS + 1}`).kind).toBe('invalid');
  }
  expect(parseStockCommand(`add MUG-01 -${MAX_STOCK_UNITS}`)).toMatchObject({ quantity: -MAX_STOCK_UNITS });
  expect(stockBody.safeParse({ set: MAX_STOCK_UNITS }).success).toBe(true);
  expect(stockBody.safeParse({ set: MAX_STOCK_UNITS + 1 }).success).toBe(false);
  expect(stockBody.safeParse({ add: -MAX_STOCK_UNITS }).success).toBe(true);
  expect(stockBody.safeParse({ add: -MAX_STOCK_UNITS - 1 }).success).toBe(false);
});
