import { randomBytes } from 'node:crypto';
import { orderCard } from '../../src/slack/blocks/index.js';
import {
  type DialVerb,
  type GatherVerb,
  parseTwiml,
  type RecordVerb,
  type Verb,
} from '../../src/twilio-sim/twiml-walk.js';
import { digitsSpoken } from '../../src/voice/speech.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, placeOrder, uniquePhone, walk } from '../helpers/builders.js';
import { eventually } from '../helpers/eventually.js';
import { clickButton, FakeSlack, slackEnv, submitView } from '../helpers/slack.js';
import { AUTH_TOKEN, FakeTwilio, OUR_NUMBER, postTwilio, twilioEnv } from '../helpers/twilio.js';

/**
 * The voice door end to end: Twilio's webhooks signed as Twilio signs them (the twilio library),
 * the TwiML read back as Twilio reads it (src/twilio-sim/twiml-walk.ts), Slack and Twilio's REST API as
 * recording fakes at the network edge.
 */

const CALLS_CHANNEL = 'CCALLS0001';
const AGENT = '+15557654321';
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

let slack: FakeSlack;
let twilio: FakeTwilio;
/** Open around the clock: option 2 rings the agent. */
let open: TestApp;
/** Open one hour on a day three days away: option 2 always takes a voicemail. */
let closed: TestApp;
let sku: string;

beforeAll(async () => {
  slack = await new FakeSlack().start();
  twilio = await new FakeTwilio().start();
  const env = {
    ...slackEnv(slack, { SLACK_CHANNEL_CALLS: CALLS_CHANNEL }),
    ...twilioEnv(twilio, { TWILIO_AGENT_NUMBER: AGENT }),
    BUSINESS_NAME: 'Cafe Levi',
    JOB_POLL_INTERVAL: '1 second',
  };
  open = await startTestApp('voice', { ...env, BUSINESS_HOURS: 'Sun-Sat 00:00-24:00' }, { jobs: true });
  const away = DAYS[(new Date().getUTCDay() + 3) % 7];
  closed = await startTestApp(
    'voiceclosed',
    { ...env, BUSINESS_HOURS: `${away} 10:00-11:00` },
    { jobs: true },
  );
  sku = (await createProduct(open, { name: 'Blue mug', price: 1250, onHand: 100 })).sku;
  await createProduct(closed, { sku, name: 'Blue mug', price: 1250, onHand: 100 });
});
afterAll(async () => {
  await open.close();
  await closed.close();
  await slack.stop();
  await twilio.stop();
});

const newSid = () => `CA${randomBytes(16).toString('hex')}`;

/** One call: each step posts to a path as Twilio would, with the call's fields, and parses the TwiML. */
function caller(app: TestApp, from: string) {
  const sid = newSid();
  const common = {
    CallSid: sid,
    AccountSid: `AC${'0'.repeat(32)}`,
    From: from,
    To: OUR_NUMBER,
    Direction: 'inbound',
  };
  return {
    sid,
    async post(
      path: string,
      fields: Record<string, string> = {},
      opts: { token?: string; unsigned?: boolean } = {},
    ) {
      const res = await postTwilio(app.url, path, { ...common, CallStatus: 'in-progress', ...fields }, opts);
      return {
        status: res.status,
        body: res.body,
        verbs: res.status === 200 && res.body ? parseTwiml(res.body) : [],
      };
    },
    /** The incoming call's first webhook. */
    ring() {
      return this.post('/twilio/voice', { CallStatus: 'ringing' });
    },
    /** Answers the Gather (or Redirect) the last TwiML left off at. */
    answer(verbs: Verb[], input: { Digits?: string; SpeechResult?: string } = {}) {
      const gather = verbs.find((v): v is GatherVerb => v.verb === 'gather');
      const redirect = verbs.find((v) => v.verb === 'redirect') as { url: string } | undefined;
      const target = Object.keys(input).length > 0 ? gather?.action : redirect?.url;
      if (!target) throw new Error(`nowhere to answer: ${JSON.stringify(verbs)}`);
      return this.post(target, { ...input, ...(input.SpeechResult ? { Confidence: '0.9' } : {}) });
    },
    status(CallStatus: string, extra: Record<string, string> = {}) {
      return this.post('/twilio/voice/status', { CallStatus, ...extra });
    },
  };
}

