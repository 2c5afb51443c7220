import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Deps } from '../../src/services.js';
import { notice } from '../../src/slack/blocks/index.js';
import { tellPrivately } from './context.js';

const OTHER_WORKSPACE = notice(
  ':no_entry: Orderly takes staff actions only from members of the workspace it is installed in.',
);

/** The parts of a click, form or command that say who sent it and from which workspace. */
interface Incoming {
  type?: string;
  command?: string;
  team_id?: string;
  user_id?: string;
  team?: { id?: string };
  user?: { id?: string; team_id?: string };
  channel?: { id?: string };
  container?: { channel_id?: string };
  view?: { state?: { values?: Record<string, unknown> } };
}

type Ack = (answer?: object) => Promise<void>;

/**
 * Refuses buttons, modal submissions and slash commands from anyone outside the installed
 * workspace: a Slack Connect guest in a shared channel sees our buttons, and their click names
 * their own workspace in `user.team_id` (the payload's `team` may be ours). Nothing changes and
 * only they are told. Events and everything else pass. Sandbox mode has no workspace: all pass.
 */
export function onlyInstalledWorkspace(deps: Deps): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = args.body as Incoming;
    const kind =
      body.type === 'block_actions'
        ? 'click'
        : body.type === 'view_submission'
          ? 'form'
          : typeof body.command === 'string'
            ? 'command'
            : undefined;
    if (kind === undefined) return args.next();
    const team = kind === 'command' ? body.team_id : (body.user?.team_id ?? body.team?.id);
    if (await deps.slack.access.fromInstalledWorkspace(team)) return args.next();

    const user = (kind === 'command' ? body.user_id : body.user?.id) ?? '';
    deps.log.warn({ team, user, kind }, 'slack: refused a request from another workspace');
    const ack = (args as unknown as { ack: Ack }).ack;
    if (kind === 'command') return ack({ response_type: 'ephemeral', ...OTHER_WORKSPACE });
    if (kind === 'form') {
      // Shown on the form's first field, as the forms show their own refusals.
      const field = Object.keys(body.view?.state?.values ?? {})[0];
      if (field) return ack({ response_action: 'errors', errors: { [field]: OTHER_WORKSPACE.text } });
      await ack();
      return tellPrivately(deps, { user }, OTHER_WORKSPACE);
    }
    await ack();
    await tellPrivately(
      deps,
      { user, channel: body.channel?.id ?? body.container?.channel_id },
      OTHER_WORKSPACE,
    );
  };
}
