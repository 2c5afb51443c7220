/**
 * Text that customers (or shops, or staff in free-text fields) typed shows in Slack as
 * typed: no formatting, no links, no mentions, no line breaks that fake a new field.
 */

import type { Product } from '../../src/inventory/product.js';
import type { HistoryEntry, Order } from '../../src/orders/order.js';
import {
  approvalMessage,
  codeText,
  escapeText,
  fulfillmentTask,
  homeView,
  INPUTS,
  lowStockAlert,
  orderCard,
  orderList,
  orderPlacedModal,
  phoneOrderModal,
  plainText,
  type RenderContext,
  rejectModal,
  shipModal,
  stockDetail,
  stockList,
  when,
} from '../../src/slack/blocks/index.js';

const ctx: RenderContext = { currency: 'USD', timezone: 'America/New_York' };
const at = new Date('2026-11-25T19:03:00Z');

/** Each hostile string keeps a first and a last word, which must end up on one line. */
const NAME = 'Dana\n*✅ Approved by finance* https://evil.example/pay';
const PHONE = '+15551234567 <!here>';
const NOTES =
  'Leave at door\r\n>quote <!channel> <@U123> <https://evil|click> _x_ ~x~ `x` &lt; \u202Eevil\u202C\u2066bidi\u2069 zero\u200Bwidth\u2028\u2029 @everyone #general www.evil.example end';
const LINE1 = '>1 Main St\n*Ship to* Nowhere';
const LINE2 = '\tApt 2 <https://evil.example|here> _B_';
const CITY = 'Springfield~x~';
const EMAIL = 'dana@evil.example';
const ITEM = '*FREE* mug <https://evil.example|claim> `now`\nRefund: $0';
const NOTE = 'changed\nmind *APPROVED* https://evil.example';
const CARRIER = '*UPS*\nhttp://evil.example/parcel';
const TRACKING = '1Z999 `x`';
const ACTOR = 'api-<!channel>\n*boss*';
const PRODUCT = 'Mug\n*Low stock cleared* https://evil.example';
/** Pairs that must stay on one line: a hostile newline would split them. */
const SAME_LINE: [string, string][] = [
  ['Dana', 'Approved by finance'],
  ['Leave at door', 'www'],
  ['Main St', 'Nowhere'],
  ['mug', 'Refund'],
  ['changed', 'mind'],
  ['UPS', 'parcel'],
  ['Mug', 'Low stock cleared'],
];

function step(
  from: HistoryEntry['from'],
  to: HistoryEntry['to'],
  by = ACTOR,
  channel: HistoryEntry['channel'] = 'api',
  note: string | undefined = NOTE,
): HistoryEntry {
  return { at, action: to, from, to, by, channel, ...(note ? { note } : {}) };
}

