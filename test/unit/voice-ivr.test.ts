import {
  addLine,
  afterDial,
  afterMenu,
  afterOrderChoice,
  afterOrderNumber,
  afterOrderWords,
  afterReadBack,
  MAX_TRIES,
  recordingKept,
  shortLines,
} from '../../src/calls/ivr.js';
import type { OrderReading } from '../../src/order-words/read.js';
import { parseBusinessHours } from '../../src/voice/hours.js';

/** The phone menu's decisions, without TwiML: what the caller hears next is the door's business. */

const always = parseBusinessHours('Sun-Sat 00:00-24:00');
const desk = (agentNumber: string | undefined, businessHours = always) => ({
  agentNumber,
  businessHours,
  timezone: 'UTC',
  now: new Date('2026-12-07T12:00:00Z'),
});

test.each([
  [{ digits: '1' }, { next: 'read-orders' }],
  [{ speech: 'status' }, { next: 'read-orders' }],
  [{ digits: '9' }, { next: 'switch-language' }],
  [{ digits: '2' }, { next: 'dial', agent: '+15550001111' }],
  [{ digits: '3' }, { next: 'take-order' }],
  [{ speech: 'I would like to place an order' }, { next: 'take-order' }],
  [{ speech: 'הזמנה' }, { next: 'take-order' }],
  [{ digits: '7' }, { next: 'ask-again', tries: 1, heard: true }],
  [{}, { next: 'ask-again', tries: 1, heard: false }],
])('When the caller answers the menu with %j, then next is %j', (heard, expected) => {
  expect(afterMenu(heard, 0, desk('+15550001111'), '+15551230000')).toEqual(expected);
});

test('When a caller whose number is hidden (or not E.164) presses 3, then they are told an order by voice needs it', () => {
  for (const from of ['anonymous', '', '5551230000'])
    expect(afterMenu({ digits: '3' }, 0, desk('+15550001111'), from)).toEqual({ next: 'order-needs-number' });
});

test('When a person is asked for with no agent line, or outside business hours, then the caller leaves a voicemail', () => {
  expect(afterMenu({ digits: '2' }, 0, desk(undefined))).toEqual({ next: 'voicemail' });
  // Open one hour on Mondays; 2026-12-07 12:00 UTC is a Monday, 10:00–11:00 has passed.
  const closed = parseBusinessHours('Mon 10:00-11:00');
  expect(afterMenu({ digits: '2' }, 0, desk('+15550001111', closed))).toEqual({ next: 'voicemail' });
});

test('When the menu is not understood on the last try, then the call says goodbye', () => {
  expect(afterMenu({ digits: '7' }, MAX_TRIES - 2, desk(undefined))).toEqual({
    next: 'ask-again',
    tries: MAX_TRIES - 1,
    heard: true,
  });
  expect(afterMenu({ digits: '7' }, MAX_TRIES - 1, desk(undefined))).toEqual({ next: 'goodbye' });
});

test.each([
  [{ digits: '1042#' }, 0, { next: 'look-up', number: 1042 }],
  [{ digits: '1042' }, 0, { next: 'look-up', number: 1042 }],
  [{ speech: 'one oh four two' }, 0, { next: 'look-up', number: 1042 }],
  [{ digits: '*' }, 2, { next: 'menu' }],
  [{ digits: '0#' }, 0, { next: 'ask-again', tries: 1, heard: true }],
  [{ speech: 'hello there' }, 1, { next: 'ask-again', tries: 2, heard: true }],
  [{}, 0, { next: 'ask-again', tries: 1, heard: false }],
  [{ digits: '12' }, MAX_TRIES, { next: 'look-up', number: 12 }],
  [{ digits: 'x' }, MAX_TRIES - 1, { next: 'goodbye' }],
])('When the caller gives %j for an order number (try %i), then next is %j', (heard, tries, expected) => {
  expect(afterOrderNumber(heard, tries)).toEqual(expected);
});

test('When the agent line answers, then the call ends; otherwise the caller leaves a voicemail', () => {
  expect(afterDial('completed')).toBe('hang-up');
  expect(afterDial('answered')).toBe('hang-up');
  for (const status of ['busy', 'no-answer', 'failed', 'canceled'])
    expect(afterDial(status)).toBe('voicemail');
});

test('When Twilio sends an empty recording (the caller hung up at the beep), then it is not kept', () => {
  expect(recordingKept({ url: 'https://x', sid: 'RE1', duration: 5 })).toBe(true);
  expect(recordingKept({ url: 'https://x', sid: 'RE1', duration: 0 })).toBe(false);
  expect(recordingKept({ sid: 'RE1', duration: 5 })).toBe(false);
  expect(recordingKept({ url: 'https://x', duration: 5 })).toBe(false);
});

/** What the order reader makes of an order said (src/order-words/read.ts), for the decisions. */
const blue = { sku: 'MUG-BLUE', name: 'Blue enamel mug', aliases: ['blue mug'] };
const red = { sku: 'MUG-RED', name: 'Red enamel mug', aliases: [] };
const reading = (over: Partial<OrderReading>): OrderReading => ({
  lines: [],
  questions: [],
  unplaced: [],
  ...over,
});
const limits = { maxQuantity: 100, maxItems: 3 };
const open = desk('+15550001111');

