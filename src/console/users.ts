import { timingSafeEqual } from 'node:crypto';
import type { StaffAction } from '../access/roles.js';
import { type ApiKey, hasScope, type Scope } from '../access/scopes.js';
import { ORDER_ACTIONS, type OrderAction } from '../orders/lifecycle.js';
import type { ConsoleSession } from './session.js';

/**
 * Who may use the console, and what each may do there: the same rules as the other doors.
 * - Slack users (Sign in with Slack) hold the roles Slack's role lists give them, user groups
 *   included, exactly as in Slack.
 * - Made-up users (sandbox only) are Slack-style user IDs: they hold a role exactly when a Slack
 *   user with that ID would (SLACK_APPROVER_IDS, SLACK_FULFILLMENT_IDS, SLACK_STOCK_IDS).
 * - The console key (CONSOLE_API_KEY) holds what its scopes give, as an API key would: `act` for
 *   order actions, `stock` for stock, `read` to look.
 */

export const SANDBOX_USERS = [
  { id: 'U0CONSOLEA', name: 'Avery', title: 'approver' },
  { id: 'U0CONSOLEF', name: 'Frankie', title: 'fulfillment' },
  { id: 'U0CONSOLEC', name: 'Casey', title: 'clerk' },
] as const;

export interface ConsoleAccess {
  sandboxUsers: boolean;
  /** Sign in with Slack is configured (Slack live, its OAuth client given). */
  slackSignIn: boolean;
  apiKey: ApiKey | undefined;
  /** The Slack door's role check (src/access/slack-access.ts). */
  mayDo(user: string, action: StaffAction): Promise<boolean>;
}

const SCOPE_OF_ACTION = (action: StaffAction): Scope =>
  (ORDER_ACTIONS as readonly string[]).includes(action) ? 'act' : action === 'change_stock' ? 'stock' : 'act';

export function createConsoleUsers(access: ConsoleAccess) {
  /** Whether anyone can sign in at all; if not, the console is not there (404). */
  const open = access.sandboxUsers || access.slackSignIn || access.apiKey !== undefined;

  /** The session still stands for someone who may sign in now (a changed key or mode ends it). */
  function stillValid(session: ConsoleSession): boolean {
    if (session.kind === 'sandbox')
      return access.sandboxUsers && SANDBOX_USERS.some((u) => u.id === session.user);
    if (session.kind === 'slack') return access.slackSignIn && /^[UW][A-Z0-9]{2,}$/.test(session.user);
    return access.apiKey !== undefined && session.user === `key:${access.apiKey.name}`;
  }

  function keySignIn(given: string): { user: string; name: string } | null {
    const key = access.apiKey;
    if (!key) return null;
    const a = Buffer.from(given);
    const b = Buffer.from(key.key);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
    return { user: `key:${key.name}`, name: key.name };
  }

  async function may(session: ConsoleSession, action: StaffAction): Promise<boolean> {
    if (!stillValid(session)) return false;
    if (session.kind === 'key')
      return access.apiKey !== undefined && hasScope(access.apiKey, SCOPE_OF_ACTION(action));
    return access.mayDo(session.user, action);
  }

  /** Of these actions, the ones the session may take. */
  async function allowed<A extends OrderAction>(
    session: ConsoleSession,
    actions: readonly A[],
  ): Promise<A[]> {
    const checks = await Promise.all(actions.map(async (a) => ((await may(session, a)) ? a : null)));
    return checks.filter((a): a is Awaited<A> => a !== null) as A[];
  }

  const mayRead = (session: ConsoleSession) =>
    stillValid(session) &&
    (session.kind !== 'key' || (access.apiKey !== undefined && hasScope(access.apiKey, 'read')));

  /**
   * Operations (late messages, jobs, failed texts): what the API keeps to `admin` keys. Staff signed
   * in as themselves see it, as `/order late` and `/order jobs` show it to anyone in the workspace.
   */
  const mayOperate = (session: ConsoleSession) =>
    stillValid(session) &&
    (session.kind !== 'key' || (access.apiKey !== undefined && hasScope(access.apiKey, 'admin')));

  return { open, stillValid, keySignIn, may, allowed, mayRead, mayOperate };
}

export type ConsoleUsers = ReturnType<typeof createConsoleUsers>;
