import type { Language } from '../customers/customer.js';
import type { Channel } from './lifecycle.js';
import type { Address } from './order.js';

/** Who did something, and through which door (every change records both). */
export interface Actor {
  /** Slack user, agent, customer phone, API key name, or `system`. */
  by: string;
  /** `console`: a staff member in the browser console (handlers/console/). */
  channel: Channel | 'system' | 'console';
}

/**
 * The domain's bounds on one order, whatever door it comes through: placement refuses anything
 * beyond them, and each door's form or schema reads them from here. A door may ask for less (a
 * text orders at most `MAX_ITEM_QUANTITY` of a product, src/sms/keywords.ts), never more.
 */
export const ORDER_LIMITS = {
  /** Lines (distinct products) in one order. */
  lines: 100,
  /** Units of one product on one line. */
  quantityPerLine: 10_000,
} as const;

export interface PlaceOrderCommand {
  channel: Channel;
  externalId?: string;
  customer: { name: string; phone: string; email?: string; language?: Language };
  items: { sku: string; quantity: number }[];
  shippingAddress?: Address;
  notes?: string;
}
