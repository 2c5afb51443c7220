import type { QueryFilter } from 'mongoose';
import type { Channel, OrderStatus } from '../src/orders/lifecycle.js';
import type { OrderDoc } from './order-shape.js';

/** The filters a list may add to a lookup of orders by number (`orders.getMany`, `orders.walk`). */
export interface OrderQuery {
  statuses?: readonly OrderStatus[];
  channel?: Channel;
  phone?: string;
  /** Case-insensitive text found in the customer's name, phone digits, order number or externalId. */
  q?: string;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function queryFilter(query: OrderQuery): QueryFilter<OrderDoc> {
  const filter: QueryFilter<OrderDoc> = {};
  if (query.statuses) filter.status = { $in: [...query.statuses] };
  if (query.channel) filter.channel = query.channel;
  if (query.phone) filter['customer.phone'] = query.phone;
  if (query.q) {
    const q = query.q.trim();
    const or: QueryFilter<OrderDoc>[] = [{ 'customer.name': { $regex: escapeRegex(q), $options: 'i' } }];
    const digits = q.replace(/[^\d]/g, '');
    if (digits.length >= 3) or.push({ 'customer.phone': { $regex: escapeRegex(digits) } });
    if (/^#?\d+$/.test(q)) or.push({ _id: Number(q.replace('#', '')) });
    or.push({ externalId: q });
    filter.$or = or;
  }
  return filter;
}
