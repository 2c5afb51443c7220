/**
 * The plain shapes the domain works with, as the repositories return them. Doors and jobs import
 * them from here: they never import the persistence layer (models/) itself.
 */

export type { Call, CallOutcome, CallStatus } from '../models/call-shape.js';
/** Twilio's call statuses in order, and a call's outcome from its record (pure, no database). */
export { CALL_STATUSES, outcomeOf } from '../models/call-shape.js';
export type { Customer, Language } from '../models/customer.js';
export type { Address, HistoryEntry, Order, OrderItem, SlackMessageRef } from '../models/order.js';
export type { OutboxEntry } from '../models/outbox.js';
export type { Product } from '../models/product.js';
export type { SmsUpdateKind } from '../models/sms-message.js';
export type { TaxDocument, TaxLine } from './invoices/document.js';