function hostileOrder(overrides: Partial<Order> = {}): Order {
  return {
    number: 1001,
    channel: 'web',
    customer: { name: NAME, phone: PHONE, email: EMAIL },
    items: [{ sku: 'MUG_01', name: ITEM, quantity: 2, unitPrice: 1000, lineTotal: 2000 }],
    total: 2000,
    currency: 'USD',
    status: 'pending_approval',
    shippingAddress: { line1: LINE1, line2: LINE2, city: CITY, postalCode: '12345\n67', country: 'US' },
    notes: NOTES,
    inventory: 'reserved',
    history: [step(null, 'pending_approval', ACTOR, 'api', undefined)],
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

function hostileProduct(overrides: Partial<Product> = {}): Product {
  return {
    sku: 'EVIL.COM_',
    name: PRODUCT,
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

const shipped = () =>
  hostileOrder({
    status: 'shipped',
    shipment: { carrier: CARRIER, trackingNumber: TRACKING, shippedAt: at },
    history: [
      step(null, 'pending_approval', ACTOR, 'api', undefined),
      step('pending_approval', 'approved', 'U1AB', 'slack', undefined),
      step('packed', 'shipped'),
    ],
  });
const rejected = () =>
  hostileOrder({ status: 'rejected', history: [step('pending_approval', 'rejected', 'U1AB', 'slack')] });
const cancelled = () => hostileOrder({ status: 'cancelled', history: [step('approved', 'cancelled')] });

/** Every Slack surface, built from hostile data. */
const SURFACES: [string, () => { text?: string; blocks: object[] }][] = [
  ['approval message, pending', () => approvalMessage(hostileOrder(), ctx)],
  ['approval message, rejected with a reason', () => approvalMessage(rejected(), ctx)],
  ['approval message, cancelled', () => approvalMessage(cancelled(), ctx)],
  ['fulfillment task, shipped', () => fulfillmentTask(shipped(), ctx)],
  ['fulfillment task, cancelled', () => fulfillmentTask(cancelled(), ctx)],
  ['order card', () => orderCard(shipped(), ctx)],
  ['order list', () => orderList([hostileOrder(), shipped()], `Orders matching “${NAME}”`, ctx)],
  [
    'App Home',
    () =>
      homeView({
        canApprove: true,
        pending: [hostileOrder()],
        inFulfillment: [shipped()],
        lowStock: [hostileProduct()],
        ctx,
      }),
  ],
  ['ship modal', () => shipModal(hostileOrder(), 'm')],
  ['reject modal', () => rejectModal(hostileOrder(), 'm')],
  ['placed-order modal', () => orderPlacedModal(hostileOrder(), ctx)],
  ['phone-order modal with a prefill', () => phoneOrderModal({ prefill: { name: NAME, phone: PHONE } })],
  [
    'stock suggestions (cross-sell) in the phone-order modal',
    () =>
      phoneOrderModal({
        suggestions: {
          items: [{ ...hostileProduct(), boughtWith: hostileProduct().sku }],
          currency: 'USD',
        },
      }),
  ],
  ['low-stock alert', () => lowStockAlert(hostileProduct(), { lastDay: '2026-03-27', timezone: 'UTC' })],
  ['stock list', () => stockList([hostileProduct()])],
  ['stock detail', () => stockDetail(hostileProduct(), ctx)],
];

interface Texts {
  /** mrkdwn text objects and the message's `text` (Slack parses both as mrkdwn). */
  mrkdwn: string[];
  /** plain_text objects and text inputs' initial values: shown literally. */
  plain: string[];
  verbatim: boolean[];
}

function texts(out: { text?: string; blocks: object[] }): Texts {
  const found: Texts = { mrkdwn: out.text ? [out.text] : [], plain: [], verbatim: [] };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) for (const n of node) visit(n);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'mrkdwn' && typeof o.text === 'string') {
        found.mrkdwn.push(o.text);
        found.verbatim.push(o.verbatim === true);
      }
      if (o.type === 'plain_text' && typeof o.text === 'string') found.plain.push(o.text);
      if (typeof o.initial_value === 'string') found.plain.push(o.initial_value);
      for (const v of Object.values(o)) visit(v);
    }
  };
  visit(out.blocks);
  return found;
}

/** Our own tokens: a mention of the Slack user who acted, a date, the invoice link. */
const OWN_TOKENS = [/<@[UW][A-Z0-9]+>/g, /<!date\^\d+\^[^|>]*\|[^<>]*>/g];
const withoutOwnTokens = (s: string) => OWN_TOKENS.reduce((t, re) => t.replace(re, ''), s);

/** Our bold labels; any other span Slack would format must not exist. */
const LABELS = new Set([
  'Customer',
  'Channel',
  'Total',
  'Placed',
  'Status',
  'Tracking',
  'Invoice',
  'Rating',
  'Items',
  'Ship to',
  'Notes',
  'History',
  'Carrier · tracking number',
  'Price',
  'Available',
  'On hand',
  'Reserved',
  'Alert at',
  'Updated',
]);

