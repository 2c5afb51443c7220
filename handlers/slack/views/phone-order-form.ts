import { toE164 } from '../../../src/customers/phone.js';
import { isCountryCode } from '../../../src/geo.js';
import { SKU_PATTERN } from '../../../src/inventory/sku.js';
import type { ProductChoice } from '../../../src/order-words/catalogue.js';
import { MAX_ITEM_QUANTITY } from '../../../src/order-words/limits.js';
import type { OrderLine, OrderReader } from '../../../src/order-words/read.js';
import type { Address } from '../../../src/orders/order.js';
import type { PlaceOrderCommand } from '../../../src/orders/types.js';
import { ORDER_LIMITS } from '../../../src/orders/types.js';
import type { Deps } from '../../../src/services.js';
import { INPUTS, ITEM_ROWS, MODAL_CHANNELS, type ModalChannel } from '../../../src/slack/blocks/ids.js';
import { plainText } from '../../../src/slack/blocks/untrusted.js';

/** `view.state.values`: block_id → action_id → the input's state. */
export type ViewValues = Record<
  string,
  Record<string, { value?: string | null; selected_option?: { value: string } | null }>
>;

/** Field errors keyed by block_id, as `response_action: errors` wants them. */
export type FieldErrors = Partial<Record<(typeof INPUTS)[keyof typeof INPUTS], string>>;

/**
 * One field's text, or '' when it is empty. The state comes from the request body, so anything
 * that is not the shape Slack sends (a number, an array, null) reads as empty rather than throws.
 */
export function inputValue(values: ViewValues, id: string): string {
  const block: unknown = isObject(values) && Object.hasOwn(values, id) ? values[id] : undefined;
  const state: unknown =
    isObject(block) && Object.hasOwn(block, id) ? block[id as keyof typeof block] : undefined;
  if (!isObject(state)) return '';
  const { value, selected_option: option } = state as { value?: unknown; selected_option?: unknown };
  if (typeof value === 'string') return value.trim();
  const selected = isObject(option) ? (option as { value?: unknown }).value : undefined;
  return typeof selected === 'string' ? selected.trim() : '';
}

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;

const MAX_LINES = ORDER_LIMITS.lines;
const MAX_QUANTITY = ORDER_LIMITS.quantityPerLine;
/**
 * A SKU (64), a quantity and some spaces fit easily, and so do a few items in words; longer lines
 * are refused before any regex or reading.
 */
const MAX_LINE_LENGTH = 200;

/**
 * Items written as SKUs, one per line: `MUG-01 2`, `2 MUG-01`, `MUG-01 x2`, `2 x MUG-01`, or a
 * bare `MUG-01` for one. The same SKU twice adds up. The form reads its items with the order
 * reader (`readItems`); this strict form is what a line may still say when its quantity is above
 * what words may order (`MUG-01 500`), and what the cross-sell hint reads as the agent types.
 */
export function parseItems(text: string): { items: { sku: string; quantity: number }[]; problems: string[] } {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const problems: string[] = [];
  const bySku = new Map<string, number>();
  if (lines.length === 0) problems.push('Add at least one item, e.g. `MUG-01 2`.');
  if (lines.length > MAX_LINES) problems.push(`At most ${MAX_LINES} lines per order.`);
  lines.slice(0, MAX_LINES).forEach((line, i) => {
    const m =
      line.length > MAX_LINE_LENGTH
        ? null
        : (line.match(/^([A-Za-z0-9][\w.-]*)\s*(?:[x×*:]\s*)?(\d+)?$/i) ??
          line.match(/^(\d+)\s*(?:[x×*]\s*)?\s+([A-Za-z0-9][\w.-]*)$/i));
    let sku: string | undefined;
    let qty: number | undefined;
    if (m && /^\d+$/.test(m[1] ?? '') && m[2] && !/^\d+$/.test(m[2])) {
      qty = Number(m[1]);
      sku = m[2];
    } else if (m) {
      sku = m[1];
      qty = m[2] ? Number(m[2]) : 1;
    }
    if (!sku || !SKU_PATTERN.test(sku) || qty === undefined) {
      problems.push(`Line ${i + 1} (“${line.slice(0, 40)}”): write a SKU and a quantity, e.g. \`MUG-01 2\`.`);
      return;
    }
    if (!Number.isInteger(qty) || qty < 1 || qty > MAX_QUANTITY) {
      problems.push(`Line ${i + 1}: the quantity must be 1 to ${MAX_QUANTITY}.`);
      return;
    }
    // The same SKU on several lines adds up, but the sum is still one item's quantity (as in the API).
    const total = (bySku.get(sku) ?? 0) + qty;
    if (total > MAX_QUANTITY) {
      problems.push(`Line ${i + 1}: ${sku} adds up to ${total}; at most ${MAX_QUANTITY} per item.`);
      return;
    }
    bySku.set(sku, total);
  });
  return { items: [...bySku].map(([sku, quantity]) => ({ sku, quantity })), problems };
}

