import type { ConsoleLanguage, ConsoleSession } from '../../src/console/session.js';
import { SANDBOX_USERS } from '../../src/console/users.js';
import { type Html, html } from './html.js';
import { strings } from './strings.js';

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

export const locale = (lang: ConsoleLanguage) => (lang === 'he' ? 'he-IL' : 'en-US');

export function formatTime(at: Date, ctx: Pick<PageContext, 'lang' | 'timezone'>): Html {
  const text = new Intl.DateTimeFormat(locale(ctx.lang), {
    timeZone: ctx.timezone,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(at);
  return html`<time datetime="${at.toISOString()}">${text}</time>`;
}

/** "5 min", "3 h", "2 d": how long ago, short enough for a card. */
/** One formatter per language and unit: building an `Intl.NumberFormat` costs far more than using it. */
const unitFormats = new Map<string, Intl.NumberFormat>();
function unitFormat(lang: ConsoleLanguage, unit: 'minute' | 'hour' | 'day'): Intl.NumberFormat {
  const key = `${lang} ${unit}`;
  let found = unitFormats.get(key);
  if (!found) {
    found = new Intl.NumberFormat(locale(lang), { style: 'unit', unitDisplay: 'narrow', unit });
    unitFormats.set(key, found);
  }
  return found;
}

export function age(since: Date, now: number, lang: ConsoleLanguage): string {
  const minutes = Math.max(0, Math.floor((now - since.getTime()) / 60_000));
  if (minutes < 60) return unitFormat(lang, 'minute').format(minutes);
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return unitFormat(lang, 'hour').format(hours);
  return unitFormat(lang, 'day').format(Math.floor(hours / 24));
}

export const csrfField = (ctx: PageContext) => html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;

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

export function messagePage(ctx: PageContext, title: string, message: string): string {
  return layout(
    ctx,
    title,
    html`<h1>${title}</h1><p>${message}</p><p><a href="/console/board">${strings(ctx.lang).back}</a></p>`,
  );
}
