import { computeDigest, type OpenOrder, type OrderFacts } from '../../src/digest/compute.js';
import { addDays, dayBefore, dayWindow, localDay, startOfDay } from '../../src/digest/days.js';
import type { HistoryEntry } from '../../src/orders/order.js';

/** The daily digest's numbers from a known day of data, and its local-day windows across DST. */

const JLM = 'Asia/Jerusalem';
const NY = 'America/New_York';

let seq = 900;
function order(overrides: Partial<OrderFacts> & { createdAt: Date }): OrderFacts {
  return {
    number: seq++,
    channel: 'web',
    status: 'delivered',
    total: 1000,
    currency: 'USD',
    customer: { name: 'Dana Levi', phone: '+15551230000' },
    items: [],
    ...overrides,
  };
}

function open(number: number, status: OpenOrder['status'], createdAt: Date, approvedAt?: Date): OpenOrder {
  const history: HistoryEntry[] = [
    { at: createdAt, action: 'place', from: null, to: 'pending_approval', by: 'api', channel: 'api' },
  ];
  if (approvedAt) {
    history.push({
      at: approvedAt,
      action: 'approve',
      from: 'pending_approval',
      to: 'approved',
      by: 'U1',
      channel: 'slack',
    });
    if (status !== 'approved') {
      history.push({
        at: approvedAt,
        action: 'start_picking',
        from: 'approved',
        to: status,
        by: 'U1',
        channel: 'slack',
      });
    }
  }
  return {
    number,
    status,
    total: 2500,
    currency: 'USD',
    createdAt,
    history,
    customer: { name: `Customer ${number}`, phone: '+15551239999' },
  };
}

