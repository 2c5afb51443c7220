import { Router } from 'express';
import { AppError } from '../src/errors.js';

import type { Deps } from '../src/services.js';
import { sendInvoicePdf } from './invoice-pdf.js';

/**
 * `GET /invoices/<number>.pdf?sig=…`: the invoice link staff click in Slack, where there is no API
 * key to send. The signature (see src/invoices/links.ts) opens this one invoice only.
 */
export function invoiceLinkRouter({ config, orders, invoiceLinks }: Deps): Router {
  const router = Router();
  router.get('/invoices/:file', async (req, res) => {
    const m = /^(\d{1,9})\.pdf$/.exec(req.params.file);
    const number = m ? Number(m[1]) : Number.NaN;
    if (!m || !invoiceLinks.verify(number, req.query.sig)) {
      throw new AppError('not_found', 'No such invoice link (it may have been mistyped).');
    }
    const order = await orders.get(number);
    if (!order.invoice) throw new AppError('not_found', `Order #${number} has no invoice yet.`);
    await sendInvoicePdf(res, order, config);
  });
  return router;
}
