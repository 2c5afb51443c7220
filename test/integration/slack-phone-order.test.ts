import { readFileSync } from 'node:fs';
import { INPUTS, ITEM_ROWS, VIEWS } from '../../src/slack/blocks/ids.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { FakeSlack, postToSlackRoute, randomId, slackEnv, TEAM_ID } from '../helpers/slack.js';

/**
 * The phone-order form picks products by name: its pickers' options as the agent types (a signed
 * `block_suggestion`), and its items text read in the caller's words, both through the one order
 * reader over the live catalogue. The catalogue is the order-words fixture, created through the
 * inventory service with its aliases.
 */

let fake: FakeSlack;
let app: TestApp;

const catalogue: { sku: string; name: string; aliases: string[] }[] = JSON.parse(
  readFileSync(new URL('../fixtures/order-words/catalogue.json', import.meta.url), 'utf8'),
);

beforeAll(async () => {
  fake = await new FakeSlack().start();
  app = await startTestApp('slackphoneorder', slackEnv(fake));
  for (const p of catalogue) {
    await app.deps.inventory.create({
      ...p,
      price: 1000,
      onHand: p.sku === 'TOTE' ? 1000 : p.sku === 'HONEY' ? 1 : 50,
    });
  }
});
afterAll(async () => {
  await app.close();
  await fake.stop();
});

const FORM = 'application/x-www-form-urlencoded';
const signed = (payload: object) =>
  postToSlackRoute(app.url, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM);

/** Slack asking for a picker's options as the agent types `query` into it. */
async function suggest(
  query: string,
  opts: { userTeam?: string; actionId?: string } = {},
): Promise<{ text: string; value: string }[]> {
  const actionId = opts.actionId ?? ITEM_ROWS[0].product;
  const res = await signed({
    type: 'block_suggestion',
    user: { id: 'UAGENT01', username: 'agent', name: 'agent', team_id: opts.userTeam ?? TEAM_ID },
    container: { type: 'view', view_id: 'VFORM1' },
    api_app_id: 'A0001',
    token: 'deprecated',
    action_id: actionId,
    block_id: actionId,
    value: query,
    team: { id: TEAM_ID, domain: 'shop' },
    view: {
      id: 'VFORM1',
      type: 'modal',
      callback_id: VIEWS.phoneOrder,
      private_metadata: '',
      hash: '1',
      state: { values: {} },
      blocks: [],
      title: { type: 'plain_text', text: 'Log an order' },
    },
  });
  expect(res.status).toBe(200);
  expect(Object.keys(res.body)).toEqual(['options']);
  for (const o of res.body.options) {
    expect(o.text.type).toBe('plain_text');
    expect(o.text.text.length).toBeLessThanOrEqual(75);
  }
  return res.body.options.map((o: { text: { text: string }; value: string }) => ({
    text: o.text.text,
    value: o.value,
  }));
}
const skusOf = (options: { value: string }[]) => options.map((o) => o.value);

const typed = (value: string) => ({ type: 'plain_text_input', value });
const picked = (sku: string) => ({
  type: 'external_select',
  selected_option: { text: { type: 'plain_text', text: sku }, value: sku },
});
const counted = (n: number) => ({ type: 'number_input', value: String(n) });

/**
 * The form submitted: customer fields plus `items` (the text) and `rows` (picker choice and
 * quantity per row), in the state shapes Slack sends for each element.
 */