/** The fields items come from: the items text, or a product row's picker or quantity. */
type ItemField = typeof INPUTS.items | (typeof ITEM_ROWS)[number]['product' | 'quantity'];

/** The items text as the input allows it; a forged form sending more is refused before reading. */
const MAX_ITEMS_TEXT = 3000;
/**
 * How long the items text may take to read. Reading is synchronous and grows faster than the
 * text on lines with many "and"s between words that fit nothing: normal lines take a millisecond
 * or two, and a forged form must not hold the process for seconds.
 */
const READ_BUDGET_MS = 500;
/** How many of the products a phrase fits its error names. */
const OPTIONS_NAMED = 5;

/** "Blue enamel mug (MUG-BLUE)". Field errors are plain text: nothing in a name is markup there. */
const choiceName = (p: ProductChoice): string => `${plainText(p.name, 60)} (${plainText(p.sku, 64)})`;

/**
 * The phrase as the agent wrote it ("NOPE-1", not the reader's "nope-1") when it stands in the
 * line as one run of text; else the reader's words.
 */
function asTyped(line: string, phrase: string): string {
  const lower = line.toLowerCase();
  const at = lower.length === line.length ? lower.indexOf(phrase) : -1;
  return plainText(at >= 0 ? line.slice(at, at + phrase.length) : phrase, 80);
}

/**
 * One line of the items text read by the order reader: the lines it is sure of, and a problem for
 * every phrase it is not (several products fit, none does, or a quantity beyond what words may
 * order). Never a guess: a phrase that fits several products names them all (up to a few).
 */
function readLine(reader: OrderReader, line: string): { lines: OrderLine[]; problems: string[] } {
  const reading = reader.read(line);
  const lines = [...reading.lines];
  const problems: string[] = [];
  for (const q of reading.questions) {
    const named = q.options.slice(0, OPTIONS_NAMED).map(choiceName);
    const more = q.options.length - named.length;
    problems.push(`${asTyped(line, q.phrase)}: ${named.join(' or ')}${more > 0 ? ` or ${more} more` : ''}?`);
  }
  for (const u of reading.unplaced) {
    const phrase = asTyped(line, u.phrase);
    if (/^\d+$/.test(u.phrase)) problems.push(`${phrase} of what?`);
    else
      problems.push(
        `${phrase}: no such product${u.closest ? `; the closest is ${choiceName(u.closest)}` : ''}.`,
      );
  }
  const much = reading.tooMuch;
  if (much) {
    // Words order at most MAX_ITEM_QUANTITY of a product (a slip of the thumb should not reserve a
    // shelf); a line that is only a SKU and its quantity may ask for up to the order's limit.
    const strict = parseItems(line);
    const [item] = strict.items;
    const product = item && strict.problems.length === 0 ? reader.product(item.sku) : undefined;
    if (item && product) lines.push({ sku: product.sku, quantity: item.quantity });
    else if (much.quantity < 1)
      problems.push(`${asTyped(line, much.phrase)}: the quantity must be at least 1.`);
    else {
      const [fit] = reader.read(much.phrase).lines;
      const example = fit ? `\`${fit.sku} ${much.quantity}\`` : `\`MUG-01 ${much.quantity}\``;
      problems.push(
        `${much.quantity} ${asTyped(line, much.phrase)}: by name at most ${MAX_ITEM_QUANTITY}; for more, pick the product below or write its SKU and the quantity alone on a line, e.g. ${example}.`,
      );
    }
  }
  return { lines, problems };
}

