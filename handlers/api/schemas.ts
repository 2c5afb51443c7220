import { z } from 'zod';
import { isCountryCode as isCountry } from '../../src/geo.js';
import { MAX_LEAD_TIME_DAYS } from '../../src/inventory/cover.js';
import { MAX_ALIAS_LENGTH, MAX_ALIASES } from '../../src/inventory/product.js';
import { MAX_STOCK_UNITS, SKU_PATTERN } from '../../src/inventory/sku.js';
import { CHANNELS, ORDER_ACTIONS, ORDER_STATUSES } from '../../src/orders/lifecycle.js';
import { parseOrderNumber } from '../../src/orders/number.js';
import { ORDER_LIMITS } from '../../src/orders/types.js';
import { isXmlText } from '../../src/xml-text.js';

/**
 * Request shapes of the REST API. Every object is strict (unknown fields are refused) and every
 * leaf is a scalar of a known type, so no query operator ({"$gt": …}) can reach the database.
 */

export const skuSchema = z
  .string()
  .regex(SKU_PATTERN, 'must be 1-64 letters, digits, dots, dashes or underscores');
/**
 * What text may hold: exactly the characters XML 1.0 can carry. A control character or an unpaired
 * surrogate has no place in a name or a tracking number, and the customer's STATUS reply, which
 * quotes the carrier and tracking number, goes out as TwiML: one such character would fail it.
 */
const NO_CONTROL = 'must not contain control characters';
const safeString = () => z.string().refine(isXmlText, NO_CONTROL);
const text = (max: number) => safeString().trim().min(1).max(max);
const count = (max: number) => z.number().int().min(0).max(max);

/**
 * Other names customers use for a product. Only the shape is checked here: the inventory service
 * trims, counts, bounds and de-duplicates them, for the API, Slack and the console alike.
 */
function aliasesSchema() {
  return z
    .array(z.string())
    .describe(
      `Other names customers use for it, in any language (e.g. ["ספל כחול", "blue mug"]): at most ${MAX_ALIASES}, each 1 to ${MAX_ALIAS_LENGTH} characters after trimming, no control characters; the same name in another case is kept once; [] clears.`,
    );
}

export const createProductBody = z.strictObject({
  sku: skuSchema,
  name: text(200),
  price: count(1_000_000_000),
  onHand: count(MAX_STOCK_UNITS),
  lowStockThreshold: count(MAX_STOCK_UNITS).optional(),
  /** Days from ordering more to having it in stock (the console's suggested reorder). */
  leadTimeDays: count(MAX_LEAD_TIME_DAYS).optional(),
  aliases: aliasesSchema().optional(),
});

/** What `PATCH /products/{sku}` changes: the product's aliases, the whole list at once. */
export const productPatchBody = z.strictObject({ aliases: aliasesSchema() });

export const stockBody = z
  .strictObject({
    set: count(MAX_STOCK_UNITS).optional(),
    add: z.number().int().min(-MAX_STOCK_UNITS).max(MAX_STOCK_UNITS).optional(),
  })
  .refine((b) => (b.set === undefined) !== (b.add === undefined), {
    message: 'give exactly one of "set" or "add"',
  });

export const addressSchema = z.strictObject({
  line1: text(200),
  line2: text(200).optional(),
  city: text(100),
  region: text(100).optional(),
  postalCode: text(20),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .refine((c) => /^[A-Z]{2}$/.test(c) && isCountry(c), 'must be an ISO 3166 alpha-2 country code'),
});

export const placeOrderBody = z.strictObject({
  channel: z.enum(CHANNELS),
  externalId: text(200).optional(),
  customer: z.strictObject({
    name: text(200),
    phone: safeString().trim().min(3).max(32),
    email: z.email().max(254).optional(),
    language: z.enum(['en', 'he']).optional(),
  }),
  items: z
    .array(
      z.strictObject({ sku: skuSchema, quantity: z.number().int().min(1).max(ORDER_LIMITS.quantityPerLine) }),
    )
    .min(1)
    .max(ORDER_LIMITS.lines),
  shippingAddress: addressSchema.optional(),
  notes: safeString().trim().max(2000).optional(),
});

export const actionBody = z.strictObject({
  action: z.enum(ORDER_ACTIONS),
  note: safeString().trim().max(1000).optional(),
  carrier: text(100).optional(),
  trackingNumber: text(100).optional(),
});

/** `limit` of a page: 1 to 100. */
const pageLimit = z
  .string()
  .regex(/^\d+$/, 'must be a whole number')
  .transform(Number)
  .pipe(z.number().int().min(1).max(100))
  .optional();

export const listOrdersQuery = z.strictObject({
  status: z.enum(ORDER_STATUSES).optional(),
  channel: z.enum(CHANNELS).optional(),
  phone: z.string().trim().min(3).max(32).optional(),
  q: z.string().trim().min(1).max(100).optional(),
  limit: pageLimit,
  cursor: z.string().max(100).optional(),
});

export const listProductsQuery = z.strictObject({
  limit: pageLimit,
  cursor: z.string().max(200).optional(),
});

/** Product list cursors: base64url of the last SKU seen (the list goes by SKU, ascending). */
export const encodeProductCursor = (sku: string) => Buffer.from(`p:${sku}`).toString('base64url');
export function decodeProductCursor(cursor: string): string | undefined {
  const m = /^p:(.+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m?.[1] !== undefined && SKU_PATTERN.test(m[1]) ? m[1] : undefined;
}

export const listCallsQuery = z.strictObject({
  phone: z.string().trim().min(3).max(32).optional(),
  limit: pageLimit,
  cursor: z.string().max(200).optional(),
});

/** Call log cursors: base64url of the last CallSid seen. */
export const encodeCallCursor = (sid: string) => Buffer.from(`c:${sid}`).toString('base64url');
export function decodeCallCursor(cursor: string): string | undefined {
  const m = /^c:([\w-]{1,64})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m?.[1];
}

export const invoiceQuery = z.strictObject({ format: z.enum(['json', 'pdf']).optional() });

export const orderNumberParam = z.string().transform((text, ctx) => {
  const number = parseOrderNumber(text);
  if (number === undefined)
    ctx.addIssue({ code: 'custom', message: 'an order number is digits only, e.g. 1001' });
  return number ?? z.NEVER;
});

/** Page cursors are opaque to clients: base64url of the last order number seen. */
export const encodeCursor = (number: number) => Buffer.from(`n:${number}`).toString('base64url');
export function decodeCursor(cursor: string): number | undefined {
  const text = Buffer.from(cursor, 'base64url').toString();
  return text.startsWith('n:') ? parseOrderNumber(text.slice(2)) : undefined;
}
