import type { QueryFilter } from 'mongoose';
import type { HistoryEntry, InventoryState, Order } from '../../models/order.js';
import { AppError } from '../errors.js';
import type { InvoiceService } from '../invoices/service.js';
import {
  allowedActions,
  type Channel,
  nextStatus,
  type OrderAction,
  type OrderStatus,
  STOCK_EFFECTS,
} from './lifecycle.js';
import { createPlacement, type PlacementDeps } from './placement.js';
import type { Actor } from './types.js';

export interface ActionInput {
  note?: string;
  carrier?: string;
  trackingNumber?: string;
}

export interface OrderFilter {
  status?: OrderStatus | readonly OrderStatus[];
  channel?: Channel;
  /** E.164 */
  phone?: string;
  q?: string;
  limit: number;
  /** Only orders numbered below this (the page cursor). */
  before?: number;
}

interface Deps extends PlacementDeps {
  invoices: InvoiceService;
}

const INVENTORY_AFTER: Record<string, InventoryState> = {
  release: 'released',
  commit: 'committed',
  restock: 'restocking',
};

const stockLines = (order: Order) => order.items.map((i) => ({ sku: i.sku, quantity: i.quantity }));

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function createOrderService(deps: Deps) {
  const { models, events, log, inventory, invoices } = deps;
  const { Order } = models;
  const placement = createPlacement(deps);

  async function get(number: number): Promise<Order> {
    const order = await Order.findOne({ number }).lean<Order>();
    if (!order) throw new AppError('not_found', `No order #${number}.`, { details: { number } });
    return order;
  }

  function refuse(order: Order, action: OrderAction): never {
    const allowed = allowedActions(order.status);
    const hint = allowed.length ? ` Possible now: ${allowed.join(', ')}.` : ' It is final.';
    throw new AppError(
      'invalid_transition',
      `Order #${order.number} is ${order.status}; cannot ${action}.${hint}`,
      {
        details: { number: order.number, status: order.status, action, allowed },
      },
    );
  }

  /**
   * Applies one lifecycle action as a compare-and-set on the current status: of two concurrent
   * clicks, one wins and the other is refused as an invalid transition. Stock follows the order.
   */
  async function applyAction(
    number: number,
    action: OrderAction,
    input: ActionInput,
    actor: Actor,
  ): Promise<Order> {
    const order = await get(number);
    const to = nextStatus(order.status, action);
    if (!to) refuse(order, action);
    if (action === 'ship' && (!input.carrier?.trim() || !input.trackingNumber?.trim())) {
      throw new AppError('validation_error', 'Shipping needs a carrier and a tracking number.', {
        details: [
          ...(input.carrier?.trim() ? [] : [{ path: 'carrier', message: 'required to ship' }]),
          ...(input.trackingNumber?.trim() ? [] : [{ path: 'trackingNumber', message: 'required to ship' }]),
        ],
      });
    }
    const now = new Date();
    const entry: HistoryEntry = {
      at: now,
      action,
      from: order.status,
      to,
      ...actor,
      ...(input.note ? { note: input.note } : {}),
    };
    const set: Record<string, unknown> = { status: to };
    const effect = STOCK_EFFECTS[action];
    if (effect) set.inventory = INVENTORY_AFTER[effect];
    if (action === 'ship') {
      set.shipment = {
        carrier: input.carrier?.trim(),
        trackingNumber: input.trackingNumber?.trim(),
        shippedAt: now,
      };
    }
    const updated = await Order.findOneAndUpdate(
      { _id: order._id, status: order.status },
      { $set: set, $push: { history: entry } },
      { returnDocument: 'after', lean: true },
    );
    if (!updated) {
      // Someone else moved it first; judge the action against where it is now.
      const fresh = await get(number);
      if (nextStatus(fresh.status, action)) return applyAction(number, action, input, actor);
      refuse(fresh, action);
    }
    let result = updated as Order;

    const id = result._id.toHexString();
    if (effect === 'release') await inventory.release(id, stockLines(result));
    if (effect === 'commit') await inventory.commit(id, stockLines(result));
    if (effect === 'restock') result = await finishRestock(result);
    if (action === 'pack') result = await invoices.ensureIssued(result);

    log.info(
      { order: number, action, from: order.status, to, by: actor.by, channel: actor.channel },
      'order moved',
    );
    events.emit('order.status_changed', { order: result, action, from: order.status, to });
    return result;
  }

  /** Restock, record it on the order, then drop the marks; each step is safe to repeat. */
  async function finishRestock(order: Order): Promise<Order> {
    const id = order._id.toHexString();
    await inventory.restock(id, stockLines(order));
    const done = await Order.findOneAndUpdate(
      { _id: order._id, inventory: 'restocking' },
      { $set: { inventory: 'restocked' } },
      { returnDocument: 'after', lean: true },
    );
    await inventory.clearRestocked(
      id,
      order.items.map((i) => i.sku),
    );
    return (done as Order | null) ?? order;
  }

  async function list(filter: OrderFilter): Promise<{ items: Order[]; next: number | null }> {
    const query: QueryFilter<Order> = {};
    if (typeof filter.status === 'string') query.status = filter.status;
    else if (filter.status) query.status = { $in: [...filter.status] };
    if (filter.channel) query.channel = filter.channel;
    if (filter.phone) query['customer.phone'] = filter.phone;
    if (filter.before !== undefined) query.number = { $lt: filter.before };
    if (filter.q) {
      const q = filter.q.trim();
      const or: QueryFilter<Order>[] = [{ 'customer.name': { $regex: escapeRegex(q), $options: 'i' } }];
      const digits = q.replace(/[^\d]/g, '');
      if (digits.length >= 3) or.push({ 'customer.phone': { $regex: escapeRegex(digits) } });
      if (/^#?\d+$/.test(q)) or.push({ number: Number(q.replace('#', '')) });
      or.push({ externalId: q });
      query.$or = or;
    }
    const page = await Order.find(query)
      .sort({ number: -1 })
      .limit(filter.limit + 1)
      .lean<Order[]>();
    const items = page.slice(0, filter.limit);
    const next = page.length > filter.limit ? (items[items.length - 1]?.number ?? null) : null;
    return { items, next };
  }

  /**
   * The customer's 1–5 after delivery. Only a delivered order delivered within `withinMs`, and only
   * once: the conditional update makes a repeated or racing reply a no-op.
   */
  async function rateLatestDelivered(phone: string, score: number, withinMs: number): Promise<Order | null> {
    const since = Date.now() - withinMs;
    const delivered = await Order.find({ 'customer.phone': phone, status: 'delivered' })
      .sort({ number: -1 })
      .limit(5)
      .lean<Order[]>();
    const target = delivered.find(
      (o) => !o.rating?.score && o.history.some((h) => h.action === 'deliver' && h.at.getTime() >= since),
    );
    if (!target) return null;
    const rated = await Order.findOneAndUpdate(
      { _id: target._id, 'rating.score': { $exists: false } },
      { $set: { rating: { score, at: new Date() } } },
      { returnDocument: 'after', lean: true },
    );
    if (rated) log.info({ order: target.number, score }, 'order rated by the customer');
    return rated as Order | null;
  }

  return { place: placement.place, get, applyAction, list, finishRestock, rateLatestDelivered };
}

export type OrderService = ReturnType<typeof createOrderService>;
