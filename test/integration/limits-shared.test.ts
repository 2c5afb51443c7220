import { request } from 'node:http';
import type { CommandStartedEvent, MongoClient } from 'mongodb';
import { API_KEY, startTestApp, type TestApp, uniqueDbName } from '../helpers/app.js';
import { createProduct, placeOrder, uniquePhone, walk } from '../helpers/builders.js';
import { FakeTwilio, text, twilioEnv } from '../helpers/twilio.js';

/**
 * Several processes: the per-phone SMS limit, the per-key API limit and the per-address
 * invoice-link limit are counted in the database, so two Orderly processes on one database allow
 * the limit together, not each.
 */

const SMS_PER_MINUTE = 4;
const API_PER_MINUTE = 5;
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const TOO_FAST = /^Too many texts from this number\. Please wait \d+ seconds, then try again\.$/;

let twilio: FakeTwilio;
let one: TestApp;
let two: TestApp;
beforeAll(async () => {
  twilio = await new FakeTwilio().start();
  const dbName = uniqueDbName('limitsshared');
  const env = {
    ...twilioEnv(twilio),
    SMS_RATE_LIMIT: String(SMS_PER_MINUTE),
    API_RATE_LIMIT: String(API_PER_MINUTE),
  };
  one = await startTestApp('limitsshared', env, { dbName });
  two = await startTestApp('limitsshared', env, { dbName });
});
afterAll(async () => {
  await two?.stop();
  await one?.close();
  await twilio?.stop();
});

/** Each request goes to the other process than the one before. */
const alternately = (i: number) => (i % 2 === 0 ? one : two);

test('When a phone texts two processes on one database alternately, then the limit holds for both together: the 5th text gets the notice and the 6th nothing', async () => {
  const phone = uniquePhone();
  const replies = [];
  for (let i = 0; i < SMS_PER_MINUTE + 2; i++) replies.push(await text(alternately(i).url, phone, 'HELP'));

  expect(replies.slice(0, SMS_PER_MINUTE).every((r) => r.reply.includes('STATUS'))).toBe(true);
  expect(replies[SMS_PER_MINUTE]?.reply).toMatch(TOO_FAST);
  expect(replies[SMS_PER_MINUTE + 1]?.twiml).toBe(EMPTY_TWIML);
  // Whichever process it reaches next, the phone stays refused in silence; STOP is still honoured.
  expect((await text(one.url, phone, 'HELP')).twiml).toBe(EMPTY_TWIML);
  expect((await text(two.url, phone, 'STOP')).reply).toContain('unsubscribed');
  // Another phone is not affected.
  expect((await text(two.url, uniquePhone(), 'HELP')).reply).toContain('STATUS');
});

test('When a phone texts within its limit, then counting the text costs one database command, and a refused text after the notice one too', async () => {
  const phone = uniquePhone();
  const seen: string[] = [];
  const client = one.db.connection.getClient() as unknown as MongoClient;
  const listen = (e: CommandStartedEvent) => {
    if (e.command[e.commandName] === 'rate_counters') seen.push(e.commandName);
  };
  client.on('commandStarted', listen);
  try {
    await text(one.url, phone, 'HELP');
    expect(seen).toEqual(['findAndModify']);
    for (let i = 1; i <= SMS_PER_MINUTE; i++) await text(one.url, phone, 'HELP');
    seen.length = 0;
    expect((await text(one.url, phone, 'HELP')).twiml).toBe(EMPTY_TWIML);
    expect(seen).toEqual(['findAndModify']);
  } finally {
    client.off('commandStarted', listen);
  }
});

test('When a phone’s window has ended, then its next text, in either process, starts a new one: answered, counted from one, with a notice of its own to come; housekeeping deletes only ended windows', async () => {
  const phone = uniquePhone();
  for (let i = 0; i < SMS_PER_MINUTE + 2; i++) await text(alternately(i).url, phone, 'HELP');
  expect((await text(two.url, phone, 'HELP')).twiml).toBe(EMPTY_TWIML);
  const counter = () => one.raw('rate_counters').findOne({ _id: `sms:${phone}` as never });
  expect(await counter()).toMatchObject({ count: SMS_PER_MINUTE + 3, noticed: true });

  // The minute is over (nobody purged it yet).
  await one
    .raw('rate_counters')
    .updateOne({ _id: `sms:${phone}` as never }, { $set: { until: new Date(Date.now() - 1000) } });
  expect((await text(two.url, phone, 'HELP')).reply).toContain('STATUS');
  const fresh = await counter();
  expect(fresh).toMatchObject({ count: 1, noticed: false });
  expect(fresh?.until.getTime()).toBeGreaterThan(Date.now() + 50_000);
  for (let i = 1; i < SMS_PER_MINUTE; i++) await text(alternately(i).url, phone, 'HELP');
  expect((await text(one.url, phone, 'HELP')).reply).toMatch(TOO_FAST);

  // Housekeeping: an ended window goes, a running one stays.
  const ended = uniquePhone();
  await text(one.url, ended, 'HELP');
  await one
    .raw('rate_counters')
    .updateOne({ _id: `sms:${ended}` as never }, { $set: { until: new Date(Date.now() - 1000) } });
  const { windows } = await two.deps.housekeeping.purge();
  expect(windows).toBeGreaterThanOrEqual(1);
  expect(await one.raw('rate_counters').findOne({ _id: `sms:${ended}` as never })).toBeNull();
  expect(await counter()).toMatchObject({ count: SMS_PER_MINUTE + 1 });
});

test('When an API key calls two processes on one database alternately, then the 6th request with API_RATE_LIMIT=5 gets 429, and the remaining count is shared', async () => {
  const statuses: number[] = [];
  const remaining: (string | null)[] = [];
  for (let i = 0; i < API_PER_MINUTE + 1; i++) {
    const res = await fetch(`${alternately(i).url}/api/v1/products`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    await res.arrayBuffer();
    statuses.push(res.status);
    remaining.push(res.headers.get('ratelimit-remaining'));
  }
  expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  expect(remaining).toEqual(['4', '3', '2', '1', '0', '0']);
  const again = await fetch(`${one.url}/api/v1/products`, {
    headers: { authorization: `Bearer ${API_KEY}` },
  });
  expect(again.status).toBe(429);
  expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
});

/** GET from a chosen loopback address, so the server sees another client. */
function getFrom(localAddress: string, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress, headers: { accept: 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Invoice links', () => {
  // A pair of its own, without an API limit: the order is made through the API.
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const dbName = uniqueDbName('linksshared');
    a = await startTestApp('linksshared', {}, { dbName });
    b = await startTestApp('linksshared', {}, { dbName });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.close();
  });

  test('When one address asks two processes on one database for invoice links alternately, then the 31st request gets 429', async () => {
    const { sku } = await createProduct(a);
    const order = await placeOrder(a, [{ sku, quantity: 1 }]);
    await walk(a, order.number, ['approve', 'start_picking', 'pack']);
    const link = a.deps.invoiceLinks.url(order.number).replace(a.deps.config.publicUrl, '');
    const from = '127.0.0.5';
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push(await getFrom(from, `${(i % 2 === 0 ? a : b).url}${link}`));
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses[30]).toBe(429);
    expect(await getFrom('127.0.0.6', `${b.url}${link}`)).toBe(200);
  });
});
