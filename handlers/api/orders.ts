import { Router } from 'express';
import { toE164 } from '../../src/customers/phone.js';
import { AppError } from '../../src/errors.js';
import type { Deps } from '../../src/services.js';
import { sendDocumentPdf } from '../invoice-pdf.js';
import { documentDto, orderDto } from './dto.js';
import { checkPlacementChannel, requireScope } from './route-scopes.js';
import {
  actionBody,
  decodeCursor,
  encodeCursor,
  invoiceQuery,
  listOrdersQuery,
  orderNumberParam,
  placeOrderBody,
} from './schemas.js';
import { validate } from './validate.js';

export function ordersRouter({ orders, invoices, config, pdfs }: Deps): Router {
  const router = Router();

  router.post('/', requireScope('POST /orders'), async (req, res) => {
    const body = validate(placeOrderBody, req.body);
    checkPlacementChannel(res, body.channel);
    const by = res.locals.apiKeyName as string;
    const { order, created } = await orders.place(body, { by, channel: body.channel });
    res.status(created ? 201 : 200).json(orderDto(order));
  });

  router.get('/', requireScope('GET /orders'), async (req, res) => {
    const query = validate(listOrdersQuery, req.query, 'query');
    let phone: string | undefined;
    if (query.phone) {
      phone = toE164(query.phone, config.defaultCountry);
      if (!phone) throw new AppError('validation_error', 'Invalid query: phone is not a valid phone number.');
    }
    let before: number | undefined;
    if (query.cursor) {
      before = decodeCursor(query.cursor);
      if (before === undefined)
        throw new AppError('validation_error', 'Invalid query: cursor is not one we gave out.');
    }
    const page = await orders.list({ ...query, phone, before, limit: query.limit ?? 20 });
    res.json({ items: page.items.map(orderDto), next: page.next === null ? null : encodeCursor(page.next) });
  });

  router.get('/:number', requireScope('GET /orders/{number}'), async (req, res) => {
    const number = validate(orderNumberParam, req.params.number, 'order number');
    res.json(orderDto(await orders.get(number)));
  });

  router.post('/:number/actions', requireScope('POST /orders/{number}/actions'), async (req, res) => {
    const number = validate(orderNumberParam, req.params.number, 'order number');
    const { action, ...input } = validate(actionBody, req.body);
    const order = await orders.applyAction(number, action, input, {
      by: res.locals.apiKeyName,
      channel: 'api',
    });
    res.json(orderDto(order));
  });

  /**
   * The invoice (issued at `pack`) and the credit note (issued when a return is received): JSON by
   * default, the printable PDF with `Accept: application/pdf` or `?format=pdf`.
   */
  for (const [path, kind] of [
    ['invoice', 'invoice'],
    ['credit-note', 'credit_note'],
  ] as const) {
    router.get(`/:number/${path}`, requireScope(`GET /orders/{number}/${path}`), async (req, res) => {
      const number = validate(orderNumberParam, req.params.number, 'order number');
      const { format } = validate(invoiceQuery, req.query, 'query');
      const order = await orders.get(number);
      const doc = kind === 'invoice' ? await invoices.invoiceOf(order) : await invoices.creditNoteOf(order);
      const wantsPdf = format === 'pdf' || (format === undefined && req.accepts(['json', 'pdf']) === 'pdf');
      if (wantsPdf) {
        await sendDocumentPdf(res, doc, pdfs);
        return;
      }
      res.json({ ...documentDto(doc), pdf: `/api/v1/orders/${order.number}/${path}?format=pdf` });
    });
  }

  return router;
}
