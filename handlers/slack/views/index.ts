import type { App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { OrderAction } from '../../../src/orders/lifecycle.js';
import type { ActionInput } from '../../../src/orders/service.js';
import type { Deps } from '../../../src/services.js';
import { INPUTS, VIEWS } from '../../../src/slack/blocks/ids.js';
import { notice, orderPlacedModal } from '../../../src/slack/blocks/index.js';
import type { SlackMessage } from '../../../src/slack/client.js';
import { orderNumberFrom, renderContext, tellPrivately } from '../context.js';
import { failureMessage, refusalFor, withinBudget } from '../reply.js';
import { inputValue, readPhoneOrderForm, type ViewValues } from './phone-order-form.js';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction>;
/** What a view submission is answered with: close, show field errors, or show another view. */
type ViewAnswer =
  | { response_action: 'errors'; errors: Record<string, string> }
  | { response_action: 'update'; view: object }
  | undefined;

export function registerViews(app: App, deps: Deps): void {
  app.view(VIEWS.phoneOrder, phoneOrderView(deps));
  app.view(VIEWS.ship, shipOrderView(deps));
  app.view(VIEWS.reject, rejectOrderView(deps));
}

/**
 * Answers within Slack's 3 seconds: the work's answer if it is ready, else the modal closes and
 * the outcome follows as a private message.
 */
async function answerView(
  ack: ViewArgs['ack'],
  deps: Deps,
  tell: { user: string; channel?: string | undefined },
  work: Promise<{ answer: ViewAnswer; later: SlackMessage }>,
): Promise<void> {
  const done = await withinBudget(work);
  if (done !== 'late') return ack(done.answer as never);
  await ack();
  const { later } = await work;
  await tellPrivately(deps, tell, later);
}

/** The call-center's phone order: checked field by field, then placed like any other order. */
export function phoneOrderView(deps: Deps) {
  return async ({ ack, body, view }: ViewArgs) => {
    const user = body.user.id;
    const work = (async () => {
      try {
        const form = await readPhoneOrderForm(deps, view.state.values as ViewValues);
        if ('errors' in form) {
          return {
            answer: { response_action: 'errors' as const, errors: form.errors },
            later: notice(':warning: The order was not placed: please open the form again.'),
          };
        }
        // The modal's id makes a double-submitted form one order.
        const { order } = await deps.orders.place(
          { ...form.command, externalId: `slack-view-${view.id}` },
          { by: user, channel: form.command.channel },
        );
        const call = callOfView(view.private_metadata);
        if (call) await deps.calls.orderLogged(call, order.number);
        return {
          answer: { response_action: 'update' as const, view: orderPlacedModal(order, renderContext(deps)) },
          later: notice(`:white_check_mark: Order #${order.number} placed; it is waiting for approval.`),
        };
      } catch (err) {
        const message = failureMessage(err, deps.log, 'place phone order');
        return {
          answer: { response_action: 'errors' as const, errors: { [INPUTS.items]: message.text } },
          later: message,
        };
      }
    })();
    await answerView(ack, deps, { user }, work);
  };
}

/** The call a phone-order form was opened from (its screen pop's button), if any. */
function callOfView(metadata: string | undefined): string | undefined {
  if (!metadata) return undefined;
  try {
    const { call } = JSON.parse(metadata) as { call?: unknown };
    return typeof call === 'string' && /^CA\w{1,64}$/.test(call) ? call : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The lifecycle action a Ship or Reject form asks for. A refusal (the order moved on meanwhile)
 * shows on `field` in the still-open modal; success closes it.
 */
function applyFromView(
  ack: ViewArgs['ack'],
  deps: Deps,
  who: { user: string; channel?: string | undefined },
  number: number,
  action: OrderAction,
  input: ActionInput,
  show: { field: string; done: string },
): Promise<void> {
  const shownOn = (message: SlackMessage) => ({
    answer: { response_action: 'errors' as const, errors: { [show.field]: message.text } },
    later: message,
  });
  const work = (async () => {
    // Checked again on submit: the modal may have been opened before the lists changed, or forged.
    const refused = await refusalFor(deps, who.user, action);
    if (refused) return shownOn(refused);
    try {
      await deps.orders.applyAction(number, action, input, { by: who.user, channel: 'slack' });
      return { answer: undefined, later: notice(show.done) };
    } catch (err) {
      return shownOn(failureMessage(err, deps.log, action));
    }
  })();
  return answerView(ack, deps, who, work);
}

function metadataOf(view: ViewSubmitAction['view']): { number?: number; channel?: string } {
  try {
    const parsed = JSON.parse(view.private_metadata) as { number?: unknown; channel?: unknown };
    return {
      number: orderNumberFrom(String(parsed.number)),
      ...(typeof parsed.channel === 'string' ? { channel: parsed.channel } : {}),
    };
  } catch {
    return {};
  }
}

/** Shipped: carrier and tracking number, then the `ship` action (stock leaves on hand). */
export function shipOrderView(deps: Deps) {
  return async ({ ack, body, view }: ViewArgs) => {
    const { number, channel } = metadataOf(view);
    const carrier = inputValue(view.state.values as ViewValues, INPUTS.carrier);
    const trackingNumber = inputValue(view.state.values as ViewValues, INPUTS.trackingNumber);
    const errors: Record<string, string> = {};
    if (!carrier || carrier.length > 100)
      errors[INPUTS.carrier] = 'Enter the carrier (at most 100 characters).';
    if (!trackingNumber || trackingNumber.length > 100)
      errors[INPUTS.trackingNumber] = 'Enter the tracking number (at most 100 characters).';
    if (number === undefined) errors[INPUTS.carrier] = 'This form is out of date; click Shipped again.';
    if (Object.keys(errors).length || number === undefined) return ack({ response_action: 'errors', errors });
    await applyFromView(
      ack,
      deps,
      { user: body.user.id, channel },
      number,
      'ship',
      { carrier, trackingNumber },
      {
        field: INPUTS.carrier,
        done: `:truck: Order #${number} is shipped.`,
      },
    );
  };
}

/** Reject: the reason goes into the order's history and to the approval message. */
export function rejectOrderView(deps: Deps) {
  return async ({ ack, body, view }: ViewArgs) => {
    const { number, channel } = metadataOf(view);
    const reason = inputValue(view.state.values as ViewValues, INPUTS.reason);
    if (!reason || reason.length > 500 || number === undefined) {
      const problem =
        number === undefined
          ? 'This form is out of date; click Reject again.'
          : 'Give a reason (at most 500 characters).';
      return ack({ response_action: 'errors', errors: { [INPUTS.reason]: problem } });
    }
    await applyFromView(
      ack,
      deps,
      { user: body.user.id, channel },
      number,
      'reject',
      { note: reason },
      {
        field: INPUTS.reason,
        done: `:x: Order #${number} is rejected.`,
      },
    );
  };
}
