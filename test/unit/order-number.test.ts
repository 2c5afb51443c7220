import { parseOrderNumber, parseWrittenOrderNumber } from '../../src/orders/number.js';

test.each([
  ['1001', 1001],
  ['007', 7],
  ['999999999', 999_999_999],
  ['0', undefined],
  ['000', undefined],
  ['1234567890', undefined],
  ['#1001', undefined],
  [' 1001', undefined],
  ['1001 ', undefined],
  ['10.5', undefined],
  ['1e3', undefined],
  ['-5', undefined],
  ['', undefined],
  [1001, undefined],
  [undefined, undefined],
  [null, undefined],
])(
  'When a machine sends %j as an order number (a path, a button, keyed digits), then it reads %j',
  (value, expected) => {
    expect(parseOrderNumber(value)).toBe(expected);
  },
);

test.each([
  ['1001', 1001],
  ['#1001', 1001],
  ['# 1001', 1001],
  ['#0', undefined],
  ['##1001', undefined],
  ['1001#', undefined],
  ['#1234567890', undefined],
  ['order 1001', undefined],
  ['', undefined],
  [undefined, undefined],
])('When a person types %j as an order number, then it reads %j', (text, expected) => {
  expect(parseWrittenOrderNumber(text)).toBe(expected);
});
