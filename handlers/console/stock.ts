import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { ConsoleSession } from '../../src/console/session.js';
import { toAppError } from '../../src/errors.js';
import {
  type Cover,
  coverOf,
  lastCompleteDay,
  leadTimeOf,
  PACE_WINDOWS,
  REORDER_PACE_DAYS,
  shownCover,
  suggestedReorder,
} from '../../src/inventory/cover.js';
import {
  aliasesFromText,
  type LowEpisode,
  lowEpisodesOf,
  type Product,
} from '../../src/inventory/product.js';
import { MAX_STOCK_UNITS, SKU_PATTERN } from '../../src/inventory/sku.js';
import type { Deps } from '../../src/services.js';
import { type Html, html } from './html.js';
import type { ConsoleKit } from './kit.js';
import { formatTime, layout, messagePage, type PageContext } from './pages.js';
import {
  COUNT_CHANGES,
  type CountChange,
  STOCK_CHANGES,
  STOCK_WORDS,
  type StockChange,
  type StockWords,
} from './stock-words.js';

/**
 * The stock page (README "Console", Stock): each product's on hand, reserved and available, its
 * days of cover at the 7- and 28-day paces and the suggested reorder (src/inventory/cover.ts, the
 * same numbers as the low-stock alert and the digest), and its low-stock episodes. Stock keepers
 * (`change_stock`) adjust stock and set the product's aliases (other names customers use for it)
 * on a product's page through the inventory service, as `/stock` does in Slack, with the same
 * refusals and the same low-stock alert. Reads are a page of the catalogue by SKU, or one product
 * by key: never the orders.
 */

/** Products a page of the list shows. */
const PAGE_SIZE = 50;

/** A count's value is a short number; the aliases are comma-separated text the service checks. */
const changeForm = z.discriminatedUnion('action', [
  z.object({ action: z.enum(COUNT_CHANGES), value: z.string().trim().max(20), _csrf: z.string().optional() }),
  z.object({ action: z.literal('aliases'), value: z.string(), _csrf: z.string().optional() }),
]);

/** The whole-number bounds of each change (the inventory service checks them again). */
const BOUNDS: Record<CountChange, { min: number; max: number }> = {
  set: { min: 0, max: MAX_STOCK_UNITS },
  add: { min: -MAX_STOCK_UNITS, max: MAX_STOCK_UNITS },
  threshold: { min: 0, max: MAX_STOCK_UNITS },
  lead: { min: 0, max: 365 },
};

/** The posted number if it is a whole number within the change's bounds (and not 0 to add). */
function wholeNumber(change: CountChange, raw: string): number | null {
  const text = raw.replace(/\u2212/g, '-');
  if (!/^[+-]?\d{1,8}$/.test(text)) return null;
  const n = Number(text);
  const { min, max } = BOUNDS[change];
  if (n < min || n > max || (change === 'add' && n === 0)) return null;
  return n;
}

const locale = (ctx: PageContext) => (ctx.lang === 'he' ? 'he-IL' : 'en-US');
const count = (ctx: PageContext, n: number) => new Intl.NumberFormat(locale(ctx)).format(n);
/** A calendar day `YYYY-MM-DD` as the page's language writes it. */
const dayText = (ctx: PageContext, day: string) =>
  new Intl.DateTimeFormat(locale(ctx), { timeZone: 'UTC', dateStyle: 'medium' }).format(
    new Date(`${day}T00:00:00Z`),
  );

interface Foresight {
  covers: (Cover & { days: number })[];
  reorder: number | null;
}

function foresight(p: Product, lastDay: string, timezone: string, coverDays: number): Foresight {
  const covers = PACE_WINDOWS.map((days) => ({ days, ...coverOf(p, { lastDay, days, timezone }) }));
  const pace = coverOf(p, { lastDay, days: REORDER_PACE_DAYS, timezone }).pace;
  return { covers, reorder: suggestedReorder(p.available, pace, leadTimeOf(p), coverDays) };
}

