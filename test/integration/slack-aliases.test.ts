import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct } from '../helpers/builders.js';
import { FakeSlack, sendCommand, slackEnv } from '../helpers/slack.js';

/**
 * `/stock aliases <sku> <alias>, <alias>, …` (README, Slack): stock keepers set the other names
 * customers use for a product, `-` or `none` clears them; `/stock <sku>` shows them to anyone.
 */

const KEEPER = 'USTOCKALIAS';
const APPROVER = 'UAPPRALIAS';
const CLERK = 'UCLERKALIAS';

let fake: FakeSlack;
let app: TestApp;
const changed: string[] = [];

beforeAll(async () => {
  fake = await new FakeSlack().start();
  app = await startTestApp(
    'slackaliases',
    slackEnv(fake, { SLACK_APPROVER_IDS: APPROVER, SLACK_STOCK_IDS: KEEPER }),
  );
  app.deps.events.on('catalogue.changed', ({ sku }) => {
    changed.push(sku);
  });
});
afterAll(async () => {
  await app.close();
  await fake.stop();
});

const shown = (res: { body: unknown }) => JSON.stringify(res.body);
const stock = (text: string, user = KEEPER) => sendCommand(app.url, fake, '/stock', text, user);
const aliasesOf = async (sku: string) => (await app.api('GET', `/api/v1/products/${sku}`)).body.aliases;

test('When a stock keeper sets aliases with /stock aliases, then they are stored and the reply lists them; /stock <sku> shows them to anyone', async () => {
  const { sku } = await createProduct(app, { name: 'Blue enamel mug' });
  changed.length = 0;

  // Slack sends `&`, `<` and `>` in a command's text escaped.
  const res = await stock(`aliases ${sku} blue mug, ספל כחול, Blue Mug, mugs &amp; cups`);

  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ response_type: 'ephemeral' });
  // Stored as typed; shown escaped again.
  expect(await aliasesOf(sku)).toEqual(['blue mug', 'ספל כחול', 'mugs & cups']);
  expect(shown(res)).toContain('aliases set to blue mug, ספל כחול, mugs &amp; cups');
  expect(shown(res)).toContain('*Aliases*\\nblue mug · ספל כחול · mugs &amp; cups');
  expect(changed).toEqual([sku]);

  const look = await stock(sku, CLERK);
  expect(shown(look)).toContain('Blue enamel mug');
  expect(shown(look)).toContain('blue mug · ספל כחול');
  expect(shown(look)).not.toContain('SLACK_STOCK_IDS');
});

test.each(['-', 'none', 'NONE'])(
  'When a stock keeper types /stock aliases <sku> %s, then the aliases are cleared',
  async (clear) => {
    const { sku } = await createProduct(app);
    await stock(`aliases ${sku} tote, bag`);
    expect(await aliasesOf(sku)).toEqual(['tote', 'bag']);

    const res = await stock(`aliases ${sku} ${clear}`);

    expect(shown(res)).toContain('aliases cleared');
    expect(shown(res)).toContain('none yet');
    expect(await aliasesOf(sku)).toEqual([]);
  },
);

test('When someone outside SLACK_STOCK_IDS (an approver even) runs /stock aliases, then nothing changes and only they are told which role it needs', async () => {
  const { sku } = await createProduct(app);
  await stock(`aliases ${sku} kept`);
  changed.length = 0;
  for (const user of [CLERK, APPROVER]) {
    const res = await stock(`aliases ${sku} stolen`, user);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ response_type: 'ephemeral' });
    expect(shown(res)).toContain('SLACK_STOCK_IDS');
  }
  expect(await aliasesOf(sku)).toEqual(['kept']);
  expect(changed).toEqual([]);
});

test.each([
  ['an alias too long', (sku: string) => `aliases ${sku} ok, ${'x'.repeat(61)}`, '1 to 60 characters'],
  [
    'too many aliases',
    (sku: string) => `aliases ${sku} ${Array.from({ length: 21 }, (_, i) => `n${i}`).join(', ')}`,
    'at most 20',
  ],
  ['no aliases', (sku: string) => `aliases ${sku}`, 'Usage: `/stock aliases'],
  ['only commas', (sku: string) => `aliases ${sku} , ,`, 'Usage: `/stock aliases'],
  ['no SKU', () => 'aliases', 'Usage: `/stock aliases'],
  ['an unknown SKU', () => 'aliases NO-SUCH-SKU mug', 'No product with SKU NO-SUCH-SKU'],
])(
  'When a stock keeper gives %s, then the reply says what is wrong and nothing changes',
  async (_what, text, says) => {
    const { sku } = await createProduct(app);
    await stock(`aliases ${sku} kept`);
    const res = await stock(text(sku));
    expect(res.status).toBe(200);
    expect(shown(res)).toContain(says);
    expect(await aliasesOf(sku)).toEqual(['kept']);
  },
);

test('When someone types /stock help, then the list names /stock aliases', async () => {
  const res = await stock('help', CLERK);
  expect(shown(res)).toContain('/stock aliases &lt;sku&gt; &lt;alias&gt;, &lt;alias&gt;, …');
});