function submit(opts: {
  items?: string;
  rows?: { sku?: string; quantity?: number | string }[];
  phone?: string;
}) {
  const values: Record<string, Record<string, unknown>> = {
    [INPUTS.customerName]: { [INPUTS.customerName]: typed('Noa Peretz') },
    [INPUTS.customerPhone]: { [INPUTS.customerPhone]: typed(opts.phone ?? '+15557001000') },
    [INPUTS.items]: { [INPUTS.items]: typed(opts.items ?? '') },
    [INPUTS.channel]: {
      [INPUTS.channel]: {
        type: 'static_select',
        selected_option: { value: 'phone', text: { type: 'plain_text', text: 'Phone' } },
      },
    },
  };
  ITEM_ROWS.forEach((row, i) => {
    const r = opts.rows?.[i];
    values[row.product] = {
      [row.product]: r?.sku ? picked(r.sku) : { type: 'external_select', selected_option: null },
    };
    const q = r?.quantity;
    values[row.quantity] = {
      [row.quantity]:
        q === undefined
          ? { type: 'number_input', value: null }
          : typeof q === 'number'
            ? counted(q)
            : { type: 'number_input', value: q },
    };
  });
  return signed({
    type: 'view_submission',
    team: { id: TEAM_ID, domain: 'shop' },
    user: { id: 'UAGENT01', username: 'agent', team_id: TEAM_ID },
    api_app_id: 'A0001',
    token: 'deprecated',
    trigger_id: randomId('TRIG'),
    view: {
      id: randomId('V'),
      type: 'modal',
      callback_id: VIEWS.phoneOrder,
      private_metadata: '',
      state: { values },
      hash: '1',
      title: { type: 'plain_text', text: 'Log an order' },
      blocks: [],
    },
  });
}

