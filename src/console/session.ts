import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The console's session: a signed cookie holding who signed in, their language and a random
 * session id, so that several processes behind one load balancer accept each other's sessions
 * when they share the secret (config.console.sessionSecret). Nothing is kept on the server: signing
 * out clears the cookie, and a session ends on its own after SESSION_MS.
 */

export const SESSION_COOKIE = 'orderly_console';
/** A working day and a half: a shift, with room to spare. */
export const SESSION_MS = 36 * 60 * 60 * 1000;

export type ConsoleLanguage = 'en' | 'he';

export interface ConsoleSession {
  /** Who: a Slack user ID for Slack and sandbox users, `key:<name>` for the console key. */
  user: string;
  name: string;
  kind: 'sandbox' | 'key' | 'slack';
  lang: ConsoleLanguage;
  /** Random per sign-in: what the CSRF token is bound to. */
  sid: string;
  /** Epoch ms after which the session is refused. */
  exp: number;
}

export function createSessions(secret: string | undefined) {
  // Without a shared secret the key lives as long as the process: sessions end with a restart.
  const key = createHmac('sha256', secret ?? randomBytes(32).toString('hex'))
    .update('orderly console session')
    .digest();
  const mac = (what: string) => createHmac('sha256', key).update(what).digest('base64url');
  const same = (a: string, b: string) => {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  };

  return {
    /** A new session's cookie value. */
    seal(session: Omit<ConsoleSession, 'sid' | 'exp'>, now = Date.now()): string {
      const full: ConsoleSession = {
        ...session,
        sid: randomBytes(12).toString('base64url'),
        exp: now + SESSION_MS,
      };
      return this.reseal(full);
    },
    /** The same session (same sid and expiry) with a change, such as the language. */
    reseal(session: ConsoleSession): string {
      const body = Buffer.from(JSON.stringify(session)).toString('base64url');
      return `${body}.${mac(body)}`;
    },
    /** The session a cookie value carries, or null: unsigned, tampered with, or expired. */
    open(value: string | undefined, now = Date.now()): ConsoleSession | null {
      if (!value) return null;
      const [body, sig, extra] = value.split('.');
      if (!body || !sig || extra !== undefined || !same(sig, mac(body))) return null;
      try {
        const session = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as ConsoleSession;
        return typeof session.exp === 'number' && session.exp > now ? session : null;
      } catch {
        return null;
      }
    },
    /** Any small value, signed: what must come back unchanged (Sign in with Slack's state). */
    sign(value: object): string {
      const body = Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${body}.${mac(`value:${body}`)}`;
    },
    /** The value `sign` made, or null when it was altered. */
    verify<T>(signed: string | undefined): T | null {
      if (!signed) return null;
      const [body, sig, extra] = signed.split('.');
      if (!body || !sig || extra !== undefined || !same(sig, mac(`value:${body}`))) return null;
      try {
        return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
      } catch {
        return null;
      }
    },
    /** The token every form of this session carries (synchronizer token, bound to the sid). */
    csrfToken(session: ConsoleSession): string {
      return mac(`csrf:${session.sid}`);
    },
    csrfValid(session: ConsoleSession, token: unknown): boolean {
      return typeof token === 'string' && same(token, mac(`csrf:${session.sid}`));
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
