import { Blocks } from 'slack-block-builder';
import { LIMITS, type SlackMessage, truncate } from './format.js';
import { toMessage } from './parts.js';

/**
 * A one-section message: private answers, refusals, staff warnings. The text is ours (it may hold
 * mrkdwn and <@user> mentions); customer text inside it must already be escaped by the caller.
 */
export function notice(text: string): SlackMessage {
  return toMessage(text, [Blocks.Section({ text: truncate(text, LIMITS.sectionText) })]);
}
