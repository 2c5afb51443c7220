import { ratingEffect, transitionEffects } from '../delivery/effects.js';
import { AppError } from '../errors.js';
import type { InvoiceService } from '../invoices/service.js';
import { belongsOnBoard } from './board.js';
import { createOrderHistory } from './history.js';
import { hasRoom, historyFull, roomFor } from './history-limit.js';
import { ACTIONS, allowedActions, INVENTORY_AFTER, nextStatus, type OrderAction } from './lifecycle.js';
import { createOrderLists } from './lists.js';
import { type HistoryEntry, LOW_RATING, type Order } from './order.js';
import { createPlacement, type PlacementDeps } from './placement.js';
import type { Actor } from './types.js';

export type { OrderFilter, OrderPage } from './lists.js';

export interface ActionInput {
  note?: string;
  carrier?: string;
  trackingNumber?: string;
}

interface OrderServiceDeps extends PlacementDeps {
  invoices: InvoiceService;
}

const stockLines = (order: Order) => order.items.map((i) => ({ sku: i.sku, quantity: i.quantity }));

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

function shipment(action: OrderAction, input: ActionInput, at: Date) {
  if (action !== 'ship') return undefined;
  const carrier = input.carrier?.trim();
  const trackingNumber = input.trackingNumber?.trim();
  if (!carrier || !trackingNumber) {
    throw new AppError('validation_error', 'Shipping needs a carrier and a tracking number.', {
      details: [
        ...(carrier ? [] : [{ path: 'carrier', message: 'required to ship' }]),
        ...(trackingNumber ? [] : [{ path: 'trackingNumber', message: 'required to ship' }]),
      ],
    });
  }
  return { carrier, trackingNumber, shippedAt: at };
}

