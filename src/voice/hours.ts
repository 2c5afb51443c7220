/**
 * Business hours for the voice door: whether a call can ring through to a person now, or goes
 * straight to voicemail. Read from BUSINESS_HOURS (e.g. `Sun-Thu 09:00-17:00, Fri 09:00-13:00`)
 * and judged in the business's IANA time zone, so a daylight-saving switch moves the opening
 * hour with the clock on the wall and not with UTC. Pure: no clock, no environment.
 */

import { wallClock } from '../wall-clock.js';

export interface BusinessHours {
  /**
   * `days` in the order written (`Fri-Sun` is [5, 6, 0]) so the hours can be read back aloud;
   * `from`/`to` are minutes since local midnight. `to` is 1440 for `24:00`; `to < from` runs past
   * midnight into the next day.
   */
  ranges: { days: number[]; from: number; to: number }[];
  /** The hours normalised (`Sun-Thu 09:00-17:00, Fri 09:00-13:00`), for logs and error lines. */
  text: string;
}

export const DEFAULT_BUSINESS_HOURS = 'Sun-Thu 09:00-17:00';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const EXPECTED = `expected e.g. "${DEFAULT_BUSINESS_HOURS}, Fri 09:00-13:00"`;
const RANGE = /^([A-Za-z]+)(?:\s*-\s*([A-Za-z]+))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/;

/** What a bad entry gets quoted as: enough to find it in a long value, never the whole value. */
const quote = (s: string) => `"${s.length > 40 ? `${s.slice(0, 37)}...` : s}"`;
const pad = (n: number) => String(n).padStart(2, '0');
const clock = (minutes: number) => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;

function parseDay(word: string, entry: string): number {
  const index = DAYS.indexOf(word.toLowerCase());
  if (index < 0)
    throw new Error(
      `${quote(word)} in ${quote(entry)} is not a day (Sun, Mon, Tue, Wed, Thu, Fri or Sat); ${EXPECTED}`,
    );
  return index;
}

function parseTime(hh: string, mm: string, entry: string, isEnd: boolean): number {
  const h = Number(hh);
  const m = Number(mm);
  // 24:00 closes a day that runs to midnight; it cannot open one (that is 00:00 of the next day).
  const valid = m < 60 && (h < 24 || (isEnd && h === 24 && m === 0));
  if (!valid)
    throw new Error(
      `${quote(`${hh}:${mm}`)} in ${quote(entry)} is not a time of day (00:00 to 23:59, or 24:00 to end); ${EXPECTED}`,
    );
  return h * 60 + m;
}

/** Parses BUSINESS_HOURS. Throws an Error whose message names the bad part and the expected form. */
export function parseBusinessHours(text: string): BusinessHours {
  // A stray comma ("…17:00,") is a typo, not an error worth refusing to start over.
  const entries = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error(`has no hours; ${EXPECTED}`);
  const ranges = entries.map((entry) => {
    const m = RANGE.exec(entry);
    if (!m) throw new Error(`${quote(entry)} is not "<day or day-day> HH:MM-HH:MM"; ${EXPECTED}`);
    const [, first = '', last, fromH = '', fromM = '', toH = '', toM = ''] = m;
    const start = parseDay(first, entry);
    const end = last === undefined ? start : parseDay(last, entry);
    const from = parseTime(fromH, fromM, entry, false);
    const to = parseTime(toH, toM, entry, true);
    // Open from 09:00 to 09:00 is either nothing or all day: refuse rather than guess which.
    if (from === to)
      throw new Error(`${quote(entry)} opens and closes at the same time (for all day use 00:00-24:00)`);
    const days: number[] = [];
    for (let d = start; ; d = (d + 1) % 7) {
      days.push(d);
      if (d === end) break;
    }
    return { days, from, to };
  });
  const normalised = ranges.map((r) => {
    const first = DAY_NAMES[r.days[0] ?? 0];
    const span = r.days.length > 1 ? `${first}-${DAY_NAMES[r.days.at(-1) ?? 0]}` : first;
    return `${span} ${clock(r.from)}-${clock(r.to)}`;
  });
  return { ranges, text: normalised.join(', ') };
}

function localTime(timeZone: string, now: Date): { day: number; minutes: number } {
  const w = wallClock(now, timeZone);
  return { day: w.weekday, minutes: w.hour * 60 + w.minute };
}

/** Whether `now` falls inside the hours, on the wall clock of `timeZone` (an IANA name). */
export function isOpen(hours: BusinessHours, timeZone: string, now: Date): boolean {
  const { day, minutes } = localTime(timeZone, now);
  const yesterday = (day + 6) % 7;
  return hours.ranges.some((r) => {
    if (r.from < r.to) return r.days.includes(day) && minutes >= r.from && minutes < r.to;
    // Past midnight: the evening belongs to the listed day, the small hours to the day after it.
    return (r.days.includes(day) && minutes >= r.from) || (r.days.includes(yesterday) && minutes < r.to);
  });
}