/** Everything said, with the language it is said in. */
const said = (verbs: Verb[]): { text: string; language?: string }[] =>
  verbs.flatMap((v) => {
    if (v.verb === 'say') return [{ text: v.text, ...(v.language ? { language: v.language } : {}) }];
    if (v.verb === 'gather')
      return v.prompts.flatMap((p) =>
        p.verb === 'say' ? [{ text: p.text, ...(p.language ? { language: p.language } : {}) }] : [],
      );
    return [];
  });
const words = (verbs: Verb[]) =>
  said(verbs)
    .map((s) => s.text)
    .join(' ');
const ends = (verbs: Verb[]) => verbs.some((v) => v.verb === 'hangup');

const callsOf = async (app: TestApp, phone: string) =>
  (await app.api('GET', `/api/v1/calls?phone=${encodeURIComponent(phone)}`)).body.items;
const callLog = async (app: TestApp, sid: string) => (await app.api('GET', `/api/v1/calls/${sid}`)).body;

async function customerOrder(app: TestApp, phone: string, overrides: Record<string, unknown> = {}) {
  return placeOrder(app, [{ sku, quantity: 2 }], { customer: { name: 'Dana Levi', phone }, ...overrides });
}

describe('security', () => {
  test.each([
    ['no signature', { unsigned: true }],
    ['a signature made with another token', { token: 'not-our-token-0123456789' }],
  ])('When a voice webhook comes with %s, then it gets 403 and nothing is logged', async (_what, opts) => {
    const phone = uniquePhone();
    const call = caller(open, phone);
    for (const path of ['/twilio/voice', '/twilio/voice/menu?lang=en&try=0', '/twilio/voice/status']) {
      const res = await call.post(path, { Digits: '1', CallStatus: 'completed' }, opts);
      expect(res.status).toBe(403);
    }
    expect(await callsOf(open, phone)).toEqual([]);
  });

  test('When the signature covered another query (a changed language or try count), then it is refused', async () => {
    const call = caller(open, uniquePhone());
    const fields = { CallSid: call.sid, From: '+15551230000', To: OUR_NUMBER, Digits: '1' };
    const twilioLib = (await import('twilio')).default;
    const signature = twilioLib.getExpectedTwilioSignature(
      AUTH_TOKEN,
      'https://orders.example.test/twilio/voice/menu?lang=en&try=0',
      fields,
    );
    const res = await postTwilio(open.url, '/twilio/voice/menu?lang=he&try=0', fields, { signature });
    expect(res.status).toBe(403);
  });
});

