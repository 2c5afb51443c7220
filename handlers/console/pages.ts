import type { ConsoleLanguage, ConsoleSession } from '../../src/console/session.js';
import type { TimelineEntry } from '../../src/console/timeline.js';
import { SANDBOX_USERS } from '../../src/console/users.js';
import { formatMoney } from '../../src/money.js';
import {
  CHANNELS,
  FULFILLMENT_STATUSES,
  type OrderAction,
  type OrderStatus,
} from '../../src/orders/lifecycle.js';
import type { Order } from '../../src/orders/order.js';
import { type Html, html } from './html.js';
import { actionName, outcomeName, statusName, strings } from './strings.js';

/** Server-rendered pages: one language on the server, no client build; console.js only enhances. */

export interface PageContext {
  lang: ConsoleLanguage;
  session: ConsoleSession | null;
  csrf: string;
  timezone: string;
  currency: string;
  /** The phone simulator is in the menu (sandbox only). */
  phone: boolean;
  /** This page's path and query: where switching the language comes back to. */
  path: string;
}

const locale = (lang: ConsoleLanguage) => (lang === 'he' ? 'he-IL' : 'en-US');

export function formatTime(at: Date, ctx: Pick<PageContext, 'lang' | 'timezone'>): Html {
  const text = new Intl.DateTimeFormat(locale(ctx.lang), {
    timeZone: ctx.timezone,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(at);
  return html`<time datetime="${at.toISOString()}">${text}</time>`;
}

/** "5 min", "3 h", "2 d": how long ago, short enough for a card. */
export function age(since: Date, now: number, lang: ConsoleLanguage): string {
  const minutes = Math.max(0, Math.floor((now - since.getTime()) / 60_000));
  const fmt = new Intl.NumberFormat(locale(lang), { style: 'unit', unitDisplay: 'narrow', unit: 'minute' });
  if (minutes < 60) return fmt.format(minutes);
  const hours = Math.floor(minutes / 60);
  if (hours < 48)
    return new Intl.NumberFormat(locale(lang), { style: 'unit', unitDisplay: 'narrow', unit: 'hour' }).format(
      hours,
    );
  return new Intl.NumberFormat(locale(lang), { style: 'unit', unitDisplay: 'narrow', unit: 'day' }).format(
    Math.floor(hours / 24),
  );
}

const csrfField = (ctx: PageContext) => html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;

export function layout(ctx: PageContext, title: string, body: Html, opts: { live?: string } = {}): string {
  const t = strings(ctx.lang);
  const other = ctx.lang === 'he' ? 'en' : 'he';
  const header = ctx.session
    ? html`<header class="top">
        <a class="brand" href="/console/board">${t.title}</a>
        <nav aria-label="${t.title}">
          <a href="/console/board">${t.board}</a>
          <a href="/console/stock">${t.stock}</a>
          <a href="/console/reports">${t.reports}</a>
          <a href="/console/operations">${t.operations}</a>
          ${ctx.phone ? html`<a href="/console/phone">${t.phone}</a>` : ''}
        </nav>
        <form method="get" action="/console/customers" class="inline" role="search">
          <label for="nav-phone" class="visually-hidden">${t.customerByPhone}</label>
          <input id="nav-phone" name="phone" type="search" inputmode="tel" placeholder="${t.customerByPhone}" maxlength="32">
        </form>
        <span class="who">${t.signedInAs} <strong>${ctx.session.name}</strong></span>
        <form method="post" action="/console/language" class="inline">
          ${csrfField(ctx)}<input type="hidden" name="lang" value="${other}"><input type="hidden" name="next" value="${ctx.path}">
          <button type="submit"><span class="visually-hidden">${t.languageLabel} </span><span lang="${other}">${t.language}</span></button>
        </form>
        <form method="post" action="/console/sign-out" class="inline">
          ${csrfField(ctx)}<button type="submit">${t.signOut}</button>
        </form>
      </header>`
    : html`<header class="top"><span class="brand">${t.title}</span></header>`;
  return html`<!doctype html>
<html lang="${ctx.lang}" dir="${ctx.lang === 'he' ? 'rtl' : 'ltr'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${t.title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/assets/console.css">
<script src="/console/assets/console.js" defer></script>
</head>
<body${opts.live ? html` data-live="${opts.live}"` : ''}>
<a class="skip" href="#main">${t.skipToContent}</a>
${header}
<main id="main">
${body}
</main>
</body>
</html>`.text;
}

export function signInPage(
  ctx: PageContext,
  opts: { sandbox: boolean; slack: boolean; key: boolean; error?: string; next?: string },
): string {
  const t = strings(ctx.lang);
  const sandbox = opts.sandbox
    ? html`<section aria-labelledby="sandbox-h">
        <h2 id="sandbox-h">${t.signInAs}</h2>
        <p>${t.signInSandbox}</p>
        <ul class="users">
          ${SANDBOX_USERS.map(
            (u) => html`<li><form method="post" action="/console/sign-in">
              ${csrfField(ctx)}<input type="hidden" name="user" value="${u.id}">
              <input type="hidden" name="next" value="${opts.next ?? ''}">
              <button type="submit">${u.name} (${u.title}, ${u.id})</button></form></li>`,
          )}
        </ul>
      </section>`
    : '';
  const key = opts.key
    ? html`<section aria-labelledby="key-h">
        <h2 id="key-h">${t.signInKey}</h2>
        <form method="post" action="/console/sign-in">
          ${csrfField(ctx)}<input type="hidden" name="next" value="${opts.next ?? ''}">
          <label for="key">${t.signInKey}</label>
          <input id="key" name="key" type="password" autocomplete="current-password" required aria-describedby="key-help">
          <p id="key-help" class="help">${t.signInKeyHelp}</p>
          <button type="submit">${t.signIn}</button>
        </form>
      </section>`
    : '';
  const slack = opts.slack
    ? html`<section aria-labelledby="slack-h"><h2 id="slack-h" class="visually-hidden">Slack</h2>
        <p><a class="button" href="/console/sign-in/slack?next=${encodeURIComponent(opts.next ?? '')}">${t.signInSlack}</a></p>
      </section>`
    : '';
  const error = opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : '';
  return layout(ctx, t.signIn, html`<h1>${t.signIn}</h1>${error}${slack}${sandbox}${key}`);
}

/** The board's columns, left to right (right to left in Hebrew). */
export const BOARD_COLUMNS: readonly OrderStatus[] = ['pending_approval', ...FULFILLMENT_STATUSES, 'shipped'];

export interface BoardCard {
  order: Order;
  late: boolean;
}

export function boardColumns(ctx: PageContext, columns: Map<OrderStatus, BoardCard[]>, now: number): Html {
  const t = strings(ctx.lang);
  return html`<div class="board" id="board">${BOARD_COLUMNS.map((status) => {
    const cards = columns.get(status) ?? [];
    return html`<section class="column" aria-labelledby="col-${status}">
      <h2 id="col-${status}">${statusName(ctx.lang, status)} <span class="count" data-count="${status}">${cards.length}</span></h2>
      ${status === 'shipped' ? html`<p class="help">${t.shippedRecent}</p>` : ''}
      ${
        cards.length === 0
          ? html`<p class="empty">${t.empty}</p>`
          : html`<ul>${cards.map(
              ({ order, late }) => html`<li class="card${late ? ' late' : ''}" data-order="${order.number}">
                <a href="/console/orders/${order.number}">#${order.number}</a>
                <span class="name">${order.customer.name}</span>
                <span class="total">${formatMoney(order.total, order.currency, locale(ctx.lang))}</span>
                <span class="meta">${order.channel} · <span class="age">${age(order.updatedAt, now, ctx.lang)}</span></span>
                ${late ? html`<strong class="badge">${t.late}</strong>` : ''}
              </li>`,
            )}</ul>`
      }
    </section>`;
  })}</div>`;
}

export function boardPage(
  ctx: PageContext,
  columns: Map<OrderStatus, BoardCard[]>,
  filter: { channel?: string; q?: string },
  now: number,
): string {
  const t = strings(ctx.lang);
  const query = new URLSearchParams({
    ...(filter.channel ? { channel: filter.channel } : {}),
    ...(filter.q ? { q: filter.q } : {}),
  }).toString();
  const body = html`<h1>${t.board}</h1>
    <form method="get" action="/console/board" class="filters" role="search">
      <label for="channel">${t.channel}</label>
      <select id="channel" name="channel">
        <option value="">${t.anyChannel}</option>
        ${CHANNELS.map((c) => html`<option value="${c}"${filter.channel === c ? ' selected' : ''}>${c}</option>`)}
      </select>
      <label for="q">${t.search}</label>
      <input id="q" name="q" type="search" value="${filter.q ?? ''}" maxlength="100">
      <button type="submit">${t.filter}</button>
      <a href="/console/board">${t.clear}</a>
    </form>
    <p class="live" aria-live="polite">${t.liveOn}</p>
    <div id="board-live" data-fragment="/console/board/columns${query ? `?${query}` : ''}">
    ${boardColumns(ctx, columns, now)}
    </div>`;
  return layout(ctx, t.board, body, { live: '/console/events' });
}

function timelineItem(ctx: PageContext, e: TimelineEntry, showOrder: boolean): Html {
  const t = strings(ctx.lang);
  const order =
    showOrder && e.order !== undefined ? html`<a href="/console/orders/${e.order}">#${e.order}</a> ` : '';
  let what: Html;
  switch (e.kind) {
    case 'status':
      what = html`<strong>${statusName(ctx.lang, e.to)}</strong> ${t.by} ${e.by} ${t.placedVia} ${e.channel}${
        e.note ? html`: <q dir="auto">${e.note}</q>` : ''
      }`;
      break;
    case 'text':
      what = html`${t.textOut} (${e.textKind}, <span class="status">${e.status}</span>)${
        e.body ? html`: <q dir="auto">${e.body}</q>` : ''
      }${e.error ? html` <span class="error">${e.error}</span>` : ''}`;
      break;
    case 'text_failed':
      what = html`<span class="error">${t.textFailed} (${e.textKind}): ${e.error}</span>`;
      break;
    case 'call':
      what = html`${t.call} <span dir="ltr">${e.from}</span>: ${outcomeName(ctx.lang, e.outcome)}${
        e.path.length ? html` <span class="note" dir="ltr">(${e.path.join(' → ')})</span>` : ''
      }${e.duration !== undefined ? `, ${e.duration} s` : ''}${e.transcription ? html`: <q dir="auto">${e.transcription}</q>` : ''}`;
      break;
    case 'rating':
      what = html`${t.rating} ${e.score}/5`;
      break;
    case 'call_back':
      what = html`${t.callBack} ${e.by}`;
      break;
    case 'document':
      what = html`<a href="/console/orders/${e.order}/${e.document}">${
        e.document === 'invoice' ? t.invoice : t.creditNote
      } ${e.number}</a>`;
      break;
    case 'late':
      what = html`<span class="error">${t.lateMessage}: ${e.effect}</span>`;
      break;
  }
  return html`<li class="event ${e.kind}">${formatTime(e.at, ctx)} ${order}${what}</li>`;
}

export function timelineList(ctx: PageContext, entries: readonly TimelineEntry[], showOrder: boolean): Html {
  const t = strings(ctx.lang);
  return html`<section aria-labelledby="timeline-h"><h2 id="timeline-h">${t.timeline}</h2>
    <ol class="timeline">${entries.map((e) => timelineItem(ctx, e, showOrder))}</ol></section>`;
}

function actionForm(ctx: PageContext, order: Order, action: OrderAction): Html {
  const t = strings(ctx.lang);
  const id = (field: string) => `${action}-${field}`;
  let fields: Html | string = '';
  if (action === 'reject' || action === 'reject_return' || action === 'cancel')
    fields = html`<label for="${id('note')}">${action === 'reject' ? t.reason : t.note}</label>
      <input id="${id('note')}" name="note" maxlength="${action === 'reject' ? 500 : 1000}"${action === 'reject' ? ' required' : ''}>`;
  if (action === 'ship')
    fields = html`<label for="${id('carrier')}">${t.carrier}</label>
      <input id="${id('carrier')}" name="carrier" maxlength="100" required>
      <label for="${id('tracking')}">${t.tracking}</label>
      <input id="${id('tracking')}" name="trackingNumber" maxlength="100" required>`;
  return html`<form method="post" action="/console/orders/${order.number}/actions" class="action">
    ${csrfField(ctx)}<input type="hidden" name="action" value="${action}">
    ${fields}<button type="submit" name="do" value="${action}">${actionName(ctx.lang, action)}</button>
  </form>`;
}

export function orderPage(
  ctx: PageContext,
  order: Order,
  actions: readonly OrderAction[],
  timeline: readonly TimelineEntry[],
  notice: { done?: OrderAction; error?: string },
): string {
  const t = strings(ctx.lang);
  const money = (minor: number) => formatMoney(minor, order.currency, locale(ctx.lang));
  const body = html`<p><a href="/console/board">${t.back}</a></p>
    <p class="notice" id="changed" role="status" data-order="${order.number}" data-version="${order.history.length}" hidden>
      ${t.changedMeanwhile} <a href="/console/orders/${order.number}">${t.showLatest}</a></p>
    <h1>${t.order} #${order.number} <span class="status-pill">${statusName(ctx.lang, order.status)}</span></h1>
    ${notice.done ? html`<p class="notice" role="status">${t.done} ${actionName(ctx.lang, notice.done)}</p>` : ''}
    ${notice.error ? html`<p class="error" role="alert">${notice.error}</p>` : ''}
    <dl class="facts">
      <dt>${t.customer}</dt><dd><a href="/console/customers/${encodeURIComponent(order.customer.phone)}">${order.customer.name} <span dir="ltr">${order.customer.phone}</span></a></dd>
      <dt>${t.status}</dt><dd>${statusName(ctx.lang, order.status)} · ${order.channel}</dd>
      <dt>${t.total}</dt><dd>${money(order.total)}</dd>
    </dl>
    <table class="items"><caption>${t.items}</caption>
      <thead><tr><th scope="col">SKU</th><th scope="col">${t.items}</th><th scope="col">#</th><th scope="col">${t.total}</th></tr></thead>
      <tbody>${order.items.map(
        (i) =>
          html`<tr><td>${i.sku}</td><td>${i.name}</td><td>${i.quantity}</td><td>${money(i.lineTotal)}</td></tr>`,
      )}</tbody>
    </table>
    <section aria-labelledby="actions-h" class="actions"><h2 id="actions-h">${t.actions}</h2>
      ${actions.length ? actions.map((a) => actionForm(ctx, order, a)) : html`<p>${t.noActions}</p>`}
    </section>
    ${timelineList(ctx, timeline, false)}`;
  return layout(ctx, `${t.order} #${order.number}`, body, { live: '/console/events' });
}

export function messagePage(ctx: PageContext, title: string, message: string): string {
  return layout(
    ctx,
    title,
    html`<h1>${title}</h1><p>${message}</p><p><a href="/console/board">${strings(ctx.lang).back}</a></p>`,
  );
}
