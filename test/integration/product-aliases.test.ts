import { DEMO_PRODUCTS, seedDemoCatalogue } from '../../src/demo-catalogue.js';
import { API_KEY, startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, uniqueSku } from '../helpers/builders.js';
import { ConsoleClient } from '../helpers/console.js';

/**
 * A product's aliases: other names customers use for it, in any language. Set when the product is
 * created or with `PATCH /api/v1/products/:sku`, and on the console's stock page; read back with
 * every product. The inventory service checks them once for every door, and each change tells the
 * catalogue's readers (`catalogue.changed`).
 */

const READER = 'reader-key-0123456789';
const FRANKIE = 'U0CONSOLEF'; // a sandbox user, the stock keeper here (SLACK_STOCK_IDS)
const CASEY = 'U0CONSOLEC'; // a sandbox user: no role

let app: TestApp;
const changed: string[] = [];

beforeAll(async () => {
  app = await startTestApp('aliases', {
    API_KEYS: `tester:${API_KEY},reader:${READER}:read`,
    SLACK_STOCK_IDS: FRANKIE,
  });
  // The bus calls listeners in a microtask of the emit, and a request's emits come before its
  // response: by the time a request returns, what it emitted is here.
  app.deps.events.on('catalogue.changed', ({ sku }) => {
    changed.push(sku);
  });
});
afterAll(() => app.close());

const product = async (sku: string) => (await app.api('GET', `/api/v1/products/${sku}`)).body;
const stored = (sku: string) => app.raw('products').findOne({ _id: sku as never });
const patch = (sku: string, body: unknown, key?: string) =>
  app.api('PATCH', `/api/v1/products/${sku}`, body, key);
const newProduct = (aliases?: unknown) => ({
  sku: uniqueSku('ALIAS'),
  name: 'Blue enamel mug',
  price: 1299,
  onHand: 10,
  ...(aliases === undefined ? {} : { aliases }),
});
const distinct = (n: number) => Array.from({ length: n }, (_, i) => `name ${i + 1}`);

function expectRefused(res: { status: number; body: any }, says: string | RegExp) {
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('validation_error');
  expect(res.body.error.message).toMatch(says);
  expect(res.body.error.details).toEqual(
    expect.arrayContaining([expect.objectContaining({ path: 'aliases' })]),
  );
}

