/**
 * Every action_id, callback_id and block_id Orderly's Slack surfaces use: the builders put them in,
 * the listeners match on them. A button's `value` carries the order number (re-validated on click).
 */
export const ACTIONS = {
  approve: 'order_approve',
  reject: 'order_reject',
  startPicking: 'order_start_picking',
  pack: 'order_pack',
  ship: 'order_ship',
  /** On a call screen pop: opens the phone-order modal for the caller. */
  logPhoneOrder: 'log_phone_order',
  /** On a call screen pop: a link to the caller's page in the console (Slack still reports the click). */
  openConsole: 'open_console',
  /** On App Home: opens the phone-order modal. */
  newOrder: 'new_order',
  /** On a low-rating post: the clicker takes the call back. */
  callBack: 'order_call_back',
} as const;

export const VIEWS = {
  phoneOrder: 'phone_order_view',
  ship: 'ship_order_view',
  reject: 'reject_order_view',
} as const;

/** Input blocks of the modals. Each input's action_id is the same string as its block_id. */
export const INPUTS = {
  customerName: 'customer_name',
  customerPhone: 'customer_phone',
  items: 'items',
  addressLine1: 'address_line1',
  addressLine2: 'address_line2',
  city: 'city',
  region: 'region',
  postalCode: 'postal_code',
  country: 'country',
  notes: 'notes',
  channel: 'channel',
  /** The phone-order form's product rows: a product picker and its quantity (`ITEM_ROWS`). */
  product1: 'item_product_1',
  quantity1: 'item_quantity_1',
  product2: 'item_product_2',
  quantity2: 'item_quantity_2',
  product3: 'item_product_3',
  quantity3: 'item_quantity_3',
  carrier: 'carrier',
  trackingNumber: 'tracking_number',
  reason: 'reason',
} as const;

/** Channels an agent may log an order under from the modal (phone, store, slack). */
export const MODAL_CHANNELS = ['phone', 'store', 'slack'] as const;
export type ModalChannel = (typeof MODAL_CHANNELS)[number];

/**
 * The phone-order form's product rows, top to bottom. Each picker's options come from the catalogue
 * as the agent types (a Slack `block_suggestion` to the picker's action_id).
 */
export const ITEM_ROWS = [
  { product: INPUTS.product1, quantity: INPUTS.quantity1 },
  { product: INPUTS.product2, quantity: INPUTS.quantity2 },
  { product: INPUTS.product3, quantity: INPUTS.quantity3 },
] as const;
