import type { Order } from '../../models/order.js';
import { renderInvoicePdf } from '../../src/invoices/pdf.js';

const order = (lines: number) =>
  ({
    number: 1001,
    currency: 'USD',
    total: lines * 100,
    invoice: { number: 1, issuedAt: new Date('2026-11-25T12:00:00Z') },
    customer: { name: 'Dana Levi', phone: '+15551234567' },
    items: Array.from({ length: lines }, (_, i) => ({
      sku: `SKU-${i}`,
      name: `Item ${i}`,
      quantity: 1,
      unitPrice: 100,
      lineTotal: 100,
    })),
  }) as unknown as Order;

const pages = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;

test('A short invoice is one page; one with 100 lines continues over several', async () => {
  const layout = { businessName: 'Corner Shop', timezone: 'UTC' };
  expect(pages(await renderInvoicePdf(order(3), layout))).toBe(1);
  expect(pages(await renderInvoicePdf(order(100), layout))).toBeGreaterThanOrEqual(3);
});
