import {
  coverOf,
  historyStart,
  lastCompleteDay,
  leadTimeOf,
  paceOf,
  shownCover,
  suggestedReorder,
} from '../../src/inventory/cover.js';

/**
 * Days of cover and the suggested reorder (src/inventory/cover.ts): the one function behind the
 * console's stock page, the Slack low-stock alert and the digest, worked by hand here.
 */

const TZ = 'Asia/Jerusalem';
const created = new Date('2026-01-01T10:00:00Z');
const window = (days: number) => ({ lastDay: '2026-03-27', days, timezone: TZ });

/** 14 sold over the 7 days to the 27th (2 a day); 14 more earlier in the 28 days; one day outside. */
const sold = {
  '2026-03-28': 50, // today: not a complete day
  '2026-03-27': 5,
  '2026-03-24': 6,
  '2026-03-21': 3, // the first of the 7 days
  '2026-03-20': 10, // the day before them
  '2026-02-28': 4, // the first of the 28 days
  '2026-02-27': 99, // the day before them
};

describe('the pace', () => {
  test('When a product has sold for weeks, then the 7- and 28-day paces count exactly the days that end with the last full day', () => {
    expect(paceOf({ sold, createdAt: created }, window(7))).toEqual({
      lastDay: '2026-03-27',
      days: 7,
      knownDays: 7,
      units: 14,
    });
    expect(paceOf({ sold, createdAt: created }, window(28))).toMatchObject({ knownDays: 28, units: 28 });
  });

  test('When the product is newer than the window, then the pace is taken over the days it existed and says since when', () => {
    // Created on the 25th local time (22:30 UTC on the 24th is 00:30 in Jerusalem).
    const young = { sold, createdAt: new Date('2026-03-24T22:30:00Z') };
    expect(historyStart(young, TZ)).toBe('2026-03-25');
    expect(paceOf(young, window(7))).toMatchObject({ knownDays: 3, units: 5, knownSince: '2026-03-25' });
    // 5 in 3 days, 6 available: 3.6 days, not 6 ÷ (5 / 7) = 8.4 as if it had existed all week.
    expect(coverOf({ ...young, available: 6 }, window(7)).daysOfCover).toBeCloseTo(3.6);
  });

  test('When the history was filled from a day (migration), then it counts from that day, or from creation if later', () => {
    expect(historyStart({ soldSince: '2026-03-01', createdAt: created }, TZ)).toBe('2026-03-01');
    expect(historyStart({ soldSince: '2026-03-01', createdAt: new Date('2026-03-10T12:00:00Z') }, TZ)).toBe(
      '2026-03-10',
    );
    expect(paceOf({ sold, soldSince: '2026-03-22', createdAt: created }, window(28))).toMatchObject({
      knownDays: 6,
      units: 11,
      knownSince: '2026-03-22',
    });
  });

  test('When the product was created today, then no day of its history is complete: there is no pace', () => {
    const today = { sold: { '2026-03-28': 9 }, createdAt: new Date('2026-03-28T08:00:00Z') };
    expect(paceOf(today, window(7))).toMatchObject({ knownDays: 0, units: 0 });
    expect(coverOf({ ...today, available: 3 }, window(7)).daysOfCover).toBeNull();
    expect(suggestedReorder(3, paceOf(today, window(28)), 7, 14)).toBeNull();
  });

  test('The last full day is the local day before now (the day the digest made now reports)', () => {
    expect(lastCompleteDay(new Date('2026-03-27T21:30:00Z'), TZ)).toBe('2026-03-27'); // 00:30 on the 28th
    expect(lastCompleteDay(new Date('2026-03-27T20:30:00Z'), TZ)).toBe('2026-03-26');
  });
});

describe('days of cover', () => {
  test('When 10 are available at 2 a day (7 days) and 1 a day (28 days), then cover is 5 and 10 days', () => {
    const p = { sold, createdAt: created, available: 10 };
    expect(coverOf(p, window(7)).daysOfCover).toBe(5);
    expect(coverOf(p, window(28)).daysOfCover).toBe(10);
  });

  test('When nothing sold in the window, then there is no cover to run out of (null), and none available is 0 days', () => {
    expect(coverOf({ sold: {}, createdAt: created, available: 4 }, window(7)).daysOfCover).toBeNull();
    expect(coverOf({ sold, createdAt: created, available: 0 }, window(7)).daysOfCover).toBe(0);
  });

  test('When a day went below zero (a release the history never saw), then the pace never does', () => {
    const p = { sold: { '2026-03-27': -3 }, createdAt: created, available: 4 };
    expect(coverOf(p, window(7))).toMatchObject({ pace: { units: 0 }, daysOfCover: null });
  });

  test('Every surface shows cover the same way: one decimal under 10 days, whole days from there', () => {
    expect(shownCover(10 / 3)).toBe('3.3');
    expect(shownCover(2)).toBe('2.0');
    expect(shownCover(9.94)).toBe('9.9');
    expect(shownCover(12.5)).toBe('13');
    expect(shownCover(0)).toBe('0.0');
  });
});

describe('the suggested reorder', () => {
  const pace28 = paceOf({ sold, createdAt: created }, window(28)); // 28 units in 28 days: 1 a day

  test('When 1 a day sells and lead time is 7 days, then covering 14 days after it needs 21, less the 5 available: 16', () => {
    expect(suggestedReorder(5, pace28, 7, 14)).toBe(16);
  });

  test('When the need has a fraction, then it is rounded up, and an exact need is not', () => {
    const pace = { lastDay: '2026-03-27', days: 28, knownDays: 28, units: 10 }; // 10/28 a day
    // 10/28 × 21 = 7.5 → 8 with none available; 7 available leaves 0.5 → 1.
    expect(suggestedReorder(0, pace, 7, 14)).toBe(8);
    expect(suggestedReorder(7, pace, 7, 14)).toBe(1);
    // 28/28 × 21 = 21 exactly: 21, never 22.
    expect(suggestedReorder(0, pace28, 7, 14)).toBe(21);
  });

  test('When what is available covers it already, then nothing is suggested (never below 0)', () => {
    expect(suggestedReorder(21, pace28, 7, 14)).toBe(0);
    expect(suggestedReorder(500, pace28, 7, 14)).toBe(0);
  });

  test('When the lead time is 0, then only the cover days count; a product without one has 7', () => {
    expect(suggestedReorder(0, pace28, 0, 14)).toBe(14);
    expect(leadTimeOf({})).toBe(7);
    expect(leadTimeOf({ leadTimeDays: 0 })).toBe(0);
  });
});
