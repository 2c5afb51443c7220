import type { Product } from '../../src/inventory/product.js';
import { ORDER_STATUSES, type OrderStatus } from '../../src/orders/lifecycle.js';
import type { HistoryEntry, Order } from '../../src/orders/order.js';
import { ORDER_LIMITS } from '../../src/orders/types.js';
import {
  ACTIONS,
  approvalMessage,
  escapeText,
  fulfillmentTask,
  homeView,
  INPUTS,
  ITEM_ROWS,
  LIMITS,
  lowStockAlert,
  orderCard,
  orderHelp,
  orderList,
  orderPlacedModal,
  phoneOrderModal,
  type RenderContext,
  rejectModal,
  shipModal,
  stockHelp,
  stockList,
  truncate,
  VIEWS,
  when,
  who,
} from '../../src/slack/blocks/index.js';
import { productOption } from '../../src/slack/blocks/modals.js';
import { buttons, walk } from '../helpers/blocks.js';

const ctx: RenderContext = { currency: 'USD', timezone: 'America/New_York' };
const at = new Date('2026-11-25T19:03:00Z');

function makeOrder(overrides: Partial<Order> = {}): Order {
  return {
    number: 1001,
    channel: 'web',
    customer: { name: 'Dana Levi', phone: '+15551234567' },
    items: [{ sku: 'SKU-1', name: 'Mug', quantity: 2, unitPrice: 1000, lineTotal: 2000 }],
    total: 2000,
    currency: 'USD',
    status: 'pending_approval',
    inventory: 'reserved',
    history: [step(null, 'pending_approval', 'api-web', 'api')],
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

function step(
  from: OrderStatus | null,
  to: OrderStatus,
  by = 'U1AB',
  channel: HistoryEntry['channel'] = 'slack',
  note?: string,
): HistoryEntry {
  return { at, action: to, from, to, by, channel, ...(note ? { note } : {}) };
}

function makeProduct(overrides: Partial<Product> = {}): Product {
  return {
    sku: 'SKU-1',
    name: 'Mug',
    price: 1000,
    onHand: 10,
    reserved: 8,
    available: 2,
    lowStockThreshold: 3,
    lowStockAlerted: false,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

function expectWithinLimits(out: { blocks: object[] }, maxBlocks: number): void {
  expect(out.blocks.length).toBeLessThanOrEqual(maxBlocks);
  walk(out, (o) => {
    if (o.type === 'section') {
      if (o.text) expect(o.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
      expect((o.fields ?? []).length).toBeLessThanOrEqual(LIMITS.fields);
      for (const f of o.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(LIMITS.fieldText);
    }
    if (o.type === 'header') expect(o.text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
    if (o.type === 'button') expect(o.text.text.length).toBeLessThanOrEqual(LIMITS.buttonText);
    if (o.type === 'context') {
      expect(o.elements.length).toBeLessThanOrEqual(LIMITS.contextElements);
      for (const e of o.elements) expect(e.text.length).toBeLessThanOrEqual(LIMITS.contextText);
    }
  });
}

const json = (out: unknown) => JSON.stringify(out);

describe('approval message', () => {
  test('while pending: Approve and Reject carry the order number', () => {
    const out = approvalMessage(makeOrder(), ctx);
    const found = buttons(out);
    expect(found.map((b) => [b.action_id, b.value, b.style])).toEqual([
      [ACTIONS.approve, '1001', 'primary'],
      [ACTIONS.reject, '1001', 'danger'],
    ]);
    expect(out.text).toBe('New order #1001 from Dana Levi: $20.00 (pending approval)');
    expect(json(out)).toContain('2 × Mug (SKU-1) — $20.00');
    expectWithinLimits(out, LIMITS.messageBlocks);
  });

  test('once decided: no buttons, the decider as a mention, with the reason', () => {
    const approved = makeOrder({
      status: 'approved',
      history: [
        step(null, 'pending_approval', 'api-web', 'api'),
        step('pending_approval', 'approved', 'U1AB'),
      ],
    });
    expect(buttons(approvalMessage(approved, ctx))).toEqual([]);
    expect(json(approvalMessage(approved, ctx))).toContain(
      `✅ Approved by <@U1AB> · ${when(at, ctx.timezone)}`,
    );

    const rejected = makeOrder({
      status: 'rejected',
      history: [step('pending_approval', 'rejected', 'W2ABC', 'slack', 'out of area')],
    });
    expect(json(approvalMessage(rejected, ctx))).toContain('❌ Rejected by <@W2ABC>');
    expect(json(approvalMessage(rejected, ctx))).toContain('reason: out of area');
  });

  test('customer text cannot ping or link', () => {
    const out = approvalMessage(
      makeOrder({
        customer: { name: '<!channel> <http://x|y>', phone: '+1' },
        notes: 'hi <!here> & @everyone',
      }),
      ctx,
    );
    const text = json(out);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<!here>');
    expect(text).not.toContain('<http');
    expect(text).not.toContain('@everyone');
    expect(text).toContain('&lt;!channel&gt;');
    expect(out.text).toContain('&lt;!channel&gt;');
  });
});

describe('fulfillment task', () => {
  test.each([
    ['approved', ACTIONS.startPicking, 'Start picking'],
    ['picking', ACTIONS.pack, 'Packed'],
    ['packed', ACTIONS.ship, 'Shipped'],
  ] as const)('%s → %s', (status, actionId, label) => {
    const found = buttons(fulfillmentTask(makeOrder({ status }), ctx, {}));
    expect(found.map((b) => [b.action_id, b.value, b.text.text])).toEqual([[actionId, '1001', label]]);
  });

  test('shipped: no button, carrier and tracking shown', () => {
    const order = makeOrder({
      status: 'shipped',
      shipment: { carrier: 'UPS', trackingNumber: '1Z999', shippedAt: at },
    });
    const out = fulfillmentTask(order, ctx, {});
    expect(buttons(out)).toEqual([]);
    expect(json(out)).toContain('UPS');
    expect(json(out)).toContain('1Z999');
  });

  test('invoice link only with both an invoice and a URL', () => {
    const invoice = { number: 7, issuedAt: at };
    const url = 'https://desk.example/invoices/1001?t=a&b';
    expect(
      json(fulfillmentTask(makeOrder({ status: 'packed', invoice }), ctx, { invoiceUrl: url })),
    ).toContain('<https://desk.example/invoices/1001?t=a&amp;b|Invoice #7>');
    expect(json(fulfillmentTask(makeOrder({ status: 'packed', invoice }), ctx, {}))).not.toContain(
      'Invoice #',
    );
    expect(json(fulfillmentTask(makeOrder({ status: 'packed' }), ctx, { invoiceUrl: url }))).not.toContain(
      'Invoice #',
    );
  });

  test('cancelled: who and why', () => {
    const order = makeOrder({
      status: 'cancelled',
      history: [step('approved', 'cancelled', 'U9XYZ', 'slack', 'customer changed mind')],
    });
    const out = fulfillmentTask(order, ctx);
    expect(buttons(out)).toEqual([]);
    expect(json(out)).toContain('🚫 Cancelled by <@U9XYZ>');
    expect(json(out)).toContain('customer changed mind');
  });
});

test('an order with 200 long items stays within every Slack limit', () => {
  const items = Array.from({ length: 200 }, (_, i) => ({
    sku: `SKU-${i}`,
    name: `Product with a rather long descriptive name number ${i} ${'x'.repeat(i)}`,
    quantity: 1,
    unitPrice: 100,
    lineTotal: 100,
  }));
  const history = Array.from({ length: 40 }, () =>
    step('approved', 'picking', 'U1AB', 'slack', 'n'.repeat(400)),
  );
  const order = makeOrder({ items, notes: '<'.repeat(5000), history });
  for (const out of [approvalMessage(order, ctx), fulfillmentTask(order, ctx), orderCard(order, ctx)]) {
    expectWithinLimits(out, LIMITS.messageBlocks);
    expect(json(out)).toMatch(/…and \d+ more item lines/);
  }
});

test('order card shows the essentials and at most 15 history lines', () => {
  const history = Array.from({ length: 20 }, (_, i) =>
    step('approved', 'picking', 'U1AB', 'slack', `step ${i}`),
  );
  const order = makeOrder({
    status: 'shipped',
    shipment: { carrier: 'DHL', trackingNumber: 'T-1', shippedAt: at },
    invoice: { number: 42, issuedAt: at },
    rating: { score: 4, at },
    history,
  });
  const text = json(orderCard(order, ctx));
  for (const s of [
    '🚚 Shipped',
    'Dana Levi',
    '+15551234567',
    '$20.00',
    'DHL',
    'T-1',
    '#42',
    '4/5',
    'step 19',
  ])
    expect(text).toContain(s);
  expect(text).not.toContain('step 4"');
  expect(text).not.toContain('step 4\\n');
});

test('order list: empty, and capped at 25 with a count of the rest', () => {
  expect(json(orderList([], 'Orders', ctx))).toContain('No orders found.');
  const orders = Array.from({ length: 30 }, (_, i) => makeOrder({ number: 2000 + i }));
  const out = orderList(orders, 'Pending', ctx);
  expect(json(out)).toContain('*#2024* · ⏳ Pending approval · Dana Levi · $20.00');
  expect(json(out)).not.toContain('#2025');
  expect(json(out)).toContain('…and 5 more');
  expectWithinLimits(out, LIMITS.messageBlocks);
});

describe('modals', () => {
  test('ship modal title fits 24 characters for a 7-digit order', () => {
    const view = shipModal({ number: 1234567, customer: { name: 'Dana', phone: '+1' } }, 'meta');
    expect((view.title as any).text.length).toBeLessThanOrEqual(LIMITS.modalTitle);
    expect((view.title as any).text).toContain('1234567');
    expect(view).toMatchObject({ type: 'modal', callback_id: VIEWS.ship, private_metadata: 'meta' });
    const ids = view.blocks.map((b: any) => [b.block_id, b.element?.action_id]).filter(([id]) => id);
    expect(ids).toEqual([
      [INPUTS.carrier, INPUTS.carrier],
      [INPUTS.trackingNumber, INPUTS.trackingNumber],
    ]);
  });

  test('reject modal asks for a required reason', () => {
    const view = rejectModal({ number: 99999999999, customer: { name: 'Dana', phone: '+1' } }, 'm');
    expect((view.title as any).text.length).toBeLessThanOrEqual(LIMITS.modalTitle);
    const input = view.blocks.find((b: any) => b.block_id === INPUTS.reason) as any;
    expect(input.optional).toBeUndefined();
    expect(input.element).toMatchObject({ action_id: INPUTS.reason, multiline: true });
  });

  test('phone order modal has every order input and the prefill', () => {
    const view = phoneOrderModal({
      prefill: { name: 'Dana', phone: '+15551234567' },
      privateMetadata: 'call-1',
    });
    expect(view).toMatchObject({ type: 'modal', callback_id: VIEWS.phoneOrder, private_metadata: 'call-1' });
    const inputs: Record<string, any> = Object.fromEntries(
      view.blocks.filter((b: any) => b.type === 'input').map((b: any) => [b.block_id, b]),
    );
    const orderInputs = Object.values(INPUTS).filter(
      (id) => ![INPUTS.carrier, INPUTS.trackingNumber, INPUTS.reason].includes(id as never),
    );
    expect(Object.keys(inputs).sort()).toEqual([...orderInputs].sort());
    for (const [id, block] of Object.entries(inputs)) expect(block.element.action_id).toBe(id);
    expect(inputs[INPUTS.customerName].element.initial_value).toBe('Dana');
    expect(inputs[INPUTS.customerPhone].element.initial_value).toBe('+15551234567');
    expect(inputs[INPUTS.customerPhone].optional).toBeUndefined();
    // Items come from the text, the product rows or both: the form checks that there is one.
    expect(inputs[INPUTS.items].optional).toBe(true);
    expect(inputs[INPUTS.customerName].optional).toBe(true);
    expect(inputs[INPUTS.channel].element.options.map((o: any) => o.value)).toEqual([
      'phone',
      'store',
      'slack',
    ]);
    expect(inputs[INPUTS.channel].element.initial_option.value).toBe('phone');
    expect(phoneOrderModal().blocks.some((b: any) => b.element?.initial_value)).toBe(false);
  });

  test('phone order modal has product rows: a picker fed as the agent types, and a whole-number quantity', () => {
    const view = phoneOrderModal({
      suggestions: {
        items: [{ sku: 'TOTE', name: 'Canvas tote', price: 990, boughtWith: 'MUG-BLUE' }],
        currency: 'USD',
      },
    });
    expectWithinLimits(view, LIMITS.viewBlocks);
    const ids = view.blocks.map((b: any) => b.block_id);
    // The hint stays right under the items text the agent types; the rows follow it.
    expect(ids.indexOf('cross_sell_hint')).toBe(ids.indexOf(INPUTS.items) + 1);
    expect(ITEM_ROWS.length).toBeGreaterThan(0);
    let at = ids.indexOf('cross_sell_hint');
    for (const row of ITEM_ROWS) {
      expect(ids.indexOf(row.product)).toBe(at + 1);
      expect(ids.indexOf(row.quantity)).toBe(at + 2);
      at += 2;
      const picker = view.blocks.find((b: any) => b.block_id === row.product) as any;
      expect(picker).toMatchObject({ type: 'input', optional: true });
      expect(picker.element).toMatchObject({
        type: 'external_select',
        action_id: row.product,
        min_query_length: 0,
      });
      const quantity = view.blocks.find((b: any) => b.block_id === row.quantity) as any;
      expect(quantity).toMatchObject({ type: 'input', optional: true });
      expect(quantity.element).toMatchObject({
        type: 'number_input',
        action_id: row.quantity,
        is_decimal_allowed: false,
        min_value: '1',
        max_value: String(ORDER_LIMITS.quantityPerLine),
      });
    }
  });

  test('a product option reads "name (SKU)", its value the SKU, within Slack\'s 75 characters', () => {
    expect(productOption({ sku: 'MUG-BLUE', name: 'Blue enamel mug' })).toEqual({
      text: { type: 'plain_text', text: 'Blue enamel mug (MUG-BLUE)' },
      value: 'MUG-BLUE',
    });
    const long = productOption({ sku: 'TEE-LOGO-M', name: `Logo T-shirt ${'very '.repeat(30)}long\nname` });
    expect(long.text.text.length).toBeLessThanOrEqual(LIMITS.optionText);
    expect(long.text.text).toMatch(/… \(TEE-LOGO-M\)$/);
    expect(long.text.text).not.toContain('\n');
    const emoji = productOption({ sku: 'CUP-1', name: '☕😀'.repeat(40) });
    expect(emoji.text.text.length).toBeLessThanOrEqual(LIMITS.optionText);
    expect(emoji.text.text.endsWith('… (CUP-1)')).toBe(true);
    // The longest SKU leaves a little of the name; the SKU is never cut.
    const sku = `A${'B'.repeat(63)}`;
    const longest = productOption({ sku, name: 'Hebrew: ספל כחול' });
    expect(longest.text.text.length).toBeLessThanOrEqual(LIMITS.optionText);
    expect(longest.text.text.endsWith(`(${sku})`)).toBe(true);
    expect(longest.value).toBe(sku);
  });
});

describe('home', () => {
  test('stays within 100 blocks with 300 orders and many low products', () => {
    const orders = Array.from({ length: 300 }, (_, i) => makeOrder({ number: 5000 + i }));
    const lowStock = Array.from({ length: 300 }, (_, i) => makeProduct({ sku: `SKU-${i}` }));
    const view = homeView({ canApprove: true, pending: orders, inFulfillment: orders, lowStock, ctx });
    expect(view.type).toBe('home');
    expectWithinLimits(view, LIMITS.viewBlocks);
    expect(buttons(view).some((b) => b.action_id === ACTIONS.newOrder)).toBe(true);
    expect(buttons(view).filter((b) => b.action_id === ACTIONS.approve).length).toBeGreaterThan(0);
  });

  test('a non-approver sees a count, not buttons', () => {
    const view = homeView({
      canApprove: false,
      pending: [makeOrder(), makeOrder()],
      inFulfillment: [],
      lowStock: [],
      ctx,
    });
    expect(json(view)).toContain('You are not an approver; 2 orders are waiting');
    expect(buttons(view).map((b) => b.action_id)).toEqual([ACTIONS.newOrder]);
  });
});

test('stock list flags low products; low-stock alert reads as one line', () => {
  expect(json(stockList([]))).toContain('No products yet.');
  const out = stockList([makeProduct(), makeProduct({ sku: 'SKU-2', available: 9, reserved: 1 })]);
  expect(json(out)).toContain('⚠️ SKU-1 · Mug · on hand 10 · reserved 8 · available 2 · alert at 3');
  expect(json(out)).not.toContain('⚠️ SKU-2');
  expect(lowStockAlert(makeProduct(), { lastDay: '2026-03-27', timezone: 'UTC' }).text).toBe(
    '⚠️ Low stock: SKU-1 Mug — 2 available (alert at 3)',
  );
});

test('The low-stock alert shows the days of cover of the stock page, at the 7- and 28-day paces', () => {
  const when = { lastDay: '2026-03-27', timezone: 'UTC' };
  const created = new Date('2026-01-01T00:00:00Z');
  // 7 sold in the last 7 days (1 a day), 14 in the last 28 (0.5 a day); 2 available.
  const sold = { '2026-03-27': 4, '2026-03-22': 3, '2026-03-10': 7, '2026-02-27': 99 };
  const alert = json(lowStockAlert(makeProduct({ createdAt: created, sold }), when));
  expect(alert).toContain(
    "2.0 days of cover at the last 7 days' pace · 4.0 days of cover at the last 28 days' pace · restock",
  );
  expect(json(lowStockAlert(makeProduct({ createdAt: created }), when))).toContain(
    'none sold in the last 7 days · none sold in the last 28 days',
  );
  // Created on the 26th: two days of history (the 26th and 27th), and the alert says since when.
  const young = makeProduct({ createdAt: new Date('2026-03-26T10:00:00Z'), sold: { '2026-03-26': 4 } });
  expect(json(lowStockAlert(young, when))).toContain(
    "1.0 days of cover at the last 7 days' pace · 1.0 days of cover at the last 28 days' pace (sales known since 2026-03-26)",
  );
  const today = makeProduct({ createdAt: new Date('2026-03-28T10:00:00Z') });
  expect(json(lowStockAlert(today, when))).toContain('days of cover not known yet (no full day of sales)');
});

test('help lists every command', () => {
  const order = json(orderHelp());
  for (const cmd of [
    '/order new',
    '/order <number>',
    '/order status <number>',
    '/order find <phone or name>',
    '/order list [status]',
    '/order cancel <number> [reason]',
    '/order help',
  ])
    expect(order).toContain(escapeText(cmd));
  for (const status of ORDER_STATUSES) expect(order).toContain(status);
  const stock = json(stockHelp());
  for (const cmd of [
    '/stock [sku]',
    '/stock set <sku> <qty>',
    '/stock add <sku> <qty>',
    '/stock threshold <sku> <n>',
  ])
    expect(stock).toContain(escapeText(cmd));
  expect(stock).toContain('negative');
});

test('truncate never leaves half an entity or token', () => {
  expect(truncate('abcdef', 4)).toBe('abc…');
  expect(truncate('ab&amp;cd', 5)).toBe('ab…');
  expect(truncate(`x ${when(at, 'UTC')}`, 10)).toBe('x …');
});

test('who mentions Slack users only when the change came through Slack', () => {
  expect(who('U01ABCDEF', 'slack')).toBe('<@U01ABCDEF>');
  expect(who('U01ABCDEF', 'api')).toBe('U01ABCDEF');
  expect(who('<!channel>', 'slack')).toBe('&lt;!channel&gt;');
});

test('the placed-order modal reads the order back', () => {
  const view = orderPlacedModal(makeOrder({ number: 1234567 }), ctx);
  expect((view.title as any).text.length).toBeLessThanOrEqual(LIMITS.modalTitle);
  expect(view.submit).toBeUndefined();
  expect(json(view)).toContain('2 × Mug (SKU-1) — $20.00');
});
