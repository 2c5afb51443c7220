import { type RequestHandler, type Response, Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { AppError } from '../src/errors.js';
import { LINK_PATHS } from '../src/invoices/links.js';
import type { Logger } from '../src/logger.js';
import { parseOrderNumber } from '../src/orders/number.js';
import type { RateCounts } from '../src/rate-counts.js';
import type { Deps } from '../src/services.js';
import { sendDocumentPdf } from './invoice-pdf.js';

/**
 * `GET /invoices/<order>.pdf?exp=…&sig=…` (and `/credit-notes/…`): the document links staff click
 * in Slack and customers get in the "shipped" text, where there is no API key to send. The signature (see src/invoices/links.ts) opens this one invoice only, until
 * `exp`: a forged or edited link gets 403, a genuine one past its time 410. Being public, the
 * routes are limited per client address (LINK_REQUESTS_PER_MINUTE, both kinds together).
 */
export function invoiceLinkRouter({ orders, invoices, invoiceLinks, pdfs, rateCounts, log }: Deps): Router {
  const router = Router();
  const limited = limitPerClient(LINK_REQUESTS_PER_MINUTE, rateCounts, log);
  for (const kind of ['invoice', 'credit-note'] as const) {
    const what = kind === 'invoice' ? 'invoice' : 'credit note';
    router.get(`/${LINK_PATHS[kind]}/:file`, limited, async (req, res) => {
      const file = String(req.params.file);
      const number = file.endsWith('.pdf') ? parseOrderNumber(file.slice(0, -'.pdf'.length)) : undefined;
      if (number === undefined)
        throw new AppError('not_found', `No such ${what} link (it may have been mistyped).`);
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
      await sendDocumentPdf(res, doc, pdfs);
    });
  }
  return router;
}

/** A person opens a few documents a minute; a script walking links gets 429 long before it costs much. */
export const LINK_REQUESTS_PER_MINUTE = 30;
const WINDOW_MS = 60_000;

/**
 * At most `perMinute` link requests per client address in a fixed one-minute window, counted before
 * the signature is checked, so forged links cost their sender the same. The address is the
 * connection's (Express's `trust proxy` is off): behind a reverse proxy every client shares the
 * proxy's budget. Counted in the database like the API's limit (handlers/api/rate-limit.ts), so
 * every process on it shares the address's budget.
 * A refusal is 429 `rate_limited` with `Retry-After`, in the API's error shape.
 */
function limitPerClient(perMinute: number, counts: Pick<RateCounts, 'store'>, log: Logger): RequestHandler {
  return rateLimit({
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-6',
    legacyHeaders: false,
    store: counts.store('link:'),
    handler: (req, res, next) => {
      const retryAfter = Number(res.getHeader('Retry-After') ?? WINDOW_MS / 1000);
      req.log.warn({ ip: req.ip, limit: perMinute, retryAfter }, 'invoice link refused: rate limit');
      next(
        new AppError(
          'rate_limited',
          `Too many document requests from this address: at most ${perMinute} a minute. Retry in ${retryAfter} s.`,
          { details: { limit: perMinute, windowSeconds: WINDOW_MS / 1000, retryAfter } },
        ),
      );
    },
    // No proxy is trusted, so a forwarded-for header is only the client's say: never a key.
    validate: { trustProxy: false, xForwardedForHeader: false, forwardedHeader: false },
    logger: log,
  });
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
