import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Invoice links for people who have no API key: staff clicking "Invoice" in Slack. The link
 * carries an HMAC of the order number, so it opens that one invoice and cannot be edited into
 * another order's.
 */
export function createInvoiceLinks(secret: string, publicUrl: string) {
  const sign = (number: number) =>
    createHmac('sha256', secret).update(`invoice:${number}`).digest('base64url').slice(0, 32);
  return {
    url: (number: number) => `${publicUrl}/invoices/${number}.pdf?sig=${sign(number)}`,
    verify(number: number, sig: unknown): boolean {
      if (typeof sig !== 'string') return false;
      const expected = Buffer.from(sign(number));
      const given = Buffer.from(sig);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

export type InvoiceLinks = ReturnType<typeof createInvoiceLinks>;