describe('through the REST API', () => {
  test('When a product is created with aliases, then GET returns them, trimmed, in NFC, and each name once whatever its case', async () => {
    const body = newProduct(['  blue mug ', 'ספל כחול', 'Blue Mug', 'café', 'cafe\u0301', 'ספל כחול']);
    const created = await app.api('POST', '/api/v1/products', body);
    expect(created.status).toBe(201);
    expect(created.body.aliases).toEqual(['blue mug', 'ספל כחול', 'café']);

    expect((await product(body.sku)).aliases).toEqual(['blue mug', 'ספל כחול', 'café']);
    const listed = (await app.api('GET', '/api/v1/products?limit=100')).body.items;
    expect(listed.find((p: { sku: string }) => p.sku === body.sku).aliases).toEqual([
      'blue mug',
      'ספל כחול',
      'café',
    ]);
  });

  test('When a product is created without aliases, then it has none: [] in the API, nothing stored', async () => {
    const { sku } = await createProduct(app);
    expect((await product(sku)).aliases).toEqual([]);
    expect(await stored(sku)).not.toHaveProperty('aliases');
    const empty = await app.api('POST', '/api/v1/products', newProduct([]));
    expect(empty.status).toBe(201);
    expect(empty.body.aliases).toEqual([]);
  });

  test('When PATCH sets aliases and then clears them, then each answer is the product as changed, and GET agrees', async () => {
    const { sku } = await createProduct(app, { onHand: 7 });
    const set = await patch(sku, { aliases: ['tote', 'תיק בד'] });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ sku, onHand: 7, aliases: ['tote', 'תיק בד'] });
    expect((await product(sku)).aliases).toEqual(['tote', 'תיק בד']);

    const replaced = await patch(sku, { aliases: ['bag'] });
    expect(replaced.body.aliases).toEqual(['bag']);

    const cleared = await patch(sku, { aliases: [] });
    expect(cleared.status).toBe(200);
    expect(cleared.body.aliases).toEqual([]);
    expect((await product(sku)).aliases).toEqual([]);
  });

  test('When an alias is exactly 60 characters after trimming and there are 20, then they are kept', async () => {
    const { sku } = await createProduct(app);
    const sixty = 'x'.repeat(60);
    const res = await patch(sku, { aliases: [`  ${sixty}  `, ...distinct(19)] });
    expect(res.status).toBe(200);
    expect(res.body.aliases).toHaveLength(20);
    expect(res.body.aliases[0]).toBe(sixty);
    // 25 given, 20 different: a name given again in another case counts once.
    const again = await patch(sku, {
      aliases: [...distinct(20), ...distinct(5).map((a) => a.toUpperCase())],
    });
    expect(again.status).toBe(200);
    expect(again.body.aliases).toEqual(distinct(20));
  });

  test.each([
    ['too many', { aliases: distinct(21) }, 'aliases', /at most 20 different names; 21 were given/],
    [
      'one too long',
      { aliases: ['mug', 'y'.repeat(61)] },
      'aliases',
      /1 to 60 characters .*: alias 2 \("y{20}…"\) has 61\./,
    ],
    ['a blank one', { aliases: ['mug', '   '] }, 'aliases', /1 to 60 characters .*: alias 2 is blank/],
    ['a control character', { aliases: ['mug\u0007'] }, 'aliases', /control characters: alias 1/],
    ['a line break', { aliases: ['blue\nmug'] }, 'aliases', /control characters: alias 1/],
    ['not an array', { aliases: 'blue mug' }, 'aliases', /aliases .*expected array/],
    ['not strings', { aliases: [1, 2] }, 'aliases.0', /aliases\.0 .*expected string/],
    ['an unknown key', { aliases: ['mug'], name: 'Renamed' }, 'body', /unknown field\(s\): name/],
    ['no aliases at all', {}, 'aliases', /aliases .*expected array/],
  ])(
    'When PATCH gives %s, then 400 validation_error saying so, and nothing changes',
    async (_what, body, path, says) => {
      const { sku } = await createProduct(app, { name: 'Kept' });
      await patch(sku, { aliases: ['kept'] });
      const before = await stored(sku);
      changed.length = 0;

      const res = await patch(sku, body);

      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
      expect(res.body.error.message).toMatch(says);
      expect(res.body.error.details).toContainEqual({ path, message: expect.any(String) });
      expect(await stored(sku)).toEqual(before);
      expect(changed).toEqual([]);
    },
  );

  test('When a product is created with aliases that break the rules, then it is refused and not created', async () => {
    for (const [aliases, says] of [
      [distinct(21), /at most 20/],
      [['z'.repeat(61)], /1 to 60 characters/],
      ['blue mug', /expected array/],
      [['ok', 'bad\u0000'], /control characters: alias 2/],
    ] as const) {
      const body = newProduct(aliases);
      expectRefused(await app.api('POST', '/api/v1/products', body), says);
      expect(await stored(body.sku)).toBeNull();
    }
  });

  test('When PATCH names a SKU nobody sells, then 404 not_found; a read-only key gets 403 and changes nothing', async () => {
    const missing = await patch('NO-SUCH-SKU', { aliases: ['x'] });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');

    const { sku } = await createProduct(app);
    const refused = await patch(sku, { aliases: ['x'] }, READER);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'forbidden', details: { scope: 'stock' } });
    expect((await product(sku)).aliases).toEqual([]);
  });

  test('When the OpenAPI description is read, then PATCH /products/{sku} takes only aliases, needs "stock", and the product shows aliases', async () => {
    const doc = (await app.api('GET', '/api/v1/openapi.json')).body;
    const op = doc.paths['/products/{sku}'].patch;
    expect(op).toMatchObject({ operationId: 'updateProduct', security: [{ bearer: ['stock'] }] });
    const body = op.requestBody.content['application/json'].schema;
    expect(body).toMatchObject({ additionalProperties: false, required: ['aliases'] });
    expect(body.properties.aliases).toMatchObject({ type: 'array', items: { type: 'string' } });
    const create = doc.paths['/products'].post.requestBody.content['application/json'].schema;
    expect(create.properties.aliases.description).toContain('at most 20');
    expect(doc.components.schemas.Product.properties.aliases).toMatchObject({ type: 'array' });
  });
});

describe('the catalogue.changed event', () => {
  test('When aliases are set or cleared, then catalogue.changed names the product each time; a refused or unknown one emits nothing', async () => {
    const { sku } = await createProduct(app);
    changed.length = 0;
    await app.deps.inventory.setAliases(sku, ['blue mug']);
    await app.deps.inventory.setAliases(sku, []);
    expect(changed).toEqual([sku, sku]);

    changed.length = 0;
    await expect(app.deps.inventory.setAliases(sku, ['q'.repeat(61)])).rejects.toMatchObject({
      code: 'validation_error',
    });
    await expect(app.deps.inventory.setAliases('NO-SUCH-SKU', ['x'])).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(changed).toEqual([]);
  });

  test('When a product is created, then catalogue.changed names it', async () => {
    changed.length = 0;
    const { sku } = await createProduct(app);
    expect(changed).toEqual([sku]);
  });
});

