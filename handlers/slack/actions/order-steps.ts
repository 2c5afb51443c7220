import type { BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { OrderAction } from '../../../src/orders/lifecycle.js';
import type { Deps } from '../../../src/services.js';
import { notice, rejectModal, shipModal } from '../../../src/slack/blocks/index.js';
import { orderNumberFrom, tellPrivately } from '../context.js';
import { publishHome } from '../events/home.js';
import { failureMessage, refusalFor } from '../reply.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>>;

function clicked(body: BlockAction) {
  // Message buttons carry the channel twice; take either, so a private answer can stay in it.
  const container = body.container as { channel_id?: string } | undefined;
  return {
    user: body.user.id,
    channel: body.channel?.id ?? container?.channel_id,
    onHome: body.view?.type === 'home',
  };
}

const OUT_OF_DATE = notice(':warning: This button is out of date.');

/** Who clicked where, and the order the button names (undefined: a button from an older release). */
function clickedOrder(body: BlockAction, button: ButtonAction) {
  return { who: clicked(body), number: orderNumberFrom(button.value) };
}

/**
 * Approve, Start picking, Packed: one lifecycle action each, for the role it needs (approvers,
 * fulfillment staff: src/access/roles.ts). The order service's compare-and-set makes a double
 * click, two approvers at once or a Slack retry one transition; the losers hear why privately.
 * The messages themselves are updated by the order's Slack sync job, the same way as when the
 * order moves through the API, SMS or voice.
 */
export function orderStepAction(deps: Deps, action: OrderAction) {
  return async ({ ack, body, action: button }: ButtonArgs) => {
    await ack();
    const { who, number } = clickedOrder(body, button);
    if (number === undefined) return tellPrivately(deps, who, OUT_OF_DATE);
    const refused = await refusalFor(deps, who.user, action);
    if (refused) return tellPrivately(deps, who, refused);
    try {
      await deps.orders.applyAction(number, action, {}, { by: who.user, channel: 'slack' });
    } catch (err) {
      await tellPrivately(deps, who, failureMessage(err, deps.log, action));
    }
    if (who.onHome) await publishHome(deps, who.user);
  };
}

/** Reject asks for a reason, Shipped for carrier and tracking: both open a modal first. */
export function openOrderModal(deps: Deps, kind: 'reject' | 'ship') {
  return async ({ ack, body, action: button }: ButtonArgs) => {
    await ack();
    const { who, number } = clickedOrder(body, button);
    if (number === undefined) return tellPrivately(deps, who, OUT_OF_DATE);
    const refused = await refusalFor(deps, who.user, kind);
    if (refused) return tellPrivately(deps, who, refused);
    try {
      const order = await deps.orders.get(number);
      const wanted = kind === 'reject' ? 'pending_approval' : 'packed';
      if (order.status !== wanted) {
        return tellPrivately(
          deps,
          who,
          notice(`:information_source: Order #${number} is ${order.status.replace('_', ' ')} now.`),
        );
      }
      // Where to answer privately once the modal is submitted (a modal has no channel of its own).
      const metadata = JSON.stringify({ number, channel: who.channel ?? null });
      const view = kind === 'reject' ? rejectModal(order, metadata) : shipModal(order, metadata);
      await deps.slack.out.openView(body.trigger_id, view);
    } catch (err) {
      await tellPrivately(deps, who, failureMessage(err, deps.log, `open ${kind} modal`));
    }
  };
}

/**
 * Call back, on a low-rating post: the first click takes it (recorded on the order, the post then
 * says who); a later click hears who has it. An approver's job: the post is in their channel.
 */
export function callBackAction(deps: Deps) {
  return async ({ ack, body, action: button }: ButtonArgs) => {
    await ack();
    const { who, number } = clickedOrder(body, button);
    if (number === undefined) return tellPrivately(deps, who, OUT_OF_DATE);
    const refused = await refusalFor(deps, who.user, 'call_back');
    if (refused) return tellPrivately(deps, who, refused);
    try {
      const { taken, order } = await deps.orders.takeCallBack(number, who.user);
      if (!taken) {
        const by = order.callBack?.by;
        await tellPrivately(
          deps,
          who,
          notice(
            by
              ? `<@${by}> is already calling back about order #${number}.`
              : `Order #${number} has no low rating to call back about.`,
          ),
        );
      }
    } catch (err) {
      await tellPrivately(deps, who, failureMessage(err, deps.log, 'call back'));
    }
  };
}