/** Approximates Slack: `*`, `_`, `~` format only from a word edge to a word edge, on one line. */
function formattedSpans(s: string): string[] {
  const spans: string[] = [];
  for (const m of s.matchAll(/(?<![\p{L}\p{N}])([*_~])(?!\s)([^\n]+?)(?<!\s)\1(?![\p{L}\p{N}])/gu))
    spans.push(`${m[1]}${m[2]}${m[1]}`);
  for (const m of s.matchAll(/`([^`\n]+)`/g)) spans.push(m[0]);
  return spans;
}

/** Our code spans: a `/stock` command to copy, where a SKU stays exactly as typed. */
const OWN_CODE = /`\/stock [^`]*`/g;

/** A SKU in our bold (SKU_PATTERN allows dots and underscores): inert, as any customer text. */
const isOwnSpan = (span: string) =>
  /^\*(#\d+|EVIL\u200B\.COM\u02CD)\*$/.test(span) || LABELS.has(span.slice(1, -1)) || /^`\/stock /.test(span);

const INVISIBLE_FROM_CUSTOMER = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\uFEFF\u200C\r\t\u2028\u2029]/;

describe.each(SURFACES)('%s', (_name, build) => {
  const out = build();
  const { mrkdwn, plain, verbatim } = texts(out);

  test('no mention, link or date token from customer text: every < left is one of ours', () => {
    for (const text of mrkdwn) {
      expect(withoutOwnTokens(text)).not.toMatch(/[<>]/);
      expect(text).not.toMatch(/<!(channel|here|everyone)|<@U123|<https?:\/\/evil/);
      expect(text).not.toMatch(/(^|[^\u2060])@(everyone|here|channel)/);
    }
  });

  test('no URL, domain or e-mail that Slack would auto-link', () => {
    // a code span is not linked; ours holds the SKU as typed so the command can be copied
    for (const text of mrkdwn.map((t) => t.replace(OWN_CODE, ''))) {
      expect(text).not.toMatch(/https?:\/\//i);
      expect(text).not.toMatch(/evil[.。．｡](example|com)/i);
      expect(text).not.toMatch(/#general/);
    }
  });

  test('no formatting span other than our own labels', () => {
    for (const text of mrkdwn) {
      expect(formattedSpans(text).filter((span) => !isOwnSpan(span))).toEqual([]);
      for (const raw of ['*✅', 'finance*', '_x_', '~x~', '`x`', '*FREE*', '*APPROVED*', '*UPS*', '*boss*'])
        expect(text).not.toContain(raw);
      // a blockquote needs `>` (or its entity) at the start of a line
      expect(text).not.toMatch(/(^|\n)(&gt;|>|＞)/);
    }
  });

  test('no line break, bidi or zero-width character from customer text', () => {
    for (const text of [...mrkdwn, ...plain]) {
      expect(text).not.toMatch(INVISIBLE_FROM_CUSTOMER);
      for (const [first, last] of SAME_LINE) {
        const line = text.split('\n').find((l) => l.includes(last));
        if (line) expect(line).toContain(first);
      }
    }
  });

  test('every mrkdwn object is verbatim', () => {
    expect(verbatim.every(Boolean)).toBe(true);
  });

  test("the customer's words are still there to read", () => {
    const all = [...mrkdwn, ...plain].join('\n');
    const expected =
      _name.startsWith('stock') || _name === 'low-stock alert'
        ? ['Mug', 'Low stock cleared', 'evil']
        : ['Dana', 'Approved by finance', 'evil', 'example'];
    for (const word of expected) expect(all).toContain(word);
  });
});

describe('staff formatting still renders', () => {
  test('labels stay bold, the decider stays a mention, dates and the invoice link stay tokens', () => {
    const order = shipped();
    order.invoice = { number: 7, issuedAt: at };
    order.status = 'packed';
    const task = texts(fulfillmentTask(order, ctx, { invoiceUrl: 'https://desk.example/i/1001?t=a&b' }));
    const all = task.mrkdwn.join('\n');
    expect(all).toContain('*Customer*\n');
    expect(all).toContain('*Items*\n');
    expect(all).toContain('*Notes*\n');
    expect(all).toContain('<https://desk.example/i/1001?t=a&amp;b|Invoice #7>');
    expect(all).toContain(`<@U1AB> · ${when(at, ctx.timezone)}`);

    const approval = texts(approvalMessage(shipped(), ctx)).mrkdwn.join('\n');
    expect(approval).toContain('✅ Approved by <@U1AB>');
    expect(approval).toContain('*Ship to*\n');

    const list = texts(orderList([hostileOrder()], 'Latest orders', ctx)).mrkdwn.join('\n');
    expect(list).toContain('*#1001* · ⏳ Pending approval · ');
  });

  test('a plain order reads exactly as before', () => {
    const out = approvalMessage(
      hostileOrder({
        customer: { name: 'Dana Levi', phone: '+15551234567' },
        items: [{ sku: 'SKU-1', name: 'Mug', quantity: 2, unitPrice: 1000, lineTotal: 2000 }],
        shippingAddress: undefined,
        notes: 'Ring twice, please.',
      }),
      ctx,
    );
    expect(out.text).toBe('New order #1001 from Dana Levi: $20.00 (pending approval)');
    const all = texts(out).mrkdwn.join('\n');
    expect(all).toContain('*Customer*\nDana Levi\n+15551234567');
    expect(all).toContain('2 × Mug (SKU-1) — $20.00');
    expect(all).toContain('*Notes*\nRing twice, please.');
  });
});

describe('escapeText', () => {
  test.each([
    ['MUG_01', 'MUG_01'],
    ['dana_levi', 'dana_levi'],
    ['2*3', '2*3'],
    ["O'Brien & Sons", "O'Brien &amp; Sons"],
    ['Zoë 👩‍💻 ✅', 'Zoë 👩‍💻 ✅'],
    ['  two   spaces\n\nnewline ', 'two spaces newline'],
  ])('keeps %j readable as %j', (input, output) => {
    expect(escapeText(input)).toBe(output);
  });

  test.each([
    ['*bold*', '\u2217bold\u2217'],
    ['_it_', '\u02CDit\u02CD'],
    ['~s~', '\u223Cs\u223C'],
    ['`c`', '\u02CBc\u02CB'],
    ['＊wide＊', '\uFE61wide\uFE61'],
    ['>quote', '\u00AD&gt;quote'],
    ['a\u202Eb\u200Dc\u00ADd\u{E0041}', 'abcd'],
    ['<!channel>', '&lt;!channel&gt;'],
    ['@here', '@\u2060here'],
    ['https://evil.example/pay', 'https:\u200B//evil\u200B.example/pay'],
    ['dana@evil.com', 'dana@evil\u200B.com'],
  ])('makes %j inert', (input, output) => {
    expect(escapeText(input)).toBe(output);
  });

  test('caps the length in whole characters, before escaping', () => {
    const out = escapeText(`${'<'.repeat(10)}😀😀`, 11);
    expect(out).toBe(`${'&lt;'.repeat(10)}…`);
    expect(Array.from(escapeText('😀'.repeat(3000))).length).toBe(2000);
  });

  test('codeText keeps a SKU copyable inside our code span; plainText only straightens the line', () => {
    expect(codeText('EVIL.COM_')).toBe('EVIL.COM_');
    expect(codeText('A`B<')).toBe('A\u02CBB&lt;');
    expect(plainText('Dana\n<b>*x*</b>\u202E')).toBe('Dana <b>*x*</b>');
  });

  test('a prefilled text input keeps the characters, cut to its max length without an ellipsis', () => {
    const view = phoneOrderModal({ prefill: { name: `${'x'.repeat(199)}😀`, phone: '<+1>' } });
    const input = (id: string) =>
      (view.blocks as any[]).find((b) => b.block_id === id).element.initial_value as string;
    expect(input(INPUTS.customerName)).toBe('x'.repeat(199));
    expect(input(INPUTS.customerPhone)).toBe('<+1>');
  });
});
