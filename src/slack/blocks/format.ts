import { type BlockBuilder, Blocks, type ContextBuilder } from 'slack-block-builder';
import type { Channel, OrderStatus } from '../../orders/lifecycle.js';
import { escapeText } from './untrusted.js';

export interface RenderContext {
  currency: string;
  timezone: string;
  /** Signed links to an order's documents, where the card should link them. */
  documentUrl?: (order: number, kind: 'invoice' | 'credit-note') => string;
  /** A page of the staff console (`/console/...`), where it is open to someone; absent otherwise. */
  consoleUrl?: (path: string) => string;
}

/** What `chat.postMessage` / `chat.update` take; `text` is the notification and screen-reader fallback. */
export interface SlackMessage {
  text: string;
  blocks: object[];
}

/** What `views.open` / `views.publish` take. */
export interface SlackView {
  type: 'modal' | 'home';
  blocks: object[];
  [key: string]: unknown;
}

/** Slack rejects the whole payload (`invalid_blocks`) when any one of these is exceeded. */
export const LIMITS = {
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  contextText: 3000,
  contextElements: 10,
  headerText: 150,
  buttonText: 75,
  optionText: 75,
  modalTitle: 24,
  modalButton: 24,
  inputLabel: 2000,
  textInput: 3000,
  messageText: 40000,
  messageBlocks: 50,
  viewBlocks: 100,
} as const;

/**
 * Cuts to at most `max` characters with an ellipsis, never inside an `&amp;`-style entity, a
 * surrogate pair or one of our own `<…>` tokens, which Slack would otherwise render as raw text.
 */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 1) return '…'.slice(0, max);
  let cut = s.slice(0, max - 1);
  const lastCode = cut.charCodeAt(cut.length - 1);
  if (lastCode >= 0xd800 && lastCode <= 0xdbff) cut = cut.slice(0, -1);
  cut = cut.replace(/&[a-z#0-9]*$/i, '');
  const open = cut.lastIndexOf('<');
  if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  return `${cut}…`;
}

/** A last guard on block count: lists are capped more meaningfully by their builders first. */
export function capBlocks<T extends BlockBuilder>(blocks: T[], max: number): (T | ContextBuilder)[] {
  if (blocks.length <= max) return blocks;
  const kept: (T | ContextBuilder)[] = blocks.slice(0, max - 1);
  kept.push(Blocks.Context().elements(`…and ${blocks.length - kept.length} more`));
  return kept;
}

/** Mentions render as the person's current name and link to their profile; other actors stay text. */
export function who(by: string, channel: string): string {
  if ((channel === 'slack' || channel === 'console') && /^[UW][A-Z0-9]{2,}$/.test(by)) return `<@${by}>`;
  return escapeText(by);
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function fallbackFormat(timezone: string): Intl.DateTimeFormat {
  let format = dateFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    dateFormats.set(timezone, format);
  }
  return format;
}

/** Slack shows the token in each reader's own timezone; the fallback (business timezone) is for clients that cannot. */
export function when(date: Date, timezone: string): string {
  const unix = Math.floor(date.getTime() / 1000);
  return `<!date^${unix}^{date_short_pretty} {time}|${fallbackFormat(timezone).format(date)}>`;
}

const STATUS_LABELS: Record<OrderStatus, string> = {
  pending_approval: '⏳ Pending approval',
  approved: '✅ Approved',
  picking: '🧺 Picking',
  packed: '📦 Packed',
  shipped: '🚚 Shipped',
  delivered: '📬 Delivered',
  return_requested: '↩️ Return requested',
  rejected: '❌ Rejected',
  cancelled: '🚫 Cancelled',
  returned: '🔁 Returned',
};

export function statusLabel(status: OrderStatus): string {
  return STATUS_LABELS[status];
}

/** The label without its emoji, for plain notification text. */
export function statusWords(status: OrderStatus): string {
  return STATUS_LABELS[status].replace(/^\S+\s/, '').toLowerCase();
}

const CHANNEL_LABELS: Record<Channel | 'system' | 'console', string> = {
  web: 'Web',
  marketplace: 'Marketplace',
  store: 'Store',
  phone: 'Phone',
  sms: 'SMS',
  voice: 'Voice',
  slack: 'Slack',
  api: 'API',
  system: 'System',
  console: 'Console',
};

export function channelLabel(channel: string): string {
  return CHANNEL_LABELS[channel as Channel] ?? escapeText(channel);
}
