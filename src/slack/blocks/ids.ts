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
  carrier: 'carrier',
  trackingNumber: 'tracking_number',
  reason: 'reason',
} as const;

/** Channels an agent may log an order under from the modal (phone, store, slack). */
export const MODAL_CHANNELS = ['phone', 'store', 'slack'] as const;
export type ModalChannel = (typeof MODAL_CHANNELS)[number];
