import type { EventBus } from '../events.js';
import type { Delivery } from './service.js';

/**
 * This process's own changes are delivered at once. The event only says "look now": what is due is
 * on the order (or product) already, so a lost event (a crash) costs a sweep's delay, never the
 * message.
 */
export function routeEventsToDelivery(events: EventBus, delivery: Delivery): void {
  events.on('order.placed', ({ order }) => delivery.kick(order));
  events.on('order.status_changed', ({ order }) => delivery.kick(order));
  events.on('invoice.issued', ({ order }) => delivery.kick(order));
  events.on('order.effects_added', ({ order }) => delivery.kick(order));
  events.on('stock.low', ({ product }) => delivery.kickAlert(product.sku));
  events.on('call.effects_added', ({ call }) => delivery.kickCall(call.sid));
}
