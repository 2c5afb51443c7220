import { randomBytes } from 'node:crypto';
import { SANDBOX_TWILIO_AUTH_TOKEN } from '../../src/config.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, placeOrder, uniquePhone, walk } from '../helpers/builders.js';
import { ConsoleClient } from '../helpers/console.js';
import { postTwilio } from '../helpers/twilio.js';

/**
 * The console over HTTP (README "Console"): signing in, sessions, CSRF, roles, the same actions and
 * refusals as the other doors, and the live board's events. test/e2e/console.test.ts drives the
 * same pages in a real browser.
 */

const AVERY = 'U0CONSOLEA'; // approver
const FRANKIE = 'U0CONSOLEF'; // fulfillment
const CASEY = 'U0CONSOLEC'; // no role

let app: TestApp;
let sku: string;

beforeAll(async () => {
  app = await startTestApp('console', {
    SLACK_APPROVER_IDS: AVERY,
    SLACK_FULFILLMENT_IDS: FRANKIE,
  });
  sku = (await createProduct(app, { onHand: 100 })).sku;
});
afterAll(async () => {
  await app.close();
});

const place = async () => (await placeOrder(app, [{ sku, quantity: 1 }])) as { number: number };
const orderOf = async (n: number) =>
  (await app.api('GET', `/api/v1/orders/${n}`)).body as {
    status: string;
    history: { by: string; channel: string; note?: string }[];
  };

async function signedIn(user: string): Promise<ConsoleClient> {
  const client = new ConsoleClient(app.url);
  const res = await client.signIn({ user });
  expect(res.status).toBe(303);
  return client;
}

