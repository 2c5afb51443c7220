import { randomBytes } from 'node:crypto';
import { type DialVerb, type GatherVerb, parseTwiml, type Verb } from '../../src/twilio-sim/twiml-walk.js';
import { digitsSpoken } from '../../src/voice/speech.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { placeOrder, uniquePhone } from '../helpers/builders.js';
import { FakeSlack, slackEnv } from '../helpers/slack.js';
import { FakeTwilio, OUR_NUMBER, postTwilio, twilioEnv } from '../helpers/twilio.js';

/**
 * Menu option 3 end to end: an order said in the caller's words, read by the order reader, read
 * back, placed on 1. Webhooks signed as Twilio signs them, the TwiML read as Twilio reads it, the
 * texts that follow recorded by a fake Twilio at the network edge.
 */

const AGENT = '+15557654321';
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

let slack: FakeSlack;
let twilio: FakeTwilio;
/** Open around the clock: a person is the agent line. */
let open: TestApp;
/** Open one hour on a day three days away: a person is a voicemail. */
let closed: TestApp;

/** The catalogue the callers order from, with the names customers use for each product. */
const CATALOGUE = [
  { sku: 'MUG-BLUE', name: 'Blue enamel mug', price: 1299, onHand: 40, aliases: ['blue mug', 'ספל כחול'] },
  { sku: 'MUG-RED', name: 'Red enamel mug', price: 1299, onHand: 25, aliases: ['red mug', 'ספל אדום'] },
  {
    sku: 'TOTE',
    name: 'Canvas tote bag',
    price: 1800,
    onHand: 50,
    aliases: ['tote', 'bag', 'תיק', 'תיק בד'],
  },
  { sku: 'CANDLE', name: 'Soy candle', price: 900, onHand: 1, aliases: ['candle', 'נר'] },
  { sku: 'LAMP', name: 'Brass desk lamp', price: 4500, onHand: 1, aliases: ['lamp', 'מנורה'] },
];

beforeAll(async () => {
  slack = await new FakeSlack().start();
  twilio = await new FakeTwilio().start();
  const env = {
    ...slackEnv(slack, { SLACK_CHANNEL_CALLS: 'CCALLS0001' }),
    ...twilioEnv(twilio, { TWILIO_AGENT_NUMBER: AGENT }),
    BUSINESS_NAME: 'Cafe Levi',
    JOB_POLL_INTERVAL: '1 second',
  };
  open = await startTestApp('voiceorder', { ...env, BUSINESS_HOURS: 'Sun-Sat 00:00-24:00' }, { jobs: true });
  const away = DAYS[(new Date().getUTCDay() + 3) % 7];
  closed = await startTestApp('voiceorderclosed', { ...env, BUSINESS_HOURS: `${away} 10:00-11:00` });
  for (const app of [open, closed])
    for (const product of CATALOGUE) await app.deps.inventory.create({ ...product, lowStockThreshold: 0 });
});
afterAll(async () => {
  await open.close();
  await closed.close();
  await slack.stop();
  await twilio.stop();
});

/** One call: each step posts to a path as Twilio would, with the call's fields, and parses the TwiML. */
function caller(app: TestApp, from: string) {
  const sid = `CA${randomBytes(16).toString('hex')}`;
  const common = { CallSid: sid, AccountSid: `AC${'0'.repeat(32)}`, From: from, To: OUR_NUMBER };
  return {
    sid,
    async post(path: string, fields: Record<string, string> = {}) {
      const res = await postTwilio(app.url, path, { ...common, CallStatus: 'in-progress', ...fields });
      expect(res.status).toBe(200);
      return { body: res.body, verbs: parseTwiml(res.body) };
    },
    ring() {
      return this.post('/twilio/voice', { CallStatus: 'ringing' });
    },
    /** Answers the Gather the last TwiML left off at; with no input, follows its Redirect (silence). */
    answer(verbs: Verb[], input: { Digits?: string; SpeechResult?: string } = {}) {
      const target = Object.keys(input).length > 0 ? gatherOf(verbs).action : redirectOf(verbs);
      if (!target) throw new Error(`nowhere to answer: ${JSON.stringify(verbs)}`);
      return this.post(target, { ...input, ...(input.SpeechResult ? { Confidence: '0.9' } : {}) });
    },
  };
}

const gatherOf = (verbs: Verb[]) => verbs.find((v): v is GatherVerb => v.verb === 'gather') as GatherVerb;
const redirectOf = (verbs: Verb[]) =>
  (verbs.find((v) => v.verb === 'redirect') as { url: string } | undefined)?.url;
