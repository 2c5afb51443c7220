import { type Response, Router } from 'express';
import { AppError } from '../src/errors.js';
import { LINK_PATHS } from '../src/invoices/links.js';
import type { Deps } from '../src/services.js';
import { sendDocumentPdf } from './invoice-pdf.js';

/**
 * `GET /invoices/<order>.pdf?exp=…&sig=…` (and `/credit-notes/…`): the document links staff click
 * in Slack and customers get in the "shipped" text, where there is no API key to send. The signature (see src/invoices/links.ts) opens this one invoice only, until
 * `exp`: a forged or edited link gets 403, a genuine one past its time 410.
 */
export function invoiceLinkRouter({ config, orders, invoices, invoiceLinks }: Deps): Router {
  const router = Router();
  for (const kind of ['invoice', 'credit-note'] as const) {
    const what = kind === 'invoice' ? 'invoice' : 'credit note';
    router.get(`/${LINK_PATHS[kind]}/:file`, async (req, res) => {
      const m = /^(\d{1,9})\.pdf$/.exec(req.params.file);
      if (!m) throw new AppError('not_found', `No such ${what} link (it may have been mistyped).`);
      const number = Number(m[1]);
      const verdict = invoiceLinks.verify(number, req.query.exp, req.query.sig, Date.now(), kind);
      if (verdict === 'forged') {
        refuse(
          res,
          403,
          'forbidden',
          `This ${what} link is not valid: it may have been mistyped or changed.`,
        );
        return;
      }
      if (verdict === 'expired') {
        refuse(
          res,
          410,
          'link_expired',
          `This link to the ${what} of order #${number} has expired. Ask the shop for a new one.`,
        );
        return;
      }
      const order = await orders.get(number);
      if (kind === 'invoice' && !order.invoice)
        throw new AppError('not_found', `Order #${number} has no invoice yet.`);
      if (kind === 'credit-note' && !order.creditNote)
        throw new AppError('not_found', `Order #${number} has no credit note.`);
      const doc = kind === 'invoice' ? await invoices.invoiceOf(order) : await invoices.creditNoteOf(order);
      await sendDocumentPdf(res, doc, config);
    });
  }
  return router;
}

/**
 * The API's error shape, or a short page for a browser (staff clicked the link in Slack). JSON
 * comes first so that a client accepting anything (curl, fetch) gets JSON. The message holds no user input.
 */
function refuse(res: Response, status: number, code: string, message: string): void {
  const json = () => {
    res.json({ error: { code, message } });
  };
  res.status(status).format({
    json,
    html: () => {
      res.send(`<!doctype html><html><head><meta charset="utf-8"><title>Invoice link</title></head>
<body><p>${message}</p></body></html>`);
    },
    default: json,
  });
}
