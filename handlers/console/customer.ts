import { Router } from 'express';
import { toE164 } from '../../src/customers/phone.js';
import { formatMoney } from '../../src/money.js';
import type { Deps } from '../../src/services.js';
import { html } from './html.js';
import type { ConsoleKit } from './kit.js';
import { timelineList } from './order-page.js';
import { formatTime, layout, messagePage } from './pages.js';
import { statusName, strings } from './strings.js';

/** A customer page reads at most this many of their latest orders (and calls), each by key. */
export const CUSTOMER_ORDERS_SHOWN = 50;

/**
 * A customer by phone: who they are, their orders, and one timeline across those orders, their
 * calls and the texts they sent. What a call-center agent wants on screen while the phone rings
 * (the Slack screen pop links here). Everything is read by key: the customer (by phone), their
 * orders (the numbers kept on the customer), their calls (the sids kept per phone) and their
 * latest texts (by the phone's index).
 */
export function customerPage(deps: Deps, kit: ConsoleKit): Router {
  const router = Router();
  const { config, orders, customers, calls } = deps;

  // The header's search box: any way of writing a number, to the page of its E.164 form.
  router.get('/console/customers', kit.signedIn, (req, res) => {
    const ctx = kit.ctxOf(req, res);
    const t = strings(ctx.lang);
    const given = typeof req.query.phone === 'string' ? req.query.phone.trim() : '';
    // An order number typed into the box goes to that order.
    if (/^#?\d{1,7}$/.test(given)) return res.redirect(303, `/console/orders/${given.replace('#', '')}`);
    const phone = given ? toE164(given, config.defaultCountry) : undefined;
    if (!phone) return kit.send(res, 400, messagePage(ctx, t.customerTitle, t.badPhone));
    res.redirect(303, `/console/customers/${encodeURIComponent(phone)}`);
  });

  router.get('/console/customers/:phone', kit.signedIn, async (req, res) => {
    const ctx = kit.ctxOf(req, res);
    const t = strings(ctx.lang);
    const phone = toE164(String(req.params.phone), config.defaultCountry);
    if (!phone) return kit.send(res, 400, messagePage(ctx, t.customerTitle, t.badPhone));
    if (phone !== req.params.phone)
      return res.redirect(303, `/console/customers/${encodeURIComponent(phone)}`);
    const [customer, page, called, textsIn] = await Promise.all([
      customers.findByPhone(phone),
      orders.list({ phone, limit: CUSTOMER_ORDERS_SHOWN }),
      calls.list({ phone, limit: CUSTOMER_ORDERS_SHOWN }),
      deps.timeline.textsFrom(phone),
    ]);
    if (!customer && page.items.length === 0 && called.items.length === 0 && textsIn.length === 0)
      return kit.send(res, 404, messagePage(ctx, t.customerTitle, t.noCustomer));
    const timeline = await deps.timeline.of(page.items, called.items, { textsIn });
    const name = customer?.name ?? page.items[0]?.customer.name ?? '';
    const locale = ctx.lang === 'he' ? 'he-IL' : 'en-US';
    const body = html`<h1>${t.customerTitle}: ${name} <span dir="ltr">${phone}</span></h1>
      <dl class="facts">
        ${customer?.email ? html`<dt>Email</dt><dd>${customer.email}</dd>` : ''}
        <dt>${t.language_}</dt><dd>${customer?.language ?? config.defaultLanguage}</dd>
        <dt>${t.optedOut}</dt><dd>${customer?.optedOut ? t.yes : t.no}</dd>
        <dt>${t.ordersOf}</dt><dd>${customer?.orders.length ?? page.items.length}</dd>
      </dl>
      <table class="items"><caption>${t.ordersOf}${
        page.next !== null
          ? html` <span class="help">${t.shownLatest.replace('{n}', String(CUSTOMER_ORDERS_SHOWN))}</span>`
          : ''
      }</caption>
        <thead><tr><th scope="col">#</th><th scope="col">${t.placedAt}</th><th scope="col">${t.status}</th><th scope="col">${t.channel}</th><th scope="col">${t.total}</th></tr></thead>
        <tbody>${page.items.map(
          (
            o,
          ) => html`<tr><td><a href="/console/orders/${o.number}">#${o.number}</a></td><td>${formatTime(o.createdAt, ctx)}</td>
            <td>${statusName(ctx.lang, o.status)}</td><td>${o.channel}</td><td>${formatMoney(o.total, o.currency, locale)}</td></tr>`,
        )}</tbody>
      </table>
      ${timelineList(ctx, timeline, true)}`;
    kit.send(res, 200, layout(ctx, `${t.customerTitle} ${phone}`, body));
  });
  return router;
}
