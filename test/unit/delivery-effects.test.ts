import {
  FOLLOW_UP_JOB,
  isJobEffect,
  isSlackEffect,
  placementEffects,
  SMS_ORDER,
  smsKindOf,
  transitionEffects,
} from '../../src/delivery/effects.js';
import { CHANNELS, ORDER_STATUSES, type OrderStatus } from '../../src/orders/lifecycle.js';

/**
 * What each change asks delivery to do, written out from SPEC's words rather than read from the
 * module: "Customers get an SMS when their order is placed, approved, shipped (with tracking), and
 * delivered, and when it is rejected or cancelled"; every change shows on the order's Slack
 * messages; the follow-up is scheduled "after delivery".
 */
const TEXTED: Partial<Record<OrderStatus, string>> = {
  approved: 'sms:approved',
  shipped: 'sms:shipped',
  delivered: 'sms:delivered',
  rejected: 'sms:rejected',
  cancelled: 'sms:cancelled',
};

test.each(ORDER_STATUSES.map((s) => [s]))(
  'When an order moves to %s, then its Slack messages are brought up to that version, and the customer is texted only where SPEC says',
  (status) => {
    const effects = transitionEffects(status, 7);
    const expected = ['slack:7', ...(TEXTED[status] ? [TEXTED[status]] : [])];
    if (status === 'delivered') expected.push('job:follow-up');
    expect(effects).toEqual(expected);
  },
);

test.each(CHANNELS.map((c) => [c]))(
  'When an order is placed by %s, then it asks for its approval request (version 1) and the "placed" text',
  (channel) => {
    expect(placementEffects(channel)).toEqual(['slack:1', 'sms:placed']);
  },
);

test('When delivery reads an effect, then each kind is told apart by its prefix alone', () => {
  expect(FOLLOW_UP_JOB).toBe('follow-up');
  expect(['job:follow-up', 'slack:3', 'sms:placed', 'slack:remind:2'].map(isJobEffect)).toEqual([
    true,
    false,
    false,
    false,
  ]);
  expect(
    ['slack:3', 'slack:invoice', 'slack:remind:2', 'sms:shipped', 'job:follow-up'].map(isSlackEffect),
  ).toEqual([true, true, true, false, false]);
  expect(smsKindOf('sms:shipped')).toBe('shipped');
  expect(smsKindOf('sms:follow_up')).toBe('follow_up');
  expect(smsKindOf('slack:3')).toBeUndefined();
  expect(smsKindOf('job:follow-up')).toBeUndefined();
});

test('When several texts of one order are due, then they go out in the order the customer lives them', () => {
  expect(SMS_ORDER).toEqual([
    'placed',
    'approved',
    'shipped',
    'delivered',
    'rejected',
    'cancelled',
    'follow_up',
  ]);
});
