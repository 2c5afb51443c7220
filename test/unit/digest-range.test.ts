import { computeDigest, type OrderFacts } from '../../src/digest/compute.js';
import { computeRange } from '../../src/digest/range.js';

/** The digest's numbers for a range of local days (the console's reports); one day's digest is the range of that day. */

const JLM = 'Asia/Jerusalem';

let seq = 500;
function order(overrides: Partial<OrderFacts> & { createdAt: Date }): OrderFacts {
  return {
    number: seq++,
    channel: 'web',
    status: 'delivered',
    total: 1000,
    currency: 'ILS',
    customer: { name: 'Dana Levi', phone: '+972501234567' },
    items: [],
    ...overrides,
  };
}

const at = (iso: string) => new Date(iso);

/** 2026-03-25 to 2026-03-27 in Jerusalem: from 2026-03-24T22:00Z (IST) to 2026-03-27T21:00Z (IDT). */
const orders: OrderFacts[] = [
  order({ createdAt: at('2026-03-24T21:59:59Z'), rating: { score: 1, at: at('2026-03-26T10:00:00Z') } }),
  order({ createdAt: at('2026-03-24T22:00:00Z'), total: 2000, channel: 'sms' }),
  order({ createdAt: at('2026-03-25T12:00:00Z'), total: 3000, status: 'cancelled' }),
  order({ createdAt: at('2026-03-25T13:00:00Z'), total: 700, status: 'rejected', channel: 'phone' }),
  order({ createdAt: at('2026-03-26T09:00:00Z'), total: 1500, currency: 'EUR', channel: 'phone' }),
  order({
    createdAt: at('2026-03-26T10:00:00Z'),
    total: 900,
    currency: 'EUR',
    rating: { score: 5, at: at('2026-03-27T20:59:59Z') },
  }),
  order({ createdAt: at('2026-03-26T11:00:00Z'), total: 400, currency: 'USD' }),
  order({
    createdAt: at('2026-03-27T20:59:59Z'),
    total: 1000,
    status: 'pending_approval',
    smsFailures: [{ kind: 'placed', at: at('2026-03-27T20:59:59.500Z'), error: 'Twilio 21610' }],
  }),
  order({ createdAt: at('2026-03-27T21:00:00Z'), rating: { score: 2, at: at('2026-03-27T21:00:01Z') } }),
];

test('When three local days are counted, then each order counts where it belongs: placed, rated or failed in the range', () => {
  const r = computeRange({
    from: '2026-03-25',
    to: '2026-03-27',
    timezone: JLM,
    currency: 'ILS',
    chartDays: 14,
    orders,
  });
  expect(r.window).toEqual({
    from: at('2026-03-24T22:00:00Z'),
    to: at('2026-03-27T21:00:00Z'),
    hours: 71,
  });
  expect(r.orders.count).toBe(7);
  expect(r.orders.byChannel).toEqual([
    { channel: 'web', count: 4 },
    { channel: 'phone', count: 2 },
    { channel: 'sms', count: 1 },
  ]);
  expect(r.orders.byStatus).toEqual([
    { status: 'pending_approval', count: 1 },
    { status: 'delivered', count: 4 },
    { status: 'rejected', count: 1 },
    { status: 'cancelled', count: 1 },
  ]);
  // 2000 + 1000 in ILS; the cancelled 3000 and the rejected 700 left out; EUR and USD apart.
  expect(r.revenue).toEqual({ amount: 3000, orders: 2, otherCurrency: 3 });
  expect(r.otherCurrencies).toEqual([
    { currency: 'EUR', amount: 2400, orders: 2 },
    { currency: 'USD', amount: 400, orders: 1 },
  ]);
  // The 1 of an order placed before the range, the 5 of the range's last second; not the 2 after it.
  expect(r.ratings.count).toBe(2);
  expect(r.ratings.average).toBe(3);
  expect(r.ratings.low.map((l) => l.score)).toEqual([1]);
  expect(r.smsFailures.map((f) => f.error)).toEqual(['Twilio 21610']);
  expect(r.chart.days).toHaveLength(14);
  expect(r.chart.days.at(-1)).toBe('2026-03-27');
  expect(r.chart.counts.filter((c) => c.count > 0)).toEqual([
    { day: '2026-03-24', channel: 'web', count: 1 },
    { day: '2026-03-25', channel: 'web', count: 1 },
    { day: '2026-03-25', channel: 'phone', count: 1 },
    { day: '2026-03-25', channel: 'sms', count: 1 },
    { day: '2026-03-26', channel: 'web', count: 2 },
    { day: '2026-03-26', channel: 'phone', count: 1 },
    { day: '2026-03-27', channel: 'web', count: 1 },
  ]);
});

test('When one day’s digest is made, then its numbers are those of the range of that one day', () => {
  for (const day of ['2026-03-25', '2026-03-26', '2026-03-27']) {
    const digest = computeDigest({
      day,
      timezone: JLM,
      currency: 'ILS',
      now: at('2026-03-28T06:00:00Z'),
      orders,
      awaitingApproval: [],
      awaitingShipment: [],
      products: [],
    });
    const range = computeRange({ from: day, to: day, timezone: JLM, currency: 'ILS', chartDays: 14, orders });
    const { day: _day, waiting: _waiting, lowStock: _lowStock, ...counted } = digest;
    const { from: _from, to: _to, otherCurrencies: _others, ...same } = range;
    expect(counted).toEqual(same);
  }
});

test('When an order is given twice, then it counts once', () => {
  const one = order({ createdAt: at('2026-03-26T09:00:00Z') });
  const r = computeRange({
    from: '2026-03-26',
    to: '2026-03-26',
    timezone: JLM,
    currency: 'ILS',
    chartDays: 14,
    orders: [one, one],
  });
  expect(r.orders.count).toBe(1);
  expect(r.revenue.amount).toBe(1000);
});