test.each([
  [
    'every phrase fits one product',
    reading({ lines: [{ sku: 'MUG-BLUE', quantity: 2 }] }),
    { next: 'draft', items: [{ sku: 'MUG-BLUE', quantity: 2 }], questions: [] },
  ],
  [
    'a phrase fits several',
    reading({ questions: [{ phrase: 'mug', quantity: 1, options: [blue, red] }] }),
    { next: 'draft', items: [], questions: [{ phrase: 'mug', quantity: 1, options: [blue, red] }] },
  ],
  [
    'a phrase fits none (one is close)',
    reading({ lines: [{ sku: 'TOTE', quantity: 1 }], unplaced: [{ phrase: 'bleu mugg', closest: blue }] }),
    { next: 'ask-again', tries: 1, problem: { kind: 'not-understood', phrase: 'bleu mugg', closest: blue } },
  ],
  [
    'a phrase fits none, and nothing is close',
    reading({ unplaced: [{ phrase: 'piano' }] }),
    { next: 'ask-again', tries: 1, problem: { kind: 'not-understood', phrase: 'piano' } },
  ],
  [
    'nothing but fillers was said',
    reading({}),
    { next: 'ask-again', tries: 1, problem: { kind: 'not-understood' } },
  ],
  [
    'too much of one product was asked for',
    reading({ tooMuch: { phrase: 'mugs', quantity: 500 } }),
    { next: 'ask-again', tries: 1, problem: { kind: 'too-much', max: 100 } },
  ],
  [
    'more products than an order by voice takes',
    reading({
      lines: [
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 1 },
        { sku: 'C', quantity: 1 },
      ],
      questions: [{ phrase: 'mug', quantity: 1, options: [blue, red] }],
    }),
    { next: 'ask-again', tries: 1, problem: { kind: 'too-many', max: 3 } },
  ],
  ['nothing was heard', undefined, { next: 'ask-again', tries: 1, problem: { kind: 'no-input' } }],
])('When an order is said and %s, then next is as expected', (_what, read, expected) => {
  expect(afterOrderWords(read, 0, open, limits)).toEqual(expected);
});

test('When the order said fails on the last try, then the caller goes to a person: the agent line in hours, else a voicemail', () => {
  const unheard = afterOrderWords(undefined, MAX_TRIES - 1, open, limits);
  expect(unheard).toEqual({ next: 'dial', agent: '+15550001111' });
  expect(
    afterOrderWords(reading({ unplaced: [{ phrase: 'x' }] }), MAX_TRIES - 1, desk(undefined), limits),
  ).toEqual({
    next: 'voicemail',
  });
  expect(afterOrderWords(undefined, MAX_TRIES - 2, open, limits)).toMatchObject({
    next: 'ask-again',
    tries: MAX_TRIES - 1,
  });
});

const draft = {
  items: [{ sku: 'TOTE', quantity: 1 }],
  questions: [
    { phrase: 'mug', quantity: 2, options: [blue, red] },
    { phrase: 'tea', quantity: 1, options: [blue, red] },
  ],
};

test('When a question is answered with a key that picks an option, then it becomes a line and the next question is next', () => {
  expect(afterOrderChoice({ digits: '2' }, red, draft, 0, open)).toEqual({
    next: 'chosen',
    items: [
      { sku: 'TOTE', quantity: 1 },
      { sku: 'MUG-RED', quantity: 2 },
    ],
    questions: [draft.questions[1]],
  });
});

test('When a question is answered with a key that picks nothing, or not at all, then it is asked again; the third time a person', () => {
  expect(afterOrderChoice({ digits: '7' }, undefined, draft, 0, open)).toEqual({
    next: 'ask-again',
    tries: 1,
    problem: { heard: true },
  });
  expect(afterOrderChoice({}, undefined, draft, 1, open)).toEqual({
    next: 'ask-again',
    tries: 2,
    problem: { heard: false },
  });
  expect(afterOrderChoice({ digits: '7' }, undefined, draft, MAX_TRIES - 1, desk(undefined))).toEqual({
    next: 'voicemail',
  });
});

test.each([
  [{ digits: '1' }, 0, { next: 'place' }],
  [{ digits: '2' }, MAX_TRIES - 1, { next: 'start-over' }],
  [{ digits: '5' }, 0, { next: 'ask-again', tries: 1, problem: { heard: true } }],
  [{}, 1, { next: 'ask-again', tries: 2, problem: { heard: false } }],
  [{ digits: '#' }, MAX_TRIES - 1, { next: 'dial', agent: '+15550001111' }],
])('When the read-back is answered with %j (try %i), then next is %j', (heard, tries, expected) => {
  expect(afterReadBack(heard, tries, open)).toEqual(expected);
});

test('When a line joins the draft, then a product already in it gets the quantities added, without changing the old lines', () => {
  const items = [{ sku: 'TOTE', quantity: 1 }];
  expect(addLine(items, { sku: 'TOTE', quantity: 2 })).toEqual([{ sku: 'TOTE', quantity: 3 }]);
  expect(addLine(items, { sku: 'MUG-RED', quantity: 1 })).toEqual([
    { sku: 'TOTE', quantity: 1 },
    { sku: 'MUG-RED', quantity: 1 },
  ]);
  expect(items).toEqual([{ sku: 'TOTE', quantity: 1 }]);
});

test('When the draft is checked against the stock, then lines over what is available (or of a product gone) are short', () => {
  const items = [
    { sku: 'MUG-BLUE', quantity: 2 },
    { sku: 'TOTE', quantity: 5 },
    { sku: 'GONE', quantity: 1 },
  ];
  const products = [
    { sku: 'MUG-BLUE', available: 2 },
    { sku: 'TOTE', available: 4 },
  ];
  expect(shortLines(items, products)).toEqual([
    { sku: 'TOTE', available: 4 },
    { sku: 'GONE', available: 0 },
  ]);
});
