import type { RangeNumbers } from '../../src/digest/range.js';
import { formatMoney } from '../../src/money.js';
import { type Html, html } from './html.js';
import { formatTime, layout, type PageContext } from './pages.js';
import { WORDS } from './reports-words.js';
import { statusName } from './strings.js';

/** The reports page: a range form, the digest's numbers for the range, its chart and the CSV export. */

/** Rows shown per list (low ratings, failed texts); the rest is counted. */
const LIST_SHOWN = 100;

export interface RangeForm {
  /** What was asked (shown back in the form, even when wrong). */
  from: string;
  to: string;
  /** What is wrong with it, and which field to point at. */
  error?: { field: 'from' | 'to'; message: string };
}

const locale = (ctx: PageContext) => (ctx.lang === 'he' ? 'he-IL' : 'en-US');

/** A calendar day in the reader's language (a calendar day: no time zone shift applies). */
export function dayText(ctx: PageContext, day: string, style: 'long' | 'short' = 'long'): string {
  const options: Intl.DateTimeFormatOptions =
    style === 'long'
      ? { timeZone: 'UTC', dateStyle: 'medium' }
      : { timeZone: 'UTC', weekday: 'short', month: 'short', day: 'numeric' };
  return new Intl.DateTimeFormat(locale(ctx), options).format(new Date(`${day}T00:00:00Z`));
}

const query = (from: string, to: string) => new URLSearchParams({ from, to }).toString();

function rangeForm(ctx: PageContext, form: RangeForm): Html {
  const w = WORDS[ctx.lang];
  const field = (name: 'from' | 'to', label: string) => {
    const wrong = form.error?.field === name;
    return html`<label for="range-${name}">${label}</label>
      <input id="range-${name}" name="${name}" type="date" value="${form[name]}" required
        aria-describedby="range-help${wrong ? ' range-error' : ''}"${wrong ? html` aria-invalid="true"` : ''}>`;
  };
  return html`<form method="get" action="/console/reports" class="filters reports-range">
      ${field('from', w.from)} ${field('to', w.to)}
      <button type="submit">${w.show}</button>
    </form>
    <p id="range-help" class="help">${w.rangeHelp}</p>
    ${form.error ? html`<p id="range-error" class="error" role="alert">${form.error.message}</p>` : ''}`;
}

function countTable(
  caption: string,
  head: string,
  rows: { name: string; count: number }[],
  w: typeof WORDS.en,
) {
  return html`<table class="items reports-counts"><caption>${caption}</caption>
    <thead><tr><th scope="col">${head}</th><th scope="col">${w.orders}</th></tr></thead>
    <tbody>${rows.map((r) => html`<tr><th scope="row">${r.name}</th><td>${r.count}</td></tr>`)}</tbody>
  </table>`;
}

function ordersSection(ctx: PageContext, n: RangeNumbers): Html {
  const w = WORDS[ctx.lang];
  const money = (minor: number, currency: string) => formatMoney(minor, currency, locale(ctx));
  const others = n.otherCurrencies.length
    ? html`<table class="items reports-counts"><caption>${w.otherCurrencies}</caption>
        <thead><tr><th scope="col">${w.currency}</th><th scope="col">${w.orders}</th><th scope="col">${w.amount}</th></tr></thead>
        <tbody>${n.otherCurrencies.map(
          (c) =>
            html`<tr><th scope="row">${c.currency}</th><td>${c.orders}</td><td>${money(c.amount, c.currency)}</td></tr>`,
        )}</tbody></table>`
    : '';
  const tables =
    n.orders.count === 0
      ? html`<p class="empty">${w.noOrders}</p>`
      : html`<div class="reports-pair">
          ${countTable(
            w.byChannel,
            w.channel,
            n.orders.byChannel.map((c) => ({ name: w.channels[c.channel], count: c.count })),
            w,
          )}
          ${countTable(
            w.byStatus,
            w.status,
            n.orders.byStatus.map((s) => ({ name: statusName(ctx.lang, s.status), count: s.count })),
            w,
          )}
        </div>`;
  return html`<dl class="facts reports-totals">
      <dt>${w.ordersPlaced}</dt><dd data-report="orders">${n.orders.count}</dd>
      <dt>${w.revenue}</dt><dd data-report="revenue">${money(n.revenue.amount, n.currency)}</dd>
    </dl>
    <p class="help">${w.revenueNote(n.revenue.orders)}</p>
    ${others}${tables}`;
}

const rest = (ctx: PageContext, total: number) =>
  total > LIST_SHOWN ? html`<p class="help">${WORDS[ctx.lang].more(total - LIST_SHOWN)}</p>` : '';

