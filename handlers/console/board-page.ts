import { formatMoney } from '../../src/money.js';
import { CHANNELS, FULFILLMENT_STATUSES, type OrderStatus } from '../../src/orders/lifecycle.js';
import type { OrderCard } from '../../src/orders/order.js';
import { type Html, html } from './html.js';
import { age, layout, locale, type PageContext } from './pages.js';

import { statusName, strings } from './strings.js';

/** The board's HTML: its columns of order cards, and the page around them with the filters. */

/** The board's columns, left to right (right to left in Hebrew). */
export const BOARD_COLUMNS: readonly OrderStatus[] = ['pending_approval', ...FULFILLMENT_STATUSES, 'shipped'];

export interface BoardCard {
  order: OrderCard;
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
