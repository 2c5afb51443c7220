import type { TimelineEntry } from '../../src/console/timeline.js';
import { formatMoney } from '../../src/money.js';
import type { OrderAction } from '../../src/orders/lifecycle.js';
import type { Order } from '../../src/orders/order.js';
import { type Html, html } from './html.js';
import { csrfField, formatTime, layout, locale, type PageContext } from './pages.js';

import { actionName, outcomeName, statusName, strings } from './strings.js';

/** An order's HTML: its facts, the action forms the role allows, and its timeline (shared with the customer page). */

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
    case 'text_in':
      // The customer's own words: escaped like every value, and left to their own direction.
      what = html`${t.textIn}: <q dir="auto">${e.body}</q> <span class="note">(${e.asked})</span>`;
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