/** A number cell; `label` is its column's heading, shown beside it where rows stack (a phone). */
const numCell = (label: string, content: Html | string) =>
  html`<td class="num" data-label="${label}"><span>${content}</span></td>`;

function coverCell(ctx: PageContext, w: StockWords, c: Cover & { days: number }): Html {
  const since = c.pace.knownSince
    ? html`<span class="note">${w.knownSince(dayText(ctx, c.pace.knownSince))}</span>`
    : '';
  if (c.pace.knownDays === 0) return numCell(w.cover(c.days), html`${w.notKnown}${since}`);
  if (c.daysOfCover === null) return numCell(w.cover(c.days), html`${w.noneSold}${since}`);
  return numCell(w.cover(c.days), html`${w.days(shownCover(c.daysOfCover))}${since}`);
}

function episodeSummary(ctx: PageContext, w: StockWords, episodes: readonly LowEpisode[]): Html {
  const [latest, ...older] = episodes;
  if (!latest) return html`<span class="note">${w.neverLow}</span>`;
  const when = latest.to
    ? html`${formatTime(latest.from, ctx)} – ${formatTime(latest.to, ctx)}`
    : html`<strong>${w.lowSince}</strong> ${formatTime(latest.from, ctx)}`;
  return html`${when}, ${w.downTo} ${count(ctx, latest.lowest)}${
    older.length > 0 ? html` <span class="note">(${w.earlier(older.length)})</span>` : ''
  }`;
}

const productHref = (sku: string) => `/console/stock/${encodeURIComponent(sku)}`;

function listPage(
  ctx: PageContext,
  products: readonly Product[],
  opts: { lastDay: string; timezone: string; coverDays: number; next: string | null; paged: boolean },
): string {
  const w = STOCK_WORDS[ctx.lang];
  const rows = products.map((p) => {
    const { covers, reorder } = foresight(p, opts.lastDay, opts.timezone, opts.coverDays);
    const low = p.available <= p.lowStockThreshold;
    return html`<tr${low ? html` class="low"` : ''} data-sku="${p.sku}">
      <th scope="row"><a href="${productHref(p.sku)}">${p.sku}</a> <bdi class="name">${p.name}</bdi>${
        low ? html` <strong class="badge">${w.low}</strong>` : ''
      }</th>
      ${numCell(w.onHand, count(ctx, p.onHand))}${numCell(w.reserved, count(ctx, p.reserved))}
      ${numCell(w.available, count(ctx, p.available))}${numCell(w.threshold, count(ctx, p.lowStockThreshold))}
      ${numCell(w.leadTime, w.days(String(leadTimeOf(p))))}
      ${covers.map((c) => coverCell(ctx, w, c))}
      ${numCell(w.reorder, reorder === null ? w.notKnown : count(ctx, reorder))}
      <td data-label="${w.episodes}"><span>${episodeSummary(ctx, w, lowEpisodesOf(p))}</span></td>
    </tr>`;
  });
  const table =
    products.length === 0
      ? html`<p class="empty">${w.empty}</p>`
      : html`<div class="table-scroll"><table class="items stock-table"><caption>${w.caption}</caption>
        <thead><tr><th scope="col">${w.product}</th><th scope="col">${w.onHand}</th><th scope="col">${w.reserved}</th>
          <th scope="col">${w.available}</th><th scope="col">${w.threshold}</th><th scope="col">${w.leadTime}</th>
          ${PACE_WINDOWS.map((d) => html`<th scope="col">${w.cover(d)}</th>`)}
          <th scope="col">${w.reorder}</th><th scope="col">${w.episodes}</th></tr></thead>
        <tbody>${rows}</tbody></table></div>`;
  const nav = html`<nav class="stock-pages" aria-label="${w.caption}">${
    opts.paged ? html`<a href="/console/stock">${w.first}</a>` : ''
  }${opts.next ? html`<a href="/console/stock?after=${encodeURIComponent(opts.next)}" rel="next">${w.next}</a>` : ''}</nav>`;
  const body = html`<div class="stock-page"><h1>${w.title}</h1>
    <p class="help">${w.intro(dayText(ctx, opts.lastDay), opts.coverDays)}</p>
    ${table}${nav}</div>`;
  return layout(ctx, w.title, body);
}

