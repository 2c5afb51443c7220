/** The two messages an order lives in while it moves: the approval request and the fulfillment task. */
import { type ActionsBuilder, type BlockBuilder, Blocks, Elements } from 'slack-block-builder';
import type { OrderStatus } from '../../orders/lifecycle.js';
import type { Order } from '../../orders/order.js';
import {
  channelLabel,
  LIMITS,
  type RenderContext,
  type SlackMessage,
  statusLabel,
  statusWords,
  truncate,
  when,
  who,
} from './format.js';
import { ACTIONS } from './ids.js';
import { addressAndNotes, customerText, itemBlocks, money, shipmentText, toMessage } from './parts.js';
import { escapeText } from './untrusted.js';

/** Approve/Reject for one order; the value is re-validated on click, so it only names the order. */
export function decisionButtons(order: Pick<Order, 'number'>): ActionsBuilder {
  const value = String(order.number);
  return Blocks.Actions().elements(
    Elements.Button({ text: 'Approve', actionId: ACTIONS.approve, value }).primary(),
    Elements.Button({ text: 'Reject', actionId: ACTIONS.reject, value }).danger(),
  );
}

/** Who decided and how, from the one history entry that left `pending_approval`. */
export function decisionLine(order: Order, ctx: RenderContext): string {
  const entry = order.history.find((h) => h.from === 'pending_approval');
  if (!entry) return `Status: ${statusLabel(order.status)}`;
  const by = `${who(entry.by, entry.channel)} · ${when(entry.at, ctx.timezone)}`;
  const note = entry.note ? escapeText(entry.note) : undefined;
  let line: string;
  if (entry.to === 'approved') line = `✅ Approved by ${by}`;
  else if (entry.to === 'rejected') line = `❌ Rejected by ${by}${note ? ` — reason: ${note}` : ''}`;
  else if (entry.to === 'cancelled') line = `🚫 Cancelled by ${by}${note ? ` — ${note}` : ''}`;
  else line = `${statusLabel(entry.to)} by ${by}`;
  // the approval message is not re-posted later, so say where the order went since
  if (order.status !== entry.to) line += ` · now ${statusLabel(order.status)}`;
  return truncate(line, LIMITS.contextText);
}

export function approvalMessage(order: Order, ctx: RenderContext): SlackMessage {
  const total = money(order, order.total, ctx);
  const blocks: BlockBuilder[] = [
    Blocks.Header({ text: truncate(`New order #${order.number}`, LIMITS.headerText) }),
    Blocks.Section().fields(
      truncate(`*Customer*\n${customerText(order)}`, LIMITS.fieldText),
      `*Channel*\n${channelLabel(order.channel)}`,
      `*Total*\n${total}`,
      `*Placed*\n${when(order.createdAt, ctx.timezone)}`,
    ),
    ...itemBlocks(order, ctx),
    ...addressAndNotes(order, true),
    order.status === 'pending_approval'
      ? decisionButtons(order)
      : Blocks.Context().elements(decisionLine(order, ctx)),
  ];
  const text = `New order #${order.number} from ${escapeText(order.customer.name)}: ${total} (${statusWords(order.status)})`;
  return toMessage(text, blocks);
}

const NEXT_STEP: Partial<Record<OrderStatus, { text: string; actionId: string }>> = {
  approved: { text: 'Start picking', actionId: ACTIONS.startPicking },
  picking: { text: 'Packed', actionId: ACTIONS.pack },
  packed: { text: 'Shipped', actionId: ACTIONS.ship },
};

/** A `|` or `>` in the URL would end Slack's link token early. */
export function linkUrl(url: string): string {
  return url.replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
}

export function fulfillmentTask(
  order: Order,
  ctx: RenderContext,
  opts: { invoiceUrl?: string; creditNoteUrl?: string } = {},
): SlackMessage {
  const blocks: BlockBuilder[] = [
    Blocks.Header({ text: truncate(`Fulfill order #${order.number}`, LIMITS.headerText) }),
    Blocks.Section().fields(
      truncate(`*Customer*\n${customerText(order)}`, LIMITS.fieldText),
      `*Status*\n${statusLabel(order.status)}`,
    ),
    ...itemBlocks(order, ctx),
    ...addressAndNotes(order, true),
  ];
  const shipment = shipmentText(order);
  if (shipment) {
    blocks.push(
      Blocks.Section({ text: truncate(`*Carrier · tracking number*\n${shipment}`, LIMITS.sectionText) }),
    );
  }
  if (order.status === 'cancelled') {
    const entry = order.history.findLast((h) => h.to === 'cancelled');
    const line = entry
      ? `🚫 Cancelled by ${who(entry.by, entry.channel)} · ${when(entry.at, ctx.timezone)}${entry.note ? ` — ${escapeText(entry.note)}` : ''}`
      : '🚫 Cancelled';
    blocks.push(Blocks.Section({ text: truncate(`${line}\nDo not ship this order.`, LIMITS.sectionText) }));
  }
  const documents = [
    order.invoice && opts.invoiceUrl
      ? `📄 <${linkUrl(opts.invoiceUrl)}|Invoice #${order.invoice.number}>`
      : '',
    order.creditNote && opts.creditNoteUrl
      ? `↩️ <${linkUrl(opts.creditNoteUrl)}|Credit note #${order.creditNote.number}>`
      : '',
  ].filter(Boolean);
  if (documents.length > 0) blocks.push(Blocks.Section({ text: documents.join('   ') }));
  const next = NEXT_STEP[order.status];
  if (next) {
    blocks.push(
      Blocks.Actions().elements(
        Elements.Button({ text: next.text, actionId: next.actionId, value: String(order.number) }).primary(),
      ),
    );
  }
  const steps = order.history
    .slice(-5)
    .map((h) => `${statusLabel(h.to)} · ${who(h.by, h.channel)} · ${when(h.at, ctx.timezone)}`);
  if (steps.length > 0) {
    blocks.push(Blocks.Context().elements(truncate(steps.join('\n'), LIMITS.contextText)));
  }
  const text = `Fulfill order #${order.number} for ${escapeText(order.customer.name)}: ${statusWords(order.status)}`;
  return toMessage(text, blocks);
}
