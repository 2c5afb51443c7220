import { EventEmitter } from 'node:events';
import type { Call } from './calls/call.js';
import type { Product } from './inventory/product.js';
import type { OrderAction, OrderStatus } from './orders/lifecycle.js';
import type { Order } from './orders/order.js';

/** Domain events. Services emit them after the database change; subscribers route the work. */
export interface DomainEvents {
  'order.placed': { order: Order };
  'order.status_changed': { order: Order; action: OrderAction; from: OrderStatus; to: OrderStatus };
  'invoice.issued': { order: Order };
  /** Any other change that recorded effects on the order (a low rating, a reminder, a call back). */
  'order.effects_added': { order: Order };
  'stock.low': { product: Product };
  /** A product was added, or its name or aliases changed: what customers' words are read against. */
  'catalogue.changed': { sku: string };
  /** A change to a call that recorded Slack messages on it (a screen pop, a voicemail post). */
  'call.effects_added': { call: Call };
}

export type EventName = keyof DomainEvents;
type Listener<K extends EventName> = (payload: DomainEvents[K]) => void | Promise<void>;

export interface EventBus {
  emit<K extends EventName>(name: K, payload: DomainEvents[K]): void;
  on<K extends EventName>(name: K, listener: Listener<K>): void;
}

/**
 * In-process, fire-and-forget. A subscriber's failure is reported to `onError` and never reaches
 * the service that emitted: the database change has already happened. Work that must not be lost
 * is turned into a durable job by its subscriber.
 */
export function createEventBus(onError: (err: unknown, event: EventName) => void): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(50);
  return {
    emit(name, payload) {
      for (const listener of emitter.listeners(name)) {
        Promise.resolve()
          .then(() => (listener as Listener<typeof name>)(payload))
          .catch((err) => onError(err, name));
      }
    },
    on(name, listener) {
      emitter.on(name, listener);
    },
  };
}
