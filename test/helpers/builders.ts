import { randomBytes } from 'node:crypto';
import type { TestApp } from './app.js';

/** Small data builders: each test makes exactly the data it talks about. */

export const uniqueSku = (prefix = 'SKU') => `${prefix}-${randomBytes(3).toString('hex').toUpperCase()}`;

let phoneSeq = 0;
export const uniquePhone = () =>
  `+1555${String(Date.now() % 1000).padStart(3, '0')}${String(phoneSeq++ % 10000).padStart(4, '0')}`;

export async function createProduct(
  app: TestApp,
  overrides: Partial<{
    sku: string;
    name: string;
    price: number;
    onHand: number;
    lowStockThreshold: number;
    leadTimeDays: number;
  }> = {},
) {
  const body = {
    sku: uniqueSku(),
    name: 'Test product',
    price: 1000,
    onHand: 10,
    lowStockThreshold: 0,
    ...overrides,
  };
  const res = await app.api('POST', '/api/v1/products', body);
  if (res.status !== 201) throw new Error(`createProduct: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export function orderBody(
  items: { sku: string; quantity: number }[],
  overrides: Record<string, unknown> = {},
) {
  return {
    channel: 'web',
    customer: { name: 'Dana Levi', phone: uniquePhone() },
    items,
    ...overrides,
  };
}

export async function placeOrder(app: TestApp, items: { sku: string; quantity: number }[], overrides = {}) {
  const res = await app.api('POST', '/api/v1/orders', orderBody(items, overrides));
  if (res.status !== 201) throw new Error(`placeOrder: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function act(app: TestApp, number: number, action: string, extra: Record<string, unknown> = {}) {
  return app.api('POST', `/api/v1/orders/${number}/actions`, { action, ...extra });
}

/** Walks an order through the given actions, failing loudly on any refusal. */
export async function walk(app: TestApp, number: number, actions: string[]) {
  let last: any;
  for (const action of actions) {
    const extra = action === 'ship' ? { carrier: 'UPS', trackingNumber: '1Z999AA10123456784' } : {};
    const res = await act(app, number, action, extra);
    if (res.status !== 200)
      throw new Error(`${action} on #${number}: ${res.status} ${JSON.stringify(res.body)}`);
    last = res.body;
  }
  return last;
}

/**
 * Delivers every effect due (Slack posts, customer texts) and waits until none is left: what the
 * background delivery does by itself in an app started with `{ jobs: true }`.
 */
export async function deliverAll(app: TestApp) {
  await app.deps.delivery.sweep({ products: true });
  await app.deps.delivery.idle();
}
