import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import {
  type ConsoleLanguage,
  type ConsoleSession,
  createSessions,
  SESSION_COOKIE,
  SESSION_MS,
} from '../../src/console/session.js';
import { createConsoleUsers, SANDBOX_USERS } from '../../src/console/users.js';
import { toAppError } from '../../src/errors.js';
import {
  allowedActions,
  FULFILLMENT_STATUSES,
  ORDER_ACTIONS,
  type OrderAction,
  type OrderStatus,
} from '../../src/orders/lifecycle.js';
import type { Order } from '../../src/orders/order.js';
import type { Deps } from '../../src/services.js';
import { sendDocumentPdf } from '../invoice-pdf.js';
import type { ConsoleKit } from './kit.js';
import { CONSOLE_PAGES } from './page-list.js';
import {
  type BoardCard,
  boardColumns,
  boardPage,
  messagePage,
  orderPage,
  type PageContext,
  signInPage,
} from './pages.js';
import { slackSignIn } from './slack-sign-in.js';
import { strings } from './strings.js';

/**
 * The staff console (README "Console", docs/console.md): server-rendered pages under /console/ with
 * one small script (assets/console.js) for the live board. Signed-in staff take the same actions
 * as in Slack and the API, through the same service calls, with the same refusals.
 */

/**
 * The stylesheet and script beside this file's source: found from the source (tests) and from the
 * build (dist/handlers/console/, three levels under the project), which has no copy of them.
 */
const ASSETS = [
  new URL('./assets/', import.meta.url),
  new URL('../../../handlers/console/assets/', import.meta.url),
]
  .map((u) => fileURLToPath(u))
  .find((dir) => existsSync(join(dir, 'console.css'))) as string;
const PRE_COOKIE = 'orderly_console_pre';
/** The console's own policy: scripts, styles and live updates from this origin only; no inline script. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
/** How often the live board looks for changes made by other processes (in-process ones are sent at once). */
const WATCH_MS = 1_000;
const BOARD_LIMIT = 200;
const SHIPPED_SHOWN = 25;
const SHIPPED_SCAN = 100;
/** A rejection's reason, as long as Slack's reject dialog takes. */
const REASON_MAX = 500;

const actionForm = z.object({
  action: z.enum(ORDER_ACTIONS),
  note: z.string().trim().max(1000).optional(),
  carrier: z.string().trim().max(100).optional(),
  trackingNumber: z.string().trim().max(100).optional(),
  _csrf: z.string().optional(),
  do: z.string().optional(),
});

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** Only a console path of ours: never another site after signing in. */
const safeNext = (next: unknown) =>
  typeof next === 'string' && /^\/console\/[\w/.?=&%-]*$/.test(next) && !next.includes('..')
    ? next
    : '/console/board';

