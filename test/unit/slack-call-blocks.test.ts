import { type Call, outcomeOf } from '../../src/calls/call.js';
import type { Order } from '../../src/orders/order.js';
import {
  type CallCard,
  callPop,
  callsLine,
  popShown,
  voicemailMessage,
  voicemailShown,
} from '../../src/slack/blocks/call.js';
import { orderCard } from '../../src/slack/blocks/card.js';
import { LIMITS, type RenderContext, type SlackMessage, when } from '../../src/slack/blocks/format.js';
import { ACTIONS } from '../../src/slack/blocks/ids.js';
import { buttons, walk } from '../helpers/blocks.js';

const ctx: RenderContext = { currency: 'USD', timezone: 'America/New_York' };
const at = new Date('2026-11-25T19:03:00Z');
const PHONE = '+15551234567';

function makeCall(overrides: Partial<Call> = {}): Call {
  return {
    sid: 'CA0001',
    from: PHONE,
    to: '+15550000000',
    language: 'en',
    startedAt: at,
    updatedAt: at,
    status: 'in-progress',
    path: ['menu', 'status', 'order:1042', 'heard:1042', 'agent'],
    orders: [1042],
    agent: { number: '+15557654321', dialedAt: at },
    effects: [],
    ...overrides,
  };
}

function makeCard(call: Call = makeCall(), overrides: Partial<CallCard> = {}): CallCard {
  return {
    call,
    customer: { phone: PHONE, name: 'Dana Levi', language: 'en' },
    openOrders: [
      { number: 1042, status: 'shipped', total: 2000, currency: 'USD' },
      { number: 1050, status: 'pending_approval', total: 1250, currency: 'EUR' },
    ],
    lastRating: { order: 1042, score: 2 },
    callsCount: 3,
    ...overrides,
  };
}

/** All visible text, mrkdwn and plain, one string per text object. */
function texts(out: SlackMessage): string[] {
  const found: string[] = [out.text];
  walk(out.blocks, (o) => {
    if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') found.push(o.text);
  });
  return found;
}
const allText = (out: SlackMessage) => texts(out).join('\n');

