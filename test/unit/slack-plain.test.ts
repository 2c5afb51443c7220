import type { Order } from '../../src/orders/order.js';
import { approvalMessage, orderHelp, shipModal } from '../../src/slack/blocks/index.js';
import {
  messageLines,
  mrkdwnToPlain,
  type OutboxItem,
  outboxEntryLines,
  viewLines,
} from '../../src/slack/plain-text.js';

/** What the helpers print of Slack messages: the words Slack shows, unescaped and complete. */

const ctx = { currency: 'USD', timezone: 'UTC' };
const at = new Date('2026-11-25T19:03:00Z');
const order = (overrides: Partial<Order> = {}): Order => ({
  number: 1001,
  channel: 'web',
  customer: { name: 'Dana Levi', phone: '+15551234567' },
  items: [{ sku: 'MUG-BLUE', name: 'Blue enamel mug', quantity: 2, unitPrice: 1299, lineTotal: 2598 }],
  total: 2598,
  currency: 'USD',
  status: 'pending_approval',
  inventory: 'reserved',
  history: [{ at, action: 'place', from: null, to: 'pending_approval', by: 'sandbox', channel: 'api' }],
  createdAt: at,
  updatedAt: at,
  ...overrides,
});

test('When mrkdwn holds escapes, mentions, links, dates and markers, then the plain text is what Slack shows', () => {
  expect(mrkdwnToPlain('`/order &lt;number&gt;` &amp; more, not &amp;lt;')).toBe(
    '`/order <number>` & more, not &lt;',
  );
  expect(
    mrkdwnToPlain('✅ Approved by <@USANDBOX> · <!date^1795670780^{date_short_pretty} {time}|Nov 26, 05:26>'),
  ).toBe('✅ Approved by @USANDBOX · Nov 26, 05:26');
  expect(mrkdwnToPlain('📄 <http://x.test/invoices/1.pdf?exp=1&amp;sig=a_b_c|Invoice #1>')).toBe(
    '📄 Invoice #1 (http://x.test/invoices/1.pdf?exp=1&sig=a_b_c)',
  );
  expect(mrkdwnToPlain('<https://example.test/a> in <#C0123|orders> for <!here>')).toBe(
    'https://example.test/a in #orders for @here',
  );
  expect(mrkdwnToPlain('*#1002* · _pending_ · ~old~ MUG_01 2*3')).toBe('#1002 · pending · old MUG_01 2*3');
  expect(mrkdwnToPlain(':warning: Only approvers :x:')).toBe('⚠️ Only approvers ❌');
});

test('When a customer’s text was made inert for Slack, then the terminal shows it as typed, without the invisible breaks', () => {
  // escapeText breaks links with a zero-width space and @/# with a word joiner (untrusted.ts).
  expect(mrkdwnToPlain('dana@example\u200B.com, @\u2060channel, https:\u200B//evil.test')).toBe(
    'dana@example.com, @channel, https://evil.test',
  );
});

test('When an approval message is rendered, then every block is a line: header, labelled fields, items, buttons', () => {
  const lines = messageLines(
    approvalMessage(order({ customer: { name: 'Sam <&> Co', phone: '+15551234567' } }), ctx),
  );
  expect(lines).toEqual([
    'New order #1001',
    'Customer:',
    '  Sam <&> Co',
    '  +15551234567',
    expect.stringMatching(/^Channel: /),
    'Total: $25.98',
    expect.stringMatching(/^Placed: Nov 25, 2026, 19:03$/),
    'Items: 2 × Blue enamel mug (MUG-BLUE) — $25.98',
    expect.stringMatching(/^Ship to: /),
    '[Approve] [Reject]',
  ]);
});

test('When the /order help answer is rendered, then every command line is there, unescaped', () => {
  const lines = messageLines(orderHelp());
  expect(lines).toContain(
    '`/order <number>` — the order card: status, customer, items, total, tracking, history',
  );
  expect(lines.join('\n')).not.toMatch(/&lt;|&gt;|&amp;/);
  expect(lines.length).toBeGreaterThan(8);
});

test('When a message has no blocks, then its text is shown; a context with several lines keeps them', () => {
  expect(messageLines({ text: 'Stock levels: *6* products' })).toEqual(['Stock levels: 6 products']);
  expect(
    messageLines({
      text: 'x',
      blocks: [
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'a · <@U1>\nb' }] },
        { type: 'divider' },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 'hi' },
          accessory: { type: 'button', text: { type: 'plain_text', text: 'Go' } },
        },
      ],
    }),
  ).toEqual(['a · @U1', 'b', '---', 'hi', '[Go]']);
});

test('When a modal is rendered, then its inputs, hints and buttons show', () => {
  const lines = viewLines(shipModal(order(), '{}') as never);
  expect(lines).toEqual([
    'Order #1001 for Dana Levi (+15551234567)',
    'Carrier: [_____]',
    'Tracking number: [_____]',
    expect.stringMatching(/^ {2}\(.+\)$/),
    '[Mark shipped] [Cancel]',
  ]);
});

test('When outbox entries are described, then each says what Orderly did where: posted, updated, told privately, texted, opened', () => {
  const entry = (e: Partial<OutboxItem>): OutboxItem => ({
    id: '1',
    door: 'slack',
    method: 'chat.postMessage',
    to: 'approvals',
    text: '',
    payload: {},
    ...e,
  });
  const approval = approvalMessage(order(), ctx);
  expect(outboxEntryLines(entry({ method: 'chat.update', payload: { ...approval } }))[0]).toBe(
    'updated #approvals: New order #1001',
  );
  expect(outboxEntryLines(entry({ payload: { ...approval } }))).toContain('  [Approve] [Reject]');
  expect(
    outboxEntryLines(
      entry({
        method: 'chat.postEphemeral',
        to: 'approvals/USANDBOX',
        text: ':warning: Order #1001 is shipped',
        payload: { channel: 'approvals', user: 'USANDBOX', text: ':warning: Order #1001 is shipped' },
      }),
    ),
  ).toEqual(['told @USANDBOX privately in #approvals: ⚠️ Order #1001 is shipped']);
  expect(outboxEntryLines(entry({ to: 'U0AB12', text: 'hello' }))).toEqual([
    'told @U0AB12 in a direct message: hello',
  ]);
  expect(
    outboxEntryLines(
      entry({ door: 'sms', method: 'sms', to: '+15551234567', text: 'Order #1001 has shipped.' }),
    ),
  ).toEqual(['texted +15551234567: Order #1001 has shipped.']);
  expect(
    outboxEntryLines(
      entry({ method: 'views.open', to: 'trigger', payload: { view: shipModal(order(), '{}') } }),
    )[0],
  ).toBe('opened the form “Ship order #1001”:');
});