describe('signing in', () => {
  test('When a page is asked for without a session, then it redirects to sign-in and comes back after', async () => {
    const client = new ConsoleClient(app.url);
    const page = await client.get('/console/board?channel=web');
    expect(page.status).toBe(303);
    expect(page.res.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole%2Fboard%3Fchannel%3Dweb');
    await client.get(page.res.headers.get('location') as string);
    const res = await client.post('/console/sign-in', { user: AVERY, next: '/console/board?channel=web' });
    expect(res.location).toBe('/console/board?channel=web');
    expect((await client.get('/console/board')).status).toBe(200);
  });

  test('When signing in, then the session cookie is HttpOnly, SameSite=Lax, scoped to /console and not Secure over http', async () => {
    const client = new ConsoleClient(app.url);
    await client.get('/console/sign-in');
    const res = await client.post('/console/sign-in', { user: AVERY });
    const cookie = res.res.headers.getSetCookie().find((c) => c.startsWith('orderly_console='));
    expect(cookie).toMatch(/; Path=\/console; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
  });

  test('When the sign-in form comes without its token, then it is refused and no session is made', async () => {
    const client = new ConsoleClient(app.url);
    await client.get('/console/sign-in');
    const res = await client.post('/console/sign-in', { user: AVERY }, { csrf: 'forged' });
    expect(res.status).toBe(403);
    expect(client.cookies.has('orderly_console')).toBe(false);
  });

  test('When next names another site, then signing in lands on the board instead', async () => {
    const client = new ConsoleClient(app.url);
    await client.get('/console/sign-in');
    for (const next of ['//evil.example/x', 'https://evil.example/', '/console/../api/v1/orders']) {
      const res = await client.post('/console/sign-in', { user: AVERY, next });
      expect(res.location).toBe('/console/board');
      await client.get('/console/sign-in');
    }
  });

  test('When the session cookie is altered, then the console treats the browser as signed out', async () => {
    const client = await signedIn(AVERY);
    const value = client.cookies.get('orderly_console') as string;
    const [body, sig] = decodeURIComponent(value).split('.');
    const forged = JSON.parse(Buffer.from(body as string, 'base64url').toString()) as Record<string, unknown>;
    forged.user = CASEY;
    client.cookies.set(
      'orderly_console',
      `${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${sig}`,
    );
    expect((await client.get('/console/board')).status).toBe(303);
  });

  test('When someone signs out, then their cookie is cleared and the board asks for sign-in again', async () => {
    const client = await signedIn(AVERY);
    await client.get('/console/board');
    const res = await client.post('/console/sign-out', {});
    expect(res.location).toBe('/console/sign-in');
    expect(client.cookies.has('orderly_console')).toBe(false);
    expect((await client.get('/console/board')).status).toBe(303);
  });

  test('When a console page is served, then its CSP allows scripts and styles from Orderly only, never inline', async () => {
    const client = await signedIn(AVERY);
    const page = await client.get('/console/board');
    const csp = page.res.headers.get('content-security-policy') as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.text).not.toMatch(/<script>|<script [^>]*>[^<]+<\/script>|style="/);
    expect(page.text).not.toMatch(/https?:\/\/(?!localhost|127\.0\.0\.1)/);
  });
});

describe('the board', () => {
  test('When an order is placed, then it is in the pending column with its count, and a filter narrows it', async () => {
    const { number } = await place();
    const client = await signedIn(CASEY);
    const page = await client.get('/console/board');
    const pending = page.text.slice(
      page.text.indexOf('id="col-pending_approval"'),
      page.text.indexOf('id="col-approved"'),
    );
    expect(pending).toContain(`href="/console/orders/${number}"`);
    const count = Number(/data-count="pending_approval">(\d+)</.exec(page.text)?.[1]);
    expect(count).toBe((pending.match(/class="card/g) ?? []).length);
    expect((await client.get(`/console/board?q=${number}`)).text).toContain(`#${number}<`);
    expect((await client.get(`/console/board?q=${number}&channel=sms`)).text).not.toContain(`#${number}<`);
  });

  test('When an order waits for approval past the reminder time, or sits packed a day, then its card stands out as late; a shipped one shows among the latest', async () => {
    const [waiting, fresh, packed, shipped] = [await place(), await place(), await place(), await place()];
    await walk(app, packed.number, ['approve', 'start_picking', 'pack']);
    await walk(app, shipped.number, ['approve', 'start_picking', 'pack', 'ship']);
    // Back-date when each entered its status (the history's last entry), as time passing would.
    const back = async (n: number, hours: number) => {
      const doc = await app.raw('orders').findOne({ _id: n as never });
      const last = (doc?.history?.length ?? 0) - 1;
      await app
        .raw('orders')
        .updateOne(
          { _id: n as never },
          { $set: { [`history.${last}.at`]: new Date(Date.now() - hours * 3600_000) } },
        );
    };
    await back(waiting.number, 5); // APPROVAL_REMINDER_AFTER defaults to 2 hours
    await back(packed.number, 25);
    const page = (await (await signedIn(CASEY)).get('/console/board')).text;
    const card = (n: number) => new RegExp(`<li class="card([^"]*)" data-order="${n}"`).exec(page)?.[1];
    expect([card(waiting.number), card(fresh.number), card(packed.number), card(shipped.number)]).toEqual([
      ' late',
      '',
      ' late',
      '',
    ]);
  });

  test('When an order is placed while the board listens, then a change event names it within 2 seconds', async () => {
    const client = await signedIn(CASEY);
    const controller = new AbortController();
    const res = await fetch(`${app.url}/console/events`, {
      headers: { cookie: `orderly_console=${client.cookies.get('orderly_console')}` },
      signal: controller.signal,
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let seen = '';
    const started = Date.now();
    const { number } = await place();
    while (!seen.includes(`"order":${number}`) && Date.now() - started < 2_000) {
      const { value } = await reader.read();
      seen += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(seen).toContain(`event: change\ndata: {"order":${number},"v":1}`);
  });

  test("When an order page asks for its order's version (after another process changed the board), then it gets the history's length, by key; unknown is 404, no session goes to sign-in", async () => {
    const { number } = await place();
    const client = await signedIn(CASEY);
    const first = await client.get(`/console/orders/${number}/version`);
    expect(JSON.parse(first.text)).toEqual({ order: number, v: 1 });
    await walk(app, number, ['approve']);
    expect(JSON.parse((await client.get(`/console/orders/${number}/version`)).text)).toEqual({
      order: number,
      v: 2,
    });
    expect((await client.get('/console/orders/999999/version')).status).toBe(404);
    expect((await new ConsoleClient(app.url).get(`/console/orders/${number}/version`)).status).toBe(303);
  });

  test('When the events are asked for without a session, then the answer is 401', async () => {
    expect((await fetch(`${app.url}/console/events`)).status).toBe(401);
  });
});

describe('an order', () => {
  test('When the approver approves from the order page, then the order moves, through the console, by them', async () => {
    const { number } = await place();
    const client = await signedIn(AVERY);
    const page = await client.get(`/console/orders/${number}`);
    expect(page.text).toContain('name="action" value="approve"');
    const res = await client.post(`/console/orders/${number}/actions`, { action: 'approve' });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/console/orders/${number}?done=approve`);
    const order = await orderOf(number);
    expect(order.status).toBe('approved');
    expect(order.history.at(-1)).toMatchObject({ by: AVERY, channel: 'console' });
    expect((await client.get(res.location as string)).text).toContain('role="status"');
  });

  test('When a clerk without the role opens the order, then no Approve is shown, and a POST of it is refused with 403', async () => {
    const { number } = await place();
    const client = await signedIn(CASEY);
    const page = await client.get(`/console/orders/${number}`);
    expect(page.text).not.toContain('value="approve"');
    const res = await client.post(`/console/orders/${number}/actions`, { action: 'approve' });
    expect(res.status).toBe(403);
    expect((await orderOf(number)).status).toBe('pending_approval');
  });

  test('When an action comes without the page token, then it is refused with 403 and nothing changes', async () => {
    const { number } = await place();
    const client = await signedIn(AVERY);
    await client.get(`/console/orders/${number}`);
    for (const csrf of [null, 'x'.repeat(43)]) {
      const res = await client.post(`/console/orders/${number}/actions`, { action: 'approve' }, { csrf });
      expect(res.status).toBe(403);
    }
    expect((await orderOf(number)).status).toBe('pending_approval');
  });

  test('When a token of another session is used, then it is refused', async () => {
    const { number } = await place();
    const other = await signedIn(AVERY);
    await other.get('/console/board');
    const client = await signedIn(AVERY);
    const res = await client.post(
      `/console/orders/${number}/actions`,
      { action: 'approve' },
      { csrf: other.csrf },
    );
    expect(res.status).toBe(403);
  });

  test('When reject comes without a reason, then it is refused and the order waits; with one, it is rejected with it', async () => {
    const { number } = await place();
    const client = await signedIn(AVERY);
    await client.get(`/console/orders/${number}`);
    const refused = await client.post(`/console/orders/${number}/actions`, { action: 'reject', note: '  ' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Give a reason');
    expect((await orderOf(number)).status).toBe('pending_approval');
    const res = await client.post(`/console/orders/${number}/actions`, {
      action: 'reject',
      note: 'Out of area',
    });
    expect(res.status).toBe(303);
    const order = await orderOf(number);
    expect(order.status).toBe('rejected');
    expect(order.history.at(-1)?.note).toBe('Out of area');
  });

  test('When an action the order cannot take is posted, then the service refusal is shown with its status', async () => {
    const { number } = await place();
    const client = await signedIn(FRANKIE);
    await client.get(`/console/orders/${number}`);
    const res = await client.post(`/console/orders/${number}/actions`, {
      action: 'ship',
      carrier: 'UPS',
      trackingNumber: '1Z',
    });
    expect(res.status).toBe(409);
    expect(res.text).toContain('role="alert"');
    expect((await orderOf(number)).status).toBe('pending_approval');
  });

  test('When an unknown order or a bad action is asked for, then 404 and 400 pages answer', async () => {
    const client = await signedIn(AVERY);
    expect((await client.get('/console/orders/999999')).status).toBe(404);
    expect((await client.get('/console/orders/abc')).status).toBe(404);
    const { number } = await place();
    await client.get(`/console/orders/${number}`);
    expect((await client.post(`/console/orders/${number}/actions`, { action: 'explode' })).status).toBe(400);
  });

  test('When the order page is read, then its timeline starts with the placement: the status, who, through which door', async () => {
    const { number } = await place();
    const client = await signedIn(CASEY);
    const page = await client.get(`/console/orders/${number}`);
    const timeline = page.text.slice(page.text.indexOf('class="timeline"'));
    expect(timeline).toContain('class="event status"');
    expect(timeline).toMatch(/Pending approval<\/strong> by tester via web/);
  });

  test('When Hebrew is chosen, then the pages are right to left and stay so for the session', async () => {
    const client = await signedIn(CASEY);
    await client.get('/console/board');
    const res = await client.post('/console/language', { lang: 'he', next: '/console/board?channel=web' });
    expect(res.status).toBe(303);
    // Back to the page it was switched on (the form says which: no referrer is sent).
    expect(res.location).toBe('/console/board?channel=web');
    const page = await client.get('/console/board');
    expect(page.text).toContain('<html lang="he" dir="rtl">');
    expect(page.text).toContain('ממתינה לאישור');
  });
});

describe('a customer', () => {
  test('When a customer has orders, a call and a rating, then their page lists the orders and one timeline of it all', async () => {
    const phone = uniquePhone();
    const first = (await placeOrder(app, [{ sku, quantity: 1 }], {
      customer: { name: 'Noa Cohen', phone },
    })) as {
      number: number;
    };
    const second = (await placeOrder(app, [{ sku, quantity: 2 }], {
      customer: { name: 'Noa Cohen', phone },
    })) as {
      number: number;
    };
    await walk(app, first.number, ['approve', 'start_picking', 'pack', 'ship', 'deliver']);
    const sandboxTwilio = { token: SANDBOX_TWILIO_AUTH_TOKEN, publicUrl: 'http://localhost:0' };
    const rated = await postTwilio(
      app.url,
      '/twilio/sms',
      { MessageSid: `SM${randomBytes(16).toString('hex')}`, From: phone, To: '+15550000000', Body: '5' },
      sandboxTwilio,
    );
    expect(rated.status).toBe(200);
    const sid = `CA${randomBytes(16).toString('hex')}`;
    const call = {
      CallSid: sid,
      AccountSid: `AC${'0'.repeat(32)}`,
      From: phone,
      To: '+15550000000',
      Direction: 'inbound',
    };
    expect(
      (await postTwilio(app.url, '/twilio/voice', { ...call, CallStatus: 'ringing' }, sandboxTwilio)).status,
    ).toBe(200);

    const client = await signedIn(CASEY);
    const page = await client.get(`/console/customers/${encodeURIComponent(phone)}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Noa Cohen');
    expect(page.text).toContain(`href="/console/orders/${first.number}"`);
    expect(page.text).toContain(`href="/console/orders/${second.number}"`);
    const timeline = page.text.slice(page.text.indexOf('class="timeline"'));
    expect(timeline).toMatch(/class="event rating">.*Rated 5\/5/);
    expect(timeline).toMatch(
      new RegExp(`class="event call">.*Call <span dir="ltr">\\${phone}</span>: in progress`),
    );
    expect(timeline).toMatch(/class="event document">.*Invoice/);
    // Across orders: entries of both, each naming its order, oldest first.
    expect(timeline.indexOf(`>#${first.number}<`)).toBeGreaterThan(-1);
    expect(timeline.indexOf(`>#${second.number}<`)).toBeGreaterThan(-1);
    const times = [...timeline.matchAll(/datetime="([^"]+)"/g)].map((m) => m[1] as string);
    expect(times).toEqual([...times].sort());
  });

  test('When the header search is used, then a phone in any form opens its page and a number opens the order', async () => {
    const client = await signedIn(CASEY);
    const res = await client.get('/console/customers?phone=(555)%20010-0999');
    expect(res.status).toBe(303);
    expect(res.res.headers.get('location')).toBe(`/console/customers/${encodeURIComponent('+15550100999')}`);
    expect((await client.get('/console/customers?phone=%231042')).res.headers.get('location')).toBe(
      '/console/orders/1042',
    );
    expect((await client.get('/console/customers?phone=hello')).status).toBe(400);
    expect((await client.get(`/console/customers/${encodeURIComponent('+15550100998')}`)).status).toBe(404);
  });
});

describe('operations', () => {
  test('When operations is opened, then it shows late messages, failed ones and the jobs, to staff but not to a key without admin', async () => {
    const client = await signedIn(CASEY);
    const page = await client.get('/console/operations');
    expect(page.status).toBe(200);
    for (const id of ['failed-h', 'late-h', 'jobs-h']) expect(page.text).toContain(`id="${id}"`);

    const keyed = await startTestApp('console-ops-key', {
      ALLOW_SANDBOX_SECRETS: 'false',
      CONSOLE_API_KEY: 'desk:console-key-0123456789:read+act',
    });
    try {
      const reader = new ConsoleClient(keyed.url);
      await reader.signIn({ key: 'console-key-0123456789' });
      expect((await reader.get('/console/operations')).status).toBe(403);
    } finally {
      await keyed.close();
    }
  });
});

describe('who may sign in', () => {
  test('When no way to sign in is configured, then the console is not there (404)', async () => {
    const closed = await startTestApp('console-closed', { ALLOW_SANDBOX_SECRETS: 'false' });
    try {
      for (const path of ['/console/sign-in', '/console/board', '/console/assets/console.js'])
        expect((await fetch(closed.url + path, { redirect: 'manual' })).status).toBe(404);
    } finally {
      await closed.close();
    }
  });

  test('When CONSOLE_API_KEY is set, then its key signs in (Secure cookie on https) and its scopes decide the actions', async () => {
    const keyed = await startTestApp('console-key', {
      PUBLIC_URL: 'https://desk.example.com',
      CONSOLE_API_KEY: 'desk:console-key-0123456789:read',
    });
    try {
      const product = (await createProduct(keyed, { onHand: 5 })).sku;
      const { number } = (await placeOrder(keyed, [{ sku: product, quantity: 1 }])) as { number: number };
      const client = new ConsoleClient(keyed.url);
      expect((await client.get('/console/sign-in')).text).not.toContain('U0CONSOLEA');
      const wrong = await client.post('/console/sign-in', { key: 'console-key-0000000000' });
      expect(wrong.status).toBe(401);
      await client.get('/console/sign-in');
      expect((await client.post('/console/sign-in', { user: AVERY })).status).toBe(401);
      await client.get('/console/sign-in');
      const res = await client.post('/console/sign-in', { key: 'console-key-0123456789' });
      expect(res.status).toBe(303);
      expect(res.res.headers.getSetCookie().find((c) => c.startsWith('orderly_console='))).toContain(
        '; Secure',
      );
      const page = await client.get(`/console/orders/${number}`);
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('name="action"');
      expect((await client.post(`/console/orders/${number}/actions`, { action: 'approve' })).status).toBe(
        403,
      );
    } finally {
      await keyed.close();
    }
  });

  test('When the console key may act, then it approves, recorded under its name', async () => {
    const keyed = await startTestApp('console-key-act', {
      ALLOW_SANDBOX_SECRETS: 'false',
      CONSOLE_API_KEY: 'desk:console-key-0123456789:read+act',
    });
    try {
      const product = (await createProduct(keyed, { onHand: 5 })).sku;
      const { number } = (await placeOrder(keyed, [{ sku: product, quantity: 1 }])) as { number: number };
      const client = new ConsoleClient(keyed.url);
      await client.signIn({ key: 'console-key-0123456789' });
      await client.get(`/console/orders/${number}`);
      expect((await client.post(`/console/orders/${number}/actions`, { action: 'approve' })).status).toBe(
        303,
      );
      const order = (await keyed.api('GET', `/api/v1/orders/${number}`)).body as {
        status: string;
        history: { by: string }[];
      };
      expect(order.status).toBe('approved');
      expect(order.history.at(-1)?.by).toBe('key:desk');
    } finally {
      await keyed.close();
    }
  });

  test('When CONSOLE_API_KEY is malformed, then the configuration is refused with the variable named', async () => {
    await expect(startTestApp('console-bad', { CONSOLE_API_KEY: 'a:short' })).rejects.toThrow(
      /CONSOLE_API_KEY/,
    );
    await expect(
      startTestApp('console-bad2', { CONSOLE_API_KEY: 'a:key-one-long:read,b:key-two-long:read' }),
    ).rejects.toThrow(/CONSOLE_API_KEY/);
  });
});