test('When the demo catalogue is seeded, then its products carry their aliases in English and Hebrew', async () => {
  await seedDemoCatalogue(app.deps.inventory);
  const aliases = Object.fromEntries(
    await Promise.all(DEMO_PRODUCTS.map(async (p) => [p.sku, (await product(p.sku)).aliases])),
  );
  expect(aliases).toEqual({
    'MUG-BLUE': ['blue mug', 'ספל כחול'],
    'MUG-RED': ['red mug', 'ספל אדום'],
    'TEE-M': ['medium t-shirt', 'medium tee', 'חולצה בינונית', 'חולצה M'],
    'TEE-L': ['large t-shirt', 'large tee', 'חולצה גדולה', 'חולצה L'],
    'BEANS-1KG': ['coffee', 'beans', 'קפה', 'פולי קפה'],
    TOTE: ['tote', 'bag', 'תיק', 'תיק בד'],
  });
});

describe('on the console stock page', () => {
  async function signedIn(user: string): Promise<ConsoleClient> {
    const client = new ConsoleClient(app.url);
    expect((await client.signIn({ user })).status).toBe(303);
    return client;
  }
  const aliasesShown = (page: string) =>
    /<dd data-field="aliases">([\s\S]*?)<\/dd>/
      .exec(page)?.[1]
      ?.replace(/<[^>]+>/g, '')
      .trim();

  test('When the stock keeper sets aliases comma-separated and then empties the field, then they are set, shown, and cleared', async () => {
    const { sku } = await createProduct(app);
    const client = await signedIn(FRANKIE);
    const page = await client.get(`/console/stock/${sku}`);
    expect(page.text).toContain('name="action" value="aliases"');
    expect(aliasesShown(page.text)).toBe('none');

    const res = await client.post(`/console/stock/${sku}`, {
      action: 'aliases',
      value: ' blue mug, ספל כחול ,, Blue Mug ',
    });
    expect({ status: res.status, location: res.location }).toEqual({
      status: 303,
      location: `/console/stock/${sku}?done=aliases`,
    });
    expect((await product(sku)).aliases).toEqual(['blue mug', 'ספל כחול']);
    const after = await client.get(`/console/stock/${sku}?done=aliases`);
    expect(after.text).toContain('Aliases set.');
    expect(aliasesShown(after.text)).toBe('blue mug, ספל כחול');
    expect(after.text).toContain('value="blue mug, ספל כחול"');

    expect((await client.post(`/console/stock/${sku}`, { action: 'aliases', value: '' })).status).toBe(303);
    expect((await product(sku)).aliases).toEqual([]);
  });

  test('When the stock keeper gives an alias that is too long, then 400 with the rule and what was wrong, the field keeps what was typed, and nothing changes', async () => {
    const { sku } = await createProduct(app);
    await patch(sku, { aliases: ['tote'] });
    const client = await signedIn(FRANKIE);
    await client.get(`/console/stock/${sku}`);
    const typed = `bag, ${'w'.repeat(61)}`;
    const res = await client.post(`/console/stock/${sku}`, { action: 'aliases', value: typed });
    expect(res.status).toBe(400);
    expect(res.text).toContain('role="alert"');
    expect(res.text).toContain('Aliases: at most 20 names, separated by commas, each 1 to 60 characters');
    expect(res.text).toContain('alias 2');
    expect(res.text).toContain(`value="${typed}" aria-invalid="true"`);
    expect((await product(sku)).aliases).toEqual(['tote']);
  });

  test('When the page is in Hebrew, then the aliases and their form are labelled in Hebrew', async () => {
    const { sku } = await createProduct(app);
    await patch(sku, { aliases: ['ספל כחול'] });
    const client = await signedIn(FRANKIE);
    await client.get('/console/board');
    await client.post('/console/language', { lang: 'he' });
    const page = await client.get(`/console/stock/${sku}`);
    expect(page.text).toContain('<dt>כינויים</dt>');
    expect(page.text).toContain('שמירת כינויים');
    expect(aliasesShown(page.text)).toBe('ספל כחול');
  });

  test('When a clerk without the stock role opens a product, then the aliases are shown but no form; a POST is refused with 403 and nothing changes', async () => {
    const { sku } = await createProduct(app);
    await patch(sku, { aliases: ['tote'] });
    const client = await signedIn(CASEY);
    const page = await client.get(`/console/stock/${sku}`);
    expect(aliasesShown(page.text)).toBe('tote');
    expect(page.text).not.toContain('name="action" value="aliases"');
    const res = await client.post(`/console/stock/${sku}`, { action: 'aliases', value: 'stolen' });
    expect(res.status).toBe(403);
    expect((await product(sku)).aliases).toEqual(['tote']);
  });

  test('When an aliases change comes without the page token, then it is refused with 403 and nothing changes', async () => {
    const { sku } = await createProduct(app);
    const client = await signedIn(FRANKIE);
    await client.get(`/console/stock/${sku}`);
    for (const csrf of [null, 'x'.repeat(43)]) {
      const res = await client.post(
        `/console/stock/${sku}`,
        { action: 'aliases', value: 'forged' },
        { csrf },
      );
      expect(res.status).toBe(403);
    }
    expect((await product(sku)).aliases).toEqual([]);
  });
});
