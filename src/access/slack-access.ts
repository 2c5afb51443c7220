import { withinDeadline } from '../deadline.js';
import type { Logger } from '../logger.js';
import { groupsIn, holdersOf, holds, ROLE_OF, type RoleLists, type StaffAction } from './roles.js';

/** What Slack is asked to check a request (src/slack/client.ts). */
export interface AccessLookups {
  installedTeam(): Promise<string | undefined>;
  userGroupMembers(group: string): Promise<string[]>;
}

/**
 * A role check may wait on Slack before a modal's answer, which Slack wants within 3 seconds:
 * past this, the lookup counts as failed (and the request is refused).
 */
const LOOKUP_BUDGET_MS = 2_000;

/**
 * The role and workspace checks of the Slack door, with what they learn from Slack cached:
 * group members for `ttlMs` (so removing someone from a group takes effect within a minute),
 * the installed workspace for good (a bot token belongs to one workspace). Built once in the
 * composition root. Every failure to learn refuses (fail closed) and is logged.
 */
export function createSlackAccess(deps: {
  lists: RoleLists;
  slack: AccessLookups;
  log: Logger;
  ttlMs?: number;
  now?: () => number;
}) {
  const { lists, slack, log } = deps;
  const ttl = deps.ttlMs ?? 60_000;
  const now = deps.now ?? Date.now;
  // Only the groups named in the configured lists are ever kept: the cache cannot grow past them.
  const groups = new Map<string, { members: ReadonlySet<string>; until: number }>();
  const asking = new Map<string, Promise<ReadonlySet<string>>>();
  let team: Promise<string | undefined> | undefined;

  async function bounded<T>(work: Promise<T>, what: string): Promise<T> {
    const result = await withinDeadline(work, LOOKUP_BUDGET_MS);
    if (result === 'late') throw new Error(`${what}: Slack did not answer within ${LOOKUP_BUDGET_MS} ms`);
    return result;
  }

  function membersOf(group: string): Promise<ReadonlySet<string>> {
    const cached = groups.get(group);
    if (cached && cached.until > now()) return Promise.resolve(cached.members);
    let pending = asking.get(group);
    if (!pending) {
      // One question per group at a time, however many clicks arrive together.
      pending = slack
        .userGroupMembers(group)
        .then((users) => {
          const members = new Set(users);
          groups.set(group, { members, until: now() + ttl });
          return members;
        })
        .finally(() => asking.delete(group));
      asking.set(group, pending);
    }
    return bounded(pending, `usergroups.users.list ${group}`);
  }

  /** Whether `user` may do `action`: listed, or in a listed user group Slack names. */
  async function mayDo(user: string, action: StaffAction): Promise<boolean> {
    const role = ROLE_OF[action];
    if (role === null) return true;
    const ids = holdersOf(role, lists);
    if (holds(ids, user, [])) return true;
    const found: string[] = [];
    await Promise.all(
      groupsIn(ids ?? []).map(async (group) => {
        try {
          if ((await membersOf(group)).has(user)) found.push(group);
        } catch (err) {
          log.error(
            { err, group, user, action },
            'slack: could not resolve a user group; refused (fail closed)',
          );
        }
      }),
    );
    return holds(ids, user, found);
  }

  function installedTeam(): Promise<string | undefined> {
    if (!team) {
      // A failed answer is forgotten, so the next request asks again.
      team = slack.installedTeam().catch((err) => {
        team = undefined;
        throw err;
      });
    }
    return bounded(team, 'auth.test');
  }

  /**
   * Whether a request comes from the installed workspace (a Slack Connect guest's does not).
   * Sandbox mode has no workspace (no auth.test): every request passes.
   */
  async function fromInstalledWorkspace(teamId: string | undefined): Promise<boolean> {
    try {
      const ours = await installedTeam();
      return ours === undefined || teamId === ours;
    } catch (err) {
      log.error(
        { err, team: teamId },
        'slack: could not learn the installed workspace; refused (fail closed)',
      );
      return false;
    }
  }

  /** Asks for the installed workspace at start, so the first click does not wait for it. */
  function warmUp(): void {
    installedTeam().catch((err) =>
      log.warn(
        { err },
        'slack: auth.test failed at start; the workspace check asks again on the next request',
      ),
    );
  }

  return { mayDo, fromInstalledWorkspace, warmUp };
}

export type SlackAccess = ReturnType<typeof createSlackAccess>;
