import { digitsSpoken } from '../../src/voice/speech.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, placeOrder, uniquePhone } from '../helpers/builders.js';
import { ConsoleClient } from '../helpers/console.js';

/**
 * The console's phone (sandbox only; README "The helpers"): texts and calls go through the real Twilio
 * webhooks of the app, signed as Twilio signs them, and the page shows the replies, what the caller
 * hears, and the Slack posts they caused (delivery runs: `jobs`).
 */

const AVERY = 'U0CONSOLEA';
let app: TestApp;
let sku: string;

beforeAll(async () => {
  app = await startTestApp('consolephone', { BUSINESS_HOURS: 'Sun-Sat 00:00-24:00' }, { jobs: true });
  sku = (await createProduct(app, { name: 'Blue mug', price: 1250, onHand: 50 })).sku;
});
afterAll(async () => {
  await app.close();
});

async function signedIn(): Promise<ConsoleClient> {
  const client = new ConsoleClient(app.url);
  expect((await client.signIn({ user: AVERY })).status).toBe(303);
  await client.get('/console/phone');
  return client;
}

/** The words a page shows: tags gone, the escapes of the html template undone, spaces collapsed. */
const shown = (page: string) =>
  page
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) =>
      e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === '#39' ? "'" : '&',
    )
    .replace(/\s+/g, ' ');

/** The hidden fields of the first form on the page that holds a call's state. */
function callState(page: string): Record<string, string> {
  const form = /<form[^>]*action="\/console\/phone\/call"[^>]*>([\s\S]*?)<\/form>/g;
  for (const [, inner] of page.matchAll(form)) {
    if (!inner?.includes('name="sid"')) continue;
    const fields: Record<string, string> = {};
    for (const [, name, value] of inner.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g))
      if (name && name !== '_csrf' && name !== 'do') fields[name] = (value ?? '').replace(/&amp;/g, '&');
    return fields;
  }
  throw new Error('no call waiting on the page');
}

const outbox = async (door: 'sms' | 'slack') =>
  (await app.api('GET', `/api/v1/outbox?door=${door}&limit=100`)).body.items as {
    to: string;
    text: string;
  }[];

