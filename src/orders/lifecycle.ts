/** The order lifecycle (README, "Order lifecycle"), as data: status → action → next status. */

export const ORDER_STATUSES = [
  'pending_approval',
  'approved',
  'picking',
  'packed',
  'shipped',
  'delivered',
  'return_requested',
  'rejected',
  'cancelled',
  'returned',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_ACTIONS = [
  'approve',
  'reject',
  'cancel',
  'start_picking',
  'pack',
  'ship',
  'deliver',
  'request_return',
  'receive_return',
  'reject_return',
] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

export const TRANSITIONS: Readonly<Record<OrderStatus, Partial<Record<OrderAction, OrderStatus>>>> = {
  pending_approval: { approve: 'approved', reject: 'rejected', cancel: 'cancelled' },
  approved: { start_picking: 'picking', cancel: 'cancelled' },
  picking: { pack: 'packed', cancel: 'cancelled' },
  packed: { ship: 'shipped' },
  shipped: { deliver: 'delivered' },
  delivered: { request_return: 'return_requested' },
  return_requested: { receive_return: 'returned', reject_return: 'delivered' },
  rejected: {},
  cancelled: {},
  returned: {},
};

/** What an action does to the stock held for the order. */
export type StockEffect = 'release' | 'commit' | 'restock';
export const STOCK_EFFECTS: Partial<Record<OrderAction, StockEffect>> = {
  reject: 'release',
  cancel: 'release',
  ship: 'commit',
  receive_return: 'restock',
};

export const FINAL_STATUSES: readonly OrderStatus[] = ['rejected', 'cancelled', 'returned'];

/** Approved and not yet shipped: the fulfillment task's life (pick, pack, ship). */
export const FULFILLMENT_STATUSES = [
  'approved',
  'picking',
  'packed',
] as const satisfies readonly OrderStatus[];

/** Still on its way to the customer: from placement until it is delivered (what a caller asks about). */
export const OPEN_STATUSES = [
  'pending_approval',
  ...FULFILLMENT_STATUSES,
  'shipped',
] as const satisfies readonly OrderStatus[];

/** Statuses in which the order still holds a reservation. */
export const RESERVING_STATUSES: readonly OrderStatus[] = ['pending_approval', ...FULFILLMENT_STATUSES];

export const CHANNELS = ['web', 'marketplace', 'store', 'phone', 'sms', 'voice', 'slack', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

export function nextStatus(from: OrderStatus, action: OrderAction): OrderStatus | undefined {
  return TRANSITIONS[from][action];
}

export function allowedActions(from: OrderStatus): OrderAction[] {
  return Object.keys(TRANSITIONS[from]) as OrderAction[];
}
