import { computeDigest, type DigestInput, type OrderFacts } from '../../src/digest/compute.js';
import { dayTitle, digestMessage, duration } from '../../src/slack/blocks/digest.js';
import { LIMITS } from '../../src/slack/blocks/index.js';
import { walk } from '../helpers/blocks.js';

/** The digest message: Slack's limits, customers' text shown inert, and what staff read. */

const HOSTILE = '<@U0ADMIN> *urgent* <!channel> https://evil.example\nfake line';

function input(overrides: Partial<DigestInput> = {}): DigestInput {
  const at = new Date('2026-03-27T10:00:00Z');
  const orders: OrderFacts[] = Array.from({ length: 30 }, (_, i) => ({
    number: 2000 + i,
    channel: i % 2 ? 'sms' : 'web',
    status: 'delivered',
    total: 1250,
    currency: 'ILS',
    createdAt: at,
    customer: { name: HOSTILE, phone: '+972501234567' },
    items: [{ sku: 'MUG_01', quantity: 1 }],
    rating: { score: (i % 5) + 1, at },
    smsFailures: [{ kind: 'follow_up', at, error: `Twilio refused <${HOSTILE}>` }],
  }));
  return {
    day: '2026-03-27',
    timezone: 'Asia/Jerusalem',
    currency: 'ILS',
    now: new Date('2026-03-28T05:00:00Z'),
    orders,
    awaitingApproval: [],
    awaitingShipment: [],
    products: Array.from({ length: 200 }, (_, i) => ({
      sku: `SKU_${i}`,
      name: HOSTILE,
      available: i % 3,
      lowStockThreshold: 5,
    })),
    ...overrides,
  };
}

const texts = (message: { blocks: object[] }) => {
  const found: string[] = [];
  walk(message.blocks, (o) => typeof o.text === 'string' && found.push(o.text));
  return found;
};

test('When a day is busy (200 low products, 30 failures and ratings), then the message keeps within every Slack limit and counts what it leaves out', () => {
  const message = digestMessage(computeDigest(input()));
  expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
  walk(message.blocks, (o) => {
    if (o.type === 'header') expect(o.text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
    if (o.type === 'section' && o.text) expect(o.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    if (o.type === 'section' && o.fields) expect(o.fields.length).toBeLessThanOrEqual(LIMITS.fields);
  });
  const all = texts(message).join('\n');
  expect(all).toContain('…and 185 more');
  expect(all).toContain('*Low stock* (200 products)');
  expect(all).toContain('*Failed customer texts* (30)');
  expect(all).toContain('3.0 on average from 30 ratings');
});

test('When customers’ names, SKUs and Twilio errors hold markup, then nothing in the digest mentions, links or formats', () => {
  const message = digestMessage(computeDigest(input()));
  const all = [message.text, ...texts(message)].join('\n');
  expect(all).not.toContain('<@U0ADMIN>');
  expect(all).not.toContain('<!channel>');
  expect(all).not.toContain('https://evil.example');
  expect(all).not.toContain('\nfake line');
  expect(all).toContain('&lt;@\u2060U0ADMIN&gt;'); // a word joiner keeps it from being a mention
  expect(all).toContain('*SKU_0*');
  walk(message.blocks, (o) => {
    if (o.type === 'mrkdwn') expect(o.verbatim).toBe(true);
  });
});

test('When the day had 23 hours, then the message says the clocks changed; its header names the day', () => {
  const message = digestMessage(computeDigest(input()));
  const all = texts(message).join('\n');
  expect(all).toContain('📊 Daily digest: Friday, March 27, 2026');
  expect(all).toContain('a 23-hour day: the clocks changed');
  expect(message.text).toBe('Daily digest for Friday, March 27, 2026: 30 orders, ₪375.00');
});

test('When nothing happened, then every part says so plainly', () => {
  const message = digestMessage(
    computeDigest(
      input({ orders: [], products: [{ sku: 'A', name: 'A', available: 9, lowStockThreshold: 1 }] }),
    ),
    { chart: false },
  );
  const all = texts(message).join('\n');
  expect(all).toContain('*Orders placed*\n0');
  expect(all).toContain('Nothing waits for approval.');
  expect(all).toContain('Nothing waits to be shipped.');
  expect(all).toContain('Every product is above its alert level.');
  expect(all).toContain('No ratings that day.');
  expect(all).not.toContain('chart');
});

test('When durations and days are written, then they read naturally', () => {
  expect(duration(12 * 60_000)).toBe('12 min');
  expect(duration(5 * 3600_000 + 12 * 60_000)).toBe('5 h 12 min');
  expect(duration(3 * 86_400_000 + 4 * 3600_000)).toBe('3 d 4 h');
  expect(dayTitle('2026-03-08')).toBe('Sunday, March 8, 2026');
});
