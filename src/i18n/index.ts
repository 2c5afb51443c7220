/**
 * Customer-facing texts (SMS) in every supported language. English is the reference: its keys
 * and params are the contract, and `he` is typed against it, so a missing or extra Hebrew key,
 * or one that needs params English does not give, is a compile error.
 */

import type { Language } from '../customers/customer.js';
import type { OrderStatus } from '../orders/lifecycle.js';
import { type Catalogue, en, enStatusNames } from './en.js';
import { he, heStatusNames } from './he.js';

export type { Catalogue, StockLine, Tracking } from './en.js';
export { en, he };

export type MessageKey = keyof typeof en;
/** The params object of a message; `{}` for messages that take none. */
export type Params<K extends MessageKey> = Parameters<Catalogue[K]>[0];

export const CATALOGUES: Readonly<Record<Language, Catalogue>> = { en, he };
const STATUS_NAMES: Readonly<Record<Language, Record<OrderStatus, string>>> = {
  en: enStatusNames,
  he: heStatusNames,
};

export function t<K extends MessageKey>(lang: Language, key: K, params: Params<K>): string {
  // The generic K cannot narrow the union of entry types, so call through one wide signature.
  const entry = (CATALOGUES[lang] ?? en)[key] as (p: Params<K>) => string;
  return entry(params);
}

/** The status as the customer reads it, e.g. pending_approval → "awaiting approval" / "ממתינה לאישור". */
export function statusName(lang: Language, status: OrderStatus): string {
  return (STATUS_NAMES[lang] ?? enStatusNames)[status];
}
