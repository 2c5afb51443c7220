import type { OrderKey } from '../models/order-key.js';
import type { SmsMessage, SmsUpdateKind } from '../models/sms-message.js';
import type { Customer, Language } from '../src/customers/customer.js';
import type { Product, Reservation } from '../src/inventory/product.js';
import type { Channel, OrderAction, OrderStatus } from '../src/orders/lifecycle.js';
import type { HistoryEntry, Order, OrderItem } from '../src/orders/order.js';

/**
 * Deterministic shapes of the growth bench's data. Everything about an order is derived from its
 * number (a PRNG seeded with it), so products can carry the reservations of the open orders before
 * those orders are generated, and no batch needs to remember another.
 */

export const FIRST_NUMBER = 1001;
export const CURRENCY = 'USD';
export const CHANNEL_IDS = { approvals: 'CAPPROVALS1', fulfillment: 'CFULFILL01', inventory: 'CINVENTORY1' };
/** Enough that no bench order ever runs a product out (a low-stock alert would be a different bench). */
const ON_HAND = 10_000_000;
const HOUR = 3_600_000;

/** mulberry32: small, fast, good enough for shapes. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;

const FIRST = ['Dana', 'Noa', 'Avi', 'Maya', 'Omer', 'Tal', 'Lior', 'Yael', 'Sam', 'Alex', 'Jordan', 'Riley'];
const LAST = ['Levi', 'Cohen', 'Mizrahi', 'Peretz', 'Smith', 'Garcia', 'Nguyen', 'Khan', 'Brown', 'Rossi'];
const CARRIERS = ['UPS', 'FedEx', 'USPS', 'DHL'];
/** Where orders come from, weighted as a shop with a web store first. */
const CHANNEL_MIX: readonly Channel[] = [
  ...Array<Channel>(8).fill('web'),
  ...Array<Channel>(3).fill('marketplace'),
  ...Array<Channel>(2).fill('store'),
  ...Array<Channel>(2).fill('phone'),
  ...Array<Channel>(3).fill('sms'),
  'slack',
  'api',
];
const WITH_EXTERNAL_ID: readonly Channel[] = ['web', 'marketplace', 'store'];

