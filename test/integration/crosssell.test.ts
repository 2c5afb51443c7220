import { CROSS_SELL, CROSS_SELL_CRON } from '../../jobs/cross-sell.js';
import { CROSS_SELL_HINT_BLOCK } from '../../src/slack/blocks/modals.js';
import { countSegments } from '../../src/sms/segments.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { act, createProduct, placeOrder, uniquePhone } from '../helpers/builders.js';
import { eventually } from '../helpers/eventually.js';
import { FakeSlack, postToSlackRoute, randomId, sendCommand, slackEnv } from '../helpers/slack.js';
import { FakeTwilio, text, twilioEnv } from '../helpers/twilio.js';

/**
 * Cross-sell end to end: a history placed through the API, the nightly computation, then the
 * suggestion under an SMS ORDER summary, ADD / הוסף into the draft, and the phone-order modal.
 */

let twilio: FakeTwilio;
let slack: FakeSlack;
let app: TestApp;
const DAY = 24 * 3600_000;
const hebrew = /[\u0590-\u05FF]/;

beforeAll(async () => {
  twilio = await new FakeTwilio().start();
  slack = await new FakeSlack().start();
  app = await startTestApp(
    'crosssell',
    {
      ...twilioEnv(twilio),
      ...slackEnv(slack),
      JOB_POLL_INTERVAL: '1 second',
      BUSINESS_TIMEZONE: 'Asia/Jerusalem',
    },
    { jobs: true },
  );
  // A new shop: the nightly job runs once at start, so its run cannot race the tests' own.
  await eventually(() => app.deps.crossSell.lastRun(), Boolean, { what: 'the first cross-sell run' });

  const product = (sku: string, price: number, onHand = 500) =>
    createProduct(app, { sku, name: `The ${sku.toLowerCase()}`, price, onHand });
  await product('MUG', 1250);
  await product('TOTE', 990, 50);
  await product('CAP', 500);
  await product('PEN', 200);
  await product('HAT', 1500);
  await product('SOLD', 800, 3);
  const place = (skus: string[]) =>
    placeOrder(
      app,
      skus.map((sku) => ({ sku, quantity: sku === 'MUG' ? 2 : 1 })),
    );
  // Older than 90 days: MUG with PEN, five times. Placed first, as order numbers rise with time.
  for (let i = 0; i < 5; i++) {
    const { number } = await place(['MUG', 'PEN']);
    await app
      .raw('orders')
      .updateOne({ _id: number as never }, { $set: { createdAt: new Date(Date.now() - 100 * DAY + i) } });
  }
  for (let i = 0; i < 3; i++) await place(['MUG', 'TOTE']);
  for (let i = 0; i < 2; i++) await place(['CAP', 'MUG']);
  for (let i = 0; i < 3; i++) await place(['MUG', 'SOLD']); // the last 3 SOLD: out of stock now
  for (let i = 0; i < 4; i++) await act(app, (await place(['MUG', 'HAT'])).number, 'cancel');
  await place(['TOTE', 'PEN']); // once only: below the minimum support
});
afterAll(async () => {
  await app.close();
  await twilio.stop();
  await slack.stop();
});

const productOf = (sku: string) => app.raw('products').findOne({ _id: sku as never });
const draftOf = (phone: string) => app.raw('sms_drafts').findOne({ _id: phone as never });