function ratingsSection(ctx: PageContext, n: RangeNumbers): Html {
  const w = WORDS[ctx.lang];
  const { ratings } = n;
  const average = new Intl.NumberFormat(locale(ctx), { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  const low = ratings.low.length
    ? html`<table class="items"><caption>${w.lowRatings}</caption>
        <thead><tr><th scope="col">${w.order}</th><th scope="col">${w.score}</th><th scope="col">${w.customer}</th>
          <th scope="col">${w.phone}</th><th scope="col">${w.when}</th></tr></thead>
        <tbody>${ratings.low.slice(0, LIST_SHOWN).map(
          (r) => html`<tr><td><a href="/console/orders/${r.number}">#${r.number}</a></td><td>${r.score}/5</td>
            <td><bdi>${r.customer}</bdi></td>
            <td><a href="/console/customers/${encodeURIComponent(r.phone)}" dir="ltr">${r.phone}</a></td>
            <td>${formatTime(r.at, ctx)}</td></tr>`,
        )}</tbody></table>${rest(ctx, ratings.low.length)}`
    : '';
  return html`<section aria-labelledby="ratings-h"><h2 id="ratings-h">${w.ratings}</h2>
    <p data-report="ratings">${
      ratings.average === null
        ? w.noRatings
        : w.ratingsSummary(average.format(ratings.average), ratings.count)
    }</p>${low}</section>`;
}

function failuresSection(ctx: PageContext, n: RangeNumbers): Html {
  const w = WORDS[ctx.lang];
  const list = n.smsFailures;
  const body = list.length
    ? html`<table class="items">
        <thead><tr><th scope="col">${w.order}</th><th scope="col">${w.customer}</th><th scope="col">${w.message}</th>
          <th scope="col">${w.when}</th><th scope="col">${w.error}</th></tr></thead>
        <tbody>${list.slice(0, LIST_SHOWN).map(
          (
            f,
          ) => html`<tr><td><a href="/console/orders/${f.number}">#${f.number}</a></td><td><bdi>${f.customer}</bdi></td>
            <td>${f.kind.replace(/_/g, ' ')}</td><td>${formatTime(f.at, ctx)}</td><td><bdi>${f.error}</bdi></td></tr>`,
        )}</tbody></table>${rest(ctx, list.length)}`
    : html`<p class="empty">${w.noFailures}</p>`;
  return html`<section aria-labelledby="failures-h"><h2 id="failures-h">${w.failedTexts} (${list.length})</h2>${body}</section>`;
}

function chartSection(ctx: PageContext, n: RangeNumbers): Html {
  const w = WORDS[ctx.lang];
  const { chart } = n;
  const first = dayText(ctx, chart.days[0] ?? n.to);
  const last = dayText(ctx, n.to);
  const total = chart.counts.reduce((sum, c) => sum + c.count, 0);
  const count = (day: string, channel: string) =>
    chart.counts.find((c) => c.day === day && c.channel === channel)?.count ?? 0;
  const dayTotal = (day: string) =>
    chart.counts.filter((c) => c.day === day).reduce((s, c) => s + c.count, 0);
  return html`<section aria-labelledby="chart-h" class="reports-chart"><h2 id="chart-h">${w.chartTitle(last)}</h2>
    <figure>
      <img src="/console/reports/chart.svg?to=${n.to}" alt="${w.chartAlt(first, last, total)}">
      <figcaption class="help">${w.chartNote}</figcaption>
    </figure>
    <details><summary>${w.chartData}</summary>
      <table class="items"><caption>${w.chartTitle(last)}</caption>
        <thead><tr><th scope="col">${w.day}</th>${chart.channels.map((c) => html`<th scope="col">${w.channels[c]}</th>`)}<th scope="col">${w.total}</th></tr></thead>
        <tbody>${chart.days.map(
          (d) =>
            html`<tr><th scope="row"><time datetime="${d}">${dayText(ctx, d, 'short')}</time></th>${chart.channels.map(
              (c) => html`<td>${count(d, c)}</td>`,
            )}<td>${dayTotal(d)}</td></tr>`,
        )}</tbody>
      </table>
    </details></section>`;
}

/** The page: the form, and the numbers when the range is good (none when it is not). */
export function renderReports(ctx: PageContext, form: RangeForm, numbers?: RangeNumbers): string {
  const w = WORDS[ctx.lang];
  let results: Html | string = '';
  if (numbers) {
    const days = Math.round((Date.parse(numbers.to) - Date.parse(numbers.from)) / 86_400_000) + 1;
    const odd = numbers.window.hours !== days * 24;
    results = html`<section aria-labelledby="summary-h" class="reports">
        <h2 id="summary-h">${dayText(ctx, numbers.from)} – ${dayText(ctx, numbers.to)} (${w.days(days)})</h2>
        ${odd ? html`<p class="help">${w.clocksChanged(numbers.window.hours)}</p>` : ''}
        ${ordersSection(ctx, numbers)}
      </section>
      ${ratingsSection(ctx, numbers)}
      ${failuresSection(ctx, numbers)}
      ${chartSection(ctx, numbers)}
      <section aria-labelledby="export-h"><h2 id="export-h">${w.exportTitle}</h2>
        <p><a href="/console/reports/orders.csv?${query(numbers.from, numbers.to)}" download>${w.exportLink}</a></p>
        <p class="help">${w.exportHelp}</p>
      </section>`;
  }
  const body = html`<h1>${w.title}</h1><p class="help">${w.intro(ctx.timezone)}</p>${rangeForm(ctx, form)}${results}`;
  return layout(ctx, w.title, body);
}