interface ProductNotice {
  done?: StockChange;
  error?: string;
  field?: StockChange;
  /** The aliases as typed, shown again in their field when they were refused. */
  typedAliases?: string;
}

/** The product's aliases as the page lists them, each isolated for mixed directions. */
function aliasesText(w: StockWords, p: Product): Html | string {
  const aliases = p.aliases ?? [];
  if (aliases.length === 0) return w.noAliases;
  return html`${aliases.map((a, i) => html`${i > 0 ? ', ' : ''}<bdi>${a}</bdi>`)}`;
}

/** The aliases' form: one text field, comma-separated, as `/stock aliases` takes them. */
function aliasesForm(ctx: PageContext, w: StockWords, p: Product, notice: ProductNotice): Html {
  const invalid = notice.field === 'aliases';
  const value = notice.typedAliases ?? (p.aliases ?? []).join(', ');
  return html`<form method="post" action="${productHref(p.sku)}" class="stock-form">
      <input type="hidden" name="_csrf" value="${ctx.csrf}"><input type="hidden" name="action" value="aliases">
      <label for="stock-aliases">${w.aliasesLabel}</label>
      <input id="stock-aliases" name="value" type="text" dir="auto" autocomplete="off" value="${value}"${
        invalid ? html` aria-invalid="true" aria-describedby="stock-error"` : ''
      }>
      <button type="submit">${w.aliasesButton}</button>
    </form>`;
}

function changeForms(ctx: PageContext, w: StockWords, p: Product, notice: ProductNotice): Html {
  const field = (change: CountChange, label: string, button: string, value: number | '') => {
    const id = `stock-${change}`;
    const { min, max } = BOUNDS[change];
    const invalid = notice.field === change;
    return html`<form method="post" action="${productHref(p.sku)}" class="stock-form">
      <input type="hidden" name="_csrf" value="${ctx.csrf}"><input type="hidden" name="action" value="${change}">
      <label for="${id}">${label}</label>
      <input id="${id}" name="value" type="number" inputmode="numeric" step="1" min="${min}" max="${max}" value="${value}" required${
        invalid ? html` aria-invalid="true" aria-describedby="stock-error"` : ''
      }>
      <button type="submit">${button}</button>
    </form>`;
  };
  return html`<section aria-labelledby="adjust-h" class="stock-adjust"><h2 id="adjust-h">${w.adjust}</h2>
    <p class="help">${w.adjustHelp}</p>
    ${field('set', w.setLabel, w.setButton, p.onHand)}
    ${field('add', w.addLabel, w.addButton, '')}
    ${field('threshold', w.thresholdLabel, w.thresholdButton, p.lowStockThreshold)}
    ${field('lead', w.leadLabel, w.leadButton, leadTimeOf(p))}
    ${aliasesForm(ctx, w, p, notice)}
  </section>`;
}

