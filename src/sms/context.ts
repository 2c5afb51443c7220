import type { Customer, Language } from '../customers/customer.js';

/** What every answer to one text knows: who wrote, in which language, and which delivery. */
export type SmsContext = {
  phone: string;
  lang: Language;
  sid: string;
  name: string | undefined;
  customer: Customer | null;
  /** Set by CONFIRM: the order whose "placed" message this reply is. */
  placed?: number;
  /**
   * Set when the reply only repeats what the customer was told already (a retyped CONFIRM of an
   * order announced since): worth a TwiML answer, not a separate text when it comes too late.
   */
  repeat?: boolean;
};

export const locale = (lang: Language) => (lang === 'he' ? 'he-IL' : 'en-US');

export function shortItems(items: { sku: string; quantity: number }[]): string {
  // `x`, not `×`: × is not GSM-7 and would halve what fits in a segment.
  return items.map((i) => `${i.quantity}x ${i.sku}`).join(', ');
}
