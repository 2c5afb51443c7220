import { randomUUID } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
import type { CounterRepository } from '../../models/counter.js';
import type { CustomerRepository } from '../../models/customer.js';
import type { OrderRepository } from '../../models/order.js';
import type { OrderBoardRepository } from '../../models/order-board.js';
import type { OrderKeyRepository } from '../../models/order-key.js';
import { toE164 } from '../customers/phone.js';
import { placementEffects } from '../delivery/effects.js';
import { AppError, isDuplicateKey } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Product } from '../inventory/product.js';
import type { InventoryService, StockLine } from '../inventory/service.js';
import type { Logger } from '../logger.js';
import type { Order, OrderItem } from './order.js';
import { type Actor, ORDER_LIMITS, type PlaceOrderCommand } from './types.js';

export const FIRST_ORDER_NUMBER = 1001;
/** A claim older than this with no order behind it belongs to a crashed placement. */
const STALE_CLAIM_MS = 60_000;
const REPLAY_WAIT_MS = 15_000;

export interface PlacementDeps {
  orderRecords: OrderRepository;
  orderKeys: OrderKeyRepository;
  board: OrderBoardRepository;
  counters: CounterRepository;
  customers: CustomerRepository;
  inventory: InventoryService;
  events: EventBus;
  log: Logger;
  currency: string;
  defaultCountry: CountryCode;
}

export interface PlaceResult {
  order: Order;
  /** False when channel + externalId named an order that already existed. */
  created: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function mergeLines(items: PlaceOrderCommand['items']): StockLine[] {
  const merged = new Map<string, number>();
  for (const item of items) merged.set(item.sku, (merged.get(item.sku) ?? 0) + item.quantity);
  return [...merged].map(([sku, quantity]) => ({ sku, quantity }));
}

/** The domain's bounds (`ORDER_LIMITS`), whichever door the order came through. */
function withinLimits(lines: StockLine[]): StockLine[] {
  const refuse = (message: string, path: string) => {
    throw new AppError('validation_error', message, { details: [{ path, message }] });
  };
  if (lines.length === 0 || lines.length > ORDER_LIMITS.lines)
    refuse(`An order has 1 to ${ORDER_LIMITS.lines} products, not ${lines.length}.`, 'items');
  for (const { sku, quantity } of lines) {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > ORDER_LIMITS.quantityPerLine)
      refuse(`${sku}: the quantity must be 1 to ${ORDER_LIMITS.quantityPerLine}, not ${quantity}.`, 'items');
  }
  return lines;
}

const priced = (lines: StockLine[], products: Map<string, Product>): OrderItem[] =>
  lines.map(({ sku, quantity }) => {
    const product = products.get(sku) as Product;
    return {
      sku,
      name: product.name,
      quantity,
      unitPrice: product.price,
      lineTotal: product.price * quantity,
    };
  });

/**
 * Places an order: check, number, reserve every line or nothing, store, announce. Each step is
 * one write by key, so placing costs the same however many orders exist.
 *
 * Idempotency on channel + externalId without a transaction: the first request claims the key by
 * inserting it into `order_keys` (unique `_id`); a concurrent replay finds the claim and waits for
 * that order instead of reserving stock a second time. The order's own unique `idempotencyKey`
 * is the last guard.
 */
