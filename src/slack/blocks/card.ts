/** Answers to `/order <n>`, `/order find` and `/order list`. */
import { type BlockBuilder, Blocks } from 'slack-block-builder';
import type { Order } from '../../orders/order.js';
import { callsLine } from './call.js';
import {
  channelLabel,
  LIMITS,
  type RenderContext,
  type SlackMessage,
  statusLabel,
  statusWords,
  truncate,
  when,
} from './format.js';
import { linkUrl } from './order.js';
import {
  addressAndNotes,
  customerText,
  historyLine,
  itemBlocks,
  lineBlocks,
  money,
  orderLine,
  shipmentText,
  toMessage,
} from './parts.js';
import { escapeText, plainText } from './untrusted.js';

const CARD_HISTORY = 15;
const LIST_MAX = 25;

export function orderCard(order: Order, ctx: RenderContext): SlackMessage {
  const fields = [
    `*Status*\n${statusLabel(order.status)}`,
    truncate(`*Customer*\n${customerText(order)}`, LIMITS.fieldText),
    `*Channel*\n${channelLabel(order.channel)}`,
    `*Total*\n${money(order, order.total, ctx)}`,
    `*Placed*\n${when(order.createdAt, ctx.timezone)}`,
  ];
  const shipment = shipmentText(order);
  if (shipment) fields.push(truncate(`*Tracking*\n${shipment}`, LIMITS.fieldText));
  if (order.invoice) {
    const url = ctx.documentUrl?.(order.number, 'invoice');
    fields.push(
      `*Invoice*\n${url ? `<${linkUrl(url)}|#${order.invoice.number}>` : `#${order.invoice.number}`}`,
    );
  }
  if (order.creditNote) {
    const url = ctx.documentUrl?.(order.number, 'credit-note');
    fields.push(
      `*Credit note*\n${url ? `<${linkUrl(url)}|#${order.creditNote.number}>` : `#${order.creditNote.number}`}`,
    );
  }
  if (order.rating) {
    const score = Math.max(0, Math.min(5, Math.round(order.rating.score)));
    fields.push(`*Rating*\n${'★'.repeat(score)}${'☆'.repeat(5 - score)} ${score}/5`);
  }
  const calls = callsLine(
    (order.calls ?? []).map((c) => ({
      sid: c.sid,
      at: c.at,
      outcome: c.why === 'status' ? 'status_heard' : c.why === 'placed' ? 'ordered' : 'order_logged',
    })),
    ctx,
  );
  if (calls) fields.push(truncate(`*Phone calls*\n${calls}`, LIMITS.fieldText));
  const history = order.history.slice(-CARD_HISTORY);
  const heading =
    order.history.length > history.length
      ? `*History* (last ${history.length} of ${order.history.length})`
      : '*History*';
  const blocks: BlockBuilder[] = [
    Blocks.Header({ text: truncate(`Order #${order.number}`, LIMITS.headerText) }),
    Blocks.Section().fields(fields),
    ...itemBlocks(order, ctx),
    ...addressAndNotes(order, true),
    ...lineBlocks(
      history.map((h) => historyLine(h, ctx.timezone)),
      { maxSections: 3, heading },
    ),
  ];
  const text = `Order #${order.number} · ${escapeText(order.customer.name)} · ${statusWords(order.status)}`;
  return toMessage(text, blocks);
}

export function orderList(orders: Order[], title: string, ctx: RenderContext): SlackMessage {
  const shown = orders.slice(0, LIST_MAX);
  const blocks: BlockBuilder[] = [Blocks.Header({ text: truncate(plainText(title), LIMITS.headerText) })];
  if (shown.length === 0) blocks.push(Blocks.Section({ text: 'No orders found.' }));
  else {
    blocks.push(
      ...lineBlocks(
        shown.map((o) => orderLine(o, ctx)),
        { maxSections: 5, total: orders.length },
      ),
    );
  }
  const count = orders.length === 1 ? '1 order' : `${orders.length} orders`;
  return toMessage(`${escapeText(title)}: ${count}`, blocks);
}
