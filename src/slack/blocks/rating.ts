import { type BlockBuilder, Blocks, Elements } from 'slack-block-builder';
import type { Order } from '../../orders/order.js';
import { LIMITS, type RenderContext, type SlackMessage, truncate, when } from './format.js';
import { ACTIONS } from './ids.js';
import { customerText, itemBlocks, money, toMessage } from './parts.js';
import { escapeText } from './untrusted.js';

const stars = (score: number) => {
  const s = Math.max(0, Math.min(5, Math.round(score)));
  return `${'★'.repeat(s)}${'☆'.repeat(5 - s)}`;
};

/**
 * A rating of 1 or 2, posted to the approvals channel for a person to call the customer back: the
 * order's card and a **Call back** button; once someone takes it, who and when.
 */
export function lowRatingMessage(order: Order, ctx: RenderContext): SlackMessage {
  const score = order.rating?.score ?? 0;
  const blocks: BlockBuilder[] = [
    Blocks.Header({ text: truncate(`Low rating: ${score}/5 for order #${order.number}`, LIMITS.headerText) }),
    Blocks.Section().fields(
      truncate(`*Customer*\n${customerText(order)}`, LIMITS.fieldText),
      `*Rating*\n${stars(score)} ${score}/5`,
      `*Total*\n${money(order, order.total, ctx)}`,
      `*Rated*\n${order.rating ? when(order.rating.at, ctx.timezone) : '—'}`,
    ),
    ...itemBlocks(order, ctx),
    order.callBack
      ? Blocks.Context().elements(
          `:telephone_receiver: <@${escapeText(order.callBack.by, 40)}> is calling back (${when(order.callBack.at, ctx.timezone)})`,
        )
      : Blocks.Actions().elements(
          Elements.Button({
            text: 'Call back',
            actionId: ACTIONS.callBack,
            value: String(order.number),
          }).primary(),
        ),
  ];
  const text = `Low rating ${score}/5 for order #${order.number} from ${escapeText(order.customer.name)}: please call back`;
  return toMessage(text, blocks);
}

/** What the low-rating post shows, in one word: it is updated when someone takes the call back. */
export const lowRatingShown = (order: Order) =>
  `rated:${order.rating?.score ?? 0}:${order.callBack?.by ?? ''}`;

/**
 * The n-th reminder, a reply in the approval message's thread: how long the order has waited, and
 * the approvers mentioned when SLACK_APPROVER_IDS names them.
 */
export function approvalReminder(order: Order, waitedMs: number, approvers: readonly string[]): SlackMessage {
  const minutes = Math.round(waitedMs / 60_000);
  const waited =
    minutes < 120
      ? `${minutes} min`
      : minutes < 48 * 60
        ? `${Math.round(minutes / 60)} h`
        : `${Math.round(minutes / 1440)} days`;
  // A user group (`S…`) is mentioned as a group, so each of its members is notified.
  const mention = (id: string) => (id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`);
  const who = approvers.length > 0 ? `${approvers.map(mention).join(' ')} ` : '';
  const text = `:alarm_clock: ${who}Order #${order.number} has waited ${waited} for approval.`;
  return toMessage(text, [Blocks.Section({ text: truncate(text, LIMITS.sectionText) })]);
}