test('When the phone texts ORDER then CONFIRM, then an SMS order is placed, the replies show, and its Slack approval post appears on the page', async () => {
  const client = await signedIn();
  const phone = uniquePhone();

  const draft = await client.post('/console/phone/text', { from: phone, message: `ORDER 2 ${sku}` });
  expect(draft.status).toBe(200);
  expect(shown(draft.text)).toContain(`Order: 2x ${sku}. Total $25.00. Reply CONFIRM`);

  const confirm = await client.post('/console/phone/text', { from: phone, message: 'CONFIRM' });
  expect(confirm.status).toBe(200);
  const page = shown(confirm.text);
  const number = Number(/Order #(\d+) placed \(\$25\.00\)/.exec(page)?.[1]);
  expect(number).toBeGreaterThan(1000);

  const order = (await app.api('GET', `/api/v1/orders/${number}`)).body;
  expect(order).toMatchObject({ channel: 'sms', status: 'pending_approval', customer: { phone } });
  expect(order.items).toEqual([expect.objectContaining({ sku, quantity: 2 })]);
  // The Slack post the order caused, as plain text, since the page's last action.
  expect(page).toContain(`posted to #approvals: New order #${number}`);
  // The conversation with this number: both texts and both replies, oldest first.
  const conversation = page.slice(page.indexOf(`Conversation with ${phone}`));
  const order1 = conversation.indexOf(`ORDER 2 ${sku}`);
  const order2 = conversation.indexOf('Reply CONFIRM');
  const order3 = conversation.indexOf(' CONFIRM ', order2 + 'Reply CONFIRM'.length);
  const order4 = conversation.indexOf(`Order #${number} placed`);
  expect(
    [order1, order2, order3, order4].every((i, k, all) => i >= 0 && (k === 0 || i > (all[k - 1] ?? 0))),
  ).toBe(true);

  // Looking again later shows the conversation without sending anything.
  const again = await client.get(`/console/phone?from=${encodeURIComponent(phone)}`);
  expect(again.status).toBe(200);
  expect(shown(again.text)).toContain(`Order #${number} placed`);
});

test('When the phone calls and presses 1, then the caller hears their order read out, and hanging up ends the call in the log', async () => {
  const client = await signedIn();
  const phone = uniquePhone();
  const order = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Sandy', phone } });

  const ringing = await client.post('/console/phone/call', { do: 'start', from: phone });
  expect(ringing.status).toBe(200);
  expect(shown(ringing.text)).toContain('Thanks for calling');
  expect(shown(ringing.text)).toContain('Listening for the keypad (1 key) or speech');
  const state = callState(ringing.text);
  expect(state).toMatchObject({ from: phone, action: expect.stringMatching(/^\/twilio\/voice\/menu\?/) });

  const status = await client.post('/console/phone/call', { ...state, do: 'keys', keys: '1' });
  expect(status.status).toBe(200);
  expect(shown(status.text)).toContain('You press 1');
  expect(shown(status.text)).toContain(`Order ${digitsSpoken(order.number)} is awaiting approval`);

  const hungUp = await client.post('/console/phone/call', { ...callState(status.text), do: 'hangup' });
  expect(hungUp.status).toBe(200);
  expect(shown(hungUp.text)).toContain('Call completed');
  expect(hungUp.text).not.toContain('name="sid"');
  const calls = (await app.api('GET', `/api/v1/calls?phone=${encodeURIComponent(phone)}`)).body.items;
  expect(calls).toEqual([expect.objectContaining({ outcome: 'status_heard', status: 'completed' })]);
});

test('When the from-number is not a phone number in international form, then the text and the call are refused with a clear error and nothing is sent', async () => {
  const client = await signedIn();
  const texts = (await outbox('sms')).length;
  for (const from of ['555-1234', 'hello', '+1 2', '']) {
    const text = await client.post('/console/phone/text', { from, message: 'HELP' });
    expect(text.status).toBe(400);
    expect(shown(text.text)).toContain('That is not a phone number in international form');
    expect(text.text).toMatch(/id="text-from"[^>]*aria-invalid="true"/);
  }
  const call = await client.post('/console/phone/call', { do: 'start', from: '12345' });
  expect(call.status).toBe(400);
  expect(call.text).toMatch(/id="call-from"[^>]*aria-invalid="true"/);
  const empty = await client.post('/console/phone/text', { from: uniquePhone(), message: '  ' });
  expect(empty.status).toBe(400);
  expect(shown(empty.text)).toContain('Write a message to send.');
  expect((await outbox('sms')).length).toBe(texts);
});

test('When a call form names a next step outside /twilio/voice, then it is refused and nothing is posted', async () => {
  const client = await signedIn();
  const phone = uniquePhone();
  const state = callState((await client.post('/console/phone/call', { do: 'start', from: phone })).text);
  for (const action of [
    '/api/v1/orders',
    'https://elsewhere.example/twilio/voice/menu',
    '/twilio/voice/../sms',
  ]) {
    const res = await client.post('/console/phone/call', { ...state, action, do: 'keys', keys: '1' });
    expect(res.status).toBe(400);
    expect(shown(res.text)).toContain('This call’s form was changed');
  }
  const forged = await client.post('/console/phone/call', { ...state, sid: 'CAnot-a-sid', do: 'hangup' });
  expect(forged.status).toBe(400);
  // The call is still as the first step left it: nobody answered and nobody hung up.
  const calls = (await app.api('GET', `/api/v1/calls?phone=${encodeURIComponent(phone)}`)).body.items;
  expect(calls).toEqual([expect.not.objectContaining({ status: 'completed' })]);
});

test('When a phone form comes without its CSRF token, then it is refused', async () => {
  const client = await signedIn();
  const res = await client.post(
    '/console/phone/text',
    { from: uniquePhone(), message: 'HELP' },
    { csrf: null },
  );
  expect(res.status).toBe(403);
});

test('When the console is not in sandbox mode, then the phone is not there (404) and not in the menu', async () => {
  const keyed = await startTestApp('consolephone-off', {
    ALLOW_SANDBOX_SECRETS: 'false',
    CONSOLE_API_KEY: 'desk:console-key-0123456789:read',
  });
  try {
    const client = new ConsoleClient(keyed.url);
    expect((await client.signIn({ key: 'console-key-0123456789' })).status).toBe(303);
    const board = await client.get('/console/board');
    expect(board.status).toBe(200);
    expect(board.text).not.toContain('href="/console/phone"');
    expect((await client.get('/console/phone')).status).toBe(404);
    expect((await client.post('/console/phone/text', { from: '+15551234567', message: 'HELP' })).status).toBe(
      404,
    );
    expect((await client.post('/console/phone/call', { do: 'start', from: '+15551234567' })).status).toBe(
      404,
    );
  } finally {
    await keyed.close();
  }
});
