import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { toAppError } from '../../src/errors.js';
import { allowedActions, ORDER_ACTIONS, type OrderAction } from '../../src/orders/lifecycle.js';
import type { Order } from '../../src/orders/order.js';
import type { Deps } from '../../src/services.js';
import { sendDocumentPdf } from '../invoice-pdf.js';
import type { ConsoleKit } from './kit.js';
import { orderPage } from './order-page.js';
import { messagePage } from './pages.js';
import { strings } from './strings.js';

/** A rejection's reason, as long as Slack's reject dialog takes. */
const REASON_MAX = 500;

const actionForm = z.object({
  action: z.enum(ORDER_ACTIONS),
  note: z.string().trim().max(1000).optional(),
  carrier: z.string().trim().max(100).optional(),
  trackingNumber: z.string().trim().max(100).optional(),
  _csrf: z.string().optional(),
  do: z.string().optional(),
});

/**
 * An order: its page (the actions the signed-in person's role allows, and its timeline), its
 * actions (through `orders.applyAction`, as Slack and the API), and its documents as PDFs.
 */
export function orderRouter(deps: Deps, kit: ConsoleKit): Router {
  const router = Router();
  const { log, orders } = deps;
  // ---- an order
  const numberOf = (raw: string | undefined) => (raw && /^\d{1,12}$/.test(raw) ? Number(raw) : undefined);
  async function showOrder(
    req: Request,
    res: Response,
    status: number,
    notice: { done?: OrderAction; error?: string },
  ) {
    const ctx = kit.ctxOf(req, res);
    const number = numberOf(String(req.params.number));
    let order: Order;
    try {
      if (number === undefined) throw new Error('not a number');
      order = await orders.get(number);
    } catch (err) {
      if (number !== undefined && toAppError(err).status >= 500) throw err;
      const t = strings(ctx.lang);
      return kit.send(res, 404, messagePage(ctx, t.notFound, t.notFound));
    }
    const session = kit.sessionOf(res);
    const actions = await kit.users.allowed(session, allowedActions(order.status));
    const timeline = await deps.timeline.of([order]);
    kit.send(res, status, orderPage(ctx, order, actions, timeline, notice));
  }
  router.get('/console/orders/:number', kit.signedIn, async (req, res) => {
    const done = ORDER_ACTIONS.find((a) => a === req.query.done);
    await showOrder(req, res, 200, done ? { done } : {});
  });
  /**
   * The order's version (its history's length): what an order page asks when another process
   * changed the board, to tell whether this order is among the changes. One read by key.
   */
  router.get('/console/orders/:number/version', kit.signedIn, async (req, res) => {
    const number = numberOf(String(req.params.number));
    const order = number === undefined ? undefined : await orders.get(number).catch(() => undefined);
    res.set('Cache-Control', 'no-store');
    if (!order) return res.status(404).json({ error: 'not_found' });
    res.json({ order: order.number, v: order.history.length });
  });
  router.post('/console/orders/:number/actions', kit.form, kit.signedIn, kit.checked, async (req, res) => {
    const session = kit.sessionOf(res);
    const t = strings(session.lang);
    const number = numberOf(String(req.params.number));
    const parsed = actionForm.safeParse(req.body);
    if (number === undefined || !parsed.success)
      return showOrder(req, res, 400, { error: parsed.error?.issues[0]?.message ?? t.notFound });
    const { action, note, carrier, trackingNumber } = parsed.data;
    // As in Slack's reject dialog: a rejection says why, to staff and in the history.
    if (action === 'reject' && (!note || note.length > REASON_MAX))
      return showOrder(req, res, 400, { error: t.reasonNeeded });
    if (!(await kit.users.may(session, action))) {
      log.warn({ user: session.user, order: number, action }, 'console: action refused (role)');
      return showOrder(req, res, 403, { error: t.forbidden });
    }
    try {
      await orders.applyAction(
        number,
        action,
        {
          ...(note ? { note } : {}),
          ...(carrier ? { carrier } : {}),
          ...(trackingNumber ? { trackingNumber } : {}),
        },
        { by: session.user, channel: 'console' },
      );
    } catch (err) {
      const appError = toAppError(err);
      if (appError.status >= 500) throw err;
      return showOrder(req, res, appError.status, { error: appError.message });
    }
    res.redirect(303, `/console/orders/${number}?done=${action}`);
  });
  for (const document of ['invoice', 'credit-note'] as const) {
    router.get(`/console/orders/:number/${document}`, kit.signedIn, async (req, res, next) => {
      const number = numberOf(String(req.params.number));
      if (number === undefined) return next();
      const order = await orders.get(number);
      const doc =
        document === 'invoice'
          ? await deps.invoices.invoiceOf(order)
          : await deps.invoices.creditNoteOf(order);
      await sendDocumentPdf(res, doc, deps.pdfs);
    });
  }
  return router;
}