function expectWithinLimits(out: SlackMessage): void {
  expect(out.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
  walk(out.blocks, (o) => {
    if (o.type === 'section') {
      if (o.text) expect(o.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
      for (const f of o.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(LIMITS.fieldText);
    }
    if (o.type === 'header') expect(o.text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
    if (o.type === 'context') {
      for (const e of o.elements) expect(e.text.length).toBeLessThanOrEqual(LIMITS.contextText);
    }
    if (o.type === 'mrkdwn') expect(o.verbatim).toBe(true);
  });
}

function header(out: SlackMessage): string {
  const found = out.blocks.find((b: any) => b.type === 'header') as any;
  return found.text.text;
}

describe('screen pop', () => {
  test('When a known customer asks for a person, then the pop shows who, their open orders, last rating, calls and menu path', () => {
    const out = callPop(makeCard(), ctx);
    const text = allText(out);
    expect(header(out)).toBe(':telephone_receiver: Call from Dana Levi (+1 555 123 4567)');
    expect(text).toContain('*Phone*\n+1 555 123 4567');
    expect(text).toContain('*#1042* · 🚚 Shipped · $20.00');
    expect(text).toContain('*#1050* · ⏳ Pending approval · €12.50');
    expect(text).toContain('2/5 on #1042');
    expect(text).toContain('3rd call');
    expect(text).toContain('*Language*\nEnglish');
    expect(text).toContain('Menu: Menu → Order status → #1042 → Heard status of #1042 → Asked for a person');
    expect(text).toContain('Ringing the agent line…');
    expect(text).toContain(`called ${when(at, ctx.timezone)}`);
    expectWithinLimits(out);
  });

  test('When the caller switched language and asked about an unknown order, then the path reads so', () => {
    const call = makeCall({ language: 'he', path: ['menu', 'lang:he', 'status', 'not-found', 'agent'] });
    const text = allText(callPop(makeCard(call), ctx));
    expect(text).toContain(
      'Menu: Menu → Switched to Hebrew → Order status → Order not found → Asked for a person',
    );
    expect(text).toContain('*Language*\nHebrew (texts in English)');
  });

  test('When the caller ordered by voice, started over and placed the order, then each step reads in words', () => {
    const call = makeCall({
      path: ['menu', 'take-order', 'order-said', 'order-over', 'order-said', 'placed:1004', 'agent'],
      orders: [1004],
    });
    expect(allText(callPop(makeCard(call), ctx))).toContain(
      'Menu: Menu → Order by voice → Said an order → Started the order over → Said an order → Placed order #1004 → Asked for a person',
    );
    const hidden = makeCall({ from: 'anonymous', customer: undefined, path: ['order-no-number', 'agent'] });
    expect(allText(callPop(makeCard(hidden, { customer: undefined }), ctx))).toContain(
      'Menu: Hidden number: could not order → Asked for a person',
    );
    // A step whose number cannot be read says what happened, not the raw step.
    expect(allText(callPop(makeCard(makeCall({ path: ['placed:x<y>'] })), ctx))).toContain(
      'Menu: Placed an order',
    );
  });

  test('When the caller is known by number only and calls the first time, then the number heads the pop', () => {
    const call = makeCall({ customer: undefined });
    const out = callPop(
      makeCard(call, { customer: undefined, openOrders: [], lastRating: undefined, callsCount: 1 }),
      ctx,
    );
    expect(header(out)).toBe(':telephone_receiver: Call from +1 555 123 4567');
    expect(allText(out)).toContain('First call');
    expect(allText(out)).toContain('*Open orders*\nNone');
    expect(allText(out)).not.toContain('Last rating');
  });

  test('When the pop is shown, then Log phone order is its primary button and carries the caller’s E.164 number', () => {
    const found = buttons(callPop(makeCard(), ctx));
    expect(found.map((b) => [b.action_id, b.value, b.style, b.text.text])).toEqual([
      [ACTIONS.logPhoneOrder, PHONE, 'primary', 'Log phone order'],
    ]);
  });

  test('When the console is open, then the pop also links the caller’s page in it, and only then', () => {
    const open = { ...ctx, consoleUrl: (path: string) => `https://desk.example.com${path}` };
    const found = buttons(callPop(makeCard(), open)) as { action_id: string; url?: string }[];
    expect(found.map((b) => [b.action_id, b.url])).toEqual([
      [ACTIONS.logPhoneOrder, undefined],
      [ACTIONS.openConsole, `https://desk.example.com/console/customers/${encodeURIComponent(PHONE)}`],
    ]);
  });

  test.each(['anonymous', '+266696687', '+7378742833', ''])(
    'When the number is hidden (%p), then the pop says Unknown caller and has no button',
    (from) => {
      const call = makeCall({ from, customer: undefined });
      const out = callPop(makeCard(call, { customer: undefined, openOrders: [], callsCount: 40 }), ctx);
      expect(header(out)).toBe(':telephone_receiver: Call from Unknown caller (hidden number)');
      expect(buttons(out)).toEqual([]);
      expect(allText(out)).toContain('*Phone*\nHidden');
      expect(allText(out)).not.toContain('40th call');
    },
  );

  test('When there are more than five open orders, then five are listed and the rest counted', () => {
    const openOrders = Array.from({ length: 8 }, (_, i) => ({
      number: 2000 + i,
      status: 'approved',
      total: 100,
      currency: 'USD',
    }));
    const text = allText(callPop(makeCard(makeCall(), { openOrders }), ctx));
    expect(text).toContain('*#2004*');
    expect(text).not.toContain('*#2005*');
    expect(text).toContain('…and 3 more open orders');
  });

  test('When the call was connected to the agent, then the pop says to whom and for how long', () => {
    const call = makeCall({
      status: 'completed',
      endedAt: at,
      duration: 240,
      agent: { number: '+15557654321', dialedAt: at, status: 'completed', duration: 192 },
    });
    const text = allText(callPop(makeCard(call), ctx));
    expect(text).toContain('Connected to +1 555 765 4321 · 3 min 12 s');
    expect(text).not.toContain('Ringing');
  });

  test('When the agent did not answer and the caller left a voicemail, then the pop points to it', () => {
    const call = makeCall({
      status: 'completed',
      endedAt: at,
      duration: 70,
      agent: { number: '+15557654321', dialedAt: at, status: 'no-answer' },
      voicemail: { recordingSid: 'RE1', url: 'https://api.twilio.com/rec/RE1', duration: 42 },
    });
    expect(allText(callPop(makeCard(call), ctx))).toContain('Not answered — voicemail below');
  });

  test('When the caller hung up, then the pop says after how long', () => {
    const call = makeCall({ status: 'completed', endedAt: at, duration: 40, agent: undefined });
    expect(allText(callPop(makeCard(call), ctx))).toContain('Hung up after 40 s');
    const missed = makeCall({
      status: 'completed',
      endedAt: at,
      duration: 40,
      agent: { number: '+15557654321', dialedAt: at, status: 'no-answer' },
    });
    expect(allText(callPop(makeCard(missed), ctx))).toContain('Not answered · hung up after 40 s');
  });

  test('When a customer’s name carries markup, then the pop shows it as text, not as a mention', () => {
    const call = makeCall();
    const out = callPop(makeCard(call, { customer: { phone: PHONE, name: '<!channel> *Dana*' } }), ctx);
    const mrkdwn: string[] = [out.text];
    walk(out.blocks, (o) => o.type === 'mrkdwn' && mrkdwn.push(o.text));
    for (const t of mrkdwn) expect(t).not.toContain('<!channel>');
    expect(out.text).toContain('&lt;!channel&gt;');
    // a header is plain_text: Slack shows it as typed, never as a mention
    expect(header(out)).toBe(':telephone_receiver: Call from <!channel> *Dana* (+1 555 123 4567)');
    expect((out.blocks[0] as any).text.type).toBe('plain_text');
  });
});

describe('what the pop shows', () => {
  const ringing = makeCall({ status: 'ringing' });

  test('When the call only moves between live statuses or its record is touched, then popShown stays the same', () => {
    const before = popShown(ringing);
    expect(popShown({ ...ringing, status: 'in-progress' })).toBe(before);
    expect(popShown({ ...ringing, updatedAt: new Date(at.getTime() + 5000) })).toBe(before);
    expect(popShown({ ...ringing, slack: { popClaimedAt: at } })).toBe(before);
    expect(popShown({ ...ringing, effects: ['slack:pop'] })).toBe(before);
    expect(before.startsWith('ringing')).toBe(true);
  });

  test('When the call ends, then popShown changes, and again once the duration arrives', () => {
    const ended = { ...ringing, status: 'completed' as const, endedAt: at };
    const connected = {
      ...ended,
      agent: { number: '+15557654321', dialedAt: at, status: 'completed' },
    };
    const timed = { ...connected, agent: { ...connected.agent, duration: 192 } };
    const keys = [popShown(ringing), popShown(ended), popShown(connected), popShown(timed)];
    expect(new Set(keys).size).toBe(4);
    expect(popShown(timed).startsWith('ended:connected:192')).toBe(true);
    expect(popShown({ ...timed, updatedAt: new Date() })).toBe(popShown(timed));
  });

  test('When any two call states are rendered, then their pops differ exactly when popShown differs', () => {
    const agent = { number: '+15557654321', dialedAt: at };
    const variants: Call[] = [
      makeCall({ agent: undefined, path: ['menu'] }),
      makeCall({ agent: undefined, path: ['menu', 'agent'] }),
      makeCall({ status: 'ringing' }),
      makeCall({ status: 'in-progress', updatedAt: new Date(at.getTime() + 1000) }),
      makeCall({ agent: { ...agent, status: 'no-answer' } }),
      makeCall({ agent: { ...agent, status: 'answered' } }),
      makeCall({ agent: { ...agent, status: 'completed', duration: 30 } }),
      makeCall({ status: 'completed', endedAt: at }),
      makeCall({ status: 'completed' }),
      makeCall({ status: 'completed', endedAt: at, duration: 40 }),
      makeCall({ status: 'completed', endedAt: at, duration: 40, agent: { ...agent, status: 'busy' } }),
      makeCall({ status: 'completed', endedAt: at, agent: { ...agent, status: 'completed', duration: 192 } }),
      makeCall({ status: 'completed', endedAt: at, agent: { ...agent, status: 'completed' }, duration: 9 }),
      makeCall({ voicemail: { recordingSid: 'RE1', url: 'https://x.example/r' } }),
      makeCall({ status: 'completed', endedAt: at, voicemail: { recordingSid: 'RE1', url: 'https://x' } }),
      makeCall({ orders: [1042, 1060] }),
      makeCall({ language: 'he' }),
      // the path only ever grows ($push), so its length tells its versions apart
      makeCall({ language: 'he', path: ['menu', 'lang:he', 'status', 'not-found', 'status', 'agent'] }),
    ];
    for (const a of variants) {
      for (const b of variants) {
        const sameRender =
          JSON.stringify(callPop(makeCard(a), ctx)) === JSON.stringify(callPop(makeCard(b), ctx));
        expect([popShown(a) === popShown(b), popShown(a), popShown(b)]).toEqual([
          sameRender,
          popShown(a),
          popShown(b),
        ]);
      }
    }
  });
});

describe('voicemail', () => {
  const recorded = (voicemail: Partial<NonNullable<Call['voicemail']>> = {}) =>
    makeCall({
      status: 'completed',
      endedAt: at,
      duration: 70,
      agent: { number: '+15557654321', dialedAt: at, status: 'no-answer' },
      voicemail: {
        recordingSid: 'RE1',
        url: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1',
        duration: 42,
        ...voicemail,
      },
    });

  test('When the transcription has not arrived, then the message links the recording and says it is on its way', () => {
    const out = voicemailMessage(makeCard(recorded()), ctx);
    const text = allText(out);
    expect(header(out)).toBe(':mailbox_with_mail: Voicemail from Dana Levi (+1 555 123 4567)');
    expect(text).toContain('<https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1|Listen (0:42)>');
    expect(text).toContain('Transcription on its way…');
    expect(text).toContain('2/5 on #1042');
    expect(text).toContain('3rd call');
    expect(text).toContain('*#1050* · ⏳ Pending approval');
    expect(buttons(out).map((b) => [b.action_id, b.value])).toEqual([[ACTIONS.logPhoneOrder, PHONE]]);
    expectWithinLimits(out);
  });

  test('When Twilio could not transcribe it, then the message says so', () => {
    const text = allText(voicemailMessage(makeCard(recorded({ transcriptionStatus: 'failed' })), ctx));
    expect(text).toContain('No transcription (Twilio could not transcribe it)');
    expect(text).not.toContain('on its way');
  });

  test('When the transcription arrives, then it is quoted', () => {
    const call = recorded({ transcription: 'Hi, where is my order 1042?', transcriptionStatus: 'completed' });
    const out = voicemailMessage(makeCard(call), ctx);
    expect(allText(out)).toContain('*Transcription*\n> Hi, where is my order 1042?');
    expect(out.text).toContain('Hi, where is my order 1042?');
  });

  test('When the transcription carries a mention or a link, then it is shown as text', () => {
    const words = 'call me <!channel> or see <http://evil.example|x> and <@U123>';
    const out = voicemailMessage(
      makeCard(recorded({ transcription: words, transcriptionStatus: 'completed' })),
      ctx,
    );
    for (const t of texts(out)) {
      expect(t).not.toContain('<!channel>');
      expect(t).not.toContain('<http://evil');
      expect(t).not.toContain('<@U123>');
    }
    expect(allText(out)).toContain('&lt;!channel&gt;');
    expect(allText(out)).toContain('&lt;http:\u200B//evil\u200B.example|x&gt;');
    expectWithinLimits(out);
  });

  test('When a long transcription arrives, then the message stays within Slack’s limits', () => {
    const words = '<&> '.repeat(1500);
    const out = voicemailMessage(
      makeCard(recorded({ transcription: words, transcriptionStatus: 'completed' })),
      ctx,
    );
    expectWithinLimits(out);
  });

  test.each(['http://api.twilio.com/rec/RE1', 'javascript:alert(1)', 'not a url'])(
    'When the recording URL is not https (%p), then it is not linked',
    (url) => {
      const text = allText(voicemailMessage(makeCard(recorded({ url })), ctx));
      expect(text).not.toContain('|Listen');
      expect(text).toContain('not linked');
    },
  );

  test('When the recording URL holds Slack’s link syntax, then it cannot end the link early', () => {
    const url = 'https://api.twilio.com/rec/RE1?a=1&b=<x>|Click me';
    const text = allText(voicemailMessage(makeCard(recorded({ url })), ctx));
    const link = text.match(/<(https:[^>]*)\|Listen \(0:42\)>/);
    expect(link?.[1]).toBeDefined();
    expect(link?.[1]).not.toMatch(/[<>|\s]/);
    expect(link?.[1]).toContain('&amp;b=');
  });

  test('When the voicemail came from a hidden number, then it has no button', () => {
    const call = { ...recorded(), from: 'anonymous', customer: undefined };
    const out = voicemailMessage(makeCard(call, { customer: undefined }), ctx);
    expect(header(out)).toBe(':mailbox_with_mail: Voicemail from Unknown caller (hidden number)');
    expect(buttons(out)).toEqual([]);
  });

  test('When the transcription arrives, then voicemailShown changes; when the record is only touched, it does not', () => {
    const pending = recorded();
    const failed = recorded({ transcriptionStatus: 'failed' });
    const text = recorded({ transcription: 'Hello there', transcriptionStatus: 'completed' });
    expect(voicemailShown(pending).startsWith('vm:pending')).toBe(true);
    expect(voicemailShown(failed).startsWith('vm:failed')).toBe(true);
    expect(voicemailShown(text).startsWith('vm:text:11')).toBe(true);
    expect(voicemailShown({ ...pending, updatedAt: new Date() })).toBe(voicemailShown(pending));
    expect(voicemailShown({ ...pending, status: 'canceled' })).toBe(voicemailShown(pending));
  });
});

describe('outcome', () => {
  test('When an order was placed on the call, then its outcome is ordered, unless a person or a voicemail took over', () => {
    const placed = makeCall({
      status: 'completed',
      endedAt: at,
      agent: undefined,
      path: ['take-order', 'order-said', 'placed:1004'],
      orders: [1004],
    });
    expect(outcomeOf(placed)).toBe('ordered');
    expect(outcomeOf({ ...placed, statusHeard: true, path: ['heard:1000', ...placed.path] })).toBe('ordered');
    expect(outcomeOf({ ...placed, path: ['take-order', 'order-said'] })).toBe('hung_up');
    expect(outcomeOf({ ...placed, path: ['order-no-number'] })).toBe('hung_up');
    const connected = { ...placed, agent: { number: '+15557654321', dialedAt: at, status: 'completed' } };
    expect(outcomeOf(connected)).toBe('connected');
    expect(outcomeOf({ ...placed, voicemail: { recordingSid: 'RE1', url: 'https://x.example/r' } })).toBe(
      'voicemail',
    );
  });
});

describe('calls line on an order card', () => {
  test('When nobody called about the order, then there is no line', () => {
    expect(callsLine([], ctx)).toBeUndefined();
  });

  test('When there were calls, then the line counts them and names the latest one’s outcome', () => {
    const later = new Date('2026-11-25T19:05:00Z');
    const line = callsLine(
      [
        { sid: 'CA2', at: later, outcome: 'status_heard' },
        { sid: 'CA1', at, outcome: 'connected' },
      ],
      ctx,
    );
    expect(line).toBe(`Calls: 2 — last ${when(later, ctx.timezone)} (status heard)`);
    expect(callsLine([{ sid: 'CA1', at }], ctx)).toBe(`Calls: 1 — ${when(at, ctx.timezone)}`);
    expect(callsLine([{ sid: 'CA3', at, outcome: 'ordered' }], ctx)).toBe(
      `Calls: 1 — ${when(at, ctx.timezone)} (ordered by voice)`,
    );
  });

  test('When the order was placed by voice, then its card says so', () => {
    const order: Order = {
      number: 1004,
      channel: 'voice',
      customer: { name: 'Dana Levi', phone: PHONE },
      items: [{ sku: 'MUG-BLUE', name: 'Blue enamel mug', quantity: 2, unitPrice: 1299, lineTotal: 2598 }],
      total: 2598,
      currency: 'USD',
      status: 'pending_approval',
      inventory: 'reserved',
      history: [],
      calls: [{ sid: 'CA0001', at, why: 'placed' }],
      createdAt: at,
      updatedAt: at,
    };
    expect(allText(orderCard(order, ctx))).toContain(
      `*Phone calls*\nCalls: 1 — ${when(at, ctx.timezone)} (ordered by voice)`,
    );
  });

  test('When an outcome is unknown, then it is shown as text', () => {
    expect(callsLine([{ sid: 'CA1', at, outcome: '<!here>' }], ctx)).toContain('(&lt;!here&gt;)');
  });
});
