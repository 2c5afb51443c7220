import { ORDER_ACTIONS, ORDER_STATUSES } from '../../src/orders/lifecycle.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { act, createProduct, placeOrder, walk } from '../helpers/builders.js';

/**
 * The lifecycle of the README written out here, independent of src/orders/lifecycle.ts, so that a
 * wrong table there fails this test instead of changing it: every status × every action, either
 * the next status or `-` for refused (409 invalid_transition).
 */
const ACTIONS = [
  'approve',
  'reject',
  'cancel',
  'start_picking',
  'pack',
  'ship',
  'deliver',
  'request_return',
  'receive_return',
  'reject_return',
] as const;
type Action = (typeof ACTIONS)[number];
const _ = '-';
// biome-ignore format: the table reads as a table only when aligned
const EXPECTED = {
  //                 approve     reject      cancel       start_picking pack      ship       deliver      request_return      receive_return reject_return
  pending_approval: ['approved', 'rejected', 'cancelled', _,            _,        _,         _,           _,                  _,             _],
  approved:         [_,          _,          'cancelled', 'picking',    _,        _,         _,           _,                  _,             _],
  picking:          [_,          _,          'cancelled', _,            'packed', _,         _,           _,                  _,             _],
  packed:           [_,          _,          _,           _,            _,        'shipped', _,           _,                  _,             _],
  shipped:          [_,          _,          _,           _,            _,        _,         'delivered', _,                  _,             _],
  delivered:        [_,          _,          _,           _,            _,        _,         _,           'return_requested', _,             _],
  return_requested: [_,          _,          _,           _,            _,        _,         _,           _,                  'returned',    'delivered'],
  rejected:         [_,          _,          _,           _,            _,        _,         _,           _,                  _,             _],
  cancelled:        [_,          _,          _,           _,            _,        _,         _,           _,                  _,             _],
  returned:         [_,          _,          _,           _,            _,        _,         _,           _,                  _,             _],
} as const;
type Status = keyof typeof EXPECTED;

/** How to bring a fresh order to each status through the API. */
const PATH_TO: Record<Status, Action[]> = {
  pending_approval: [],
  approved: ['approve'],
  picking: ['approve', 'start_picking'],
  packed: ['approve', 'start_picking', 'pack'],
  shipped: ['approve', 'start_picking', 'pack', 'ship'],
  delivered: ['approve', 'start_picking', 'pack', 'ship', 'deliver'],
  return_requested: ['approve', 'start_picking', 'pack', 'ship', 'deliver', 'request_return'],
  rejected: ['reject'],
  cancelled: ['cancel'],
  returned: ['approve', 'start_picking', 'pack', 'ship', 'deliver', 'request_return', 'receive_return'],
};

let app: TestApp;
let sku: string;
beforeAll(async () => {
  app = await startTestApp('lifecycle');
  sku = (await createProduct(app, { onHand: 1000 })).sku;
});
afterAll(() => app.close());

async function orderAt(status: Status) {
  const order = await placeOrder(app, [{ sku, quantity: 1 }]);
  await walk(app, order.number, PATH_TO[status]);
  return order.number as number;
}

/** One order per status for all refusals: a refused action changes nothing, so they can share it. */
const standing = new Map<Status, Promise<number>>();
const standingAt = (status: Status) => {
  if (!standing.has(status)) standing.set(status, orderAt(status));
  return standing.get(status) as Promise<number>;
};

const cells = (Object.keys(EXPECTED) as Status[]).flatMap((from) =>
  ACTIONS.map((action, i) => [from, action, EXPECTED[from][i] as string] as const),
);

test('The written-out table names every status and every action the code knows', () => {
  expect(Object.keys(EXPECTED).sort()).toEqual([...ORDER_STATUSES].sort());
  expect([...ACTIONS].sort()).toEqual([...ORDER_ACTIONS].sort());
});

describe('Given an order in each status', () => {
  test.each(cells.filter(([, , to]) => to !== _))(
    'when %s receives %s, then it becomes %s and the history says who and how',
    async (from, action, to) => {
      const number = await orderAt(from);
      const extra = action === 'ship' ? { carrier: 'DHL', trackingNumber: 'JD014600006281230704' } : {};
      const res = await act(app, number, action, { ...extra, note: `note for ${action}` });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe(to);
      const last = res.body.history.at(-1);
      expect(last).toMatchObject({
        action,
        from,
        to,
        by: 'tester',
        channel: 'api',
        note: `note for ${action}`,
      });
      expect(new Date(last.at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    },
  );

  test.each(cells.filter(([, , to]) => to === _))(
    'when %s receives %s, then it is refused with 409 invalid_transition and nothing changes',
    async (status, action) => {
      const number = await standingAt(status);
      const before = await app.api('GET', `/api/v1/orders/${number}`);
      const res = await act(app, number, action, { carrier: 'DHL', trackingNumber: 'X1' });
      // A wrongly allowed action moved the shared order: the next cells get a fresh one, so only
      // the wrong cell fails.
      if (res.status !== 409) standing.delete(status);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('invalid_transition');
      expect(res.body.error.message).toContain(status);
      const after = await app.api('GET', `/api/v1/orders/${number}`);
      expect(after.body).toEqual(before.body);
    },
  );
});

test('When a packed order is shipped without carrier or tracking number, then 400 names both and it stays packed', async () => {
  const number = await orderAt('packed');
  const res = await act(app, number, 'ship');
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('validation_error');
  expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
    'carrier',
    'trackingNumber',
  ]);
  expect((await app.api('GET', `/api/v1/orders/${number}`)).body.status).toBe('packed');
});

test('When an order ships, then carrier and tracking number are on the order', async () => {
  const number = await orderAt('shipped');
  const order = (await app.api('GET', `/api/v1/orders/${number}`)).body;
  expect(order.shipment).toMatchObject({ carrier: 'UPS', trackingNumber: '1Z999AA10123456784' });
});

test('When an action is unknown, then 400 validation_error', async () => {
  const number = await orderAt('pending_approval');
  const res = await act(app, number, 'teleport');
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('validation_error');
});

test('When an order is placed, then its number is from 1001 upwards, its history starts with the placement', async () => {
  const order = await placeOrder(app, [{ sku, quantity: 2 }], { channel: 'marketplace' });
  expect(order.number).toBeGreaterThanOrEqual(1001);
  expect(order.status).toBe('pending_approval');
  expect(order.total).toBe(2000);
  expect(order.currency).toBe('USD');
  expect(order.history).toEqual([
    expect.objectContaining({
      action: 'place',
      from: null,
      to: 'pending_approval',
      by: 'tester',
      channel: 'marketplace',
    }),
  ]);
});

test('Every placement and change emits a domain event for the channel doors to route', async () => {
  const seen: string[] = [];
  app.deps.events.on('order.placed', ({ order }) => {
    seen.push(`placed #${order.number}`);
  });
  app.deps.events.on('order.status_changed', ({ order, action, from, to }) => {
    seen.push(`${action} #${order.number} ${from}->${to}`);
  });
  app.deps.events.on('invoice.issued', ({ order }) => {
    seen.push(`invoice #${order.number}`);
  });
  const order = await placeOrder(app, [{ sku, quantity: 1 }]);
  await walk(app, order.number, ['approve', 'start_picking', 'pack']);
  const n = order.number;
  expect(seen).toEqual([
    `placed #${n}`,
    `approve #${n} pending_approval->approved`,
    `start_picking #${n} approved->picking`,
    `invoice #${n}`,
    `pack #${n} picking->packed`,
  ]);
});
