/**
 * The order lifecycle (README, "Order lifecycle"), as data: each action's move and what it does to
 * stock and documents (`ACTIONS`), and what reaching each status causes (`STATUSES`).
 */

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

/** What an action does to the stock held for the order. */
export type StockEffect = 'release' | 'commit' | 'restock';

/** Where the order's stock stands: held, given back, sold, or coming back from a return. */
export type InventoryState = 'reserved' | 'released' | 'committed' | 'restocking' | 'restocked';

/** The customer's texts about an order: one per step they hear of, and the follow-up asking for a rating. */
export const CUSTOMER_TEXTS = [
  'placed',
  'approved',
  'shipped',
  'delivered',
  'rejected',
  'cancelled',
  'follow_up',
] as const;
export type CustomerText = (typeof CUSTOMER_TEXTS)[number];

/** The job that asks a customer for a rating, FOLLOW_UP_DELAY after delivery. */
export const FOLLOW_UP_JOB = 'follow-up';
/** The timed work a move can ask for. */
export type JobName = typeof FOLLOW_UP_JOB;

/** A document issued with a move, numbered in its own gapless series. */
export type OrderDocument = 'invoice' | 'credit-note';

/** Named sets of statuses, for the questions asked of many orders at once. */
export type StatusGroup = 'open' | 'fulfillment' | 'reserving' | 'board' | 'invoiced' | 'final';

/**
 * What each action causes, in one place: the status it moves from and to, what it does to the
 * stock held for the order, and the document it issues. An action missing here fails to compile.
 */
export const ACTIONS: {
  readonly [A in OrderAction]: {
    from: readonly OrderStatus[];
    to: OrderStatus;
    stock?: StockEffect;
    issues?: OrderDocument;
  };
} = {
  approve: { from: ['pending_approval'], to: 'approved' },
  reject: { from: ['pending_approval'], to: 'rejected', stock: 'release' },
  cancel: { from: ['pending_approval', 'approved', 'picking'], to: 'cancelled', stock: 'release' },
  start_picking: { from: ['approved'], to: 'picking' },
  pack: { from: ['picking'], to: 'packed', issues: 'invoice' },
  ship: { from: ['packed'], to: 'shipped', stock: 'commit' },
  deliver: { from: ['shipped'], to: 'delivered' },
  request_return: { from: ['delivered'], to: 'return_requested' },
  receive_return: { from: ['return_requested'], to: 'returned', stock: 'restock', issues: 'credit-note' },
  reject_return: { from: ['return_requested'], to: 'delivered' },
};

/**
 * What reaching each status causes, in one place: the customer's text, the timed work, and the
 * groups it belongs to. A status missing here fails to compile. Every move also brings the order's
 * Slack messages up to date (src/delivery/effects.ts).
 */
export const STATUSES: {
  readonly [S in OrderStatus]: {
    text?: CustomerText;
    jobs?: readonly JobName[];
    groups: readonly StatusGroup[];
  };
} = {
  // Its text, "placed", is the placement's own (src/delivery/effects.ts `placementEffects`).
  pending_approval: { groups: ['open', 'reserving', 'board'] },
  approved: { text: 'approved', groups: ['open', 'fulfillment', 'reserving', 'board'] },
  picking: { groups: ['open', 'fulfillment', 'reserving', 'board'] },
  packed: { groups: ['open', 'fulfillment', 'reserving', 'board', 'invoiced'] },
  shipped: { text: 'shipped', groups: ['open', 'invoiced'] },
  delivered: { text: 'delivered', jobs: [FOLLOW_UP_JOB], groups: ['invoiced'] },
  return_requested: { groups: ['board', 'invoiced'] },
  rejected: { text: 'rejected', groups: ['final'] },
  cancelled: { text: 'cancelled', groups: ['final'] },
  returned: { groups: ['invoiced', 'final'] },
};

/** The inventory state an order's stock effect leaves it in. */
export const INVENTORY_AFTER: { readonly [E in StockEffect]: InventoryState } = {
  release: 'released',
  commit: 'committed',
  restock: 'restocking',
};

/** The statuses of a group, in the lifecycle's order. */
export const statusesIn = (group: StatusGroup): readonly OrderStatus[] =>
  ORDER_STATUSES.filter((s) => STATUSES[s].groups.includes(group));

/** status → action → next status, as read from `ACTIONS`. */
export const TRANSITIONS: Readonly<Record<OrderStatus, Partial<Record<OrderAction, OrderStatus>>>> =
  Object.fromEntries(
    ORDER_STATUSES.map((status) => [
      status,
      Object.fromEntries(
        ORDER_ACTIONS.filter((a) => ACTIONS[a].from.includes(status)).map((a) => [a, ACTIONS[a].to]),
      ),
    ]),
  ) as Record<OrderStatus, Partial<Record<OrderAction, OrderStatus>>>;

export const FINAL_STATUSES = statusesIn('final');

/** Approved and not yet shipped: the fulfillment task's life (pick, pack, ship). */
export const FULFILLMENT_STATUSES = statusesIn('fulfillment');

/** Still on its way to the customer: from placement until it is delivered (what a caller asks about). */
export const OPEN_STATUSES = statusesIn('open');

/** Statuses in which the order still holds a reservation. */
export const RESERVING_STATUSES = statusesIn('reserving');

/**
 * Statuses in which people still have work on an order: these orders are on the order board
 * (models/order-board.ts), which the daily lists read instead of the whole order collection.
 */
export const BOARD_STATUSES = statusesIn('board');

/** Packed or later, short of a rejection or cancellation: the order has its invoice. */
export const INVOICED_STATUSES = statusesIn('invoiced');

export const CHANNELS = ['web', 'marketplace', 'store', 'phone', 'sms', 'voice', 'slack', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

export function nextStatus(from: OrderStatus, action: OrderAction): OrderStatus | undefined {
  return TRANSITIONS[from][action];
}

export function allowedActions(from: OrderStatus): OrderAction[] {
  return Object.keys(TRANSITIONS[from]) as OrderAction[];
}