/**
 * The form's items: the product rows (picked from the catalogue) and the items text (read by the
 * order reader, the same as SMS and voice read a customer's words), added up per SKU and checked
 * against the order's limits and the stock. Problems go on their own fields (`errors`); the items
 * are returned either way.
 */
export async function readItems(
  deps: Pick<Deps, 'orderWords' | 'inventory'>,
  values: ViewValues,
  errors: FieldErrors,
): Promise<{ sku: string; quantity: number }[]> {
  const text = inputValue(values, INPUTS.items);
  const rows = ITEM_ROWS.map((row) => ({
    row,
    sku: inputValue(values, row.product),
    quantity: inputValue(values, row.quantity),
  }));
  if (!text && rows.every((r) => !r.sku && !r.quantity)) {
    errors[INPUTS.items] = 'Type the items, or pick products below.';
    return [];
  }

  const totals = new Map<string, number>();
  /** Where a SKU's problem shows: the first product row that has it, else the items text. */
  const fieldOf = new Map<string, ItemField>();
  const add = (sku: string, quantity: number, field: ItemField) => {
    totals.set(sku, (totals.get(sku) ?? 0) + quantity);
    if (!fieldOf.has(sku)) fieldOf.set(sku, field);
  };
  const problems = new Map<ItemField, Set<string>>();
  const problem = (field: ItemField, text: string) =>
    problems.set(field, (problems.get(field) ?? new Set()).add(text));

  for (const { row, sku, quantity } of rows) {
    if (!sku) {
      if (quantity) problem(row.quantity, 'Pick a product for this quantity, or clear it.');
      continue;
    }
    const n = !quantity ? 1 : quantity.length <= 6 && /^\d+$/.test(quantity) ? Number(quantity) : Number.NaN;
    if (!SKU_PATTERN.test(sku)) problem(row.product, 'Pick the product again.');
    else if (!(n >= 1 && n <= MAX_QUANTITY))
      problem(row.quantity, `The quantity must be 1 to ${MAX_QUANTITY}.`);
    else add(sku, n, row.product);
  }

  if (text.length > MAX_ITEMS_TEXT) problem(INPUTS.items, `At most ${MAX_ITEMS_TEXT} characters.`);
  else if (text) {
    const reader = await deps.orderWords.reader();
    const lines = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    if (lines.length > MAX_LINES) problem(INPUTS.items, `At most ${MAX_LINES} lines per order.`);
    const started = performance.now();
    for (const [i, line] of lines.slice(0, MAX_LINES).entries()) {
      const at = lines.length > 1 ? `Line ${i + 1}: ` : '';
      if (line.length > MAX_LINE_LENGTH) {
        problem(
          INPUTS.items,
          `${at}at most ${MAX_LINE_LENGTH} characters a line; put more items on lines of their own.`,
        );
        continue;
      }
      if (performance.now() - started > READ_BUDGET_MS) {
        problem(INPUTS.items, `${at}too much to read at once; pick some products below instead.`);
        break;
      }
      const read = readLine(reader, line);
      for (const l of read.lines) add(l.sku, l.quantity, INPUTS.items);
      for (const p of read.problems) problem(INPUTS.items, `${at}${p}`);
    }
  }

  if (totals.size > MAX_LINES) problem(INPUTS.items, `At most ${MAX_LINES} products per order.`);
  else if (totals.size > 0) {
    // The same product from a row and from the text adds up, still one item's quantity (as in the API).
    const found = new Map((await deps.inventory.getMany([...totals.keys()])).map((p) => [p.sku, p]));
    for (const [sku, quantity] of totals) {
      const field = fieldOf.get(sku) ?? INPUTS.items;
      const product = found.get(sku);
      const shown = plainText(sku, 64);
      if (!product) problem(field, `${shown}: no such product.`);
      else if (quantity > MAX_QUANTITY)
        problem(field, `${shown} adds up to ${quantity}; at most ${MAX_QUANTITY} per item.`);
      else if (product.available < quantity)
        problem(field, `${shown}: only ${product.available} available, ${quantity} asked.`);
    }
  } else if (problems.size === 0) problem(INPUTS.items, 'No items here: type them, or pick products below.');

  for (const [field, texts] of problems) errors[field] = [...texts].join(' ').slice(0, 2000);
  return [...totals].map(([sku, quantity]) => ({ sku, quantity }));
}