function productPage(
  ctx: PageContext,
  p: Product,
  opts: { lastDay: string; timezone: string; coverDays: number; mayChange: boolean; notice: ProductNotice },
): string {
  const w = STOCK_WORDS[ctx.lang];
  const { covers, reorder } = foresight(p, opts.lastDay, opts.timezone, opts.coverDays);
  const { notice } = opts;
  const episodes = lowEpisodesOf(p);
  const paceItems = covers.map((c) => {
    const perDay = c.pace.knownDays > 0 ? c.pace.units / c.pace.knownDays : 0;
    return html`<dt>${w.cover(c.days)}</dt><dd>${
      c.pace.knownDays === 0
        ? w.notKnown
        : html`${c.daysOfCover === null ? w.noneSold : w.days(shownCover(c.daysOfCover))} · ${w.soldIn(
            count(ctx, c.pace.units),
            c.pace.knownDays,
          )} (${w.perDay(new Intl.NumberFormat(locale(ctx), { maximumFractionDigits: 2 }).format(perDay))})`
    }${c.pace.knownSince ? html` <span class="note">${w.knownSince(dayText(ctx, c.pace.knownSince))}</span>` : ''}</dd>`;
  });
  const body = html`<div class="stock-page"><p><a href="/console/stock">${w.backToStock}</a></p>
    <h1>${p.sku} <bdi class="name">${p.name}</bdi>${
      p.available <= p.lowStockThreshold ? html` <strong class="badge">${w.low}</strong>` : ''
    }</h1>
    ${notice.done ? html`<p class="notice" role="status">${w.done[notice.done]}</p>` : ''}
    ${notice.error ? html`<p class="error" role="alert" id="stock-error">${notice.error}</p>` : ''}
    <dl class="facts">
      <dt>${w.onHand}</dt><dd data-field="onHand">${count(ctx, p.onHand)}</dd>
      <dt>${w.reserved}</dt><dd data-field="reserved">${count(ctx, p.reserved)}</dd>
      <dt>${w.available}</dt><dd data-field="available">${count(ctx, p.available)}</dd>
      <dt>${w.threshold}</dt><dd data-field="threshold">${count(ctx, p.lowStockThreshold)}</dd>
      <dt>${w.leadTime}</dt><dd data-field="leadTime">${w.days(String(leadTimeOf(p)))}</dd>
      <dt>${w.aliases}</dt><dd data-field="aliases">${aliasesText(w, p)}</dd>
    </dl>
    <section aria-labelledby="pace-h"><h2 id="pace-h">${w.pace}</h2>
      <dl class="facts">${paceItems}
        <dt>${w.reorder}</dt><dd data-reorder>${reorder === null ? w.notKnown : count(ctx, reorder)} <span class="note">${w.reorderHow(
          leadTimeOf(p),
          opts.coverDays,
        )}</span></dd>
      </dl>
    </section>
    <section aria-labelledby="episodes-h"><h2 id="episodes-h">${w.episodes}</h2>${
      episodes.length === 0
        ? html`<p class="empty">${w.neverLow}</p>`
        : html`<table class="items"><thead><tr><th scope="col">${w.wentLow}</th><th scope="col">${w.lowest}</th>
            <th scope="col">${w.alertAt}</th><th scope="col">${w.backAbove}</th></tr></thead>
            <tbody>${episodes.map(
              (e) => html`<tr><td>${formatTime(e.from, ctx)}</td><td class="num">${count(ctx, e.lowest)}</td>
                <td class="num">${count(ctx, e.threshold)}</td><td>${e.to ? formatTime(e.to, ctx) : html`<strong>${w.stillLow}</strong>`}</td></tr>`,
            )}</tbody></table>`
    }</section>
    ${opts.mayChange ? changeForms(ctx, w, p, notice) : html`<p class="help">${w.readOnly}</p>`}
  </div>`;
  return layout(ctx, `${w.title}: ${p.sku}`, body);
}