/** Customer `i`'s phone: US 555 numbers (possible, never assigned), clear of the fake Twilio number. */
export const phoneOf = (i: number) => `+1555${2_000_000 + i}`;
export const nameOf = (i: number) =>
  `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
const languageOf = (i: number): Language | undefined => (i % 10 === 3 ? 'he' : undefined);

export const skuOf = (i: number) => `GROW-${String(i + 1).padStart(4, '0')}`;

/** Colours and things, in English and Hebrew: 15 × 20 products a customer can name ("2 blue mugs"). */
const COLOURS = [
  ['blue', 'כחול'],
  ['red', 'אדום'],
  ['green', 'ירוק'],
  ['black', 'שחור'],
  ['white', 'לבן'],
  ['yellow', 'צהוב'],
  ['pink', 'ורוד'],
  ['grey', 'אפור'],
  ['brown', 'חום'],
  ['orange', 'כתום'],
  ['purple', 'סגול'],
  ['gold', 'זהב'],
  ['silver', 'כסף'],
  ['navy', 'נייבי'],
  ['olive', 'זית'],
] as const;
const THINGS = [
  ['mug', 'ספל'],
  ['tote', 'תיק'],
  ['candle', 'נר'],
  ['spoon', 'כף'],
  ['bowl', 'קערה'],
  ['plate', 'צלחת'],
  ['cup', 'כוס'],
  ['jar', 'צנצנת'],
  ['vase', 'אגרטל'],
  ['towel', 'מגבת'],
  ['apron', 'סינר'],
  ['notebook', 'מחברת'],
  ['pen', 'עט'],
  ['tray', 'מגש'],
  ['hat', 'כובע'],
  ['sock', 'גרב'],
  ['pillow', 'כרית'],
  ['blanket', 'שמיכה'],
  ['basket', 'סל'],
  ['bottle', 'בקבוק'],
] as const;
const colourOf = (i: number) => COLOURS[i % COLOURS.length] ?? COLOURS[0];
const thingOf = (i: number) => THINGS[Math.floor(i / COLOURS.length) % THINGS.length] ?? THINGS[0];
/** Product `i`'s name ("Blue mug"), and what a customer texts for `n` of it ("2 blue mugs"). */
export const productNameOf = (i: number) => {
  const name = `${colourOf(i)[0]} ${thingOf(i)[0]}`;
  return name.charAt(0).toUpperCase() + name.slice(1);
};
export const saidOf = (i: number, n: number) =>
  n === 1 ? `a ${colourOf(i)[0]} ${thingOf(i)[0]}` : `${n} ${colourOf(i)[0]} ${thingOf(i)[0]}s`;
/** Its Hebrew alias ("ספל כחול"). */
const aliasOf = (i: number) => `${thingOf(i)[1]} ${colourOf(i)[1]}`;
export const priceOf = (i: number) => 500 + ((i * 7919) % 9500);

/** The items of order `number`: 1–3 distinct products, 1–3 of each. */
export function itemsOf(number: number, productCount: number): OrderItem[] {
  const rand = prng(number * 31 + 7);
  const lines = 1 + Math.floor(rand() * 3);
  const seen = new Set<number>();
  const items: OrderItem[] = [];
  while (items.length < lines) {
    const p = Math.floor(rand() * productCount);
    if (seen.has(p)) continue;
    seen.add(p);
    const quantity = 1 + Math.floor(rand() * 3);
    items.push({
      sku: skuOf(p),
      name: productNameOf(p),
      quantity,
      unitPrice: priceOf(p),
      lineTotal: quantity * priceOf(p),
    });
  }
  return items;
}

/** The catalogue, holding the reservations of `open` (number → items) as placement would have. */
export function products(
  count: number,
  open: Iterable<number>,
  at: Date,
): (Product & { reservations: Record<string, Reservation> })[] {
  const list = Array.from({ length: count }, (_, i) => ({
    sku: skuOf(i),
    name: productNameOf(i),
    aliases: [aliasOf(i)],
    price: priceOf(i),
    onHand: ON_HAND,
    reserved: 0,
    available: ON_HAND,
    lowStockThreshold: 5,
    lowStockAlerted: false,
    reservations: {} as Record<string, Reservation>,
    createdAt: at,
    updatedAt: at,
  }));
  const bySku = new Map(list.map((p) => [p.sku, p]));
  for (const number of open) {
    for (const item of itemsOf(number, count)) {
      const p = bySku.get(item.sku);
      if (!p) continue;
      p.reserved += item.quantity;
      p.available -= item.quantity;
      p.reservations[String(number)] = { qty: item.quantity, at };
    }
  }
  return list;
}

/** How far each status got: the actions of its history, in order. */
const PATHS: Record<string, OrderAction[]> = {
  pending_approval: [],
  approved: ['approve'],
  picking: ['approve', 'start_picking'],
  packed: ['approve', 'start_picking', 'pack'],
  delivered: ['approve', 'start_picking', 'pack', 'ship', 'deliver'],
  rejected: ['reject'],
  cancelled: ['cancel'],
  cancelled_late: ['approve', 'cancel'],
  returned: ['approve', 'start_picking', 'pack', 'ship', 'deliver', 'request_return', 'receive_return'],
};
const TO: Record<OrderAction, OrderStatus> = {
  approve: 'approved',
  reject: 'rejected',
  cancel: 'cancelled',
  start_picking: 'picking',
  pack: 'packed',
  ship: 'shipped',
  deliver: 'delivered',
  request_return: 'return_requested',
  receive_return: 'returned',
  reject_return: 'delivered',
};
const ACTOR: Partial<Record<OrderAction, { by: string; channel: HistoryEntry['channel'] }>> = {
  approve: { by: 'UAPPROVER1', channel: 'slack' },
  reject: { by: 'UAPPROVER1', channel: 'slack' },
  cancel: { by: 'UAPPROVER1', channel: 'slack' },
  start_picking: { by: 'UWAREHOUSE1', channel: 'slack' },
  pack: { by: 'UWAREHOUSE1', channel: 'slack' },
  ship: { by: 'UWAREHOUSE1', channel: 'slack' },
  deliver: { by: 'system', channel: 'system' },
  receive_return: { by: 'UWAREHOUSE1', channel: 'slack' },
};
/** A closed order's fate: mostly delivered, a few rejected, cancelled or returned. */
function closedPath(rand: () => number): string {
  const r = rand();
  if (r < 0.03) return 'rejected';
  if (r < 0.05) return 'cancelled';
  if (r < 0.07) return 'cancelled_late';
  if (r < 0.08) return 'returned';
  return 'delivered';
}
const INVENTORY: Record<string, Order['inventory']> = {
  rejected: 'released',
  cancelled: 'released',
  returned: 'restocked',
  delivered: 'committed',
};
const MESSAGE_KIND: Record<string, SmsUpdateKind | undefined> = {
  approved: 'approved',
  picking: 'approved',
  packed: 'approved',
  delivered: 'delivered',
  returned: 'delivered',
  rejected: 'rejected',
  cancelled: 'cancelled',
};

export interface Generated {
  order: Order;
  keys: OrderKey[];
  messages: SmsMessage[];
}

/**
 * Order `number` of customer `customer`, in `path` (a status, or one of the closed fates when
 * undefined), placed at `placedAt`. `invoice` numbers the invoice if the order got as far as packing.
 */
export function order(
  number: number,
  customer: number,
  productCount: number,
  placedAt: number,
  open: OrderStatus | undefined,
  nextInvoice: () => number,
): Generated {
  const rand = prng(number * 17 + 3);
  const path = open ?? closedPath(rand);
  const channel = pick(rand, CHANNEL_MIX);
  const phone = phoneOf(customer);
  const items = itemsOf(number, productCount);
  const externalId = WITH_EXTERNAL_ID.includes(channel) ? `${channel.toUpperCase()}-${number}` : undefined;
  const placedBy =
    channel === 'sms' ? phone : channel === 'phone' || channel === 'slack' ? 'UAGENT01' : 'shop';
  let at = placedAt;
  let status: OrderStatus = 'pending_approval';
  const history: HistoryEntry[] = [
    { at: new Date(at), action: 'place', from: null, to: status, by: placedBy, channel },
  ];
  for (const action of PATHS[path] ?? []) {
    at += HOUR * (0.2 + rand() * 20);
    const to = TO[action];
    history.push({
      at: new Date(at),
      action,
      from: status,
      to,
      ...(ACTOR[action] ?? { by: phone, channel: 'sms' }),
    });
    status = to;
  }
  const reached = (action: OrderAction) => history.some((h) => h.action === action);
  const ts = (slot: number) =>
    `${Math.floor(placedAt / 1000)}.${String(number % 100_000).padStart(5, '0')}${slot}`;
  const value: Order = {
    number,
    channel,
    ...(externalId ? { externalId, idempotencyKey: `${channel}:${externalId}` } : {}),
    customer: {
      name: nameOf(customer),
      phone,
      ...(languageOf(customer) ? { language: languageOf(customer) } : {}),
    },
    items,
    total: items.reduce((s, i) => s + i.lineTotal, 0),
    currency: CURRENCY,
    status,
    shippingAddress: {
      line1: `${1 + (number % 400)} Main St`,
      city: 'Springfield',
      postalCode: '12345',
      country: 'US',
    },
    ...(reached('pack')
      ? { invoice: { number: nextInvoice(), issuedAt: history.find((h) => h.action === 'pack')?.at as Date } }
      : {}),
    ...(reached('ship')
      ? {
          shipment: {
            carrier: pick(rand, CARRIERS),
            trackingNumber: `1Z${number}${Math.floor(rand() * 1e6)}`,
            shippedAt: history.find((h) => h.action === 'ship')?.at as Date,
          },
        }
      : {}),
    ...(status === 'delivered' && rand() < 0.3
      ? { rating: { score: 1 + Math.floor(rand() * 5), at: new Date(at + HOUR) } }
      : {}),
    inventory: open ? 'reserved' : (INVENTORY[status] ?? 'committed'),
    history,
    slack: {
      approval: { channel: CHANNEL_IDS.approvals, ts: ts(1) },
      ...(reached('approve') ? { task: { channel: CHANNEL_IDS.fulfillment, ts: ts(2) } } : {}),
    },
    createdAt: new Date(placedAt),
    updatedAt: new Date(at),
  };
  const keys: OrderKey[] = value.idempotencyKey
    ? [{ key: value.idempotencyKey, token: 'seed', state: 'done', number, claimedAt: new Date(placedAt) }]
    : [];
  // About two texts an order: "placed" (not for SMS orders: the CONFIRM reply said it) and its last news.
  const kinds = [channel === 'sms' ? undefined : ('placed' as const), MESSAGE_KIND[status]].filter(
    (k): k is SmsUpdateKind => k !== undefined,
  );
  const messages = kinds.map((kind, i) => ({
    key: `${number}:${kind}`,
    orderNumber: number,
    kind,
    to: phone,
    body: `Order #${number}: ${kind}`,
    sid: `SM${number.toString(16).padStart(16, '0')}${i}${'0'.repeat(15)}`,
    status: 'delivered',
    attempts: 1,
    createdAt: history[i === 0 ? 0 : history.length - 1]?.at ?? new Date(placedAt),
    updatedAt: new Date(at),
  }));
  return { order: value, keys, messages };
}

/** A customer with their order numbers (ascending), as placement keeps them. */
export function customer(i: number, orders: number[], at: Date): Customer {
  const language = languageOf(i);
  return {
    phone: phoneOf(i),
    name: nameOf(i),
    ...(language ? { language } : {}),
    optedOut: false,
    orders,
    createdAt: at,
    updatedAt: at,
  };
}