export function createPlacement(deps: PlacementDeps) {
  const { orderRecords, orderKeys, board, counters, customers, inventory, events, log } = deps;

  const existing = async (key: string): Promise<Order | null> => {
    const claim = await orderKeys.get(key);
    return claim?.state === 'done' && claim.number !== undefined ? orderRecords.get(claim.number) : null;
  };

  /** Claims the key, or returns the order of whoever claimed it first. */
  async function claim(key: string, token: string): Promise<Order | 'claimed'> {
    const deadline = Date.now() + REPLAY_WAIT_MS;
    while (Date.now() < deadline) {
      if (await orderKeys.claim(key, token)) return 'claimed';
      const other = await orderKeys.get(key);
      if (other?.state === 'done' && other.number !== undefined) {
        const order = await orderRecords.get(other.number);
        if (order) return order;
      }
      // Its placement crashed before storing the order: take the claim over (compare-and-set).
      const stale = other?.state === 'claimed' && Date.now() - other.claimedAt.getTime() > STALE_CLAIM_MS;
      if (stale && (await orderKeys.takeOver(key, other.token, token))) return 'claimed';
      if (other) await sleep(50);
    }
    throw new AppError('conflict', 'The same order is still being placed by another request; retry shortly.');
  }

  async function place(cmd: PlaceOrderCommand, actor: Actor): Promise<PlaceResult> {
    const phone = toE164(cmd.customer.phone, deps.defaultCountry);
    if (!phone) {
      throw new AppError('validation_error', `Not a valid phone number: ${cmd.customer.phone}.`, {
        details: [{ path: 'customer.phone', message: 'not a valid phone number' }],
      });
    }
    const lines = withinLimits(mergeLines(cmd.items));
    const key = cmd.externalId ? `${cmd.channel}:${cmd.externalId}` : undefined;
    if (key) {
      const found = await existing(key);
      if (found) return { order: found, created: false };
    }
    // Unknown SKUs and short lines are refused before a number is spent on the order.
    const seen = await inventory.check(lines);
    const token = randomUUID();
    if (key) {
      const claimed = await claim(key, token);
      if (claimed !== 'claimed') return { order: claimed, created: false };
    }
    const giveBackClaim = async () => {
      if (key) await orderKeys.drop(key, token);
    };

    const number = await counters.next('order', FIRST_ORDER_NUMBER - 1);
    // The order's `createdAt`, and the instant its lines count as sold: one day for both.
    const placedAt = new Date();
    let products: Map<string, Product>;
    try {
      products = await inventory.reserve(number, lines, seen, placedAt);
    } catch (err) {
      log.info(
        { order: number, reason: (err as Error).message },
        'order number unused: stock taken meanwhile',
      );
      await giveBackClaim();
      throw err;
    }

    let order: Order;
    try {
      const items = priced(lines, products);
      // On the board before the order exists: every open order is always on it (see order-board.ts).
      await board.put(number, 'pending_approval', 1);
      const { phone: _, ...details } = { ...cmd.customer, phone };
      await customers.addOrder(phone, details, number);
      order = await orderRecords.insert({
        number,
        channel: cmd.channel,
        ...(cmd.externalId ? { externalId: cmd.externalId, idempotencyKey: key } : {}),
        customer: { ...cmd.customer, phone },
        items,
        total: items.reduce((sum, i) => sum + i.lineTotal, 0),
        currency: deps.currency,
        status: 'pending_approval',
        ...(cmd.shippingAddress ? { shippingAddress: cmd.shippingAddress } : {}),
        ...(cmd.notes ? { notes: cmd.notes } : {}),
        inventory: 'reserved',
        createdAt: placedAt,
        history: [{ at: new Date(), action: 'place', from: null, to: 'pending_approval', ...actor }],
        // Stored with the order itself: no window in which it exists and its messages are not due.
        effects: placementEffects(cmd.channel),
      });
    } catch (err) {
      // Nothing half-written: the stock goes back before the error is reported.
      await inventory.release(number, lines, placedAt);
      await customers.removeOrder(phone, number);
      await board.remove(number, 1);
      await giveBackClaim();
      if (isDuplicateKey(err) && key) {
        const found = (await existing(key)) ?? (await orderRecords.findByIdempotencyKey(key));
        if (found) return { order: found, created: false };
      }
      throw err;
    }
    if (key) await orderKeys.done(key, token, number);
    log.info(
      { order: order.number, channel: order.channel, total: order.total, by: actor.by },
      'order placed',
    );
    events.emit('order.placed', { order });
    return { order, created: true };
  }

  return { place };
}
