import type { App, SlackOptionsMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../src/services.js';
import { ITEM_ROWS } from '../../src/slack/blocks/ids.js';
import { PICKER_OPTIONS_MAX, productOption } from '../../src/slack/blocks/modals.js';
import { withinBudget } from './reply.js';

type OptionsArgs = SlackOptionsMiddlewareArgs<'block_suggestion'>;

/** What is searched of a query at most: longer is no product name, and only costs the search. */
const MAX_QUERY = 100;

/**
 * The phone-order form's product pickers: as the agent types, the catalogue's products that fit
 * (SKU prefixes first, then names and aliases, a typo tolerated), from the one order reader.
 */
export function registerOptions(app: App, deps: Deps): void {
  for (const row of ITEM_ROWS)
    app.options({ type: 'block_suggestion', action_id: row.product }, productOptions(deps));
}

/**
 * Answers within Slack's 3 seconds, with no options when it cannot. A request from another
 * workspace, or from someone whose role may not log orders, gets none: the same rules as the
 * form's submission (the workspace middleware does not look at option requests).
 */
export function productOptions(deps: Deps) {
  return async ({ ack, body }: OptionsArgs) => {
    const work = (async () => {
      const team = body.user?.team_id ?? body.team?.id;
      const user = typeof body.user?.id === 'string' ? body.user.id : '';
      if (!(await deps.slack.access.fromInstalledWorkspace(team))) {
        deps.log.warn({ team, user }, 'slack: refused product options to another workspace');
        return [];
      }
      if (!(await deps.slack.access.mayDo(user, 'log_order'))) return [];
      const query = typeof body.value === 'string' ? body.value.slice(0, MAX_QUERY) : '';
      const reader = await deps.orderWords.reader();
      return reader.suggest(query, PICKER_OPTIONS_MAX).map(productOption);
    })().catch((err: unknown) => {
      deps.log.error({ err }, 'slack: product options failed');
      return [];
    });
    const options = await withinBudget(work);
    await ack({ options: options === 'late' ? [] : options });
  };
}
