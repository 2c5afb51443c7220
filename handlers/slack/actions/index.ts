import type { App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { isE164 } from '../../../src/customers/phone.js';
import type { Deps } from '../../../src/services.js';
import { CALL_BLOCK_PREFIX } from '../../../src/slack/blocks/call.js';
import { ACTIONS } from '../../../src/slack/blocks/ids.js';
import { phoneOrderModal } from '../../../src/slack/blocks/index.js';
import { tellPrivately } from '../context.js';
import { failureMessage } from '../reply.js';
import { registerCrossSellHint } from './cross-sell-hint.js';
import { callBackAction, openOrderModal, orderStepAction } from './order-steps.js';

export function registerActions(app: App, deps: Deps): void {
  // Each listener checks the role its action needs (src/access/roles.ts); the phone-order modal
  // is open to anyone in the workspace: agents log orders while they talk.
  app.action(ACTIONS.approve, orderStepAction(deps, 'approve'));
  app.action(ACTIONS.startPicking, orderStepAction(deps, 'start_picking'));
  app.action(ACTIONS.pack, orderStepAction(deps, 'pack'));
  app.action(ACTIONS.reject, openOrderModal(deps, 'reject'));
  app.action(ACTIONS.ship, openOrderModal(deps, 'ship'));
  app.action(ACTIONS.newOrder, newOrderAction(deps));
  app.action(ACTIONS.logPhoneOrder, newOrderAction(deps));
  // A link button: the browser opens the page; Slack wants the click acknowledged all the same.
  app.action(ACTIONS.openConsole, async ({ ack }) => {
    await ack();
  });
  registerCrossSellHint(app, deps);
  app.action(ACTIONS.callBack, callBackAction(deps));
}

/** "Log an order" on App Home, "Log phone order" on a call pop (value: the caller's phone). */
function newOrderAction(deps: Deps) {
  return async ({ ack, body, action }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>>) => {
    await ack();
    const phone = action.value && isE164(action.value) ? action.value : undefined;
    try {
      const customer = phone ? await deps.customers.findByPhone(phone) : null;
      const prefill = phone ? { phone, ...(customer?.name ? { name: customer.name } : {}) } : undefined;
      // From a call's screen pop: the order is linked to the call once placed.
      const call = action.block_id?.startsWith(CALL_BLOCK_PREFIX)
        ? action.block_id.slice(CALL_BLOCK_PREFIX.length)
        : undefined;
      await deps.slack.out.openView(
        body.trigger_id,
        phoneOrderModal({
          ...(prefill ? { prefill } : {}),
          ...(call ? { privateMetadata: JSON.stringify({ call }) } : {}),
        }),
      );
    } catch (err) {
      await tellPrivately(
        deps,
        { user: body.user.id, channel: body.channel?.id },
        failureMessage(err, deps.log, 'open order modal'),
      );
    }
  };
}
