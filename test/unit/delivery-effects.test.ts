import {
  doorOf,
  type Effect,
  effectName,
  isJobEffect,
  isSlackEffect,
  laneOfName,
  parseEffect,
  placementEffects,
  SMS_ORDER,
  smsKindOf,
  transitionEffects,
} from '../../src/delivery/effects.js';
import { callKey, orderKey, parseLaneKey, stockKey } from '../../src/delivery/lane.js';
import { CHANNELS, FOLLOW_UP_JOB, ORDER_STATUSES, type OrderStatus } from '../../src/orders/lifecycle.js';

/**
 * What each change asks delivery to do, written out from the README's words rather than read from the
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
  'When an order moves to %s, then its Slack messages are brought up to that version, and the customer is texted only where the README says',
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

const EVERY_KIND: Effect[] = [
  { kind: 'slack-version', version: 1 },
  { kind: 'slack-version', version: 999_999_999 },
  { kind: 'slack-document', document: 'invoice' },
  { kind: 'slack-document', document: 'credit-note' },
  { kind: 'slack-rating' },
  { kind: 'slack-reminder', reminder: 3 },
  { kind: 'slack-low-stock' },
  { kind: 'slack-call', slot: 'pop' },
  { kind: 'slack-call', slot: 'voicemail' },
  ...SMS_ORDER.map((update) => ({ kind: 'sms', update }) as const),
  { kind: 'job', job: FOLLOW_UP_JOB },
];

test.each(EVERY_KIND.map((e) => [effectName(e), e]))(
  'When the effect %s is stored and read back, then it reads as what was asked',
  (name, effect) => {
    expect(parseEffect(name)).toEqual(effect);
  },
);

test('When the names are the ones stored by earlier releases, then they read as before', () => {
  expect(parseEffect('slack:7')).toEqual({ kind: 'slack-version', version: 7 });
  expect(parseEffect('slack:remind:2')).toEqual({ kind: 'slack-reminder', reminder: 2 });
  expect(parseEffect('sms:placed')).toEqual({ kind: 'sms', update: 'placed' });
  expect(parseEffect('job:follow-up')).toEqual({ kind: 'job', job: 'follow-up' });
  expect(parseEffect('slack:pop')).toEqual({ kind: 'slack-call', slot: 'pop' });
});

test.each([
  ['slack:0', 'slack'],
  ['slack:07', 'slack'],
  ['slack:remind:', 'slack'],
  ['slack:toString', 'slack'],
  ['slack:__proto__', 'slack'],
  ['sms:hello', 'sms'],
  ['job:digest', 'jobs'],
  ['email:placed', undefined],
  ['slack', undefined],
  ['', undefined],
])(
  'When a stored name %j is not one this release forms, then it is no effect, and its lane goes by its prefix (%j)',
  (name, lane) => {
    expect(parseEffect(name)).toBeUndefined();
    expect(laneOfName(name)).toBe(lane);
  },
);

test('When the doors are asked about each kind, then every Slack message goes through Slack and texts and the follow-up through Twilio', () => {
  for (const effect of EVERY_KIND) {
    const name = effectName(effect);
    expect([name, doorOf(name)]).toEqual([
      name,
      effect.kind === 'sms' || effect.kind === 'job' ? 'twilio' : 'slack',
    ]);
  }
  expect(doorOf('slack:someday')).toBe('slack');
  expect(doorOf('sms:someday')).toBe('twilio');
  expect(doorOf('job:someday')).toBeUndefined();
});

test.each([
  ['order:1042', { kind: 'order', number: 1042 }],
  ['stock:MUG-BLUE', { kind: 'stock', sku: 'MUG-BLUE' }],
  ['stock:a:b', { kind: 'stock', sku: 'a:b' }],
  ['call:CA0123', { kind: 'call', sid: 'CA0123' }],
  ['order:0', undefined],
  ['order:x', undefined],
  ['order:', undefined],
  ['stock:', undefined],
  ['other:1', undefined],
  ['order', undefined],
])('When a lane reads its key %j, then it names %j', (key, expected) => {
  expect(parseLaneKey(key)).toEqual(expected);
});

test('When a lane key is formed and read back, then it names the same work', () => {
  expect(parseLaneKey(orderKey(1042))).toEqual({ kind: 'order', number: 1042 });
  expect(parseLaneKey(stockKey('MUG-1'))).toEqual({ kind: 'stock', sku: 'MUG-1' });
  expect(parseLaneKey(callKey('CA1'))).toEqual({ kind: 'call', sid: 'CA1' });
});
