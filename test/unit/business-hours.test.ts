import { DEFAULT_BUSINESS_HOURS, isOpen, parseBusinessHours } from '../../src/voice/hours.js';

const at = (iso: string) => new Date(iso);

test('When the default hours are parsed, then Sunday to Thursday 09:00-17:00 is one range', () => {
  expect(parseBusinessHours(DEFAULT_BUSINESS_HOURS)).toEqual({
    ranges: [{ days: [0, 1, 2, 3, 4], from: 540, to: 1020 }],
    text: 'Sun-Thu 09:00-17:00',
  });
});

test('When several ranges are written in any case and spacing, then each is kept and the text is normalised', () => {
  const hours = parseBusinessHours(' sun - THU 9:00 - 17:30 ,fri 09:00-13:00, ');
  expect(hours.ranges).toEqual([
    { days: [0, 1, 2, 3, 4], from: 540, to: 1050 },
    { days: [5], from: 540, to: 780 },
  ]);
  expect(hours.text).toBe('Sun-Thu 09:00-17:30, Fri 09:00-13:00');
});

test('When a day range wraps past Saturday, then its days are kept in the order written', () => {
  expect(parseBusinessHours('Fri-Sun 10:00-14:00').ranges[0]?.days).toEqual([5, 6, 0]);
  expect(parseBusinessHours('Sat-Sat 10:00-14:00').ranges[0]?.days).toEqual([6]);
});

test('When a range ends at 24:00 or before it starts, then it is accepted as to midnight or past it', () => {
  expect(parseBusinessHours('Mon 00:00-24:00').ranges[0]).toEqual({ days: [1], from: 0, to: 1440 });
  expect(parseBusinessHours('Fri 20:00-02:00').ranges[0]).toEqual({ days: [5], from: 1200, to: 120 });
});

test.each([
  ['', 'has no hours'],
  [' , ', 'has no hours'],
  ['Sun-Thu', 'is not "<day or day-day> HH:MM-HH:MM"'],
  ['09:00-17:00', 'is not "<day or day-day> HH:MM-HH:MM"'],
  ['Sun-Thu 9-17', 'is not "<day or day-day> HH:MM-HH:MM"'],
  ['Sunday 09:00-17:00', '"Sunday" in "Sunday 09:00-17:00" is not a day'],
  ['Sun-Frx 09:00-17:00', '"Frx" in "Sun-Frx 09:00-17:00" is not a day'],
  ['Sun 25:00-26:00', '"25:00" in "Sun 25:00-26:00" is not a time of day'],
  ['Sun 09:60-17:00', '"09:60" in "Sun 09:60-17:00" is not a time of day'],
  ['Sun 24:00-02:00', '"24:00" in "Sun 24:00-02:00" is not a time of day'],
  ['Sun 09:00-24:30', '"24:30" in "Sun 09:00-24:30" is not a time of day'],
  ['Sun 09:00-09:00', '"Sun 09:00-09:00" opens and closes at the same time'],
  ['Sun-Thu 09:00-17:00, Fri', '"Fri" is not "<day or day-day> HH:MM-HH:MM"'],
])(
  'When BUSINESS_HOURS is %j, then parsing throws naming the problem and the expected form',
  (text, problem) => {
    expect(() => parseBusinessHours(text)).toThrow(problem);
    if (!problem.includes('same time'))
      expect(() => parseBusinessHours(text)).toThrow('expected e.g. "Sun-Thu 09:00-17:00, Fri 09:00-13:00"');
  },
);

test('When the business is in Jerusalem, then the opening hour follows the clocks across the March 2026 switch', () => {
  // Israel moves from UTC+2 to UTC+3 at 02:00 on Friday 27 March 2026.
  const hours = parseBusinessHours('Sun-Thu 09:00-17:00, Fri 09:00-13:00');
  const open = (iso: string) => isOpen(hours, 'Asia/Jerusalem', at(iso));
  expect(open('2026-03-26T06:59:00Z')).toBe(false); // Thu 08:59 IST
  expect(open('2026-03-26T07:00:00Z')).toBe(true); // Thu 09:00 IST
  expect(open('2026-03-26T14:59:00Z')).toBe(true); // Thu 16:59 IST
  expect(open('2026-03-26T15:00:00Z')).toBe(false); // Thu 17:00 IST
  expect(open('2026-03-27T05:59:00Z')).toBe(false); // Fri 08:59 IDT
  expect(open('2026-03-27T06:00:00Z')).toBe(true); // Fri 09:00 IDT (08:00 on last week's clock)
  expect(open('2026-03-27T09:59:00Z')).toBe(true); // Fri 12:59 IDT
  expect(open('2026-03-27T10:00:00Z')).toBe(false); // Fri 13:00 IDT
  expect(open('2026-03-28T08:00:00Z')).toBe(false); // Saturday: closed all day
  expect(open('2026-03-29T06:00:00Z')).toBe(true); // Sun 09:00 IDT
});

