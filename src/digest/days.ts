/**
 * Calendar days on the business's wall clock (BUSINESS_TIMEZONE), with Intl only. A day is named
 * `YYYY-MM-DD`; its window is [its first instant, the next day's first instant), so a day on which
 * the clocks change is 23 or 25 hours long, never a fixed 24.
 */

import { wallClock } from '../wall-clock.js';

/** How far the wall clock of `timeZone` is ahead of UTC at `at`, in ms. */
function offsetAt(at: Date, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The local calendar day of `at`, `YYYY-MM-DD`. */
export function localDay(at: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isDay(s: string): boolean {
  const m = DAY.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

function parseDay(day: string): [number, number, number] {
  const m = DAY.exec(day);
  if (!m || !isDay(day)) throw new Error(`not a day: ${day}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** The calendar day `n` days after `day` (before, for a negative `n`). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = parseDay(day);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/**
 * The first instant of `day` on the wall clock of `timeZone`. Midnight is tried with the offsets in
 * force just before and just after it; where the clocks jump at midnight (midnight does not exist
 * that day) the earliest instant that already reads `day` is the jump itself.
 */
export function startOfDay(day: string, timeZone: string): Date {
  const [y, m, d] = parseDay(day);
  const wall = Date.UTC(y, m - 1, d);
  const candidates = new Set<number>();
  for (const probe of [wall - 36 * 3600_000, wall + 36 * 3600_000, wall]) {
    candidates.add(wall - offsetAt(new Date(probe), timeZone));
  }
  const sorted = [...candidates].sort((a, b) => a - b);
  for (const t of sorted) if (localDay(new Date(t), timeZone) === day) return new Date(t);
  // Midnight fell in a gap: the day starts where the clock jumped, at or after the later guess.
  let lo = sorted[0] as number;
  let hi = sorted[sorted.length - 1] as number;
  while (localDay(new Date(hi), timeZone) !== day) hi += 3600_000;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (localDay(new Date(mid), timeZone) === day) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

/** The local day `day` as an instant range [from, to), 23, 24 or 25 hours long. */
export function dayWindow(day: string, timeZone: string): { from: Date; to: Date } {
  return { from: startOfDay(day, timeZone), to: startOfDay(addDays(day, 1), timeZone) };
}

/** The local day before the one `at` falls on: the day a digest made at `at` reports. */
export function dayBefore(at: Date, timeZone: string): string {
  return addDays(localDay(at, timeZone), -1);
}

/** The `count` days ending with `last`, oldest first. */
export function daysEnding(last: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addDays(last, i - count + 1));
}