describe('the nightly computation', () => {
  test('When it runs on the history, then each product keeps what it was bought with in the last 90 days, in stock, at least twice, not cancelled', async () => {
    const untouched = await productOf('MUG');
    const result = await app.deps.crossSell.recompute();
    expect(result.changed).toBeGreaterThanOrEqual(4);
    expect((await productOf('MUG'))?.suggestions).toEqual(['TOTE', 'CAP']);
    expect((await productOf('TOTE'))?.suggestions).toEqual(['MUG']);
    expect((await productOf('CAP'))?.suggestions).toEqual(['MUG']);
    expect((await productOf('SOLD'))?.suggestions).toEqual(['MUG']);
    expect((await productOf('HAT'))?.suggestions).toBeUndefined();
    expect((await productOf('PEN'))?.suggestions).toBeUndefined();
    // The same history again changes nothing: no product is rewritten.
    const at = (await productOf('MUG'))?.suggestionsAt;
    expect((await app.deps.crossSell.recompute()).changed).toBe(0);
    expect((await productOf('MUG'))?.suggestionsAt).toEqual(at);
    // Not a change of the product itself: the same updatedAt, and the API shows no new field.
    expect((await productOf('MUG'))?.updatedAt).toEqual(untouched?.updatedAt);
    const api = (await app.api('GET', '/api/v1/products/MUG')).body;
    expect(api.suggestions).toBeUndefined();
  });

  test('When the app starts, then the job is scheduled nightly at 03:00 in BUSINESS_TIMEZONE', async () => {
    const job = await app.raw('agendaJobs').findOne({ name: CROSS_SELL, type: 'single' });
    expect(job).toMatchObject({ repeatInterval: CROSS_SELL_CRON, repeatTimezone: 'Asia/Jerusalem' });
    const next = new Date(job?.nextRunAt);
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Jerusalem',
      hour: '2-digit',
      minute: '2-digit',
    }).format(next);
    expect(local).toBe('03:00');
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(DAY);
  });

  test('When asked for a basket, then suggestFor gives the best product not in it and in stock, with name and price', async () => {
    expect(await app.deps.crossSell.suggestFor(['MUG'])).toEqual({
      sku: 'TOTE',
      name: 'The tote',
      price: 990,
      boughtWith: 'MUG',
    });
    expect((await app.deps.crossSell.suggestFor(['MUG', 'TOTE']))?.sku).toBe('CAP');
    expect((await app.deps.crossSell.suggestFor(['TOTE']))?.sku).toBe('MUG');
    expect(await app.deps.crossSell.suggestFor(['MUG', 'TOTE', 'CAP'])).toBeUndefined();
    expect(await app.deps.crossSell.suggestFor(['NOPE', 'PEN'])).toBeUndefined();
    expect(await app.deps.crossSell.suggestFor([])).toBeUndefined();
  });
});