describe('local days', () => {
  test('When the clocks go forward in Jerusalem (2026-03-27), then that day is 23 hours from local midnight to local midnight', () => {
    const w = dayWindow('2026-03-27', JLM);
    expect(w.from.toISOString()).toBe('2026-03-26T22:00:00.000Z'); // 00:00 IST (+02)
    expect(w.to.toISOString()).toBe('2026-03-27T21:00:00.000Z'); // 00:00 IDT (+03)
    expect((w.to.getTime() - w.from.getTime()) / 3600_000).toBe(23);
  });

  test('When the clocks go forward in New York (2026-03-08) and back (2026-11-01), then the days are 23 and 25 hours', () => {
    const spring = dayWindow('2026-03-08', NY);
    expect(spring.from.toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(spring.to.toISOString()).toBe('2026-03-09T04:00:00.000Z');
    const fall = dayWindow('2026-11-01', NY);
    expect(fall.from.toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(fall.to.toISOString()).toBe('2026-11-02T05:00:00.000Z');
    expect((fall.to.getTime() - fall.from.getTime()) / 3600_000).toBe(25);
  });

  test('When the digest runs at 08:00 on the morning after a change, then "yesterday" is the whole changed day', () => {
    // 08:00 IDT on 2026-03-28 and 08:00 EDT on 2026-03-09.
    expect(dayBefore(new Date('2026-03-28T05:00:00Z'), JLM)).toBe('2026-03-27');
    expect(dayBefore(new Date('2026-03-09T12:00:00Z'), NY)).toBe('2026-03-08');
    // And on the morning of the change itself, yesterday is an ordinary 24-hour day.
    expect(dayBefore(new Date('2026-03-27T05:00:00Z'), JLM)).toBe('2026-03-26');
    const before = dayWindow('2026-03-07', NY);
    expect(dayBefore(new Date('2026-03-08T12:00:00Z'), NY)).toBe('2026-03-07');
    expect((before.to.getTime() - before.from.getTime()) / 3600_000).toBe(24);
  });

  test('When a time is late in the evening in UTC terms, then its local day is the business’s, not UTC’s', () => {
    expect(localDay(new Date('2026-03-26T22:30:00Z'), JLM)).toBe('2026-03-27');
    expect(localDay(new Date('2026-03-09T03:30:00Z'), NY)).toBe('2026-03-08');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });

  test('When the clocks jump at midnight (Santiago, 2026-09-06), then the day starts at the jump', () => {
    const start = startOfDay('2026-09-06', 'America/Santiago');
    expect(start.toISOString()).toBe('2026-09-06T04:00:00.000Z'); // 01:00 local, -03
    expect(localDay(new Date(start.getTime() - 1000), 'America/Santiago')).toBe('2026-09-05');
  });
});

describe('the digest of a known day', () => {
  // 2026-03-27 in Jerusalem: [2026-03-26T22:00Z, 2026-03-27T21:00Z), 23 hours.
  const day = '2026-03-27';
  const now = new Date('2026-03-28T05:00:00Z'); // 08:00 IDT the morning after
  const placedThatDay = [
    // the first second of the day (00:00 IST) and the last (23:59:59 IDT)
    order({
      number: 1002,
      channel: 'web',
      status: 'delivered',
      total: 2000,
      createdAt: new Date('2026-03-26T22:00:00Z'),
      items: [{ sku: 'MUG', quantity: 3 }],
    }),
    order({
      number: 1003,
      channel: 'sms',
      status: 'pending_approval',
      total: 1500,
      createdAt: new Date('2026-03-27T01:30:00Z'),
      items: [{ sku: 'MUG', quantity: 1 }],
      smsFailures: [
        { kind: 'placed', at: new Date('2026-03-27T02:00:00Z'), error: 'Twilio 21610: unsubscribed' },
      ],
    }),
    order({
      number: 1004,
      channel: 'phone',
      status: 'cancelled',
      total: 5000,
      createdAt: new Date('2026-03-27T10:00:00Z'),
      items: [{ sku: 'MUG', quantity: 50 }],
    }),
    order({
      number: 1005,
      channel: 'web',
      status: 'approved',
      total: 700,
      createdAt: new Date('2026-03-27T15:00:00Z'),
    }),
    order({
      number: 1006,
      channel: 'marketplace',
      status: 'shipped',
      total: 9900,
      currency: 'EUR',
      createdAt: new Date('2026-03-27T20:59:59Z'),
    }),
  ];
  const others = [
    // 23:59:59 the day before, and 00:00 the day after: not that day's
    order({
      number: 1001,
      channel: 'store',
      createdAt: new Date('2026-03-26T21:59:59Z'),
      items: [{ sku: 'MUG', quantity: 2 }],
    }),
    order({
      number: 1007,
      channel: 'store',
      createdAt: new Date('2026-03-27T21:00:00Z'),
      items: [{ sku: 'MUG', quantity: 40 }],
    }),
    // placed weeks before, rated or failed on the day (or just outside it)
    order({
      number: 990,
      createdAt: new Date('2026-02-10T10:00:00Z'),
      rating: { score: 4, at: new Date('2026-03-27T09:00:00Z') },
    }),
    order({
      number: 991,
      createdAt: new Date('2026-02-12T10:00:00Z'),
      customer: { name: 'Avi Cohen', phone: '+972501234567' },
      rating: { score: 1, at: new Date('2026-03-27T12:00:00Z') },
    }),
    order({
      number: 992,
      createdAt: new Date('2026-02-13T10:00:00Z'),
      rating: { score: 2, at: new Date('2026-03-26T21:59:00Z') },
    }),
    order({
      number: 993,
      createdAt: new Date('2026-03-22T10:00:00Z'),
      rating: { score: 5, at: new Date('2026-03-27T20:00:00Z') },
      items: [{ sku: 'TEA', quantity: 7 }],
      smsFailures: [
        { kind: 'follow_up', at: new Date('2026-03-27T20:30:00Z'), error: 'Twilio 30003: unreachable' },
        { kind: 'shipped', at: new Date('2026-03-25T08:00:00Z'), error: 'old' },
      ],
    }),
    // eight days before: outside last week's pace, inside the chart
    order({
      number: 950,
      channel: 'sms',
      createdAt: new Date('2026-03-19T10:00:00Z'),
      items: [{ sku: 'TEA', quantity: 100 }],
    }),
  ];
  const digest = computeDigest({
    day,
    timezone: JLM,
    currency: 'USD',
    now,
    orders: [...others, ...placedThatDay, placedThatDay[0] as OrderFacts],
    awaitingApproval: [
      open(1003, 'pending_approval', new Date('2026-03-27T01:30:00Z')),
      open(980, 'pending_approval', new Date('2026-03-25T05:00:00Z')),
    ],
    awaitingShipment: [
      open(1005, 'approved', new Date('2026-03-27T15:00:00Z'), new Date('2026-03-27T16:00:00Z')),
      open(960, 'picking', new Date('2026-03-20T05:00:00Z'), new Date('2026-03-26T05:00:00Z')),
    ],
    // Sales per local day as the products keep them (the orders above placed them there; the
    // cancelled 50 MUG were taken back): the pace is read from these, as on the stock page.
    products: [
      {
        sku: 'MUG',
        name: 'Mug',
        available: 2,
        lowStockThreshold: 3,
        createdAt: new Date('2026-01-01T00:00:00Z'),
        sold: { '2026-03-26': 2, '2026-03-27': 4, '2026-03-28': 40 },
      },
      {
        sku: 'TEA',
        name: 'Tea',
        available: 1,
        lowStockThreshold: 5,
        createdAt: new Date('2026-01-01T00:00:00Z'),
        sold: { '2026-03-19': 100, '2026-03-22': 7 },
      },
      { sku: 'PAN', name: 'Pan', available: 0, lowStockThreshold: 1 },
      { sku: 'CUP', name: 'Cup', available: 40, lowStockThreshold: 3 },
    ],
  });

  test('When the day is 23 hours long, then the digest says so and counts from local midnight to local midnight', () => {
    expect(digest.window).toEqual({
      from: new Date('2026-03-26T22:00:00Z'),
      to: new Date('2026-03-27T21:00:00Z'),
      hours: 23,
    });
    expect(digest.orders.count).toBe(5);
  });

  test('When orders came in by several channels, then they are counted by channel (most first) and by status', () => {
    expect(digest.orders.byChannel).toEqual([
      { channel: 'web', count: 2 },
      { channel: 'marketplace', count: 1 },
      { channel: 'phone', count: 1 },
      { channel: 'sms', count: 1 },
    ]);
    expect(digest.orders.byStatus).toEqual([
      { status: 'pending_approval', count: 1 },
      { status: 'approved', count: 1 },
      { status: 'shipped', count: 1 },
      { status: 'delivered', count: 1 },
      { status: 'cancelled', count: 1 },
    ]);
  });

  test('When an order was cancelled or priced in another currency, then revenue leaves it out and says how many', () => {
    expect(digest.revenue).toEqual({ amount: 2000 + 1500 + 700, orders: 3, otherCurrency: 1 });
  });

  test('When orders wait, then the oldest come first: approval since placement, shipping since approval', () => {
    expect(digest.waiting.approval.count).toBe(2);
    expect(digest.waiting.approval.oldest.map((o) => o.number)).toEqual([980, 1003]);
    expect(digest.waiting.approval.oldest[0]?.waitingMs).toBe(
      now.getTime() - Date.parse('2026-03-25T05:00:00Z'),
    );
    expect(digest.waiting.shipping.oldest.map((o) => o.number)).toEqual([960, 1005]);
    expect(digest.waiting.shipping.oldest[0]?.since).toEqual(new Date('2026-03-26T05:00:00Z'));
  });

  test('When products are low, then each shows its days of cover at last week’s pace, the shortest first', () => {
    // MUG last week: 2 (the day before) + 3 + 1 (the day; the cancelled 50 and the 40 of the next day not)
    // = 6 in 7 days; TEA: 7 (the 100 were eight days before). Both from the products' sales per day.
    expect(digest.lowStock).toEqual([
      { sku: 'TEA', name: 'Tea', available: 1, threshold: 5, soldLastWeek: 7, daysOfCover: 1 },
      { sku: 'MUG', name: 'Mug', available: 2, threshold: 3, soldLastWeek: 6, daysOfCover: 2 / (6 / 7) },
      { sku: 'PAN', name: 'Pan', available: 0, threshold: 1, soldLastWeek: 0, daysOfCover: null },
    ]);
  });

  test('When ratings were given that day on older orders, then the average and each 1 or 2 are shown', () => {
    expect(digest.ratings.count).toBe(3);
    expect(digest.ratings.average).toBeCloseTo((4 + 1 + 5) / 3);
    expect(digest.ratings.low).toEqual([
      {
        number: 991,
        score: 1,
        customer: 'Avi Cohen',
        phone: '+972501234567',
        at: new Date('2026-03-27T12:00:00Z'),
      },
    ]);
  });

  test('When customer texts failed that day, then each is listed, oldest first, and earlier failures are not', () => {
    expect(digest.smsFailures.map((f) => [f.number, f.kind, f.error])).toEqual([
      [1003, 'placed', 'Twilio 21610: unsubscribed'],
      [993, 'follow_up', 'Twilio 30003: unreachable'],
    ]);
  });

  test('When the chart is made, then it has the 14 local days ending with the day and only channels that had orders', () => {
    expect(digest.chart.days[0]).toBe('2026-03-14');
    expect(digest.chart.days).toHaveLength(14);
    expect(digest.chart.days[13]).toBe('2026-03-27');
    expect(digest.chart.channels).toEqual(['web', 'marketplace', 'store', 'phone', 'sms']);
    const count = (d: string, c: string) =>
      digest.chart.counts.find((x) => x.day === d && x.channel === c)?.count;
    expect(count('2026-03-27', 'web')).toBe(2);
    expect(count('2026-03-26', 'store')).toBe(1); // 23:59:59 on the 26th
    expect(count('2026-03-19', 'sms')).toBe(1);
    expect(count('2026-03-22', 'web')).toBe(1);
    // the order placed at 00:00 on the 28th is after the chart
    expect(digest.chart.counts.reduce((n, c) => n + c.count, 0)).toBe(5 + 1 + 2);
  });
});

describe('a digest in New York across the spring change', () => {
  test('When orders straddle local midnight on 2026-03-08 (a 23-hour day), then only that day’s are counted', () => {
    const d = computeDigest({
      day: '2026-03-08',
      timezone: NY,
      currency: 'USD',
      now: new Date('2026-03-09T12:00:00Z'),
      orders: [
        order({ createdAt: new Date('2026-03-08T04:59:59Z') }), // 23:59:59 EST on the 7th
        order({ createdAt: new Date('2026-03-08T05:00:00Z') }), // 00:00 EST
        order({ createdAt: new Date('2026-03-08T07:30:00Z') }), // 03:30 EDT, just after the jump
        order({ createdAt: new Date('2026-03-09T03:59:59Z') }), // 23:59:59 EDT
        order({ createdAt: new Date('2026-03-09T04:00:00Z') }), // 00:00 EDT on the 9th
      ],
      awaitingApproval: [],
      awaitingShipment: [],
      products: [],
    });
    expect(d.window.hours).toBe(23);
    expect(d.orders.count).toBe(3);
    expect(d.revenue.amount).toBe(3000);
    expect(d.ratings.average).toBeNull();
    expect(d.waiting.approval).toEqual({ count: 0, oldest: [] });
  });
});
