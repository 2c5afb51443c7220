import type { RequestHandler, Response } from 'express';
import type { ConsoleSession } from '../../src/console/session.js';
import type { ConsoleUsers } from '../../src/console/users.js';
import type { PageContext } from './pages.js';

/**
 * What every console page's router is given by handlers/console/index.ts, so that each page lives
 * in its own file and none repeats the session, CSRF or page plumbing.
 */
export interface ConsoleKit {
  /** Parses a posted form (application/x-www-form-urlencoded, small). */
  form: RequestHandler;
  /** Needs a session that may read; sets `res.locals.session`. GETs without one go to sign-in. */
  signedIn: RequestHandler;
  /** Needs the session's CSRF token in the posted form (after `form` and `signedIn`). */
  checked: RequestHandler;
  /** The page context of this request (language, session, CSRF token, formats). */
  ctxOf(req: Parameters<RequestHandler>[0], res: Response): PageContext;
  /** Sends a whole page (or fragment) of HTML, never cached. */
  send(res: Response, status: number, page: string): void;
  /** The signed-in session (after `signedIn`). */
  sessionOf(res: Response): ConsoleSession;
  users: ConsoleUsers;
}
