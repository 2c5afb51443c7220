/** The modals: logging a phone order, shipping (carrier + tracking), rejecting (reason). */
import { Bits, Blocks, Elements, type InputBuilder, Modal, type ViewBlockBuilder } from 'slack-block-builder';
import { formatMoney } from '../../money.js';
import type { Order } from '../../orders/order.js';
import { ORDER_LIMITS } from '../../orders/types.js';
import { capBlocks, LIMITS, type RenderContext, type SlackView, statusLabel, truncate } from './format.js';
import { INPUTS, ITEM_ROWS, MODAL_CHANNELS, type ModalChannel, VIEWS } from './ids.js';
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

/** A product as a picker lists it. */
export interface PickerProduct {
  sku: string;
  name: string;
}

/**
 * A picker's option: "Blue enamel mug (MUG-BLUE)", its value the SKU. Slack caps option text at 75
 * characters: a long name is cut, the SKU always shows whole.
 */
export function productOption(product: PickerProduct): {
  text: { type: 'plain_text'; text: string };
  value: string;
} {
  const sku = plainText(product.sku, 64);
  const room = LIMITS.optionText - sku.length - ' ()'.length;
  // In characters and in UTF-16 units both (an emoji is two): the SKU is never the part cut.
  const name = room > 1 ? truncate(plainText(product.name, room), room) : '';
  const text = truncate(name ? `${name} (${sku})` : sku, LIMITS.optionText);
  return { text: { type: 'plain_text', text }, value: product.sku };
}

/** The most options Slack shows for one external select query. */
export const PICKER_OPTIONS_MAX = 100;

/** One row of the form: a product picker (its options as the agent types) and its quantity. */
function itemRow(row: (typeof ITEM_ROWS)[number], first: boolean): InputBuilder[] {
  const picker = Elements.ExternalSelect({
    actionId: row.product,
    placeholder: 'Search the catalogue',
    // 0: a click lists the catalogue before anything is typed.
    minQueryLength: 0,
  });
  const quantity = Elements.NumberInput({
    actionId: row.quantity,
    isDecimalAllowed: false,
    minValue: 1,
    maxValue: ORDER_LIMITS.quantityPerLine,
    placeholder: '1',
  });
  return [
    // A pick sends a block action too, so the cross-sell hint counts the picked products.
    Blocks.Input({
      blockId: row.product,
      label: 'Product',
      hint: first
        ? 'Or pick products: type part of a name, an alias or a SKU. They add to the items above.'
        : undefined,
    })
      .element(picker)
      .dispatchAction()
      .optional(),
    Blocks.Input({ blockId: row.quantity, label: 'Quantity' }).element(quantity).optional(),
  ];
}

/**
 * The phone-order form: the items in the caller's words (or SKUs), and a few product rows picked
 * from the catalogue; both add up. The items input sends a block action as the agent types, and
 * each picker when a product is picked (handlers/slack/actions/cross-sell-hint.ts), which updates
 * the form with `suggestions`: what is often bought with the items so far, for the agent to offer
 * the caller.
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
      optional: true,
      multiline: true,
      hint: 'As the caller says them, or by SKU: `2 blue mugs and a tote`, `MUG-BLUE 2`. Several lines are fine.',
      live: true,
    }),
    ...(hint ? [Blocks.Context({ blockId: CROSS_SELL_HINT_BLOCK }).elements(hint)] : []),
    ...ITEM_ROWS.flatMap((row, i) => itemRow(row, i === 0)),
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