export function consoleRouter(deps: Deps): Router {
  const router = Router();
  const { config, log, orders } = deps;
  const users = createConsoleUsers({
    sandboxUsers: config.console.sandboxUsers,
    slackSignIn: config.console.slackSignIn !== undefined,
    apiKey: config.console.apiKey,
    mayDo: (user, action) => deps.slack.access.mayDo(user, action),
  });
  // No way to sign in: the console is not there at all (404 from the app's last handler).
  if (!users.open) return router;
  const sessions = createSessions(config.console.sessionSecret);
  const secure = config.publicUrl.startsWith('https://');
  const cookie = (name: string, value: string, maxAgeMs: number) =>
    `${name}=${encodeURIComponent(value)}; Path=/console; HttpOnly; SameSite=Lax; Max-Age=${Math.floor(maxAgeMs / 1000)}${secure ? '; Secure' : ''}`;
  const assets = new Map(
    ['console.css', 'console.js'].map((f) => [f, readFileSync(join(ASSETS, f), 'utf8')] as const),
  );
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });

  /** The signed-in user's choice, else the browser's, else DEFAULT_LANGUAGE. */
  const languageOf = (req: Request, session: ConsoleSession | null): ConsoleLanguage => {
    if (session) return session.lang;
    const asked = req.headers['accept-language'] ? req.acceptsLanguages('en', 'he') : false;
    return asked === 'he' || asked === 'en' ? asked : config.defaultLanguage === 'he' ? 'he' : 'en';
  };
  const context = (req: Request, session: ConsoleSession | null, csrf: string): PageContext => ({
    lang: languageOf(req, session),
    session,
    csrf,
    timezone: config.timezone,
    currency: config.currency,
    phone: config.console.sandboxUsers && config.outbox.api,
    path: req.originalUrl,
  });
  const sessionOf = (req: Request): ConsoleSession | null => {
    const session = sessions.open(readCookie(req, SESSION_COOKIE));
    return session && users.stillValid(session) ? session : null;
  };
  const send = (res: Response, status: number, page: string) => {
    res.status(status).type('html').setHeader('Cache-Control', 'no-store');
    res.send(page);
  };

  router.use('/console', (_req, res, next) => {
    res.setHeader('Content-Security-Policy', CSP);
    next();
  });

  router.get('/console/assets/:file', (req, res, next) => {
    const body = assets.get(req.params.file);
    if (!body) return next();
    res.type(req.params.file.endsWith('.css') ? 'css' : 'js').setHeader('Cache-Control', 'no-cache');
    res.send(body);
  });

  // ---- signing in: the form's token is bound to a short-lived pre-session cookie (no login CSRF).
  const preSession = (req: Request, res: Response): ConsoleSession => {
    const found = sessions.open(readCookie(req, PRE_COOKIE));
    if (found) return found;
    const value = sessions.seal({ user: '', name: '', kind: 'sandbox', lang: languageOf(req, null) });
    res.append('Set-Cookie', cookie(PRE_COOKIE, value, 60 * 60 * 1000));
    return sessions.open(value) as ConsoleSession;
  };
  const signInForm = (req: Request, res: Response, status: number, error?: string) => {
    const pre = preSession(req, res);
    send(
      res,
      status,
      signInPage(context(req, null, sessions.csrfToken(pre)), {
        sandbox: config.console.sandboxUsers,
        slack: config.console.slackSignIn !== undefined,
        key: config.console.apiKey !== undefined,
        ...(error ? { error } : {}),
        next: safeNext(req.query.next ?? req.body?.next),
      }),
    );
  };

  function signedInAs(res: Response, who: Omit<ConsoleSession, 'sid' | 'exp'>, next: string): void {
    res.append('Set-Cookie', cookie(SESSION_COOKIE, sessions.seal(who), SESSION_MS));
    res.append('Set-Cookie', cookie(PRE_COOKIE, '', 0));
    log.info({ user: who.user, kind: who.kind }, 'console: signed in');
    res.redirect(303, next);
  }

  router.get('/console', (_req, res) => res.redirect(303, '/console/board'));
  router.get('/console/sign-in', (req, res) => signInForm(req, res, 200));
  router.post('/console/sign-in', form, (req, res) => {
    const pre = sessions.open(readCookie(req, PRE_COOKIE));
    const t = strings(languageOf(req, null));
    if (!pre || !sessions.csrfValid(pre, req.body?._csrf)) return signInForm(req, res, 403, t.csrf);
    const lang = languageOf(req, null);
    let who: { user: string; name: string; kind: ConsoleSession['kind'] } | null = null;
    const picked = SANDBOX_USERS.find((u) => u.id === req.body?.user);
    if (picked && config.console.sandboxUsers) who = { user: picked.id, name: picked.name, kind: 'sandbox' };
    else if (typeof req.body?.key === 'string') {
      const found = users.keySignIn(req.body.key);
      if (found) who = { ...found, kind: 'key' };
    }
    if (!who) {
      log.warn({ console: 'sign-in refused', ip: req.ip }, 'console: sign-in refused');
      return signInForm(req, res, 401, t.wrongKey);
    }
    signedInAs(res, { ...who, lang }, safeNext(req.body?.next));
  });
  slackSignIn(router, deps, {
    sessions,
    cookie,
    readCookie,
    languageOf,
    safeNext,
    refuse: (req, res, status, why) => signInForm(req, res, status, why),
    signedInAs,
  });

  // ---- everything below needs a session
  const signedIn = (req: Request, res: Response, next: NextFunction) => {
    const session = sessionOf(req);
    if (!session) {
      if (req.method === 'GET' && req.path !== '/console/events')
        return res.redirect(303, `/console/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
      res.status(401).type('text').send('Sign in first.');
      return;
    }
    if (!users.mayRead(session)) {
      send(
        res,
        403,
        messagePage(
          context(req, session, ''),
          strings(session.lang).forbidden,
          strings(session.lang).forbidden,
        ),
      );
      return;
    }
    res.locals.session = session;
    next();
  };
  /** A POST must carry this session's token: a form from another site cannot. */
  const checked = (req: Request, res: Response, next: NextFunction) => {
    const session = res.locals.session as ConsoleSession;
    if (sessions.csrfValid(session, req.body?._csrf)) return next();
    log.warn({ user: session.user, path: req.path }, 'console: form refused (CSRF token missing or wrong)');
    const t = strings(session.lang);
    send(res, 403, messagePage(context(req, session, sessions.csrfToken(session)), t.forbidden, t.csrf));
  };
  const ctxOf = (req: Request, res: Response) => {
    const session = res.locals.session as ConsoleSession;
    return context(req, session, sessions.csrfToken(session));
  };
  const kit: ConsoleKit = {
    form,
    signedIn,
    checked,
    ctxOf,
    send,
    sessionOf: (res) => res.locals.session as ConsoleSession,
    users,
  };
  for (const page of CONSOLE_PAGES) router.use(page(deps, kit));

  router.post('/console/sign-out', form, signedIn, checked, (_req, res) => {
    res.append('Set-Cookie', cookie(SESSION_COOKIE, '', 0));
    res.redirect(303, '/console/sign-in');
  });
  router.post('/console/language', form, signedIn, checked, (req, res) => {
    const session = res.locals.session as ConsoleSession;
    const lang: ConsoleLanguage = req.body?.lang === 'he' ? 'he' : 'en';
    res.append(
      'Set-Cookie',
      cookie(SESSION_COOKIE, sessions.reseal({ ...session, lang }), session.exp - Date.now()),
    );
    // Back to the page the switch was pressed on (a console path of ours, else the board).
    res.redirect(303, safeNext(req.body?.next));
  });

  // ---- the board
  const boardFilter = z.object({
    channel: z.string().max(20).optional(),
    q: z.string().trim().max(100).optional(),
  });
  async function boardCards(filter: { channel?: string; q?: string }, now: number) {
    const open = await orders.list({
      status: ['pending_approval', ...FULFILLMENT_STATUSES],
      limit: BOARD_LIMIT,
    });
    // Shipped orders are off the board (no one's work waits on them): the latest few, found among
    // the latest orders, so the page costs the same at any size.
    const shipped = await orders.list({ status: 'shipped', limit: SHIPPED_SHOWN, maxScan: SHIPPED_SCAN });
    const q = filter.q?.toLowerCase();
    const digits = q?.replace(/\D/g, '');
    const matches = (o: Order) =>
      (!filter.channel || o.channel === filter.channel) &&
      (!q ||
        String(o.number) === q.replace(/^#/, '') ||
        o.customer.name.toLowerCase().includes(q) ||
        (digits !== undefined && digits.length >= 3 && o.customer.phone.replace(/\D/g, '').includes(digits)));
    const reminderMs = config.approvalReminderAfter.ms;
    const late = (o: Order) => {
      const since = [...o.history].reverse().find((h) => h.to === o.status)?.at ?? o.updatedAt;
      if (o.status === 'pending_approval') return now - since.getTime() > reminderMs;
      if (o.status === 'packed') return now - since.getTime() > 24 * 60 * 60 * 1000;
      return false;
    };
    const columns = new Map<OrderStatus, BoardCard[]>();
    for (const o of [...open.items, ...shipped.items].filter(matches).sort((a, b) => a.number - b.number)) {
      const list = columns.get(o.status) ?? [];
      list.push({ order: o, late: late(o) });
      columns.set(o.status, list);
    }
    return columns;
  }
  router.get('/console/board', signedIn, async (req, res) => {
    const filter = boardFilter.catch({}).parse(req.query);
    const now = Date.now();
    send(res, 200, boardPage(ctxOf(req, res), await boardCards(filter, now), filter, now));
  });
  router.get('/console/board/columns', signedIn, async (req, res) => {
    const filter = boardFilter.catch({}).parse(req.query);
    const now = Date.now();
    send(res, 200, boardColumns(ctxOf(req, res), await boardCards(filter, now), now).text);
  });

  // ---- live updates: server-sent events, one `change` per order changed (any process)
  const clients = new Set<Response>();
  let watching: NodeJS.Timeout | undefined;
  let lastSignature: string | undefined;
  const broadcast = (data: string) => {
    for (const client of clients) client.write(`event: change\ndata: ${data}\n\n`);
  };
  const watch = () => {
    watching ??= setInterval(async () => {
      try {
        const signature = await deps.boardSignature();
        if (lastSignature !== undefined && signature !== lastSignature) broadcast('{}');
        lastSignature = signature;
      } catch (err) {
        log.debug({ err }, 'console: the live board could not read the board');
      }
    }, WATCH_MS);
    watching.unref();
  };
  for (const event of [
    'order.placed',
    'order.status_changed',
    'order.effects_added',
    'invoice.issued',
  ] as const) {
    deps.events.on(event, ({ order }) => {
      if (clients.size > 0) broadcast(JSON.stringify({ order: order.number, v: order.history.length }));
    });
  }
  router.get('/console/events', signedIn, (req, res) => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    clients.add(res);
    watch();
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(ping);
      clients.delete(res);
      if (clients.size === 0 && watching) {
        clearInterval(watching);
        watching = undefined;
        lastSignature = undefined;
      }
    });
  });

  // ---- an order
  const numberOf = (raw: string | undefined) => (raw && /^\d{1,12}$/.test(raw) ? Number(raw) : undefined);
  async function showOrder(
    req: Request,
    res: Response,
    status: number,
    notice: { done?: OrderAction; error?: string },
  ) {
    const ctx = ctxOf(req, res);
    const number = numberOf(String(req.params.number));
    let order: Order;
    try {
      if (number === undefined) throw new Error('not a number');
      order = await orders.get(number);
    } catch (err) {
      if (number !== undefined && toAppError(err).status >= 500) throw err;
      const t = strings(ctx.lang);
      return send(res, 404, messagePage(ctx, t.notFound, t.notFound));
    }
    const session = res.locals.session as ConsoleSession;
    const actions = await users.allowed(session, allowedActions(order.status));
    const timeline = await deps.timeline.of([order]);
    send(res, status, orderPage(ctx, order, actions, timeline, notice));
  }
  router.get('/console/orders/:number', signedIn, async (req, res) => {
    const done = ORDER_ACTIONS.find((a) => a === req.query.done);
    await showOrder(req, res, 200, done ? { done } : {});
  });
  router.post('/console/orders/:number/actions', form, signedIn, checked, async (req, res) => {
    const session = res.locals.session as ConsoleSession;
    const t = strings(session.lang);
    const number = numberOf(String(req.params.number));
    const parsed = actionForm.safeParse(req.body);
    if (number === undefined || !parsed.success)
      return showOrder(req, res, 400, { error: parsed.error?.issues[0]?.message ?? t.notFound });
    const { action, note, carrier, trackingNumber } = parsed.data;
    // As in Slack's reject dialog: a rejection says why, to staff and in the history.
    if (action === 'reject' && (!note || note.length > REASON_MAX))
      return showOrder(req, res, 400, { error: t.reasonNeeded });
    if (!(await users.may(session, action))) {
      log.warn({ user: session.user, order: number, action }, 'console: action refused (role)');
      return showOrder(req, res, 403, { error: t.forbidden });
    }
    try {
      await orders.applyAction(
        number,
        action,
        {
          ...(note ? { note } : {}),
          ...(carrier ? { carrier } : {}),
          ...(trackingNumber ? { trackingNumber } : {}),
        },
        { by: session.user, channel: 'console' },
      );
    } catch (err) {
      const appError = toAppError(err);
      if (appError.status >= 500) throw err;
      return showOrder(req, res, appError.status, { error: appError.message });
    }
    res.redirect(303, `/console/orders/${number}?done=${action}`);
  });
  for (const document of ['invoice', 'credit-note'] as const) {
    router.get(`/console/orders/:number/${document}`, signedIn, async (req, res, next) => {
      const number = numberOf(String(req.params.number));
      if (number === undefined) return next();
      const order = await orders.get(number);
      const doc =
        document === 'invoice'
          ? await deps.invoices.invoiceOf(order)
          : await deps.invoices.creditNoteOf(order);
      await sendDocumentPdf(res, doc, deps.pdfs);
    });
  }
  return router;
}
