/**
 * The pace of sales and what it foretells (README "Console", Stock; docs/stock-cover.md): days of
 * cover and the suggested reorder, from the units sold per local day that each product keeps
 * (`sold`, written in the same update that reserves or releases an order's line). This is the
 * one place they are computed: the console's stock page, the Slack low-stock alert and the daily
 * digest all call `coverOf`, so for the same pace they show the same number. Pure.
 */

import { addDays, localDay } from '../digest/days.js';
import type { Product } from './product.js';

/** The paces shown: the last 7 and the last 28 complete local days. */
export const PACE_WINDOWS = [7, 28] as const;
/** The pace the suggested reorder is taken at (docs/stock-cover.md says why the longer one). */
export const REORDER_PACE_DAYS = 28;
/** Complete local days of sales a product keeps: the longest pace. Older days are pruned daily. */
export const SALES_KEPT_DAYS = 28;
/** A product's lead time when none is set (`leadTimeDays`). */
export const DEFAULT_LEAD_TIME_DAYS = 7;
/** The longest lead time a product may have, in whole days. */
export const MAX_LEAD_TIME_DAYS = 365;

/** What the pace is read from: the product's sales per day and since when they are complete. */
export type SalesHistory = Partial<Pick<Product, 'sold' | 'soldSince' | 'createdAt'>>;

export interface PaceWindow {
  /** The last day of the window, `YYYY-MM-DD`: the last complete local day (`lastCompleteDay`). */
  lastDay: string;
  /** How many days the window has, ending with `lastDay`. */
  days: number;
  /** BUSINESS_TIMEZONE: the local day a product was created on. */
  timezone: string;
}

export interface Pace {
  lastDay: string;
  days: number;
  /** Days of the window the history covers: fewer for a product newer than the window, 0 for none. */
  knownDays: number;
  /** Units sold over those days: ordered then, less what was rejected or cancelled since. */
  units: number;
  /** The first day the history covers, when that is inside the window (else the window is whole). */
  knownSince?: string;
}

export interface Cover {
  pace: Pace;
  /**
   * `available` divided by the units sold per day at this pace; null when there is no pace to run
   * out at (nothing sold, or no complete day of history yet).
   */
  daysOfCover: number | null;
}

/**
 * The last complete local day at `now`: every pace ends with it. It is also the day the digest
 * made on `now`'s day reports, so the page, the alert and the digest read the same days. Today
 * is left out because a day half gone would make the pace sag every morning.
 */
export const lastCompleteDay = (now: Date, timezone: string): string => addDays(localDay(now, timezone), -1);

/**
 * The first local day from which the product's history is complete: the day it was created, or,
 * for a product older than the history itself, the day the history was filled from (`soldSince`).
 * Undefined when neither is known: the history is taken as complete.
 */
export function historyStart(p: SalesHistory, timezone: string): string | undefined {
  const created = p.createdAt ? localDay(new Date(p.createdAt), timezone) : undefined;
  // The later of the two (days as `YYYY-MM-DD` sort as text).
  if (p.soldSince && created) return [p.soldSince, created].sort()[1];
  return p.soldSince ?? created;
}

/** Units sold per day over the window's days that the history covers. */
export function paceOf(p: SalesHistory, w: PaceWindow): Pace {
  const first = addDays(w.lastDay, 1 - w.days);
  const start = historyStart(p, w.timezone);
  const from = start && start > first ? start : first;
  let knownDays = 0;
  let units = 0;
  for (let day = from; day <= w.lastDay; day = addDays(day, 1)) {
    knownDays++;
    units += p.sold?.[day] ?? 0;
  }
  return {
    lastDay: w.lastDay,
    days: w.days,
    knownDays,
    // A day can only go below zero through a release the history never saw the sale of.
    units: Math.max(0, units),
    ...(from !== first ? { knownSince: from } : {}),
  };
}

/** Days of cover: the one function the stock page, the low-stock alert and the digest use. */
export function coverOf(p: SalesHistory & Pick<Product, 'available'>, w: PaceWindow): Cover {
  const pace = paceOf(p, w);
  const daysOfCover =
    pace.knownDays > 0 && pace.units > 0 ? (Math.max(0, p.available) * pace.knownDays) / pace.units : null;
  return { pace, daysOfCover };
}

/**
 * Units to order now so that, after the lead time, `coverDays` more days of sales are covered at
 * this pace: units needed for (lead time + cover days) days, less what is available, never below
 * 0, rounded up. Null without a pace (no complete day of history yet). Whole-number arithmetic,
 * so a need of exactly 12 units is 12, never 13.
 */
export function suggestedReorder(
  available: number,
  pace: Pace,
  leadTimeDays: number,
  coverDays: number,
): number | null {
  if (pace.knownDays === 0) return null;
  const short = pace.units * (leadTimeDays + coverDays) - Math.max(0, available) * pace.knownDays;
  return short <= 0 ? 0 : Math.ceil(short / pace.knownDays);
}

/** Days of cover as every surface shows them: one decimal under 10 days, whole days from there. */
export function shownCover(days: number): string {
  return days < 10 ? (Math.round(days * 10) / 10).toFixed(1) : String(Math.round(days));
}

/** The product's lead time in days (its own, else `DEFAULT_LEAD_TIME_DAYS`). */
export const leadTimeOf = (p: Pick<Product, 'leadTimeDays'>): number =>
  p.leadTimeDays ?? DEFAULT_LEAD_TIME_DAYS;
