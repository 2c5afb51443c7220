import type { SlackCommandMiddlewareArgs } from '@slack/bolt';
import { toE164 } from '../../../src/customers/phone.js';
import { type OrderPage, WALK_MAX_SCAN } from '../../../src/orders/lists.js';
import type { Deps } from '../../../src/services.js';
import {
  escapeEntities,
  escapeText,
  jobList,
  lateMessages,
  notice,
  orderCard,
  orderHelp,
  orderList,
  phoneOrderModal,
} from '../../../src/slack/blocks/index.js';
import type { SlackMessage } from '../../../src/slack/client.js';
import { answerCommand, failureMessage, refusalFor } from '../reply.js';
import { type OrderCommand, parseOrderCommand } from './parse.js';

const PAGE = 25;

/** Says when the list is not all there is: a full page, or a search that stopped looking. */
function extent(page: OrderPage): string {
  if (page.next === null) return '';
  if (page.items.length >= PAGE) return ` (newest ${PAGE})`;
  return ` (among the latest ${WALK_MAX_SCAN.toLocaleString('en-US')} orders)`;
}

/** `/order …`: the order desk's questions and the one change (cancel) staff make by command. */
export function orderCommand(deps: Deps) {
  return async ({ command, ack, respond }: SlackCommandMiddlewareArgs) => {
    const parsed = parseOrderCommand(command.text);
    if (parsed.kind === 'new') {
      // The trigger_id expires 3 s after the command: open the modal before anything else.
      await ack();
      await deps.slack.out
        .openView(command.trigger_id, phoneOrderModal({}))
        .catch((err) => respond(failureMessage(err, deps.log, '/order new')));
      return;
    }
    await answerCommand(ack, respond, deps.log, '/order', () =>
      runOrderCommand(deps, parsed, command.user_id),
    );
  };
}

async function runOrderCommand(deps: Deps, cmd: OrderCommand, userId: string): Promise<SlackMessage> {
  const ctx = { currency: deps.config.currency, timezone: deps.config.timezone };
  switch (cmd.kind) {
    case 'help':
    case 'new':
      return orderHelp();
    case 'invalid':
      return notice(`:grey_question: ${escapeEntities(cmd.message)}`);
    case 'late':
      return lateMessages(await deps.delivery.late());
    case 'jobs':
      return jobList(await deps.scheduler.list(), deps.config.timezone);
    case 'status':
      return orderCard(await deps.orders.get(cmd.number), ctx);
    case 'find': {
      // A phone in any local format finds the customer's orders; anything else searches names.
      const phone = /\d.*\d.*\d.*\d.*\d.*\d/.test(cmd.query)
        ? toE164(cmd.query, deps.config.defaultCountry)
        : undefined;
      const page = await deps.orders.list(phone ? { phone, limit: PAGE } : { q: cmd.query, limit: PAGE });
      return orderList(page.items, `Orders matching “${cmd.query}”${extent(page)}`, ctx);
    }
    case 'list': {
      const page = await deps.orders.list({ ...(cmd.status ? { status: cmd.status } : {}), limit: PAGE });
      const title = cmd.status ? `Orders ${cmd.status.replace('_', ' ')}` : 'Latest orders';
      return orderList(page.items, `${title}${extent(page)}`, ctx);
    }
    case 'cancel': {
      const refused = await refusalFor(deps, userId, 'cancel');
      if (refused) return refused;
      const order = await deps.orders.applyAction(
        cmd.number,
        'cancel',
        cmd.reason ? { note: cmd.reason } : {},
        { by: userId, channel: 'slack' },
      );
      return notice(
        `:no_entry_sign: Order #${order.number} is cancelled${cmd.reason ? `: ${escapeText(cmd.reason)}` : '.'}`,
      );
    }
  }
}