/** Everything said, in order. */
const words = (verbs: Verb[]) =>
  verbs
    .flatMap((v) => (v.verb === 'say' ? [v] : v.verb === 'gather' ? v.prompts : []))
    .flatMap((p) => (p.verb === 'say' ? [p.text] : []))
    .join(' ');
const ends = (verbs: Verb[]) => verbs.some((v) => v.verb === 'hangup');
/** The <Gather hints> of a TwiML reply, as written. */
const hintsIn = (body: string) => (body.match(/hints="([^"]*)"/)?.[1] ?? '').split(', ').filter(Boolean);

const callLog = async (app: TestApp, sid: string) => (await app.api('GET', `/api/v1/calls/${sid}`)).body;
const ordersOfCall = (app: TestApp, sid: string) =>
  app.raw('orders').find({ channel: 'voice', externalId: sid }).toArray();
const available = async (app: TestApp, sku: string) =>
  (await app.deps.inventory.getMany([sku]))[0]?.available;

/** Rings, presses 3 and says the order: the TwiML after the order said. */
async function sayOrder(call: ReturnType<typeof caller>, speech: string, menuInput = { Digits: '3' }) {
  const menu = await call.ring();
  const ask = await call.answer(menu.verbs, menuInput);
  return call.answer(ask.verbs, { SpeechResult: speech });
}