/** The lines of the order a submission placed, read back through the API. */
async function placedLines(res: { body: any }): Promise<{ sku: string; quantity: number }[]> {
  expect(res.body.response_action).toBe('update');
  const number = Number(JSON.stringify(res.body.view).match(/#(\d+)/)?.[1]);
  const order = (await app.api('GET', `/api/v1/orders/${number}`)).body;
  return order.items
    .map((i: { sku: string; quantity: number }) => ({ sku: i.sku, quantity: i.quantity }))
    .sort((a: { sku: string }, b: { sku: string }) => a.sku.localeCompare(b.sku));
}

describe('the product picker', () => {
  test('When the agent types part of a name, then the products with it are offered as "name (SKU)", valued by SKU', async () => {
    const options = await suggest('enamel');
    expect(options.sort((a, b) => a.value.localeCompare(b.value))).toEqual([
      { text: 'Blue enamel mug (MUG-BLUE)', value: 'MUG-BLUE' },
      { text: 'Red enamel mug (MUG-RED)', value: 'MUG-RED' },
    ]);
    expect(skusOf(await suggest('honey j'))).toEqual(['HONEY']);
    // Any picker row asks the same way.
    expect(skusOf(await suggest('candle', { actionId: ITEM_ROWS[2].product }))).toEqual(['CANDLE']);
  });

  test('When the agent types an alias in Hebrew, then its product is offered', async () => {
    expect(skusOf(await suggest('ספל כחול'))).toEqual(['MUG-BLUE']);
    expect(skusOf(await suggest('נר'))).toEqual(['CANDLE']);
    expect(skusOf(await suggest('ספל')).sort()).toEqual(['MUG-BLUE', 'MUG-RED']);
  });

  test('When the agent types the start of a SKU, then those products come first', async () => {
    expect(
      skusOf(await suggest('TEA-'))
        .slice(0, 2)
        .sort(),
    ).toEqual(['TEA-GREEN', 'TEA-MINT']);
    expect(skusOf(await suggest('mug-b'))[0]).toBe('MUG-BLUE');
    expect(
      skusOf(await suggest('TE'))
        .slice(0, 4)
        .sort(),
    ).toEqual(['TEA-GREEN', 'TEA-MINT', 'TEE-L', 'TEE-M']);
  });

  test('When the agent makes a typo, then the product is offered all the same', async () => {
    expect(skusOf(await suggest('canvaz'))).toContain('TOTE');
    expect(skusOf(await suggest('wodden spoon'))).toEqual(['SPOON-WOOD']);
  });

  test('When nothing is typed yet, then the catalogue is listed; when nothing fits, then nothing is', async () => {
    expect(skusOf(await suggest('')).sort()).toEqual(catalogue.map((p) => p.sku).sort());
    expect(await suggest('zzqxv')).toEqual([]);
    expect(await suggest('🙂')).toEqual([]);
  });

  test('When the request comes from another workspace, then it gets no options even for a product that fits', async () => {
    expect(await suggest('enamel', { userTeam: 'TOTHER99' })).toEqual([]);
    expect(await suggest('', { userTeam: 'TOTHER99' })).toEqual([]);
  });

  test('When a forged query is huge, then it is answered quickly and within the limits', async () => {
    const started = Date.now();
    const options = await suggest(`mug ${'x'.repeat(60_000)}`);
    expect(options.length).toBeLessThanOrEqual(100);
    expect(Date.now() - started).toBeLessThan(2_500);
  });
});

describe('placing the order', () => {
  test('When products are picked with quantities, then the order has those lines (no quantity is one)', async () => {
    const res = await submit({ rows: [{ sku: 'MUG-BLUE', quantity: 2 }, { sku: 'TOTE' }] });
    expect(await placedLines(res)).toEqual([
      { sku: 'MUG-BLUE', quantity: 2 },
      { sku: 'TOTE', quantity: 1 },
    ]);
  });

  test('When the agent types "2 blue mugs and a tote", then the same order is placed', async () => {
    const res = await submit({ items: '2 blue mugs and a tote' });
    expect(await placedLines(res)).toEqual([
      { sku: 'MUG-BLUE', quantity: 2 },
      { sku: 'TOTE', quantity: 1 },
    ]);
  });

  test("When the agent types the caller's Hebrew, then it is read the same way", async () => {
    const res = await submit({ items: '2 ספלים כחולים ותיק' });
    expect(await placedLines(res)).toEqual([
      { sku: 'MUG-BLUE', quantity: 2 },
      { sku: 'TOTE', quantity: 1 },
    ]);
  });

  test('When items are typed as SKUs in each of the old forms, one per line, then they give the same lines as before', async () => {
    const res = await submit({ items: 'MUG-BLUE 2\n2 x TOTE\nMUG-RED x2\nTOTE\n\n  CANDLE  ' });
    expect(await placedLines(res)).toEqual([
      { sku: 'CANDLE', quantity: 1 },
      { sku: 'MUG-BLUE', quantity: 2 },
      { sku: 'MUG-RED', quantity: 2 },
      { sku: 'TOTE', quantity: 3 },
    ]);
  });

  test('When the same product is picked and typed, then the quantities add up', async () => {
    const res = await submit({
      items: 'blue mug\nTOTE 2',
      rows: [{ sku: 'MUG-BLUE', quantity: 3 }, { sku: 'TOTE', quantity: 1 }, { sku: 'MUG-BLUE' }],
    });
    expect(await placedLines(res)).toEqual([
      { sku: 'MUG-BLUE', quantity: 5 },
      { sku: 'TOTE', quantity: 3 },
    ]);
  });

  test('When a SKU line asks for more than words may order, then it stands (up to the order limit); in words it is pointed to the SKU', async () => {
    const bySku = await submit({ items: 'TOTE 500' });
    expect(await placedLines(bySku)).toEqual([{ sku: 'TOTE', quantity: 500 }]);
    const picked = await submit({ rows: [{ sku: 'TOTE', quantity: 300 }] });
    expect(await placedLines(picked)).toEqual([{ sku: 'TOTE', quantity: 300 }]);

    const inWords = await submit({ items: '150 totes' });
    expect(inWords.body.response_action).toBe('errors');
    expect(inWords.body.errors[INPUTS.items]).toContain('by name at most 100');
    expect(inWords.body.errors[INPUTS.items]).toContain('`TOTE 150`');
  });
});

describe('what the form refuses, on its field', () => {
  test('When "a mug" fits two products, then the items field asks which, naming both, and nothing is placed', async () => {
    const before = (await app.api('GET', '/api/v1/orders?limit=1')).body.items[0]?.number;
    const res = await submit({ items: 'a mug' });
    expect(res.body).toEqual({
      response_action: 'errors',
      errors: { [INPUTS.items]: 'mug: Blue enamel mug (MUG-BLUE) or Red enamel mug (MUG-RED)?' },
    });
    expect((await app.api('GET', '/api/v1/orders?limit=1')).body.items[0]?.number).toBe(before);
  });

  test('When words fit no product, then the field names them (and the closest product, when one shares a word)', async () => {
    const res = await submit({ items: '2 blue mugs\nfrobnicator\nlogo hoodie' });
    expect(res.body.response_action).toBe('errors');
    const error: string = res.body.errors[INPUTS.items];
    expect(error).toContain('Line 2: frobnicator: no such product.');
    expect(error).toContain('Line 3: logo hoodie: no such product; the closest is Logo T-shirt');
    // The line that was read is no error.
    expect(error).not.toContain('Line 1');
  });

  test('When a typed SKU is no product, then it is named as typed', async () => {
    const res = await submit({ items: 'NOPE-1 2' });
    expect(res.body.response_action).toBe('errors');
    expect(res.body.errors[INPUTS.items]).toMatch(/^NOPE-1: no such product/);
  });

  test('When the pickers and the text together ask for more than is in stock, then the picked row says so', async () => {
    const res = await submit({ items: 'honey', rows: [{ sku: 'HONEY', quantity: 1 }] });
    expect(res.body).toEqual({
      response_action: 'errors',
      errors: { [ITEM_ROWS[0].product]: 'HONEY: only 1 available, 2 asked.' },
    });
  });

  test('When a row has a quantity but no product, or a quantity out of bounds, then that quantity says so', async () => {
    const res = await submit({
      items: 'tote',
      rows: [{ quantity: 2 }, { sku: 'CANDLE', quantity: 0 }, { sku: 'CANDLE', quantity: '1.5' }],
    });
    expect(res.body.response_action).toBe('errors');
    expect(Object.keys(res.body.errors).sort()).toEqual(
      [ITEM_ROWS[0].quantity, ITEM_ROWS[1].quantity, ITEM_ROWS[2].quantity].sort(),
    );
    expect(res.body.errors[ITEM_ROWS[0].quantity]).toContain('Pick a product');
    expect(res.body.errors[ITEM_ROWS[1].quantity]).toContain('1 to 10000');
  });

  test('When neither the text nor a row has an item, then the items field asks for them', async () => {
    const empty = await submit({});
    expect(Object.keys(empty.body.errors)).toEqual([INPUTS.items]);
    const fillerOnly = await submit({ items: 'please, thanks' });
    expect(Object.keys(fillerOnly.body.errors)).toEqual([INPUTS.items]);
  });

  test('When a line is too long, or the text would take too long to read, then the field says so in time', async () => {
    const long = await submit({ items: `2 blue mugs and ${'a tote and '.repeat(20)}` });
    expect(long.body.errors[INPUTS.items]).toContain('at most 200 characters a line');

    // Words that fit nothing, joined by "and": the slowest lines to read. A forged form full of them.
    const slow = Array.from({ length: 15 }, () => 'zz & '.repeat(40).trim()).join('\n');
    const started = Date.now();
    const res = await submit({ items: slow });
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(res.body.response_action).toBe('errors');
    expect(Object.keys(res.body.errors)).toEqual([INPUTS.items]);
    const error: string = res.body.errors[INPUTS.items];
    // Read in time (the reader stops at the first word the catalogue lacks), every line named.
    expect(error).toContain('Line 15: zz: no such product.');
    // The same problem twice on a line is said once.
    expect(error.match(/Line 1: /g)).toHaveLength(1);
  });

  test('When a forged form picks a SKU that does not exist, then its row says so', async () => {
    const res = await submit({ rows: [{ sku: 'GHOST-9', quantity: 1 }] });
    expect(res.body.errors).toEqual({ [ITEM_ROWS[0].product]: 'GHOST-9: no such product.' });
  });
});

describe('a large catalogue', () => {
  test("When more than 100 products fit, then the picker gets Slack's 100 at most", async () => {
    for (let i = 0; i < 105; i++) {
      await app.deps.inventory.create({
        sku: `STICKER-${String(i).padStart(3, '0')}`,
        name: `Sticker ${i}`,
        price: 100,
        onHand: 5,
      });
    }
    const options = await suggest('sticker');
    expect(options).toHaveLength(100);
    expect(new Set(skusOf(options)).size).toBe(100);
    expect(await suggest('')).toHaveLength(100);
  });
});