describe('SMS', () => {
  test('When a customer texts ORDER, then the summary offers what is often bought with it, within 2 segments', async () => {
    const { reply } = await text(app.url, uniquePhone(), 'ORDER 1 MUG');
    expect(reply).toContain('Order: 1x MUG. Total $12.50.');
    expect(reply).toContain('\nOften bought with it: TOTE $9.90 - reply ADD TOTE');
    expect(countSegments(reply)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  test('When the customer texts ADD TOTE, then the line joins the draft (same id, new expiry), the new summary comes back, and CONFIRM places the merged order', async () => {
    const phone = uniquePhone();
    await text(app.url, phone, 'ORDER 1 MUG');
    const before = await draftOf(phone);
    await app
      .raw('sms_drafts')
      .updateOne({ _id: phone as never }, { $set: { expiresAt: new Date(Date.now() + 60_000) } });

    const added = await text(app.url, phone, 'ADD TOTE');
    expect(added.reply).toContain('Order: 1x MUG, 1x TOTE. Total $22.40.');
    // The next offer is for the new basket: TOTE is in it, CAP comes next.
    expect(added.reply).toContain('Often bought with it: CAP $5.00 - reply ADD CAP');
    const after = await draftOf(phone);
    expect(after?.id).toBe(before?.id);
    expect(after?.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);

    const more = await text(app.url, phone, 'add tote 2');
    expect(more.reply).toContain('1x MUG, 3x TOTE. Total $42.20.');
    expect((await draftOf(phone))?.items).toEqual([
      { sku: 'MUG', quantity: 1 },
      { sku: 'TOTE', quantity: 3 },
    ]);

    const placed = await text(app.url, phone, 'CONFIRM');
    const number = Number(/#(\d+)/.exec(placed.reply)?.[1]);
    const order = (await app.api('GET', `/api/v1/orders/${number}`)).body;
    expect(order.items.map((i: { sku: string; quantity: number }) => [i.sku, i.quantity])).toEqual([
      ['MUG', 1],
      ['TOTE', 3],
    ]);
    expect(order.externalId).toBe(before?.id);
    expect(await draftOf(phone)).toBeNull();
  });

  test('When a customer writes in Hebrew, then the offer and הוסף answer in Hebrew and אישור places the merged draft', async () => {
    const phone = uniquePhone();
    const ordered = await text(app.url, phone, 'הזמנה 1 MUG');
    expect(ordered.reply).toMatch(hebrew);
    expect(ordered.reply).toContain('נקנה איתו: TOTE');
    expect(ordered.reply).toContain('הוסף TOTE');
    expect(countSegments(ordered.reply).segments).toBeLessThanOrEqual(2);

    const added = await text(app.url, phone, 'הוסף TOTE 2');
    expect(added.reply).toMatch(hebrew);
    expect(added.reply).toContain('1x MUG, 2x TOTE');
    expect(countSegments(added.reply).segments).toBeLessThanOrEqual(2);
    expect((await draftOf(phone))?.items).toEqual([
      { sku: 'MUG', quantity: 1 },
      { sku: 'TOTE', quantity: 2 },
    ]);
    const placed = await text(app.url, phone, 'אישור');
    expect(placed.reply).toMatch(hebrew);
    const number = Number(/#(\d+)/.exec(placed.reply)?.[1]);
    const order = (await app.api('GET', `/api/v1/orders/${number}`)).body;
    expect(order.items.map((i: { sku: string }) => i.sku)).toEqual(['MUG', 'TOTE']);
    expect(order.customer.language).toBe('he');
  });

  test('When there is no draft, then ADD says to text ORDER first, in the language written', async () => {
    expect((await text(app.url, uniquePhone(), 'ADD TOTE')).reply).toBe(
      'No order to add to. Text ORDER first, e.g. ORDER 2 MUG-BLUE',
    );
    const he = await text(app.url, uniquePhone(), 'הוסף TOTE');
    expect(he.reply).toMatch(hebrew);
    expect(he.reply).toContain('הזמנה');
  });

  test('When ADD names an unknown SKU, one out of stock or more than is available, or cannot be read, then it says so and the draft is unchanged', async () => {
    const phone = uniquePhone();
    await text(app.url, phone, 'ORDER 1 MUG');
    const before = await draftOf(phone);
    const unknown = (await text(app.url, phone, 'ADD NOPE-404')).reply;
    expect(unknown).toContain('We couldn\'t find "NOPE-404"');
    expect(unknown).toContain('text ADD again. Your order is unchanged.');
    expect((await text(app.url, phone, 'ADD SOLD')).reply).toContain('Not enough stock: SOLD (sold out)');
    expect((await text(app.url, phone, 'ADD TOTE 60')).reply).toMatch(/Not enough stock: TOTE \(\d+ left\)/);
    expect((await text(app.url, phone, 'ADD')).reply).toContain('text ADD and the item, e.g. ADD TOTE');
    expect((await text(app.url, phone, 'ADD a unicorn please')).reply).toContain('"unicorn"');
    expect((await text(app.url, phone, 'ADD MUG 100')).reply).toContain('At most 100 of MUG per order');
    const after = await draftOf(phone);
    expect(after?.items).toEqual(before?.items);
    expect(after?.rev).toBeUndefined();
  });

  test('When Twilio delivers the same ADD (one MessageSid) three times at once and again later, then the line is added once and every delivery gets the same reply', async () => {
    const phone = uniquePhone();
    await text(app.url, phone, 'ORDER 1 MUG');
    const sid = randomId('SM');
    const replies = await Promise.all([1, 2, 3].map(() => text(app.url, phone, 'ADD TOTE 2', { sid })));
    const later = await text(app.url, phone, 'ADD TOTE 2', { sid });
    for (const r of [...replies, later]) expect(r.reply).toBe(replies[0]?.reply);
    expect((await draftOf(phone))?.items).toEqual([
      { sku: 'MUG', quantity: 1 },
      { sku: 'TOTE', quantity: 2 },
    ]);
  });

  test('When two different ADDs arrive at once, then both lines are kept (neither write overwrites the other)', async () => {
    const phone = uniquePhone();
    await text(app.url, phone, 'ORDER 1 MUG');
    await Promise.all([text(app.url, phone, 'ADD TOTE'), text(app.url, phone, 'ADD CAP')]);
    const items = (await draftOf(phone))?.items ?? [];
    expect([...items].sort((a, b) => a.sku.localeCompare(b.sku))).toEqual([
      { sku: 'CAP', quantity: 1 },
      { sku: 'MUG', quantity: 1 },
      { sku: 'TOTE', quantity: 1 },
    ]);
  });

  test('When the draft expired, then ADD says so and removes it', async () => {
    const phone = uniquePhone();
    await text(app.url, phone, 'ORDER 1 MUG');
    await app
      .raw('sms_drafts')
      .updateOne({ _id: phone as never }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await text(app.url, phone, 'ADD TOTE')).reply).toMatch(/expired/i);
    expect(await draftOf(phone)).toBeNull();
  });
});

describe('the phone-order modal', () => {
  type OpenView = { id: string; hash: string; blocks: object[] };
  /** The agent typing into the items field of an open modal: the block action Slack sends. */
  function typeItems(view: OpenView, value: string) {
    return blockAction(
      view,
      { items: { items: { type: 'plain_text_input', value } } },
      {
        type: 'plain_text_input',
        block_id: 'items',
        action_id: 'items',
        value,
      },
    );
  }
  /** The agent picking a product in the form's first row, with the items typed so far. */
  function pickProduct(view: OpenView, sku: string, typed = '') {
    const option = { text: { type: 'plain_text', text: sku }, value: sku };
    return blockAction(
      view,
      {
        items: { items: { type: 'plain_text_input', value: typed } },
        item_product_1: { item_product_1: { type: 'external_select', selected_option: option } },
      },
      {
        type: 'external_select',
        block_id: 'item_product_1',
        action_id: 'item_product_1',
        selected_option: option,
      },
    );
  }
  function blockAction(view: OpenView, values: object, action: object) {
    const payload = {
      type: 'block_actions',
      team: { id: 'T0001', domain: 'shop' },
      user: { id: 'UAGENT01', username: 'agent', team_id: 'T0001' },
      api_app_id: 'A0001',
      token: 'deprecated',
      trigger_id: randomId('TRIG'),
      container: { type: 'view', view_id: view.id },
      view: {
        id: view.id,
        hash: view.hash,
        type: 'modal',
        callback_id: 'phone_order_view',
        private_metadata: '',
        blocks: view.blocks,
        state: {
          values: {
            customer_phone: { customer_phone: { type: 'plain_text_input', value: '+15551230000' } },
            ...values,
          },
        },
      },
      actions: [{ ...action, action_ts: `${Date.now() / 1000}` }],
    };
    return postToSlackRoute(
      app.url,
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      'application/x-www-form-urlencoded',
    );
  }
  const updates = () => slack.calls.filter((c) => c.method === 'views.update');
  const hintOf = (view: { blocks: { block_id?: string; elements?: { text: string }[] }[] }) =>
    view.blocks.find((b) => b.block_id === CROSS_SELL_HINT_BLOCK)?.elements?.[0]?.text;

  test('When the agent types items, then the modal (by view id and hash) shows what is often bought with them, and only when that changes', async () => {
    const opened = slack.calls.length;
    expect((await sendCommand(app.url, slack, '/order', 'new')).status).toBe(200);
    const open = await slack.waitFor((calls) => calls.slice(opened).find((c) => c.method === 'views.open'));
    const items = open.body.view.blocks.find((b: { block_id?: string }) => b.block_id === 'items');
    expect(items.dispatch_action).toBe(true);
    expect(items.element.dispatch_action_config.trigger_actions_on).toContain('on_character_entered');
    const viewId = randomId('V');

    const first = updates().length;
    expect((await typeItems({ id: viewId, hash: 'h1', blocks: open.body.view.blocks }, 'MUG 2')).status).toBe(
      200,
    );
    const update = await slack.waitFor(() => updates()[first], 'views.update');
    expect(update.body).toMatchObject({ view_id: viewId, hash: 'h1' });
    expect(update.body.view.callback_id).toBe('phone_order_view');
    const hint = hintOf(update.body.view);
    expect(hint).toContain('Often bought with MUG: *TOTE* (The tote, $9.90), *CAP* (The cap, $5.00)');
    // The typed phone stays in the form.
    expect(
      update.body.view.blocks.find((b: { block_id?: string }) => b.block_id === 'customer_phone').element
        .initial_value,
    ).toBe('+15551230000');

    // Typing on without changing the hint costs no Slack call.
    await typeItems({ id: viewId, hash: 'h2', blocks: update.body.view.blocks }, 'MUG 2\nPE');
    // Two items: the hint now names what goes with both, TOTE first.
    await typeItems({ id: viewId, hash: 'h3', blocks: update.body.view.blocks }, 'MUG 2\nTOTE');
    const second = await slack.waitFor(() => updates()[first + 1], 'the second views.update');
    expect(second.body.hash).toBe('h3');
    expect(hintOf(second.body.view)).toContain('Often bought with MUG: *CAP* (The cap, $5.00)');
    expect(updates().length).toBe(first + 2);

    // Nothing to offer any more: the hint goes.
    await typeItems({ id: viewId, hash: 'h4', blocks: second.body.view.blocks }, 'PEN');
    const third = await slack.waitFor(() => updates()[first + 2], 'the third views.update');
    expect(hintOf(third.body.view)).toBeUndefined();
  });

  test('When the agent types the items in words, or picks a product, then the hint names what goes with it', async () => {
    await app.deps.inventory.create({
      sku: 'MUG-BLUE',
      name: 'Blue enamel mug',
      price: 1299,
      onHand: 40,
      lowStockThreshold: 0,
      aliases: ['blue mug'],
    });
    await createProduct(app, { sku: 'SAUCER', name: 'Saucer', price: 450, onHand: 40 });
    for (let i = 0; i < 2; i++)
      await placeOrder(app, [
        { sku: 'MUG-BLUE', quantity: 1 },
        { sku: 'SAUCER', quantity: 1 },
      ]);
    await app.deps.crossSell.recompute();

    const opened = slack.calls.length;
    expect((await sendCommand(app.url, slack, '/order', 'new')).status).toBe(200);
    const open = await slack.waitFor((calls) => calls.slice(opened).find((c) => c.method === 'views.open'));
    const pickers = open.body.view.blocks.filter((b: { block_id?: string }) =>
      b.block_id?.startsWith('item_product_'),
    );
    expect(pickers.map((b: { dispatch_action?: boolean }) => b.dispatch_action)).toEqual([true, true, true]);
    const viewId = randomId('V');
    const saucer = 'Often bought with MUG-BLUE: *SAUCER* (Saucer, $4.50)';

    const first = updates().length;
    await typeItems({ id: viewId, hash: 'w1', blocks: open.body.view.blocks }, '2 blue mugs');
    const typed = await slack.waitFor(() => updates()[first], 'views.update for the words');
    expect(typed.body.hash).toBe('w1');
    expect(hintOf(typed.body.view)).toContain(saucer);
    // Typed on to a whole sentence: the same products, so no Slack call.
    await typeItems({ id: viewId, hash: 'w2', blocks: typed.body.view.blocks }, '2 blue mugs please');

    // Cleared, then picked in a row instead: the same hint, from the picker.
    await typeItems({ id: viewId, hash: 'w3', blocks: typed.body.view.blocks }, '');
    const cleared = await slack.waitFor(() => updates()[first + 1], 'views.update for the cleared text');
    expect(cleared.body.hash).toBe('w3');
    expect(hintOf(cleared.body.view)).toBeUndefined();
    await pickProduct({ id: viewId, hash: 'w4', blocks: cleared.body.view.blocks }, 'MUG-BLUE');
    const picked = await slack.waitFor(() => updates()[first + 2], 'views.update for the pick');
    expect(picked.body.hash).toBe('w4');
    expect(hintOf(picked.body.view)).toContain(saucer);
    // A picked product and the typed one together: both count, and neither is offered with the other.
    await pickProduct({ id: viewId, hash: 'w5', blocks: picked.body.view.blocks }, 'SAUCER', '2 blue mugs');
    const both = await slack.waitFor(() => updates()[first + 3], 'views.update for the pick and the words');
    expect(both.body.hash).toBe('w5');
    expect(hintOf(both.body.view)).toBeUndefined();
    expect(updates().length).toBe(first + 4);
  });
});