export function stockPage(deps: Deps, kit: ConsoleKit): Router {
  const router = Router();
  const { inventory, config, log } = deps;
  const timezone = config.timezone;
  const coverDays = config.reorderCoverDays;
  const lastDay = () => lastCompleteDay(new Date(), timezone);

  router.get('/console/stock', kit.signedIn, async (req, res) => {
    const ctx = kit.ctxOf(req, res);
    const after =
      typeof req.query.after === 'string' && SKU_PATTERN.test(req.query.after) ? req.query.after : undefined;
    const page = await inventory.listPage({ ...(after ? { after } : {}), limit: PAGE_SIZE });
    kit.send(
      res,
      200,
      listPage(ctx, page.items, {
        lastDay: lastDay(),
        timezone,
        coverDays,
        next: page.next,
        paged: Boolean(after),
      }),
    );
  });

  /** The product's page: its numbers, episodes and (for stock keepers) the forms. */
  async function show(req: Request, res: Response, status: number, notice: ProductNotice) {
    const ctx = kit.ctxOf(req, res);
    const sku = String(req.params.sku);
    let product: Product;
    try {
      if (!SKU_PATTERN.test(sku)) throw new Error('not a SKU');
      product = await inventory.get(sku);
    } catch (err) {
      if (SKU_PATTERN.test(sku) && toAppError(err).status >= 500) throw err;
      const w = STOCK_WORDS[ctx.lang];
      return kit.send(res, 404, messagePage(ctx, w.noProduct, w.noProduct));
    }
    const mayChange = await kit.users.may(kit.sessionOf(res), 'change_stock');
    kit.send(
      res,
      status,
      productPage(ctx, product, { lastDay: lastDay(), timezone, coverDays, mayChange, notice }),
    );
  }

  /** A count changed through the inventory service; what changed, for the log. */
  async function changeCount(sku: string, action: CountChange, n: number): Promise<string> {
    if (action === 'set') {
      await inventory.setStock(sku, n);
      return `on hand set to ${n}`;
    }
    if (action === 'add') {
      await inventory.addStock(sku, n);
      return `${n > 0 ? 'added' : 'removed'} ${Math.abs(n)}`;
    }
    if (action === 'threshold') {
      await inventory.setThreshold(sku, n);
      return `alert threshold set to ${n}`;
    }
    await inventory.setLeadTime(sku, n);
    return `lead time set to ${n} days`;
  }

  /** The aliases as typed (comma-separated; empty clears them), through the inventory service. */
  async function changeAliases(sku: string, text: string): Promise<string> {
    const aliases = (await inventory.setAliases(sku, aliasesFromText(text))).aliases ?? [];
    return aliases.length > 0 ? `aliases set to ${aliases.join(', ')}` : 'aliases cleared';
  }

  router.get('/console/stock/:sku', kit.signedIn, async (req, res) => {
    const done = STOCK_CHANGES.find((c) => c === req.query.done);
    await show(req, res, 200, done ? { done } : {});
  });

  router.post('/console/stock/:sku', kit.form, kit.signedIn, kit.checked, async (req, res) => {
    const session: ConsoleSession = kit.sessionOf(res);
    const w = STOCK_WORDS[session.lang];
    const sku = String(req.params.sku);
    if (!(await kit.users.may(session, 'change_stock'))) {
      log.warn(
        { user: session.user, sku, action: req.body?.action },
        'console: stock change refused (needs the stock role: SLACK_STOCK_IDS, else SLACK_APPROVER_IDS)',
      );
      return show(req, res, 403, { error: w.readOnly });
    }
    const parsed = changeForm.safeParse(req.body);
    if (!parsed.success) return show(req, res, 400, { error: w.badForm });
    const { action, value } = parsed.data;
    let change: () => Promise<string>;
    if (action === 'aliases') change = () => changeAliases(sku, value);
    else {
      const n = wholeNumber(action, value);
      if (n === null) return show(req, res, 400, { error: w.bad[action], field: action });
      change = () => changeCount(sku, action, n);
    }
    let what: string;
    try {
      what = await change();
    } catch (err) {
      const appError = toAppError(err);
      if (appError.status >= 500) throw err;
      log.info(
        { sku, action, value, by: session.user, reason: appError.message },
        'console: stock change refused',
      );
      // The aliases' rules in the page's language, then exactly what was wrong.
      const badAliases = action === 'aliases' && appError.code === 'validation_error';
      return show(req, res, appError.status, {
        error: badAliases ? `${w.bad.aliases} ${appError.message}` : `${w.notChanged} ${appError.message}`,
        field: action,
        ...(action === 'aliases' ? { typedAliases: value } : {}),
      });
    }
    log.info({ sku, change: what, by: session.user, channel: 'console' }, 'stock changed by hand');
    res.redirect(303, `${productHref(sku)}?done=${action}`);
  });

  return router;
}
