/** The modals: logging a phone order, shipping (carrier + tracking), rejecting (reason). */
import { Bits, Blocks, Elements, type InputBuilder, Modal, type ViewBlockBuilder } from 'slack-block-builder';
import { formatMoney } from '../../money.js';
import type { Order } from '../../orders/order.js';
import { capBlocks, LIMITS, type RenderContext, type SlackView, statusLabel, truncate } from './format.js';
import { INPUTS, MODAL_CHANNELS, type ModalChannel, VIEWS } from './ids.js';
import { addressAndNotes, itemBlocks, money, toView } from './parts.js';
import { escapeText, plainText } from './untrusted.js';

type InputId = (typeof INPUTS)[keyof typeof INPUTS];

/**
 * A text input shows its value literally, so only line breaks and invisible characters go. Slack
 * refuses the whole view when an initial value is longer than max_length; the cut is whole
 * characters and has no ellipsis, because the value is submitted back as typed.
 */
function initialValue(text: string, maxLength: number): string | undefined {
  let value = '';
  for (const char of plainText(text, Number.POSITIVE_INFINITY)) {
    if (value.length + char.length > maxLength) break;
    value += char;
  }
  return value || undefined;
}

/** Slack matches a submission's values by block_id then action_id; we use the same string for both. */
function textInput(
  id: InputId,
  label: string,
  opts: {
    optional?: boolean;
    hint?: string;
    multiline?: boolean;
    maxLength?: number;
    initial?: string;
    /**
     * Send a block action as the user types, not only on submit. Not on Enter: in a multiline
     * input Enter must stay a new line.
     */
    live?: boolean;
  } = {},
): InputBuilder {
  const maxLength = opts.maxLength ?? LIMITS.textInput;
  const element = Elements.TextInput({
    actionId: id,
    maxLength,
    multiline: opts.multiline,
    initialValue: opts.initial ? initialValue(opts.initial, maxLength) : undefined,
  });
  if (opts.live) element.dispatchActionOnCharacterEntered();
  const input = Blocks.Input({ blockId: id, label, hint: opts.hint }).element(element);
  if (opts.live) input.dispatchAction();
  return opts.optional ? input.optional() : input;
}

const CHANNEL_NAMES: Record<ModalChannel, string> = { phone: 'Phone', store: 'Store', slack: 'Slack' };

function channelOption(channel: ModalChannel) {
  return Bits.Option({ text: CHANNEL_NAMES[channel], value: channel });
}

/** The context block under the items that shows what is often bought with them. */
export const CROSS_SELL_HINT_BLOCK = 'cross_sell_hint';

/** A product to offer with what the agent typed (src/crosssell/service.ts `Suggestion`). */
export interface ModalSuggestion {
  sku: string;
  name: string;
  price: number;
  boughtWith: string;
}

/** "Often bought with MUG-BLUE: TOTE (Canvas tote, $9.90)", one line per product typed. */
export function crossSellHintText(
  suggestions: readonly ModalSuggestion[],
  currency: string,
): string | undefined {
  const groups = new Map<string, string[]>();
  for (const s of suggestions) {
    const offer = `*${escapeText(s.sku, 64)}* (${escapeText(s.name, 60)}, ${formatMoney(s.price, currency)})`;
    groups.set(s.boughtWith, [...(groups.get(s.boughtWith) ?? []), offer]);
  }
  const lines = [...groups].map(
    ([sku, offers]) => `:bulb: Often bought with ${escapeText(sku, 64)}: ${offers.join(', ')}`,
  );
  return lines.length ? truncate(lines.join('\n'), LIMITS.contextText) : undefined;
}

/**
 * The phone-order form. The items input sends a block action as the agent types
 * (handlers/slack/actions/cross-sell-hint.ts), which updates the form with `suggestions`: what is
 * often bought with the items typed so far, for the agent to offer the caller.
 */