describe('greeting and menu', () => {
  test('When someone unknown calls, then they are greeted and offered the menu in DEFAULT_LANGUAGE by keypad and speech, with the switch offered in Hebrew', async () => {
    const call = caller(open, uniquePhone());
    const { status, verbs } = await call.ring();
    expect(status).toBe(200);
    expect(said(verbs)[0]).toEqual({ text: 'Thanks for calling Cafe Levi.', language: 'en-US' });
    const gather = verbs.find((v): v is GatherVerb => v.verb === 'gather') as GatherVerb;
    expect(gather.input.sort()).toEqual(['dtmf', 'speech']);
    expect(gather.language).toBe('en-US');
    expect(gather.action).toBe('/twilio/voice/menu?lang=en&try=0');
    expect(said(verbs).find((s) => s.language === 'he-IL')?.text).toMatch(/[\u0590-\u05FF]/);
    expect(await callLog(open, call.sid)).toMatchObject({
      sid: call.sid,
      outcome: 'in_progress',
      customer: null,
    });
  });

  test('When a Hebrew customer calls, then they hear Hebrew; pressing 9 switches to English and the call log keeps it', async () => {
    const phone = uniquePhone();
    await customerOrder(open, phone, { customer: { name: 'דנה לוי', phone, language: 'he' } });
    const call = caller(open, phone);
    const first = await call.ring();
    expect(said(first.verbs)[0]?.language).toBe('he-IL');
    expect(words(first.verbs)).toMatch(/[\u0590-\u05FF]/);
    const gather = first.verbs.find((v): v is GatherVerb => v.verb === 'gather') as GatherVerb;
    expect(gather.language).toBe('he-IL');
    const switched = await call.answer(first.verbs, { Digits: '9' });
    expect(said(switched.verbs)[0]).toMatchObject({ language: 'en-US' });
    expect(words(switched.verbs)).toContain('press 1');
    expect(await callLog(open, call.sid)).toMatchObject({ language: 'en', path: ['lang:en'] });
  });

  test('When a caller says "עברית", then the menu is repeated in Hebrew', async () => {
    const call = caller(open, uniquePhone());
    const first = await call.ring();
    const he = await call.answer(first.verbs, { SpeechResult: 'עברית.' });
    expect(said(he.verbs)[0]?.language).toBe('he-IL');
  });

  test('When a caller gives no input or a wrong one three times, then the menu is repeated twice and the call ends with a goodbye', async () => {
    const call = caller(open, uniquePhone());
    const first = await call.ring();
    const wrong = await call.answer(first.verbs, { Digits: '7' });
    expect(words(wrong.verbs)).toMatch(/^Sorry, I didn't get that\. For the status/);
    expect(ends(wrong.verbs)).toBe(false);
    const silent = await call.answer(wrong.verbs);
    expect(words(silent.verbs)).toMatch(/^Sorry, I didn't hear anything\./);
    const speech = await call.answer(silent.verbs, { SpeechResult: 'banana' });
    expect(ends(speech.verbs)).toBe(true);
    expect(words(speech.verbs)).toMatch(/Goodbye\.$/);
    expect((await callLog(open, call.sid)).path).toEqual(['gave-up']);
  });
});

describe('1 — order status', () => {
  test('When a customer with one order presses 1 (or says "status"), then its status is read out with the tracking number spelled in groups, and the call is on the order', async () => {
    const phone = uniquePhone();
    const order = await customerOrder(open, phone);
    await walk(open, order.number, ['approve', 'start_picking', 'pack', 'ship']);
    for (const input of [{ Digits: '1' }, { SpeechResult: 'Status, please.' }]) {
      const call = caller(open, phone);
      const menu = await call.ring();
      const heard = await call.answer(menu.verbs, input);
      const text = words(heard.verbs);
      expect(text).toContain(`Order ${digitsSpoken(order.number)} is shipped.`);
      expect(text).toContain('UPS, tracking number 1 Z 9 9, 9 A A 1, 0 1 2 3, 4 5 6 7, 8 4.');
      expect(text).toContain('To hear another order');
      expect(await callLog(open, call.sid)).toMatchObject({
        path: ['status', `heard:${order.number}`],
        orders: [order.number],
        outcome: 'status_heard',
      });
    }
    const withCalls = (await open.api('GET', `/api/v1/orders/${order.number}`)).body;
    expect(withCalls.calls).toHaveLength(2);
    expect(withCalls.calls[0]).toMatchObject({ why: 'status' });
    const card = JSON.stringify(
      orderCard(await open.deps.orders.get(order.number), { currency: 'USD', timezone: 'UTC' }),
    );
    expect(card).toContain('Phone calls');
    expect(card).toContain('Calls: 2');
  });

  test('When a customer has more than one open order, then the most recent two are read, and a keyed number reads another of theirs', async () => {
    const phone = uniquePhone();
    const [a, b, c] = [
      await customerOrder(open, phone),
      await customerOrder(open, phone),
      await customerOrder(open, phone),
    ];
    const call = caller(open, phone);
    const menu = await call.ring();
    const heard = await call.answer(menu.verbs, { Digits: '1' });
    const text = words(heard.verbs);
    expect(text).toContain('You have 2 open orders.');
    expect(text).toContain(`Order ${digitsSpoken(c.number)} is awaiting approval`);
    expect(text).toContain(`Order ${digitsSpoken(b.number)} is awaiting approval`);
    expect(text).not.toContain(digitsSpoken(a.number));
    const keyed = await call.answer(heard.verbs, { Digits: `${a.number}#` });
    expect(words(keyed.verbs)).toContain(
      `Order ${digitsSpoken(a.number)} is awaiting approval. It has 2 items.`,
    );
    const spoken = await call.answer(keyed.verbs, { SpeechResult: digitsSpoken(a.number) });
    expect(words(spoken.verbs)).toContain(`Order ${digitsSpoken(a.number)} is awaiting approval`);
    const back = await call.answer(spoken.verbs, { Digits: '*' });
    expect(words(back.verbs)).toContain('press 1');
  });

  test('When someone asks about another person’s order, then they hear exactly what a number that does not exist gets', async () => {
    const owner = uniquePhone();
    const order = await customerOrder(open, owner);
    const ask = async (number: number) => {
      const call = caller(open, uniquePhone());
      const menu = await call.ring();
      const prompt = await call.answer(menu.verbs, { Digits: '1' });
      expect(words(prompt.verbs)).toContain('key in your order number');
      const res = await call.answer(prompt.verbs, { Digits: `${number}#` });
      return { body: res.body.replace(digitsSpoken(number), 'N'), sid: call.sid };
    };
    const theirs = await ask(order.number);
    const none = await ask(order.number + 900_000);
    expect(theirs.body).toBe(none.body);
    expect(theirs.body).toContain('We could not find order N for this phone number.');
    expect((await callLog(open, theirs.sid)).orders).toEqual([]);
    expect((await open.api('GET', `/api/v1/orders/${order.number}`)).body.calls).toEqual([]);
  });
});

describe('2 — a person', () => {
  test('When a caller asks for a person in business hours, then the agent line rings with their caller ID and the calls channel gets a screen pop with their orders and the Log phone order button', async () => {
    const phone = uniquePhone();
    const order = await customerOrder(open, phone);
    const call = caller(open, phone);
    const menu = await call.ring();
    const dialing = await call.answer(menu.verbs, { SpeechResult: 'I want to talk to a person' });
    const dial = dialing.verbs.find((v): v is DialVerb => v.verb === 'dial') as DialVerb;
    expect(dial).toMatchObject({ callerId: phone, numbers: [AGENT], action: '/twilio/voice/dialed?lang=en' });
    const pop = await slack.waitFor(
      (calls) =>
        calls.find(
          (c) => c.method === 'chat.postMessage' && c.body.metadata?.event_payload?.call === call.sid,
        ),
      'the screen pop',
    );
    expect(pop.body.channel).toBe(CALLS_CHANNEL);
    const blocks = JSON.stringify(pop.body.blocks);
    expect(blocks).toContain('Dana Levi');
    expect(blocks).toContain(`#${order.number}`);
    const button = (pop.body.blocks as any[])
      .flatMap((b) => (b.elements ?? []).map((e: any) => ({ ...e, block: b.block_id })))
      .find((e) => e.action_id === 'log_phone_order');
    expect(button).toMatchObject({ value: phone, block: `call:${call.sid}` });

    // The agent picks up and talks; the call ends: the pop says how it went, once.
    const after = await call.post('/twilio/voice/dialed?lang=en', {
      DialCallStatus: 'completed',
      DialCallDuration: '95',
    });
    expect(ends(after.verbs)).toBe(true);
    await call.status('completed', { CallDuration: '130' });
    await call.status('completed', { CallDuration: '130' });
    await call.status('in-progress');
    const updated = await slack.waitFor(
      (calls) =>
        calls.find(
          (c) =>
            c.method === 'chat.update' &&
            c.body.channel === CALLS_CHANNEL &&
            JSON.stringify(c.body.blocks).includes('Connected'),
        ),
      'the pop updated at the end of the call',
    );
    expect(JSON.stringify(updated.body.blocks)).toContain('1 min 35 s');
    await open.deps.delivery.idle();
    const log = await callLog(open, call.sid);
    expect(log).toMatchObject({ status: 'completed', duration: 130, outcome: 'connected', path: ['agent'] });
    expect(log.endedAt).not.toBeNull();
  });

  test('When Slack is down as a caller asks for a person, then the pop is listed as late for staff and posted once Slack is back', async () => {
    const call = caller(open, uniquePhone());
    const menu = await call.ring();
    const refusedBefore = slack.refused;
    slack.outage = { status: 503 };
    try {
      const res = await call.answer(menu.verbs, { Digits: '2' });
      expect(res.verbs.some((v) => v.verb === 'dial')).toBe(true);
      await eventually(
        async () => slack.refused,
        (n) => n > refusedBefore,
        { what: 'the pop to be refused by the outage' },
      );
      const late = await open.deps.delivery.late(Date.now() + 11 * 60_000);
      expect(late).toContainEqual(expect.objectContaining({ call: call.sid, effect: 'slack:pop' }));
    } finally {
      slack.outage = undefined;
    }
    await slack.waitFor(
      (calls) =>
        calls.find(
          (c) => c.method === 'chat.postMessage' && c.body.metadata?.event_payload?.call === call.sid,
        ),
      'the pop after the outage',
      30_000,
    );
  });

  test('When the agent clicks Log phone order on the pop, then the order modal opens for that caller and the order placed from it is linked to the call', async () => {
    const phone = uniquePhone();
    await customerOrder(open, phone);
    const call = caller(open, phone);
    const menu = await call.ring();
    await call.answer(menu.verbs, { Digits: '2' });
    const res = await clickButton(open.url, 'log_phone_order', phone, {
      user: 'UAGENT01',
      channel: CALLS_CHANNEL,
      blockId: `call:${call.sid}`,
    });
    expect(res.status).toBe(200);
    const opened = await slack.waitFor(
      (calls) =>
        calls.find((c) => c.method === 'views.open' && c.body.view.private_metadata?.includes(call.sid)),
      'the prefilled modal',
    );
    expect(JSON.stringify(opened.body.view)).toContain(phone);
    const submitted = await submitView(
      open.url,
      'phone_order_view',
      { customer_name: 'Dana Levi', customer_phone: phone, items: `2 ${sku}`, channel: { select: 'phone' } },
      { privateMetadata: opened.body.view.private_metadata },
    );
    expect(submitted.status).toBe(200);
    const log = await eventually(
      () => callLog(open, call.sid),
      (c) => c.orders.length === 1,
      { what: 'the order linked to the call' },
    );
    const order = (await open.api('GET', `/api/v1/orders/${log.orders[0]}`)).body;
    expect(order.channel).toBe('phone');
    expect(order.calls).toEqual([expect.objectContaining({ sid: call.sid, why: 'logged' })]);
  });

  test('When nobody answers the agent line, then the caller is offered a voicemail', async () => {
    const call = caller(open, uniquePhone());
    await call.ring();
    await call.post('/twilio/voice/menu?lang=en&try=0', { Digits: '2' });
    const res = await call.post('/twilio/voice/dialed?lang=en', {
      DialCallStatus: 'no-answer',
      DialCallDuration: '0',
    });
    expect(words(res.verbs)).toContain('no one can take your call right now');
    expect(res.verbs.find((v) => v.verb === 'record')).toMatchObject({ transcribe: true });
  });

  test('When a caller asks for a person outside business hours, then they leave a voicemail that is posted to the calls channel with the recording, then its transcription', async () => {
    const phone = uniquePhone();
    await customerOrder(closed, phone);
    const call = caller(closed, phone);
    const menu = await call.ring();
    const res = await call.answer(menu.verbs, { Digits: '2' });
    expect(words(res.verbs)).toContain('We are closed right now');
    expect(res.verbs.some((v) => v.verb === 'dial')).toBe(false);
    const record = res.verbs.find((v): v is RecordVerb => v.verb === 'record') as RecordVerb;
    expect(record).toMatchObject({ transcribe: true, action: '/twilio/voice/recorded?lang=en' });
    expect(record.maxLength).toBeLessThanOrEqual(300);
    const recording = {
      RecordingSid: `RE${randomBytes(16).toString('hex')}`,
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE${randomBytes(4).toString('hex')}`,
      RecordingDuration: '12',
    };
    const thanks = await call.post('/twilio/voice/recorded?lang=en', recording);
    expect(words(thanks.verbs)).toContain('We got your message');
    await call.post('/twilio/voice/recorded?lang=en', recording); // redelivered
    const posted = await slack.waitFor(
      (calls) =>
        calls.find(
          (c) => c.method === 'chat.postMessage' && c.body.metadata?.event_payload?.call === call.sid,
        ),
      'the voicemail post',
    );
    expect(posted.body.channel).toBe(CALLS_CHANNEL);
    expect(JSON.stringify(posted.body.blocks)).toContain(recording.RecordingUrl);
    expect(JSON.stringify(posted.body.blocks)).toContain('Dana Levi');

    await call.post('/twilio/voice/transcription', {
      RecordingSid: recording.RecordingSid,
      TranscriptionStatus: 'completed',
      TranscriptionText: 'Please call me back about my mug.',
    });
    await slack.waitFor(
      (calls) =>
        calls.find(
          (c) =>
            c.method === 'chat.update' && JSON.stringify(c.body.blocks).includes('call me back about my mug'),
        ),
      'the transcription on the voicemail post',
    );
    await closed.deps.delivery.idle();
    const posts = slack.calls.filter(
      (c) => c.method === 'chat.postMessage' && c.body.metadata?.event_payload?.call === call.sid,
    );
    expect(posts).toHaveLength(1);
    expect(await callLog(closed, call.sid)).toMatchObject({
      outcome: 'voicemail',
      voicemail: { transcription: 'Please call me back about my mug.', duration: 12 },
    });
  });
});

describe('in Hebrew', () => {
  /** A Hebrew customer with one order awaiting approval. */
  async function hebrewCaller(app: TestApp) {
    const phone = uniquePhone();
    const order = await customerOrder(app, phone, { customer: { name: 'דנה לוי', phone, language: 'he' } });
    return { phone, order, call: caller(app, phone) };
  }

  test('When a Hebrew customer says "סטטוס" or presses 1, then their order is read in Hebrew; a number said in Hebrew words reads it again', async () => {
    for (const input of [{ SpeechResult: 'סטטוס' }, { Digits: '1' }]) {
      const { order, call } = await hebrewCaller(open);
      const menu = await call.ring();
      const heard = await call.answer(menu.verbs, input);
      expect(said(heard.verbs)[0]).toEqual({
        text: `הזמנה ${digitsSpoken(order.number)} ממתינה לאישור. היא כוללת 2 פריטים.`,
        language: 'he-IL',
      });
      const hebrewDigits = ['אפס', 'אחת', 'שתיים', 'שלוש', 'ארבע', 'חמש', 'שש', 'שבע', 'שמונה', 'תשע'];
      const spoken = String(order.number)
        .split('')
        .map((d) => hebrewDigits[Number(d)])
        .join(' ');
      const again = await call.answer(heard.verbs, { SpeechResult: spoken });
      expect(words(again.verbs)).toContain(`הזמנה ${digitsSpoken(order.number)} ממתינה לאישור`);
    }
  });

  test('When a Hebrew caller says "נציג" in business hours, then they hear Hebrew while the agent line rings; out of hours the hours are read in Hebrew before the voicemail', async () => {
    const inHours = await hebrewCaller(open);
    const menu = await inHours.call.ring();
    const dialing = await inHours.call.answer(menu.verbs, { SpeechResult: 'נציג בבקשה' });
    expect(said(dialing.verbs)).toEqual([{ text: 'רק רגע, מעבירים אתכם לנציג.', language: 'he-IL' }]);
    expect(dialing.verbs.find((v) => v.verb === 'dial')).toMatchObject({ numbers: [AGENT] });

    const outOfHours = await hebrewCaller(closed);
    const closedMenu = await outOfHours.call.ring();
    const voicemail = await outOfHours.call.answer(closedMenu.verbs, { Digits: '2' });
    expect(words(voicemail.verbs)).toMatch(/^אנחנו סגורים כרגע\. שעות הפעילות שלנו: /);
    expect(voicemail.verbs.find((v) => v.verb === 'record')).toMatchObject({
      action: '/twilio/voice/recorded?lang=he',
    });
  });

  test('When a Hebrew caller keys a number that is not theirs, then they hear the Hebrew "not found", as for a number that does not exist', async () => {
    const { call } = await hebrewCaller(open);
    const other = await customerOrder(open, uniquePhone());
    await call.ring();
    const res = await call.post('/twilio/voice/order?lang=he&try=0', { Digits: `${other.number}#` });
    expect(said(res.verbs)[0]).toEqual({
      text: `לא מצאנו את הזמנה ${digitsSpoken(other.number)} למספר הטלפון הזה.`,
      language: 'he-IL',
    });
  });
});

describe('database unreachable', () => {
  test('When the database is gone, then a caller still gets the menu at once and can reach a person; an order lookup apologises', async () => {
    const down = await startTestApp('voicedown', {
      ...slackEnv(slack, { SLACK_CHANNEL_CALLS: CALLS_CHANNEL }),
      ...twilioEnv(twilio, { TWILIO_AGENT_NUMBER: AGENT }),
      BUSINESS_HOURS: 'Sun-Sat 00:00-24:00',
    });
    try {
      await down.db.connection.close(true);
      const call = caller(down, uniquePhone());
      const started = Date.now();
      const menu = await call.ring();
      expect(menu.status).toBe(200);
      expect(words(menu.verbs)).toContain('press 1');
      const status = await call.answer(menu.verbs, { Digits: '1' });
      expect(words(status.verbs)).toMatch(/^Sorry, we cannot look that up right now\./);
      const person = await call.answer(menu.verbs, { Digits: '2' });
      expect(person.verbs.find((v) => v.verb === 'dial')).toMatchObject({ numbers: [AGENT] });
      expect(Date.now() - started).toBeLessThan(5_000);
      // The rest of the server says 503 at once.
      expect((await down.api('GET', '/api/v1/products')).status).toBe(503);
    } finally {
      await down.close().catch(() => undefined);
    }
  });
});

describe('call log', () => {
  test('When status callbacks come twice or out of order, then the status only moves forward', async () => {
    const call = caller(open, uniquePhone());
    await call.ring();
    await call.status('completed', { CallDuration: '42' });
    await call.status('in-progress');
    await call.status('ringing');
    await call.status('completed', { CallDuration: '42' });
    expect(await callLog(open, call.sid)).toMatchObject({
      status: 'completed',
      duration: 42,
      outcome: 'hung_up',
    });
  });

  test('When Twilio’s status callback is the first we hear of a call, then it is logged in the business’s language (DEFAULT_LANGUAGE), not always English', async () => {
    const hebrew = await startTestApp('voicehe', { ...twilioEnv(twilio), DEFAULT_LANGUAGE: 'he' });
    try {
      const call = caller(hebrew, uniquePhone());
      expect((await call.status('completed', { CallDuration: '3' })).status).toBe(204);
      const stored = await hebrew.raw('calls').findOne({ _id: call.sid as never });
      expect(stored).toMatchObject({ status: 'completed', language: 'he' });
    } finally {
      await hebrew.close();
    }
  });

  test('When the log is asked for by phone, then that phone’s calls come newest first, a page at a time; a bad phone or cursor is refused', async () => {
    const phone = uniquePhone();
    const sids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const call = caller(open, phone);
      await call.ring();
      sids.push(call.sid);
    }
    const first = (await open.api('GET', `/api/v1/calls?phone=${encodeURIComponent(phone)}&limit=2`)).body;
    expect(first.items.map((c: { sid: string }) => c.sid)).toEqual([sids[2], sids[1]]);
    const second = (
      await open.api('GET', `/api/v1/calls?phone=${encodeURIComponent(phone)}&limit=2&cursor=${first.next}`)
    ).body;
    expect(second).toEqual({ items: [expect.objectContaining({ sid: sids[0], from: phone })], next: null });
    expect((await open.api('GET', '/api/v1/calls?phone=abc')).status).toBe(400);
    expect((await open.api('GET', '/api/v1/calls?cursor=nope')).status).toBe(400);
    expect((await open.api('GET', '/api/v1/calls?limit=0')).status).toBe(400);
    expect((await open.api('GET', `/api/v1/calls/${newSid()}`)).status).toBe(404);
    expect((await open.api('GET', '/api/v1/calls', undefined, null)).status).toBe(401);
  });

  test('When a webhook repeats a field or lacks the CallSid, then it is refused with 400', async () => {
    const res = await postTwilio(open.url, '/twilio/voice', { From: '+15551230000', To: OUR_NUMBER });
    expect(res.status).toBe(400);
  });
});
