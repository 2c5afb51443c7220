/** `/stock` answers and the low-stock alert. */
import { type BlockBuilder, Blocks } from 'slack-block-builder';
import { coverOf, PACE_WINDOWS, type PaceWindow, shownCover } from '../../inventory/cover.js';
import type { Product } from '../../inventory/product.js';
import { formatMoney } from '../../money.js';
import { LIMITS, type RenderContext, type SlackMessage, truncate, when } from './format.js';
import { lineBlocks, toMessage } from './parts.js';
import { codeText, escapeText } from './untrusted.js';

/** ~80 characters a line, so 150 lines fill about four sections of a 50-block message. */
const LIST_MAX = 150;

const isLow = (p: Product) => p.available <= p.lowStockThreshold;

/** `⚠️ *SKU-1* · Name · 2 available / alert at 3` */
export function lowStockLine(p: Product): string {
  return `⚠️ *${escapeText(p.sku)}* · ${escapeText(p.name)} · ${p.available} available / alert at ${p.lowStockThreshold}`;
}

function stockLine(p: Product): string {
  const line = `${escapeText(p.sku)} · ${escapeText(p.name)} · on hand ${p.onHand} · reserved ${p.reserved} · available ${p.available} · alert at ${p.lowStockThreshold}`;
  return isLow(p) ? `⚠️ ${line}` : line;
}

export function stockList(products: Product[]): SlackMessage {
  const low = products.filter(isLow).length;
  const blocks: BlockBuilder[] = [Blocks.Header({ text: 'Stock levels' })];
  if (products.length === 0) blocks.push(Blocks.Section({ text: 'No products yet.' }));
  else {
    blocks.push(
      ...lineBlocks(products.slice(0, LIST_MAX).map(stockLine), {
        maxSections: 8,
        total: products.length,
        more: (n) => `…and ${n} more; \`/stock &lt;sku&gt;\` shows one product`,
      }),
    );
  }
  const count = products.length === 1 ? '1 product' : `${products.length} products`;
  return toMessage(`Stock levels: ${count}${low > 0 ? `, ${low} low` : ''}`, blocks);
}

export function stockDetail(product: Product, ctx: RenderContext): SlackMessage {
  const sku = escapeText(product.sku);
  const skuCode = codeText(product.sku);
  const blocks: BlockBuilder[] = [
    Blocks.Section({ text: truncate(`*${sku}* · ${escapeText(product.name)}`, LIMITS.sectionText) }),
    Blocks.Section().fields(
      `*Price*\n${formatMoney(product.price, ctx.currency)}`,
      `*Available*\n${isLow(product) ? '⚠️ ' : ''}${product.available}`,
      `*On hand*\n${product.onHand}`,
      `*Reserved*\n${product.reserved}`,
      `*Alert at*\n${product.lowStockThreshold}`,
      `*Updated*\n${when(product.updatedAt, ctx.timezone)}`,
    ),
    Blocks.Context().elements(
      truncate(
        `\`/stock set ${skuCode} &lt;qty&gt;\` · \`/stock add ${skuCode} &lt;qty&gt;\` · \`/stock threshold ${skuCode} &lt;n&gt;\``,
        LIMITS.contextText,
      ),
    ),
  ];
  return toMessage(`${sku} ${escapeText(product.name)}: ${product.available} available`, blocks);
}

/**
 * `1.5 days of cover at the last 7 days' pace · 2.0 days of cover at the last 28 days' pace`: the
 * numbers of the console's stock page and the digest (`coverOf`, src/inventory/cover.ts).
 */
export function coverLine(product: Product, at: Omit<PaceWindow, 'days'>): string {
  const covers = PACE_WINDOWS.map((days) => ({ days, ...coverOf(product, { ...at, days }) }));
  if (covers.every((c) => c.pace.knownDays === 0))
    return 'days of cover not known yet (no full day of sales)';
  const since = covers.at(-1)?.pace.knownSince;
  return (
    covers
      .map(({ days, daysOfCover }) =>
        daysOfCover === null
          ? `none sold in the last ${days} days`
          : `${shownCover(daysOfCover)} days of cover at the last ${days} days' pace`,
      )
      .join(' · ') + (since ? ` (sales known since ${since})` : '')
  );
}

/** The alert, with its days of cover at the pace of the days up to `at.lastDay`. */
export function lowStockAlert(product: Product, at: Omit<PaceWindow, 'days'>): SlackMessage {
  const text = `⚠️ Low stock: ${escapeText(product.sku)} ${escapeText(product.name)} — ${product.available} available (alert at ${product.lowStockThreshold})`;
  const blocks: BlockBuilder[] = [
    Blocks.Section({ text: truncate(text, LIMITS.sectionText) }),
    Blocks.Context().elements(
      truncate(
        `on hand ${product.onHand} · reserved ${product.reserved} · ${coverLine(product, at)} · restock with \`/stock add ${codeText(product.sku)} &lt;qty&gt;\``,
        LIMITS.contextText,
      ),
    ),
  ];
  return toMessage(text, blocks);
}
