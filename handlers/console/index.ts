import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import {
  type ConsoleLanguage,
  type ConsoleSession,
  createSessions,
  SESSION_COOKIE,
  SESSION_MS,
} from '../../src/console/session.js';
import { createConsoleUsers, SANDBOX_USERS } from '../../src/console/users.js';
import type { Deps } from '../../src/services.js';
import type { ConsoleKit } from './kit.js';
import { CONSOLE_PAGES } from './page-list.js';
import { messagePage, type PageContext, signInPage } from './pages.js';
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
  const { config, log } = deps;
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

  return router;
}
