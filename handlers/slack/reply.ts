import type { RespondArguments } from '@slack/bolt';
import { refusalText, type StaffAction } from '../../src/access/roles.js';
import { withinDeadline } from '../../src/deadline.js';
import { isAppError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { Deps } from '../../src/services.js';
import { escapeEntities, notice } from '../../src/slack/blocks/index.js';
import type { SlackMessage } from '../../src/slack/client.js';

/** Slack shows "operation_timeout" after 3 s without an answer; leave room for the network. */
export const ACK_BUDGET_MS = 2_500;

/** What a failure looks like to the person who clicked: our message if it is theirs to fix. */
export function failureMessage(err: unknown, log: Logger, what: string): SlackMessage {
  // Our messages may quote what was typed (a SKU, a phone): never a link or a mention.
  if (isAppError(err) && err.expose && err.status < 500)
    return notice(`:warning: ${escapeEntities(err.message)}`);
  log.error({ err }, `slack: ${what} failed`);
  return notice(':x: Something went wrong on our side; it has been logged. Please try again.');
}

/** The work's result, or `'late'` if it would miss Slack's acknowledgement deadline. */
export const withinBudget = <T>(work: Promise<T>) => withinDeadline(work, ACK_BUDGET_MS);

/**
 * Answers a slash command privately. Quick work is answered in the acknowledgement itself; work
 * that would miss Slack's 3 seconds is acknowledged with a "working on it" and answered through
 * the response_url when done. Errors become a private explanation, never silence.
 */
export async function answerCommand(
  ack: (msg?: object) => Promise<void>,
  respond: (message: RespondArguments) => Promise<unknown>,
  log: Logger,
  what: string,
  work: () => Promise<SlackMessage>,
): Promise<void> {
  const result = work().catch((err) => failureMessage(err, log, what));
  const first = await withinBudget(result);
  if (first !== 'late') {
    await ack({ response_type: 'ephemeral', ...first });
    return;
  }
  await ack({ response_type: 'ephemeral', text: ':hourglass_flowing_sand: Working on it…' });
  const message = await result;
  await respond({ response_type: 'ephemeral', replace_original: true, ...message }).catch((err) =>
    log.error({ err }, `slack: could not deliver the late answer to ${what}`),
  );
}

/**
 * The private note for someone whose role does not allow `action` (README, Slack: "Roles"), or
 * undefined when it does. A user group Slack cannot resolve counts as not holding it.
 */
export async function refusalFor(
  deps: Deps,
  user: string,
  action: StaffAction,
): Promise<SlackMessage | undefined> {
  if (await deps.slack.access.mayDo(user, action)) return undefined;
  deps.log.warn({ user, action }, "slack: refused an action outside the user's role");
  return notice(`:no_entry: ${refusalText(action, deps.config.slack)}`);
}
