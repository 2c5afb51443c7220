/** App Home: what is waiting for this person, what the warehouse is on, what is running out. */
import { Blocks, Elements, HomeTab, type ViewBlockBuilder } from 'slack-block-builder';
import type { Product } from '../../inventory/product.js';
import type { Order } from '../../orders/order.js';
import { capBlocks, LIMITS, type RenderContext, type SlackView, truncate } from './format.js';
import { ACTIONS } from './ids.js';
import { decisionButtons } from './order.js';
import { lineBlocks, orderLine, toView } from './parts.js';
import { lowStockLine } from './stock.js';
import { escapeText } from './untrusted.js';

/** Two blocks per pending order (summary + buttons): this keeps the tab well under its 100 blocks. */
const PENDING_MAX = 15;
const LIST_MAX = 25;

function itemsPreview(order: Order): string {
  const names = order.items.map((item) => `${item.quantity} × ${escapeText(item.name)}`).join(', ');
  return truncate(names, 300);
}

function pendingBlocks(canApprove: boolean, pending: Order[], ctx: RenderContext): ViewBlockBuilder[] {
  if (!canApprove) {
    const waiting =
      pending.length === 0
        ? 'no orders are waiting'
        : pending.length === 1
          ? '1 order is waiting'
          : `${pending.length} orders are waiting`;
    return [Blocks.Section({ text: `You are not an approver; ${waiting}.` })];
  }
  if (pending.length === 0) return [Blocks.Section({ text: 'Nothing waiting.' })];
  const blocks: ViewBlockBuilder[] = pending.slice(0, PENDING_MAX).flatMap((order) => [
    Blocks.Section({
      text: truncate(`${orderLine(order, ctx)}\n${itemsPreview(order)}`, LIMITS.sectionText),
    }),
    decisionButtons(order),
  ]);
  if (pending.length > PENDING_MAX) {
    blocks.push(
      Blocks.Context().elements(`…and ${pending.length - PENDING_MAX} more in the approvals channel`),
    );
  }
  return blocks;
}

function listBlocks(lines: string[], empty: string): ViewBlockBuilder[] {
  if (lines.length === 0) return [Blocks.Section({ text: empty })];
  return lineBlocks(lines.slice(0, LIST_MAX), { maxSections: 3, total: lines.length });
}

export function homeView(opts: {
  canApprove: boolean;
  pending: Order[];
  inFulfillment: Order[];
  lowStock: Product[];
  ctx: RenderContext;
}): SlackView {
  const { canApprove, ctx } = opts;
  const blocks: ViewBlockBuilder[] = [
    Blocks.Header({ text: 'Order desk' }),
    Blocks.Actions().elements(
      Elements.Button({ text: 'Log an order', actionId: ACTIONS.newOrder }).primary(),
    ),
    Blocks.Divider(),
    Blocks.Header({ text: canApprove ? 'Waiting for your approval' : 'Waiting for approval' }),
    ...pendingBlocks(canApprove, opts.pending, ctx),
    Blocks.Divider(),
    Blocks.Header({ text: 'In fulfillment' }),
    ...listBlocks(
      opts.inFulfillment.map((order) => orderLine(order, ctx)),
      'Nothing in fulfillment.',
    ),
    Blocks.Divider(),
    Blocks.Header({ text: 'Low stock' }),
    ...listBlocks(opts.lowStock.map(lowStockLine), 'Every product is above its alert level.'),
  ];
  const home = HomeTab().blocks(capBlocks(blocks, LIMITS.viewBlocks));
  return toView('home', home.buildToObject());
}
