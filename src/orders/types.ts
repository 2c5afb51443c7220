import type { Language } from '../../models/customer.js';
import type { Address } from '../../models/order.js';
import type { Channel } from './lifecycle.js';

/** Who did something, and through which door (SPEC: every change records both). */
export interface Actor {
  /** Slack user, agent, customer phone, API key name, or `system`. */
  by: string;
  channel: Channel | 'system';
}

export interface PlaceOrderCommand {
  channel: Channel;
  externalId?: string;
  customer: { name: string; phone: string; email?: string; language?: Language };
  items: { sku: string; quantity: number }[];
  shippingAddress?: Address;
  notes?: string;
}
