import { type Response, Router } from 'express';
import { z } from 'zod';
import { FULFILLMENT_STATUSES, type OrderStatus } from '../../src/orders/lifecycle.js';
import type { OrderCard } from '../../src/orders/order.js';
import type { Deps } from '../../src/services.js';
import { type BoardCard, boardColumns, boardPage } from './board-page.js';
import type { ConsoleKit } from './kit.js';

/** How often the live board looks for changes made by other processes (in-process ones are sent at once). */
const WATCH_MS = 1_000;
const BOARD_LIMIT = 200;
const SHIPPED_SHOWN = 25;
const SHIPPED_SCAN = 100;

/**
 * The board of open orders, and the live updates every console page listens to: server-sent
 * events, one `change` per order changed in this process, and one when the order board changed
 * in any process (looked at once a second while anyone watches).
 */
export function boardRouter(deps: Deps, kit: ConsoleKit): Router {
  const router = Router();
  const { config, log, orders } = deps;
  // ---- the board
  const boardFilter = z.object({
    channel: z.string().max(20).optional(),
    q: z.string().trim().max(100).optional(),
  });
  async function boardCards(filter: { channel?: string; q?: string }, now: number) {
    // Shipped orders are off the order board (no one's work waits on them): the latest few, found
    // among the latest orders, so the page costs the same at any size. Cards, not whole orders.
    const cards = await orders.boardCards({
      statuses: ['pending_approval', ...FULFILLMENT_STATUSES],
      limit: BOARD_LIMIT,
      shippedShown: SHIPPED_SHOWN,
      shippedScan: SHIPPED_SCAN,
    });
    const q = filter.q?.toLowerCase();
    const digits = q?.replace(/\D/g, '');
    const matches = (o: OrderCard) =>
      (!filter.channel || o.channel === filter.channel) &&
      (!q ||
        String(o.number) === q.replace(/^#/, '') ||
        o.customer.name.toLowerCase().includes(q) ||
        (digits !== undefined && digits.length >= 3 && o.customer.phone.replace(/\D/g, '').includes(digits)));
    const reminderMs = config.approvalReminderAfter.ms;
    const late = (o: OrderCard) => {
      const since = o.statusSince.getTime();
      if (o.status === 'pending_approval') return now - since > reminderMs;
      if (o.status === 'packed') return now - since > 24 * 60 * 60 * 1000;
      return false;
    };
    const columns = new Map<OrderStatus, BoardCard[]>();
    for (const o of cards.filter(matches).sort((a, b) => a.number - b.number)) {
      const list = columns.get(o.status) ?? [];
      list.push({ order: o, late: late(o) });
      columns.set(o.status, list);
    }
    return columns;
  }
  router.get('/console/board', kit.signedIn, async (req, res) => {
    const filter = boardFilter.catch({}).parse(req.query);
    const now = Date.now();
    kit.send(res, 200, boardPage(kit.ctxOf(req, res), await boardCards(filter, now), filter, now));
  });
  router.get('/console/board/columns', kit.signedIn, async (req, res) => {
    const filter = boardFilter.catch({}).parse(req.query);
    const now = Date.now();
    kit.send(res, 200, boardColumns(kit.ctxOf(req, res), await boardCards(filter, now), now).text);
  });

  // ---- live updates: server-sent events, one `change` per order changed (any process)
  const clients = new Set<Response>();
  let watching: NodeJS.Timeout | undefined;
  let lastSignature: string | undefined;
  const broadcast = (data: string) => {
    for (const client of clients) client.write(`event: change\ndata: ${data}\n\n`);
  };
  /** Reads the board's signature: a change since the last read is sent to every watcher. */
  const look = async () => {
    try {
      const signature = await deps.boardSignature();
      if (lastSignature !== undefined && signature !== lastSignature) broadcast('{}');
      lastSignature = signature;
    } catch (err) {
      log.debug({ err }, 'console: the live board could not read the board');
    }
  };
  const watch = () => {
    if (watching) return;
    watching = setInterval(look, WATCH_MS);
    watching.unref();
    // The first read at once: later reads compare with it, so a change another process makes in
    // the first second of watching is sent too, not taken for how the board already was.
    void look();
  };
  for (const event of [
    'order.placed',
    'order.status_changed',
    'order.effects_added',
    'invoice.issued',
  ] as const) {
    deps.events.on(event, ({ order }) => {
      if (clients.size > 0) broadcast(JSON.stringify({ order: order.number, v: order.history.length }));
    });
  }
  router.get('/console/events', kit.signedIn, (req, res) => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    clients.add(res);
    watch();
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(ping);
      clients.delete(res);
      if (clients.size === 0 && watching) {
        clearInterval(watching);
        watching = undefined;
        lastSignature = undefined;
      }
    });
  });

  return router;
}