export function phoneOrderModal(
  opts: {
    prefill?: { name?: string; phone?: string };
    privateMetadata?: string;
    suggestions?: { items: readonly ModalSuggestion[]; currency: string };
  } = {},
): SlackView {
  const hint = opts.suggestions && crossSellHintText(opts.suggestions.items, opts.suggestions.currency);
  const modal = Modal({
    callbackId: VIEWS.phoneOrder,
    title: 'Log an order',
    submit: 'Place order',
    close: 'Cancel',
    privateMetaData: opts.privateMetadata,
  }).blocks(
    textInput(INPUTS.customerName, 'Customer name', {
      optional: true,
      hint: 'Leave empty to use the saved name for this phone.',
      maxLength: 200,
      initial: opts.prefill?.name,
    }),
    textInput(INPUTS.customerPhone, 'Customer phone', {
      hint: 'Local formats are fine, e.g. (555) 123-4567; other countries start with +.',
      maxLength: 40,
      initial: opts.prefill?.phone,
    }),
    textInput(INPUTS.items, 'Items', {
      multiline: true,
      hint: 'One line per item: SKU and quantity, e.g. `MUG-01 2`',
      live: true,
    }),
    ...(hint ? [Blocks.Context({ blockId: CROSS_SELL_HINT_BLOCK }).elements(hint)] : []),
    textInput(INPUTS.addressLine1, 'Address line 1', {
      optional: true,
      hint: 'Leave the address empty for pickup.',
      maxLength: 200,
    }),
    textInput(INPUTS.addressLine2, 'Address line 2', { optional: true, maxLength: 200 }),
    textInput(INPUTS.city, 'City', { optional: true, maxLength: 100 }),
    textInput(INPUTS.region, 'Region / state', { optional: true, maxLength: 100 }),
    textInput(INPUTS.postalCode, 'Postal code', { optional: true, maxLength: 20 }),
    textInput(INPUTS.country, 'Country', { optional: true, hint: '2-letter code, e.g. US', maxLength: 2 }),
    textInput(INPUTS.notes, 'Notes', { optional: true, multiline: true }),
    Blocks.Input({ blockId: INPUTS.channel, label: 'Channel' }).element(
      Elements.StaticSelect({ actionId: INPUTS.channel })
        .options(MODAL_CHANNELS.map(channelOption))
        .initialOption(channelOption('phone')),
    ),
  );
  return toView('modal', modal.buildToObject());
}

/** Modal titles are capped at 24 characters; a long order number falls back to a shorter wording. */
function modalTitle(verb: string, number: number): string {
  const long = `${verb} order #${number}`;
  return truncate(long.length <= LIMITS.modalTitle ? long : `${verb} #${number}`, LIMITS.modalTitle);
}

function orderSummary(order: Pick<Order, 'number' | 'customer'>, more = ''): string {
  const { name, phone } = order.customer;
  return truncate(
    `Order *#${order.number}* for ${escapeText(name)} (${escapeText(phone)})${more}`,
    LIMITS.sectionText,
  );
}

export function shipModal(order: Pick<Order, 'number' | 'customer'>, privateMetadata: string): SlackView {
  const modal = Modal({
    callbackId: VIEWS.ship,
    title: modalTitle('Ship', order.number),
    submit: 'Mark shipped',
    close: 'Cancel',
    privateMetaData: privateMetadata,
  }).blocks(
    Blocks.Section({ text: orderSummary(order) }),
    textInput(INPUTS.carrier, 'Carrier', { maxLength: 100 }),
    textInput(INPUTS.trackingNumber, 'Tracking number', {
      maxLength: 100,
      hint: 'The customer is sent it with the shipping notice.',
    }),
  );
  return toView('modal', modal.buildToObject());
}

export function rejectModal(order: Pick<Order, 'number' | 'customer'>, privateMetadata: string): SlackView {
  const modal = Modal({
    callbackId: VIEWS.reject,
    title: modalTitle('Reject', order.number),
    submit: 'Reject order',
    close: 'Cancel',
    privateMetaData: privateMetadata,
  }).blocks(
    Blocks.Section({ text: orderSummary(order, '\nIts reserved stock is released.') }),
    textInput(INPUTS.reason, 'Reason', {
      multiline: true,
      maxLength: 1000,
      hint: 'Recorded in the order history.',
    }),
  );
  return toView('modal', modal.buildToObject());
}

/** Replaces the phone-order form on submit, so the agent can read the order back to the caller. */
export function orderPlacedModal(order: Order, ctx: RenderContext): SlackView {
  const blocks: ViewBlockBuilder[] = [
    Blocks.Section({ text: orderSummary(order, ' is placed.') }),
    Blocks.Section().fields(
      `*Status*\n${statusLabel(order.status)}`,
      `*Total*\n${money(order, order.total, ctx)}`,
    ),
    ...itemBlocks(order, ctx),
    ...addressAndNotes(order, true),
  ];
  const modal = Modal({ title: modalTitle('Placed', order.number), close: 'Done' }).blocks(
    capBlocks(blocks, LIMITS.viewBlocks),
  );
  return toView('modal', modal.buildToObject());
}
