/** A customer as the domain sees it (keyed by phone); the repository is models/customer.ts. */

/** The languages the desk speaks, in texts, calls and documents. */
export type Language = 'en' | 'he';

export interface Customer {
  /** E.164, the customer's identity across SMS, voice and orders (stored as `_id`). */
  phone: string;
  name?: string;
  email?: string;
  language?: Language;
  optedOut: boolean;
  optedOutAt?: Date;
  /** The customer's order numbers, oldest first: how "my orders" is found by key at any size. */
  orders: number[];
  createdAt: Date;
  updatedAt: Date;
}

/** What an order or a text tells us about a customer. */
export interface CustomerDetails {
  name?: string;
  email?: string;
  language?: Language;
}