test('When the business is in Jerusalem, then the closing hour follows the clocks across the October 2026 switch', () => {
  // Israel moves back from UTC+3 to UTC+2 at 02:00 on Sunday 25 October 2026.
  const hours = parseBusinessHours('Sun-Thu 09:00-17:00');
  const open = (iso: string) => isOpen(hours, 'Asia/Jerusalem', at(iso));
  expect(open('2026-10-22T13:59:00Z')).toBe(true); // Thu 16:59 IDT
  expect(open('2026-10-22T14:00:00Z')).toBe(false); // Thu 17:00 IDT
  expect(open('2026-10-25T06:59:00Z')).toBe(false); // Sun 08:59 IST
  expect(open('2026-10-25T07:00:00Z')).toBe(true); // Sun 09:00 IST
  expect(open('2026-10-25T14:59:00Z')).toBe(true); // Sun 16:59 IST (17:59 on last week's clock)
  expect(open('2026-10-25T15:00:00Z')).toBe(false); // Sun 17:00 IST
});

test('When the business is in New York, then hours hold across the skipped and the repeated hour of 2026', () => {
  const open = (hours: string, iso: string) => isOpen(parseBusinessHours(hours), 'America/New_York', at(iso));
  // 8 March 2026: 02:00 EST jumps to 03:00 EDT.
  expect(open('Mon-Fri 09:00-17:00', '2026-03-06T13:59:00Z')).toBe(false); // Fri 08:59 EST
  expect(open('Mon-Fri 09:00-17:00', '2026-03-06T14:00:00Z')).toBe(true); // Fri 09:00 EST
  expect(open('Mon-Fri 09:00-17:00', '2026-03-09T12:59:00Z')).toBe(false); // Mon 08:59 EDT
  expect(open('Mon-Fri 09:00-17:00', '2026-03-09T13:00:00Z')).toBe(true); // Mon 09:00 EDT
  expect(open('Sun 03:00-04:00', '2026-03-08T06:59:00Z')).toBe(false); // Sun 01:59 EST
  expect(open('Sun 03:00-04:00', '2026-03-08T07:00:00Z')).toBe(true); // Sun 03:00 EDT, a minute later
  // 1 November 2026: 02:00 EDT falls back to 01:00 EST, so 01:30 happens twice.
  expect(open('Sun 01:00-02:00', '2026-11-01T05:30:00Z')).toBe(true); // 01:30 EDT
  expect(open('Sun 01:00-02:00', '2026-11-01T06:30:00Z')).toBe(true); // 01:30 EST
  expect(open('Sun 01:00-02:00', '2026-11-01T07:00:00Z')).toBe(false); // 02:00 EST
  expect(open('Mon-Fri 09:00-17:00', '2026-11-02T13:59:00Z')).toBe(false); // Mon 08:59 EST
  expect(open('Mon-Fri 09:00-17:00', '2026-11-02T14:00:00Z')).toBe(true); // Mon 09:00 EST
});

test('When a range runs past midnight, then the small hours count for the day after the one listed', () => {
  const hours = parseBusinessHours('Fri-Sat 20:00-02:00');
  const open = (iso: string) => isOpen(hours, 'UTC', at(iso));
  expect(open('2026-05-08T19:59:00Z')).toBe(false); // Fri 19:59
  expect(open('2026-05-08T20:00:00Z')).toBe(true); // Fri 20:00
  expect(open('2026-05-09T01:59:00Z')).toBe(true); // Sat 01:59, Friday's night
  expect(open('2026-05-09T02:00:00Z')).toBe(false); // Sat 02:00
  expect(open('2026-05-10T01:00:00Z')).toBe(true); // Sun 01:00, Saturday's night
  expect(open('2026-05-10T20:30:00Z')).toBe(false); // Sun 20:30: Sunday is not listed
  expect(open('2026-05-08T01:00:00Z')).toBe(false); // Fri 01:00: Thursday is not listed
});

test('When a range ends at 24:00, then it is open up to the last minute of the day and not past it', () => {
  const hours = parseBusinessHours('Thu 18:00-24:00');
  const open = (iso: string) => isOpen(hours, 'Asia/Jerusalem', at(iso));
  expect(open('2026-07-09T20:59:00Z')).toBe(true); // Thu 23:59 IDT
  expect(open('2026-07-09T21:00:00Z')).toBe(false); // Fri 00:00 IDT
  expect(open('2026-07-09T14:59:00Z')).toBe(false); // Thu 17:59 IDT
});

test('When the hours are all day every day, then any moment is open', () => {
  const hours = parseBusinessHours('Sun-Sat 00:00-24:00');
  for (const iso of ['2026-01-01T00:00:00Z', '2026-03-27T00:30:00Z', '2026-11-01T06:30:00Z'])
    expect(isOpen(hours, 'America/New_York', at(iso))).toBe(true);
});
