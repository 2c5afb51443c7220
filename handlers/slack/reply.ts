import type { RespondArguments } from '@slack/bolt';
import type { Config } from '../../src/config.js';
import { withinDeadline } from '../../src/deadline.js';
import { isAppError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
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

/** SPEC: `SLACK_APPROVER_IDS` may approve, reject and cancel; unset, anyone may. */
export function canApprove(config: Config, userId: string): boolean {
  const ids = config.slack.approverIds;
  return ids === undefined || ids.length === 0 || ids.includes(userId);
}

export const NOT_APPROVER = notice(
  ':no_entry: Only approvers can approve, reject or cancel orders. Ask an approver, or an admin to add you to `SLACK_APPROVER_IDS`.',
);