describe('3 — an order said', () => {
  test('When a caller presses 3 and says "two blue mugs and a tote", then it is read back with its total, and 1 places it by voice: linked to the call, texted "placed", placed once however often the 1 comes', async () => {
    const phone = uniquePhone();
    const call = caller(open, phone);
    const menu = await call.ring();
    expect(words(menu.verbs)).toContain('To place an order, press 3 or say order.');

    const ask = await call.answer(menu.verbs, { Digits: '3' });
    expect(words(ask.verbs)).toBe('Please say what you would like to order, and how many of each.');
    const gather = gatherOf(ask.verbs);
    expect(gather).toMatchObject({
      input: ['speech'],
      language: 'en-US',
      action: '/twilio/voice/order-words?lang=en&try=0',
    });
    const hints = hintsIn(ask.body);
    expect(hints).toEqual(expect.arrayContaining(['blue mug', 'tote', 'Blue enamel mug', 'Canvas tote bag']));
    expect(hints.some((h) => /[\u0590-\u05ff]/.test(h))).toBe(false);

    const readBack = await call.answer(ask.verbs, { SpeechResult: 'Two blue mugs and a tote.' });
    expect(words(readBack.verbs)).toBe(
      'Your order: 2 Blue enamel mug, 1 Canvas tote bag. The total is $43.98. To place it, press 1. To start over, press 2.',
    );
    expect(gatherOf(readBack.verbs)).toMatchObject({ input: ['dtmf'], numDigits: 1 });
    const bluesBefore = await available(open, 'MUG-BLUE');

    const placed = await call.answer(readBack.verbs, { Digits: '1' });
    const [order] = await ordersOfCall(open, call.sid);
    expect(order).toBeDefined();
    const number = Number(order?._id);
    expect(words(placed.verbs)).toBe(
      `Thank you. Your order number is ${digitsSpoken(number)}. We are texting you the details. Goodbye.`,
    );
    expect(ends(placed.verbs)).toBe(true);

    // Twilio delivers the 1 again (its answer was lost): the same order, said the same way.
    const again = await call.post(gatherOf(readBack.verbs).action as string, { Digits: '1' });
    expect(words(again.verbs)).toBe(words(placed.verbs));
    expect(await ordersOfCall(open, call.sid)).toHaveLength(1);
    expect(await available(open, 'MUG-BLUE')).toBe((bluesBefore ?? 0) - 2);

    const api = (await open.api('GET', `/api/v1/orders/${number}`)).body;
    expect(api).toMatchObject({
      channel: 'voice',
      status: 'pending_approval',
      total: 4398,
      customer: { name: phone, phone },
      items: [
        expect.objectContaining({ sku: 'MUG-BLUE', quantity: 2 }),
        expect.objectContaining({ sku: 'TOTE', quantity: 1 }),
      ],
    });
    expect(await callLog(open, call.sid)).toMatchObject({
      orders: [number],
      path: ['take-order', 'order-said', `placed:${number}`],
    });
    const listed = (await open.api('GET', `/api/v1/calls?phone=${encodeURIComponent(phone)}`)).body.items;
    expect(listed).toEqual([
      expect.objectContaining({ sid: call.sid, orders: [number], outcome: 'ordered' }),
    ]);
    // The order points back to the call that placed it, once, though the 1 came twice.
    expect(api.calls).toEqual([
      { sid: call.sid, at: expect.any(String), why: 'placed', url: `/api/v1/calls/${call.sid}` },
    ]);

    const text = await twilio.waitFor((sent) => sent.find((m) => m.to === phone), 'the "placed" text');
    expect(text.body).toContain(`Order #${number} placed ($43.98)`);
  });

  test('When a Hebrew customer says "הזמנה" and then "שני ספלים כחולים ותיק", then the whole order is in Hebrew, the products by their Hebrew names, and the order is theirs', async () => {
    const phone = uniquePhone();
    await placeOrder(open, [{ sku: 'TOTE', quantity: 1 }], {
      customer: { name: 'דנה לוי', phone, language: 'he' },
    });
    const call = caller(open, phone);
    const menu = await call.ring();
    expect(words(menu.verbs)).toContain('לביצוע הזמנה, הקישו 3 או אמרו הזמנה.');
    const ask = await call.answer(menu.verbs, { SpeechResult: 'הזמנה' });
    expect(gatherOf(ask.verbs)).toMatchObject({
      language: 'he-IL',
      action: '/twilio/voice/order-words?lang=he&try=0',
    });
    expect(words(ask.verbs)).toBe('אמרו מה תרצו להזמין, וכמה מכל מוצר.');
    const hints = hintsIn(ask.body);
    expect(hints).toEqual(expect.arrayContaining(['ספל כחול', 'תיק']));
    expect(hints.every((h) => /[\u0590-\u05ff]/.test(h))).toBe(true);

    const readBack = await call.answer(ask.verbs, { SpeechResult: 'שני ספלים כחולים ותיק' });
    const heard = words(readBack.verbs);
    expect(heard).toMatch(
      /^ההזמנה שלכם: 2 ספל כחול, 1 תיק\. הסכום הכולל: .*43\.98.*\. לאישור ההזמנה, הקישו 1\./,
    );
    const placed = await call.answer(readBack.verbs, { Digits: '1' });
    const [order] = await ordersOfCall(open, call.sid);
    expect(words(placed.verbs)).toContain(`מספר ההזמנה שלכם הוא ${digitsSpoken(Number(order?._id))}`);
    expect(order).toMatchObject({ customer: { name: 'דנה לוי', phone, language: 'he' } });
    await twilio.waitFor(
      (sent) => sent.find((m) => m.to === phone && m.body.includes(`#${order?._id}`)),
      'the Hebrew "placed" text',
    );
  });

  test('When "a mug" fits two products, then the caller picks one by key (a repeated key counts once), and 2 at the read-back starts over', async () => {
    const call = caller(open, uniquePhone());
    const question = await sayOrder(call, 'a mug');
    expect(words(question.verbs)).toBe('For mug, press 1 for Blue enamel mug, 2 for Red enamel mug.');
    const keys = gatherOf(question.verbs);
    expect(keys).toMatchObject({ input: ['dtmf'], numDigits: 1 });
    expect(keys.action).toMatch(/^\/twilio\/voice\/order-choice\?lang=en&try=0&rev=\w+$/);

    const wrong = await call.answer(question.verbs, { Digits: '7' });
    expect(words(wrong.verbs)).toBe(`Sorry, I didn't get that. ${words(question.verbs)}`);
    const readBack = await call.answer(wrong.verbs, { Digits: '2' });
    expect(words(readBack.verbs)).toMatch(/^Your order: 1 Red enamel mug\. The total is \$12\.99\./);
    // The same key delivered twice: the draft moved on, so it is read back unchanged.
    const repeated = await call.post(gatherOf(wrong.verbs).action as string, { Digits: '2' });
    expect(words(repeated.verbs)).toBe(words(readBack.verbs));

    const over = await call.answer(readBack.verbs, { Digits: '2' });
    expect(words(over.verbs)).toBe('Please say what you would like to order, and how many of each.');
    const tote = await call.answer(over.verbs, { SpeechResult: 'a tote' });
    expect(words(tote.verbs)).toMatch(/^Your order: 1 Canvas tote bag\. The total is \$18\.00\./);
    await call.answer(tote.verbs, { Digits: '1' });
    const [order] = await ordersOfCall(open, call.sid);
    expect(order?.items).toEqual([expect.objectContaining({ sku: 'TOTE', quantity: 1 })]);
    expect((await callLog(open, call.sid)).path).toEqual([
      'take-order',
      'order-said',
      'order-over',
      'order-said',
      `placed:${order?._id}`,
    ]);
  });

  test('When a phrase fits nothing, then it is named back with the closest product, and the third failed try rings a person', async () => {
    const call = caller(open, uniquePhone());
    const menu = await call.ring();
    const ask = await call.answer(menu.verbs, { Digits: '3' });
    const silent = await call.answer(ask.verbs);
    expect(words(silent.verbs)).toBe("Sorry, I didn't hear anything. Please say your order again.");
    expect(gatherOf(silent.verbs).action).toBe('/twilio/voice/order-words?lang=en&try=1');
    const scented = await call.answer(silent.verbs, { SpeechResult: 'two mugs and a scented candle' });
    expect(words(scented.verbs)).toBe(
      'Sorry, I didn\'t understand "scented candle". The closest we have is Soy candle. Please say your order again.',
    );
    const piano = await call.answer(scented.verbs, { SpeechResult: 'a piano' });
    expect(words(piano.verbs)).toBe(
      "Sorry, I couldn't take your order this way. Please hold while we connect you.",
    );
    const dial = piano.verbs.find((v): v is DialVerb => v.verb === 'dial');
    expect(dial).toMatchObject({ numbers: [AGENT], callerId: expect.stringMatching(/^\+1555/) });
    expect((await callLog(open, call.sid)).path).toEqual(['take-order', 'agent']);
    expect(await ordersOfCall(open, call.sid)).toEqual([]);
  });

  test('When the keys at a question and at the read-back go wrong three times, then outside business hours the caller leaves a voicemail', async () => {
    const call = caller(closed, uniquePhone());
    const question = await sayOrder(call, 'a mug and a tote');
    const first = await call.answer(question.verbs, { Digits: '9' });
    const second = await call.answer(first.verbs);
    expect(words(second.verbs)).toBe(`Sorry, I didn't hear anything. ${words(question.verbs)}`);
    const third = await call.answer(second.verbs, { Digits: '0' });
    expect(words(third.verbs)).toMatch(
      /^Sorry, I couldn't take your order this way\. We are closed right now\./,
    );
    expect(third.verbs.find((v) => v.verb === 'record')).toMatchObject({
      action: '/twilio/voice/recorded?lang=en',
    });

    // At the read-back: a wrong key reads it again, then a person.
    const other = caller(closed, uniquePhone());
    const readBack = await sayOrder(other, 'a tote');
    const again = await other.answer(readBack.verbs, { Digits: '5' });
    expect(words(again.verbs)).toBe(`Sorry, I didn't get that. ${words(readBack.verbs)}`);
    expect(gatherOf(again.verbs).action).toMatch(/^\/twilio\/voice\/order-confirm\?lang=en&try=1&rev=/);
    const silent = await other.answer(again.verbs);
    const gone = await other.answer(silent.verbs, { Digits: '#' });
    expect(gone.verbs.some((v) => v.verb === 'record')).toBe(true);
    expect(await ordersOfCall(closed, other.sid)).toEqual([]);
  });

  test('When more is asked for than is available, then the short line is said and the order asked for again', async () => {
    const call = caller(open, uniquePhone());
    const short = await sayOrder(call, 'three candles');
    expect(words(short.verbs)).toBe(
      'Sorry, there is only 1 of Soy candle left. Please say your order again.',
    );
    expect(gatherOf(short.verbs)).toMatchObject({
      input: ['speech'],
      action: '/twilio/voice/order-words?lang=en&try=0',
    });
    expect(await ordersOfCall(open, call.sid)).toEqual([]);
  });

  test('When stock is taken between the read-back and the 1, then nothing is placed and the caller hears what is left', async () => {
    const call = caller(open, uniquePhone());
    // The only lamp: read back, then sold to someone else before the caller presses 1.
    const readBack = await sayOrder(call, 'a lamp');
    expect(words(readBack.verbs)).toMatch(/^Your order: 1 Brass desk lamp\. The total is \$45\.00\./);
    await placeOrder(open, [{ sku: 'LAMP', quantity: 1 }]);
    const refused = await call.answer(readBack.verbs, { Digits: '1' });
    expect(words(refused.verbs)).toBe('Sorry, Brass desk lamp is sold out. Please say your order again.');
    expect(await ordersOfCall(open, call.sid)).toEqual([]);
  });

  test('When the caller’s number is hidden, then option 3 says an order by voice needs it and the menu is offered again', async () => {
    const call = caller(open, 'anonymous');
    const menu = await call.ring();
    const res = await call.answer(menu.verbs, { Digits: '3' });
    expect(words(res.verbs)).toMatch(
      /^To order by phone we need to see your phone number, and it is hidden on this call\..*For the status of an order, press 1/,
    );
    expect(gatherOf(res.verbs).action).toBe('/twilio/voice/menu?lang=en&try=0');
    expect(await callLog(open, call.sid)).toMatchObject({ path: ['order-no-number'], orders: [] });
  });
});
