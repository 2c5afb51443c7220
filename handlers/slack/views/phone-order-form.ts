import { toE164 } from '../../../src/customers/phone.js';
import { isCountryCode } from '../../../src/geo.js';
import { SKU_PATTERN } from '../../../src/inventory/sku.js';
import type { Address } from '../../../src/orders/order.js';
import type { PlaceOrderCommand } from '../../../src/orders/types.js';
import { ORDER_LIMITS } from '../../../src/orders/types.js';
import type { Deps } from '../../../src/services.js';
import { INPUTS, MODAL_CHANNELS, type ModalChannel } from '../../../src/slack/blocks/ids.js';

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
/** A SKU (64), a quantity and some spaces fit easily; longer lines are refused before any regex. */
const MAX_LINE_LENGTH = 200;

/**
 * Items as agents type them while on the phone, one per line: `MUG-01 2`, `2 MUG-01`,
 * `MUG-01 x2`, `2 x MUG-01`, or a bare `MUG-01` for one. The same SKU twice adds up.
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

  const { items, problems } = parseItems(inputValue(values, INPUTS.items));
  if (problems.length === 0) {
    const products = await deps.inventory.getMany(items.map((i) => i.sku));
    const found = new Map(products.map((p) => [p.sku, p]));
    for (const item of items) {
      const product = found.get(item.sku);
      if (!product) problems.push(`${item.sku}: no such product.`);
      else if (product.available < item.quantity)
        problems.push(`${item.sku}: only ${product.available} available, ${item.quantity} asked.`);
    }
  }
  if (problems.length) errors[INPUTS.items] = problems.join(' ').slice(0, 2000);

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
