/** The daily digest: one message with yesterday's numbers and what is waiting or running out. */
import { type BlockBuilder, Blocks } from 'slack-block-builder';
import { CHART_DAYS, type Digest, type LowStockLine, type WaitingOrder } from '../../digest/compute.js';
import { shownCover } from '../../inventory/cover.js';
import { formatMoney } from '../../money.js';
import { channelLabel, LIMITS, type SlackMessage, statusLabel, truncate, when } from './format.js';
import { lineBlocks, toMessage } from './parts.js';
import { escapeText } from './untrusted.js';

/** Lines per list; the rest is counted ("…and 4 more"). Keeps the message far below 50 blocks. */
const LIST_MAX = 15;

/** `Friday, March 27, 2026` (the day is a calendar day: no time zone shift applies). */
export function dayTitle(day: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: 'UTC',
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    year: 'numeric',
  }).format(new Date(`${day}T00:00:00Z`));
}

/** `3 d 4 h`, `5 h 12 min`, `12 min`. */
export function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes % 60} min`;
  return `${minutes} min`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function waitingLine(o: WaitingOrder): string {
  return `• *#${o.number}* · ${escapeText(o.customer, 80)} · ${formatMoney(o.total, o.currency)} · ${statusLabel(o.status)} · waiting ${duration(o.waitingMs)}`;
}

function coverText(p: LowStockLine): string {
  if (p.daysOfCover === null) return 'none sold last week';
  const days = shownCover(p.daysOfCover);
  return `${days} days of cover at last week's pace (${p.soldLastWeek} sold)`;
}

function lowStockLine(p: LowStockLine): string {
  return `⚠️ *${escapeText(p.sku, 64)}* · ${escapeText(p.name, 80)} · ${p.available} available / alert at ${p.threshold} · ${coverText(p)}`;
}

function list(heading: string, lines: string[], empty: string): BlockBuilder[] {
  if (lines.length === 0) return [Blocks.Section({ text: `${heading}\n${empty}` })];
  return lineBlocks(lines.slice(0, LIST_MAX), { heading, maxSections: 2, total: lines.length });
}

function waitingBlocks(title: string, w: Digest['waiting']['approval'], empty: string): BlockBuilder[] {
  const heading = `*${title}* (${plural(w.count, 'order')} open)`;
  return list(heading, w.oldest.map(waitingLine), empty);
}

function orderBlocks(d: Digest): BlockBuilder[] {
  const { orders, revenue } = d;
  const others =
    revenue.otherCurrency > 0
      ? `; ${plural(revenue.otherCurrency, 'order')} in other currencies left out`
      : '';
  const blocks: BlockBuilder[] = [
    Blocks.Section().fields(
      `*Orders placed*\n${orders.count}`,
      `*Revenue*\n${formatMoney(revenue.amount, d.currency)}`,
    ),
    Blocks.Context().elements(
      truncate(
        `Revenue: ${plural(revenue.orders, 'order')}, rejected and cancelled ones not counted${others}.`,
        LIMITS.contextText,
      ),
    ),
  ];
  if (orders.count > 0) {
    const channels = orders.byChannel.map((c) => `${channelLabel(c.channel)} ${c.count}`).join(' · ');
    const statuses = orders.byStatus.map((s) => `${statusLabel(s.status)} ${s.count}`).join(' · ');
    blocks.push(
      Blocks.Section({ text: truncate(`*By channel*\n${channels}`, LIMITS.sectionText) }),
      Blocks.Section({ text: truncate(`*By status now*\n${statuses}`, LIMITS.sectionText) }),
    );
  }
  return blocks;
}

function ratingBlocks(d: Digest): BlockBuilder[] {
  const { ratings } = d;
  const heading =
    ratings.average === null
      ? '*Ratings*\nNo ratings that day.'
      : `*Ratings*\n${ratings.average.toFixed(1)} on average from ${plural(ratings.count, 'rating')}`;
  if (ratings.low.length === 0) return [Blocks.Section({ text: heading })];
  const lines = ratings.low.map(
    (r) =>
      `• ${'⭐'.repeat(r.score)} *#${r.number}* · ${escapeText(r.customer, 80)} · ${escapeText(r.phone, 32)} · ${when(r.at, d.timezone)}`,
  );
  return lineBlocks(lines.slice(0, LIST_MAX), {
    heading: `${heading}; ${plural(ratings.low.length, 'rating')} of 1 or 2 to call back:`,
    maxSections: 2,
    total: lines.length,
  });
}

function failureBlocks(d: Digest): BlockBuilder[] {
  const lines = d.smsFailures.map(
    (f) =>
      `• *#${f.number}* · ${escapeText(f.customer, 80)} · ${escapeText(f.kind.replace(/_/g, ' '), 40)} · ${when(f.at, d.timezone)} — ${escapeText(f.error, 160)}`,
  );
  return list(`*Failed customer texts* (${lines.length})`, lines, 'None.');
}

/** The digest as a Slack message; the chart goes in the thread (`src/digest/service.ts`). */
export function digestMessage(d: Digest, opts: { chart?: boolean } = {}): SlackMessage {
  const title = dayTitle(d.day);
  const odd = d.window.hours !== 24 ? ` (a ${d.window.hours}-hour day: the clocks changed)` : '';
  const blocks: BlockBuilder[] = [
    Blocks.Header({ text: truncate(`📊 Daily digest: ${title}`, LIMITS.headerText) }),
    Blocks.Context().elements(
      truncate(`Orders placed ${title}, ${escapeText(d.timezone)} time${odd}.`, LIMITS.contextText),
    ),
    ...orderBlocks(d),
    Blocks.Divider(),
    ...waitingBlocks('Waiting longest for approval', d.waiting.approval, 'Nothing waits for approval.'),
    ...waitingBlocks('Waiting longest for shipping', d.waiting.shipping, 'Nothing waits to be shipped.'),
    Blocks.Divider(),
    ...list(
      `*Low stock* (${plural(d.lowStock.length, 'product')})`,
      d.lowStock.map(lowStockLine),
      'Every product is above its alert level.',
    ),
    ...ratingBlocks(d),
    ...failureBlocks(d),
  ];
  if (opts.chart !== false) {
    blocks.push(
      Blocks.Context().elements(
        `📈 Orders per day by channel, last ${CHART_DAYS} days: the chart is in the thread.`,
      ),
    );
  }
  const revenue = formatMoney(d.revenue.amount, d.currency);
  const text = `Daily digest for ${title}: ${plural(d.orders.count, 'order')}, ${revenue}`;
  return toMessage(text, blocks);
}