export function createOrderService(deps: OrderServiceDeps) {
  const { orderRecords, board, events, log, inventory, invoices } = deps;
  const placement = createPlacement(deps);
  const lists = createOrderLists(deps);
  const history = createOrderHistory(deps);

  async function get(number: number): Promise<Order> {
    const order = await orderRecords.get(number);
    if (!order) throw new AppError('not_found', `No order #${number}.`, { details: { number } });
    return order;
  }

  /**
   * The order if it belongs to this phone; undefined otherwise, exactly as for a number that does
   * not exist, so a caller or texter learns nothing about other people's orders.
   */
  async function ownedBy(number: number, phone: string): Promise<Order | undefined> {
    const order = await orderRecords.get(number);
    return order?.customer.phone === phone ? order : undefined;
  }

  /**
   * Applies one lifecycle action as a compare-and-set on the current status: of two concurrent
   * clicks, one wins and the other is refused as an invalid transition. Stock follows the order,
   * then the board: an order joins the board before the change and leaves it after its effects.
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
    if (!hasRoom(order, action)) historyFull(order, action);
    const at = new Date();
    const shipped = shipment(action, input, at);
    const entry: HistoryEntry = {
      at,
      action,
      from: order.status,
      to,
      ...actor,
      ...(input.note ? { note: input.note } : {}),
    };
    const { stock: effect, issues } = ACTIONS[action];
    const set: Record<string, unknown> = { status: to };
    if (effect) set.inventory = INVENTORY_AFTER[effect];
    if (shipped) set.shipment = shipped;
    const version = order.history.length + 1;
    // What the move calls for (Slack, the customer's text), recorded in the move's own write.
    const effects = transitionEffects(to, version);
    const after = { status: to, inventory: order.inventory, effects: [...(order.effects ?? []), ...effects] };
    const joins = !belongsOnBoard(order) && belongsOnBoard(after);
    if (joins) await board.put(number, to, version);

    const updated = await orderRecords.transition(number, order.status, set, entry, effects, roomFor(action));
    if (!updated) {
      // Someone else moved it first (or filled its history): judge the action against it as it is
      // now; the retry's checks refuse it if it is still refused.
      const fresh = await get(number);
      if (nextStatus(fresh.status, action)) return applyAction(number, action, input, actor);
      refuse(fresh, action);
    }
    let result = updated;
    if (effect === 'release') await inventory.release(number, stockLines(result), result.createdAt);
    if (effect === 'commit') await inventory.commit(number, stockLines(result));
    // The credit note before the restock: until the restock is done the order stays on the board,
    // where the reconcile job finds a return whose credit note a crash kept from being issued.
    if (issues === 'credit-note') result = await invoices.ensureCreditNote(result);
    if (effect === 'restock') result = await finishRestock(result);
    if (issues === 'invoice') result = await invoices.ensureIssued(result);
    if (effect !== 'restock') await syncBoard(result);

    log.info(
      { order: number, action, from: order.status, to, by: actor.by, channel: actor.channel },
      'order moved',
    );
    events.emit('order.status_changed', { order: result, action, from: order.status, to });
    return result;
  }

  /** The order's board entry after a change: its new status, or gone once its work is done. */
  async function syncBoard(order: Order): Promise<void> {
    if (belongsOnBoard(order)) await board.put(order.number, order.status, order.history.length);
    else await board.remove(order.number, order.history.length);
  }

  /** Restock, record it on the order, then drop the marks; each step is safe to repeat. */
  async function finishRestock(order: Order): Promise<Order> {
    await inventory.restock(order.number, stockLines(order));
    const done = await orderRecords.markRestocked(order.number);
    await inventory.clearRestocked(
      order.number,
      order.items.map((i) => i.sku),
    );
    const result = done ?? order;
    await syncBoard(result);
    return result;
  }

  /**
   * A person takes the call back for a low rating (the first click wins): recorded on the order,
   * and the low-rating post is updated to say who. `taken` false: someone has it, or no low rating.
   */
  async function takeCallBack(number: number, by: string): Promise<{ taken: boolean; order: Order }> {
    const order = await get(number);
    if ((order.rating?.score ?? 5) > LOW_RATING || order.callBack) return { taken: false, order };
    await board.put(number, order.status, order.history.length);
    const taken = await orderRecords.takeCallBack(number, by, [ratingEffect()]);
    if (!taken) return { taken: false, order: await get(number) };
    log.info({ order: number, by }, 'call back taken for a low rating');
    events.emit('order.effects_added', { order: taken });
    return { taken: true, order: taken };
  }

  /**
   * The customer's 1–5 after delivery. Only a delivered order delivered within `withinMs`, and only
   * once: the conditional update makes a repeated or racing reply a no-op.
   */
  async function rateLatestDelivered(phone: string, score: number, withinMs: number): Promise<Order | null> {
    const since = Date.now() - withinMs;
    const recent = await lists.recentOf(phone, 5);
    const target = recent.find(
      (o) =>
        o.status === 'delivered' &&
        !o.rating?.score &&
        o.history.some((h) => h.action === 'deliver' && h.at.getTime() >= since),
    );
    if (!target) return null;
    // A low rating asks for a Slack post: the order is back on the board (where the delivery
    // sweep looks) before the effect is written, and leaves it once the post is out.
    if (score <= LOW_RATING) await board.put(target.number, target.status, target.history.length);
    const rated = await orderRecords.rate(target.number, score, score <= LOW_RATING ? [ratingEffect()] : []);
    if (rated) {
      log.info({ order: target.number, score }, 'order rated by the customer');
      if (rated.effects?.length) events.emit('order.effects_added', { order: rated });
    }
    return rated;
  }

  return {
    place: placement.place,
    get,
    /** Orders placed in [from, to), oldest first (the digest, cross-sell). */
    between: history.between,
    ownedBy,
    applyAction,
    list: lists.list,
    boardCards: lists.boardCards,
    recentOf: lists.recentOf,
    repairBoard: lists.repairBoard,
    finishRestock,
    rateLatestDelivered,
    takeCallBack,
  };
}

export type OrderService = ReturnType<typeof createOrderService>;
