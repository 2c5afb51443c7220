import type { CountryCode } from 'libphonenumber-js';
import { Types } from 'mongoose';
import { nextSequence } from '../../models/counter.js';
import type { Models } from '../../models/index.js';
import type { Order, OrderItem } from '../../models/order.js';
import type { Product } from '../../models/product.js';
import { toE164 } from '../customers/phone.js';
import type { CustomerService } from '../customers/service.js';
import { AppError, isDuplicateKey } from '../errors.js';
import type { EventBus } from '../events.js';
import type { InventoryService } from '../inventory/service.js';
import type { Logger } from '../logger.js';
import type { Actor, PlaceOrderCommand } from './types.js';

export const FIRST_ORDER_NUMBER = 1001;
/** A claim older than this with no order behind it belongs to a crashed placement. */
const STALE_CLAIM_MS = 60_000;
const REPLAY_WAIT_MS = 15_000;

export interface PlacementDeps {
  models: Models;
  events: EventBus;
  log: Logger;
  inventory: InventoryService;
  customers: CustomerService;
  currency: string;
  defaultCountry: CountryCode;
}

export interface PlaceResult {
  order: Order;
  /** False when channel + externalId named an order that already existed. */
  created: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Places an order: reserve every line or nothing, number it, store it, announce it.
 *
 * Idempotency on channel + externalId without a transaction: the first request claims the key by
 * inserting it into a unique index (`processed_requests`); a concurrent replay finds the claim and
 * waits for that order instead of reserving stock a second time. The order's own unique
 * `idempotencyKey` is the last guard.
 */
export function createPlacement(deps: PlacementDeps) {
  const { models, events, log, inventory, customers } = deps;
  const { Order, ProcessedRequest, Product, Counter } = models;

  async function priceLines(items: PlaceOrderCommand['items']): Promise<OrderItem[]> {
    const merged = new Map<string, number>();
    for (const item of items) merged.set(item.sku, (merged.get(item.sku) ?? 0) + item.quantity);
    const products = await Product.find({ sku: { $in: [...merged.keys()] } }, { reservations: 0 }).lean<
      Product[]
    >();
    const bySku = new Map(products.map((p) => [p.sku, p]));
    const unknown = [...merged.keys()].filter((sku) => !bySku.has(sku));
    if (unknown.length > 0) {
      throw new AppError('validation_error', `Unknown SKU: ${unknown.join(', ')}.`, {
        details: unknown.map((sku) => ({ path: 'items', message: `unknown SKU ${sku}`, sku })),
      });
    }
    return [...merged].map(([sku, quantity]) => {
      const product = bySku.get(sku) as Product;
      return {
        sku,
        name: product.name,
        quantity,
        unitPrice: product.price,
        lineTotal: product.price * quantity,
      };
    });
  }

  /** Claims the key, or returns the order of whoever claimed it first. */
  async function claim(
    key: string,
    idempotencyKey: string,
    orderId: Types.ObjectId,
  ): Promise<Order | 'claimed'> {
    const deadline = Date.now() + REPLAY_WAIT_MS;
    while (Date.now() < deadline) {
      try {
        await ProcessedRequest.create({ key, ref: orderId.toHexString(), state: 'claimed' });
        return 'claimed';
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const existing = await Order.findOne({ idempotencyKey }).lean<Order>();
      if (existing) return existing;
      const other = await ProcessedRequest.findOne({ key }).lean();
      if (other && other.state === 'claimed' && Date.now() - other.claimedAt.getTime() > STALE_CLAIM_MS) {
        // Its placement crashed before storing the order: take the claim over (compare-and-set).
        const taken = await ProcessedRequest.findOneAndUpdate(
          { key, ref: other.ref, state: 'claimed' },
          { $set: { ref: orderId.toHexString(), claimedAt: new Date() } },
        );
        if (taken) return 'claimed';
      }
      await sleep(50);
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
    const idempotencyKey = cmd.externalId ? `${cmd.channel}:${cmd.externalId}` : undefined;
    if (idempotencyKey) {
      const existing = await Order.findOne({ idempotencyKey }).lean<Order>();
      if (existing) return { order: existing, created: false };
    }
    const items = await priceLines(cmd.items);
    const orderId = new Types.ObjectId();
    const claimKey = idempotencyKey && `order:${idempotencyKey}`;
    if (claimKey) {
      const claimed = await claim(claimKey, idempotencyKey as string, orderId);
      if (claimed !== 'claimed') return { order: claimed, created: false };
    }

    const lines = items.map((i) => ({ sku: i.sku, quantity: i.quantity }));
    try {
      await inventory.reserve(orderId.toHexString(), lines);
    } catch (err) {
      if (claimKey) await ProcessedRequest.deleteOne({ key: claimKey, ref: orderId.toHexString() });
      throw err;
    }

    let order: Order;
    try {
      const customer = await customers.upsertByPhone({ ...cmd.customer, phone });
      const number = await nextSequence(Counter, 'order', FIRST_ORDER_NUMBER - 1);
      const now = new Date();
      const doc = await Order.create({
        _id: orderId,
        number,
        channel: cmd.channel,
        ...(cmd.externalId ? { externalId: cmd.externalId, idempotencyKey } : {}),
        customerId: customer._id,
        customer: { ...cmd.customer, phone },
        items,
        total: items.reduce((sum, i) => sum + i.lineTotal, 0),
        currency: deps.currency,
        status: 'pending_approval',
        shippingAddress: cmd.shippingAddress,
        notes: cmd.notes,
        inventory: 'reserved',
        history: [{ at: now, action: 'place', from: null, to: 'pending_approval', ...actor }],
      });
      order = doc.toObject() as Order;
    } catch (err) {
      // Nothing half-written: the stock goes back before the error is reported.
      await inventory.release(orderId.toHexString(), lines);
      if (claimKey) await ProcessedRequest.deleteOne({ key: claimKey, ref: orderId.toHexString() });
      if (isDuplicateKey(err) && idempotencyKey) {
        const existing = await Order.findOne({ idempotencyKey }).lean<Order>();
        if (existing) return { order: existing, created: false };
      }
      throw err;
    }
    if (claimKey) await ProcessedRequest.updateOne({ key: claimKey }, { $set: { state: 'done' } });
    log.info(
      { order: order.number, channel: order.channel, total: order.total, by: actor.by },
      'order placed',
    );
    events.emit('order.placed', { order });
    return { order, created: true };
  }

  return { place };
}
