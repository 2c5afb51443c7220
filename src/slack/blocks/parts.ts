/** Pieces shared by several surfaces, so that an order reads the same everywhere in Slack. */
import {
  type BlockBuilder,
  Blocks,
  type ContextBuilder,
  Message,
  type SectionBuilder,
} from 'slack-block-builder';
import { formatMoney } from '../../money.js';
import type { Address, HistoryEntry, Order } from '../../orders/order.js';
import {
  capBlocks,
  channelLabel,
  LIMITS,
  type RenderContext,
  type SlackMessage,
  type SlackView,
  statusLabel,
  statusWords,
  truncate,
  when,
  who,
} from './format.js';
import { escapeText, withVerbatim } from './untrusted.js';

/** One runaway line (a pasted essay as a product name) must not crowd out the rest. */
const LINE_MAX = 500;

/**
 * Packs lines into as few sections as Slack's per-section limit allows; past `maxSections` the
 * rest is counted in a "…and N more" context rather than silently dropped.
 */
export function lineBlocks(
  lines: string[],
  opts: {
    maxSections: number;
    heading?: string;
    more?: (n: number) => string;
    /** When the caller already cut the list: how many there were in all. */
    total?: number;
  },
): (SectionBuilder | ContextBuilder)[] {
  const chunks: string[][] = [];
  let current: string[] = opts.heading ? [opts.heading] : [];
  let size = opts.heading?.length ?? 0;
  let placed = 0;
  for (const raw of lines) {
    const line = truncate(raw, LINE_MAX);
    const grown = current.length > 0 ? size + 1 + line.length : line.length;
    if (grown > LIMITS.sectionText) {
      chunks.push(current);
      if (chunks.length === opts.maxSections) {
        current = [];
        break;
      }
      current = [line];
      size = line.length;
    } else {
      current.push(line);
      size = grown;
    }
    placed++;
  }
  if (current.length > 0) chunks.push(current);
  const blocks: (SectionBuilder | ContextBuilder)[] = chunks.map((chunk) =>
    Blocks.Section({ text: chunk.join('\n') }),
  );
  const hidden = (opts.total ?? lines.length) - placed;
  if (hidden > 0) {
    const more = opts.more ?? ((n: number) => `…and ${n} more`);
    blocks.push(Blocks.Context().elements(more(hidden)));
  }
  return blocks;
}

/** An order is priced in its own currency; the configured one only covers old records without it. */
export function money(order: Pick<Order, 'currency'>, minor: number, ctx: RenderContext): string {
  return formatMoney(minor, order.currency || ctx.currency);
}

export function itemLines(order: Order, ctx: RenderContext): string[] {
  return order.items.map(
    (item) =>
      `${item.quantity} × ${escapeText(item.name)} (${escapeText(item.sku)}) — ${money(order, item.lineTotal, ctx)}`,
  );
}

export function itemBlocks(order: Order, ctx: RenderContext, maxSections = 5) {
  return lineBlocks(itemLines(order, ctx), {
    maxSections,
    heading: '*Items*',
    more: (n) => `…and ${n} more item lines`,
  });
}

export function customerText(order: Pick<Order, 'customer'>): string {
  return `${escapeText(order.customer.name)}\n${escapeText(order.customer.phone)}`;
}

export function addressText(address: Address): string {
  const place = [address.city, address.region, address.postalCode].filter(Boolean).join(' ');
  return [address.line1, address.line2, place, address.country]
    .filter((line): line is string => Boolean(line))
    .map((line) => escapeText(line))
    .join('\n');
}

/** Address and notes are the free-text parts of an order; each gets its own capped section. */
export function addressAndNotes(order: Order, pickupLine: boolean): SectionBuilder[] {
  const blocks: SectionBuilder[] = [];
  if (order.shippingAddress) {
    blocks.push(
      Blocks.Section({
        text: truncate(`*Ship to*\n${addressText(order.shippingAddress)}`, LIMITS.sectionText),
      }),
    );
  } else if (pickupLine) {
    blocks.push(Blocks.Section({ text: '*Ship to*\nNo address: pickup' }));
  }
  if (order.notes) {
    blocks.push(
      Blocks.Section({ text: truncate(`*Notes*\n${escapeText(order.notes)}`, LIMITS.sectionText) }),
    );
  }
  return blocks;
}

export function shipmentText(order: Order): string | undefined {
  if (!order.shipment) return undefined;
  return `${escapeText(order.shipment.carrier)} · ${escapeText(order.shipment.trackingNumber)}`;
}

/** `when · from → to · who · via channel · note` */
export function historyLine(entry: HistoryEntry, timezone: string): string {
  const from = entry.from ? statusWords(entry.from) : 'new';
  const parts = [
    when(entry.at, timezone),
    `${from} → ${statusLabel(entry.to)}`,
    who(entry.by, entry.channel),
    `via ${channelLabel(entry.channel)}`,
  ];
  if (entry.note) parts.push(escapeText(entry.note));
  return parts.join(' · ');
}

/** `*#1001* · ⏳ Pending approval · Dana Levi · $20.00 · <when>` */
export function orderLine(order: Order, ctx: RenderContext): string {
  return [
    `*#${order.number}*`,
    statusLabel(order.status),
    escapeText(order.customer.name),
    money(order, order.total, ctx),
    when(order.createdAt, ctx.timezone),
  ].join(' · ');
}

export function toMessage(text: string, blocks: BlockBuilder[]): SlackMessage {
  const built = Message({ text: truncate(text, LIMITS.messageText) })
    .blocks(capBlocks(blocks, LIMITS.messageBlocks))
    .buildToObject();
  return { text: built.text, blocks: withVerbatim([...(built.blocks ?? [])]) };
}

/** The builder's DTO is readonly and class-typed; Slack's client wants a plain view. */
export function toView(type: 'modal' | 'home', built: { blocks: readonly object[] }): SlackView {
  return withVerbatim({ ...built, type, blocks: [...built.blocks] });
}
