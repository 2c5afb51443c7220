import type { ServerResponse } from 'node:http';
import { type Request, type Response, Router } from 'express';
import { renderChartSvg } from '../../src/digest/chart.js';
import { addDays, isDay, localDay } from '../../src/digest/days.js';
import type { RangeNumbers } from '../../src/digest/range.js';
import { createRangeReports } from '../../src/digest/report.js';
import type { Deps } from '../../src/services.js';
import type { ConsoleKit } from './kit.js';
import { CSV_START, orderCsvRow } from './reports-csv.js';
import { type RangeForm, renderReports } from './reports-page.js';
import { WORDS } from './reports-words.js';

/**
 * Reports (README "Console"): the daily digest's numbers for any range of local days, counted by the
 * digest's own code (src/digest/range.ts), its 14-day chart drawn as SVG on the server, and the
 * range's orders as CSV. Any signed-in console user may read them.
 */

/** The longest range, in days (a leap year): what a page or an export reads stays bounded. */
export const MAX_RANGE_DAYS = 366;
/** Rows gathered before a write to the response, so a long export is sent as it is read. */
const CSV_CHUNK = 64 * 1024;
/** Days outside these years are refused: the day arithmetic and the time zone data hold within them. */
const FIRST_DAY = '1970-01-01';
const LAST_DAY = '9999-12-30';
/** How long the chart's counts read for a page serve its image, asked for a moment later. */
const CHART_REUSE_MS = 60_000;
const CHARTS_KEPT = 32;

type Range = { ok: true; from: string; to: string } | { ok: false; form: RangeForm };

/** A wrong value as the error repeats it: short enough for one line. */
const shown = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);
const validDay = (s: string) => isDay(s) && s >= FIRST_DAY && s <= LAST_DAY;
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

/**
 * The range asked for in a query. Without dates: the 7 days ending yesterday (whole days, as the
 * daily digest reports yesterday). A date left out takes that default.
 */
export function readRange(query: Request['query'], today: string, words: (typeof WORDS)['en']): Range {
  const yesterday = addDays(today, -1);
  const raw = (v: unknown, fallback: string) =>
    v === undefined || v === '' ? fallback : typeof v === 'string' ? v.trim() : '';
  const from = raw(query.from, addDays(yesterday, -6));
  const to = raw(query.to, yesterday);
  const form = { from, to };
  if (!validDay(from))
    return { ok: false, form: { ...form, error: { field: 'from', message: words.badFrom(shown(from)) } } };
  if (!validDay(to))
    return { ok: false, form: { ...form, error: { field: 'to', message: words.badTo(shown(to)) } } };
  if (from > to)
    return { ok: false, form: { ...form, error: { field: 'from', message: words.fromAfterTo } } };
  const days = daysBetween(from, to) + 1;
  if (days > MAX_RANGE_DAYS)
    return { ok: false, form: { ...form, error: { field: 'from', message: words.tooLong(days) } } };
  return { ok: true, from, to };
}

/** Writes a chunk; waits while the client is slow to read. False once the client has gone. */
async function written(res: ServerResponse, chunk: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (res.write(chunk)) return true;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
  return !res.destroyed;
}

export function reportsPage(deps: Deps, kit: ConsoleKit): Router {
  const router = Router();
  const { config, log } = deps;
  const reports = createRangeReports({ orders: deps.orders, config });
  const today = () => localDay(new Date(), config.timezone);
  // The page has just read the fortnight its image shows: the image's request uses those counts
  // instead of reading it again (another process, or a minute later, reads it).
  const recentCharts = new Map<string, { chart: RangeNumbers['chart']; at: number }>();
  const keepChart = (to: string, chart: RangeNumbers['chart']) => {
    recentCharts.delete(to);
    recentCharts.set(to, { chart, at: Date.now() });
    for (const old of recentCharts.keys()) {
      if (recentCharts.size <= CHARTS_KEPT) break;
      recentCharts.delete(old);
    }
  };
  const chartOf = async (to: string) => {
    const kept = recentCharts.get(to);
    if (kept && Date.now() - kept.at < CHART_REUSE_MS) return kept.chart;
    return reports.chart(to);
  };

  /** The range of this request, or the page with the form and what is wrong (400). */
  const rangeOf = (req: Request, res: Response) => {
    const ctx = kit.ctxOf(req, res);
    const range = readRange(req.query, today(), WORDS[ctx.lang]);
    if (!range.ok) kit.send(res, 400, renderReports(ctx, range.form));
    return range.ok ? range : null;
  };

  router.get('/console/reports', kit.signedIn, async (req, res) => {
    const range = rangeOf(req, res);
    if (!range) return;
    const numbers = await reports.numbers(range.from, range.to);
    keepChart(range.to, numbers.chart);
    kit.send(res, 200, renderReports(kit.ctxOf(req, res), range, numbers));
  });

  router.get('/console/reports/chart.svg', kit.signedIn, async (req, res) => {
    const to = typeof req.query.to === 'string' && req.query.to !== '' ? req.query.to : addDays(today(), -1);
    if (!validDay(to)) {
      res.status(400).type('text').send('`to` must be a date as YYYY-MM-DD.');
      return;
    }
    let svg: string;
    try {
      svg = await renderChartSvg(await chartOf(to));
    } catch (err) {
      log.error(
        { err, to },
        'console reports: could not draw the 14-day chart (vega, vega-lite installed?); the page shows its table instead',
      );
      res.status(503).type('text').send('The chart could not be drawn.');
      return;
    }
    // A past fortnight's counts do not change (an order's day and channel are fixed); one with today does.
    res.setHeader('Cache-Control', to < today() ? 'private, max-age=300' : 'no-store');
    res.type('image/svg+xml').send(svg);
  });

  router.get('/console/reports/orders.csv', kit.signedIn, async (req, res) => {
    const range = rangeOf(req, res);
    if (!range) return;
    const { from, to } = range;
    const user = kit.sessionOf(res).user;
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8; header=present');
    res.setHeader('Content-Disposition', `attachment; filename="orders-${from}-to-${to}.csv"`);
    res.setHeader('Cache-Control', 'no-store');
    let rows = 0;
    let chunk = CSV_START;
    try {
      for await (const order of reports.placed(from, to)) {
        chunk += orderCsvRow(order);
        rows++;
        if (chunk.length < CSV_CHUNK) continue;
        if (!(await written(res, chunk))) {
          log.info(
            { user, from, to, rows },
            'console reports: the orders CSV was left by the browser before its end',
          );
          return;
        }
        chunk = '';
      }
    } catch (err) {
      // Rows may be out already: the download is cut (the browser shows it failed), never passed as whole.
      log.error(
        { err, user, from, to, rows },
        'console reports: the orders CSV stopped while reading orders (is the database reachable?); the download was cut short',
      );
      if (res.headersSent) res.destroy(err as Error);
      else {
        res.removeHeader('Content-Disposition');
        res.status(500).type('text').send('The export failed; the server log says why. Try again.');
      }
      return;
    }
    res.end(chunk);
    log.info({ user, from, to, rows }, 'console reports: orders exported as CSV');
  });

  return router;
}