/**
 * Reads and checks the phone-order modal. Every problem is reported against its own field, the
 * way Slack shows `response_action: errors`; SKUs and stock are checked against the catalogue
 * (the reservation at placement is still the one that counts).
 */
export async function readPhoneOrderForm(
  deps: Deps,
  values: ViewValues,
): Promise<{ command: Omit<PlaceOrderCommand, 'externalId'> } | { errors: FieldErrors }> {
  const errors: FieldErrors = {};
  const rawPhone = inputValue(values, INPUTS.customerPhone);
  const phone = rawPhone ? toE164(rawPhone, deps.config.defaultCountry) : undefined;
  if (!phone)
    errors[INPUTS.customerPhone] = rawPhone
      ? `Not a phone number I can read. Use +country code, or a local ${deps.config.defaultCountry} number.`
      : 'Enter the customer’s phone number.';

  let name = inputValue(values, INPUTS.customerName);
  if (!name && phone) name = (await deps.customers.findByPhone(phone))?.name ?? '';
  if (!name && phone) errors[INPUTS.customerName] = 'No saved customer has this phone: enter their name.';
  if (name.length > 100) errors[INPUTS.customerName] = 'At most 100 characters.';

  const items = await readItems(deps, values, errors);

  const address = readAddress(values, errors);
  const notes = inputValue(values, INPUTS.notes);
  if (notes.length > 1000) errors[INPUTS.notes] = 'At most 1000 characters.';
  const channel = inputValue(values, INPUTS.channel) || 'phone';
  if (!(MODAL_CHANNELS as readonly string[]).includes(channel))
    errors[INPUTS.channel] = 'Choose phone, store or Slack.';

  if (Object.keys(errors).length || !phone) return { errors };
  return {
    command: {
      channel: channel as ModalChannel,
      customer: { name, phone },
      items,
      ...(address ? { shippingAddress: address } : {}),
      ...(notes ? { notes } : {}),
    },
  };
}

/** No address at all is a pickup; a partial one is a mistake to point out. */
function readAddress(values: ViewValues, errors: FieldErrors): Address | undefined {
  const a = {
    line1: inputValue(values, INPUTS.addressLine1),
    line2: inputValue(values, INPUTS.addressLine2),
    city: inputValue(values, INPUTS.city),
    region: inputValue(values, INPUTS.region),
    postalCode: inputValue(values, INPUTS.postalCode),
    country: inputValue(values, INPUTS.country).toUpperCase(),
  };
  if (!Object.values(a).some(Boolean)) return undefined;
  const required = [
    [INPUTS.addressLine1, a.line1],
    [INPUTS.city, a.city],
    [INPUTS.postalCode, a.postalCode],
    [INPUTS.country, a.country],
  ] as const;
  for (const [id, value] of required)
    if (!value) errors[id] = 'Needed for a shipping address (or leave the address empty).';
  if (a.country && !isCountryCode(a.country))
    errors[INPUTS.country] = 'A 2-letter country code, e.g. US or IL.';
  const ids = {
    line1: INPUTS.addressLine1,
    line2: INPUTS.addressLine2,
    city: INPUTS.city,
    region: INPUTS.region,
    postalCode: INPUTS.postalCode,
    country: INPUTS.country,
  } as const;
  for (const key of Object.keys(ids) as (keyof typeof ids)[])
    if (a[key].length > 200) errors[ids[key]] = 'At most 200 characters.';
  return {
    line1: a.line1,
    city: a.city,
    postalCode: a.postalCode,
    country: a.country,
    ...(a.line2 ? { line2: a.line2 } : {}),
    ...(a.region ? { region: a.region } : {}),
  };
}
