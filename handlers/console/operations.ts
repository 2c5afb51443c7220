import { Router } from 'express';
import type { LateEffect } from '../../src/delivery/effects.js';
import type { Deps } from '../../src/services.js';
import { html } from './html.js';
import type { ConsoleKit } from './kit.js';
import { formatTime, layout, messagePage, type PageContext } from './pages.js';
import { strings } from './strings.js';

/**
 * Operations on one page: messages that are late (still being tried), the ones given up (failed
 * texts and posts, for a person to act on), and the scheduled jobs: what `/order late` and
 * `/order jobs` show in Slack, and `GET /api/v1/late-messages` and `/jobs` give as JSON.
 */
export function operationsPage(deps: Deps, kit: ConsoleKit): Router {
  const router = Router();

  const subject = (e: LateEffect) =>
    e.order !== undefined
      ? html`<a href="/console/orders/${e.order}">#${e.order}</a>`
      : e.sku !== undefined
        ? html`${e.sku}`
        : html`${e.call ?? ''}`;

  function lateTable(ctx: PageContext, items: LateEffect[], empty: string) {
    const t = strings(ctx.lang);
    if (items.length === 0) return html`<p class="empty">${empty}</p>`;
    return html`<table class="items">
      <thead><tr><th scope="col">${t.what}</th><th scope="col">${t.effect}</th><th scope="col">${t.since}</th>
        <th scope="col">${t.attempts}</th><th scope="col">${t.lastError}</th><th scope="col">${t.nextAttempt}</th></tr></thead>
      <tbody>${items.map(
        (e) => html`<tr><td>${subject(e)}</td><td>${e.effect}</td><td>${formatTime(e.since, ctx)}</td>
          <td>${e.attempts ?? ''}</td><td>${e.lastError ?? ''}</td>
          <td>${e.givenUpAt ? html`${t.givenUp} ${formatTime(e.givenUpAt, ctx)}` : e.nextAttemptAt ? formatTime(e.nextAttemptAt, ctx) : ''}</td></tr>`,
      )}</tbody></table>`;
  }

  router.get('/console/operations', kit.signedIn, async (req, res) => {
    const ctx = kit.ctxOf(req, res);
    const t = strings(ctx.lang);
    if (!kit.users.mayOperate(kit.sessionOf(res)))
      return kit.send(res, 403, messagePage(ctx, t.operations, t.forbidden));
    const [late, jobs] = await Promise.all([deps.delivery.late(), deps.scheduler.list()]);
    const failed = late.filter((e) => e.givenUpAt);
    const trying = late.filter((e) => !e.givenUpAt);
    const body = html`<h1>${t.operations}</h1>
      <section aria-labelledby="failed-h"><h2 id="failed-h">${t.failedTitle}</h2><p class="help">${t.failedHelp}</p>
        ${lateTable(ctx, failed, t.noneFailed)}</section>
      <section aria-labelledby="late-h"><h2 id="late-h">${t.lateTitle}</h2><p class="help">${t.lateHelp}</p>
        ${lateTable(ctx, trying, t.noneLate)}</section>
      <section aria-labelledby="jobs-h"><h2 id="jobs-h">${t.jobsTitle}</h2>
        ${
          jobs.length === 0
            ? html`<p class="empty">${t.noJobs}</p>`
            : html`<table class="items">
            <thead><tr><th scope="col">${t.job}</th><th scope="col">${t.schedule}</th><th scope="col">${t.nextRun}</th>
              <th scope="col">${t.lastRun}</th><th scope="col">${t.failures}</th></tr></thead>
            <tbody>${jobs.map(
              (
                j,
              ) => html`<tr><td>${j.name}${j.data !== undefined ? html` <code>${JSON.stringify(j.data)}</code>` : ''}</td>
                <td>${j.schedule ?? ''}${j.timezone ? ` (${j.timezone})` : ''}</td>
                <td>${j.nextRunAt ? formatTime(j.nextRunAt, ctx) : ''}</td>
                <td>${j.lastFinishedAt ? formatTime(j.lastFinishedAt, ctx) : j.lastRunAt ? formatTime(j.lastRunAt, ctx) : ''}</td>
                <td>${j.failCount > 0 ? html`<span class="error">${j.failCount}: ${j.failReason ?? ''}</span>` : '0'}</td></tr>`,
            )}</tbody></table>`
        }</section>`;
    kit.send(res, 200, layout(ctx, t.operations, body));
  });
  return router;
}
