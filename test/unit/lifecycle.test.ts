import { toE164 } from '../../src/customers/phone.js';
import { formatMoney } from '../../src/money.js';
import {
  ACTIONS,
  allowedActions,
  FINAL_STATUSES,
  nextStatus,
  ORDER_ACTIONS,
  ORDER_STATUSES,
  RESERVING_STATUSES,
  TRANSITIONS,
} from '../../src/orders/lifecycle.js';

test('The lifecycle table is exactly the one in the README', () => {
  expect(TRANSITIONS).toEqual({
    pending_approval: { approve: 'approved', reject: 'rejected', cancel: 'cancelled' },
    approved: { start_picking: 'picking', cancel: 'cancelled' },
    picking: { pack: 'packed', cancel: 'cancelled' },
    packed: { ship: 'shipped' },
    shipped: { deliver: 'delivered' },
    delivered: { request_return: 'return_requested' },
    return_requested: { receive_return: 'returned', reject_return: 'delivered' },
    rejected: {},
    cancelled: {},
    returned: {},
  });
});

test('Final statuses allow nothing; every other action is refused', () => {
  for (const s of FINAL_STATUSES) expect(allowedActions(s)).toEqual([]);
  for (const s of ORDER_STATUSES) {
    for (const a of ORDER_ACTIONS) expect(nextStatus(s, a)).toBe(TRANSITIONS[s][a]);
  }
});

test('The final statuses are exactly rejected, cancelled and returned', () => {
  expect([...FINAL_STATUSES].sort()).toEqual(['cancelled', 'rejected', 'returned']);
});

test('An order holds its reservation from placement until it ships or ends: pending_approval, approved, picking, packed', () => {
  // Reconcile keeps the stock of orders in these statuses, and the SMS limit counts them as open.
  expect([...RESERVING_STATUSES].sort()).toEqual(['approved', 'packed', 'pending_approval', 'picking']);
});

test('Stock follows the README: reject and cancel release, ship commits, receive_return restocks', () => {
  const stock = Object.fromEntries(
    ORDER_ACTIONS.flatMap((a) => (ACTIONS[a].stock ? [[a, ACTIONS[a].stock]] : [])),
  );
  expect(stock).toEqual({
    reject: 'release',
    cancel: 'release',
    ship: 'commit',
    receive_return: 'restock',
  });
});

test('Money in minor units is shown in its currency', () => {
  expect(formatMoney(1999, 'USD')).toBe('$19.99');
  expect(formatMoney(500, 'JPY')).toBe('¥500');
  expect(formatMoney(123456, 'ILS', 'en-US')).toBe('₪1,234.56');
});

test.each([
  ['(555) 123-4567', 'US', '+15551234567'],
  ['555.123.4567', 'US', '+15551234567'],
  ['+1 555 123 4567', 'IL', '+15551234567'],
  ['050-123-4567', 'IL', '+972501234567'],
  ['+972 50 123 4567', 'US', '+972501234567'],
  ['12', 'US', undefined],
  ['hello', 'US', undefined],
] as const)('Phone %s with default country %s is %s', (input, country, expected) => {
  expect(toE164(input, country)).toBe(expected);
});
