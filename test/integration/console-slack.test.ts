import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, placeOrder } from '../helpers/builders.js';
import { ConsoleClient } from '../helpers/console.js';
import { FakeSlack, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, slackEnv } from '../helpers/slack.js';

/**
 * Sign in with Slack to the console (OpenID Connect) against the recording fake Slack: its
 * authorize page redirects back with a code, its `openid.connect.token` answers an ID token.
 * Roles come from the Slack role lists, user groups included, as in Slack.
 */

let slack: FakeSlack;
let app: TestApp;

beforeAll(async () => {
  slack = await new FakeSlack().start();
  slack.userGroups.set('S0APPROVERS', ['U0GROUPED']);
  app = await startTestApp('console-slack', {
    ...slackEnv(slack),
    SLACK_CLIENT_ID,
    SLACK_CLIENT_SECRET,
    SLACK_APPROVER_IDS: 'U0BOSS,S0APPROVERS',
    PUBLIC_URL: 'http://desk.example.test',
  });
});
afterAll(async () => {
  await app.close();
  await slack.stop();
});

/** Follows the sign-in as a browser would: ours → Slack's authorize page → our callback. */
async function signInWithSlack(client: ConsoleClient, next = '/console/board') {
  const start = await client.get(`/console/sign-in/slack?next=${encodeURIComponent(next)}`);
  expect(start.status).toBe(303);
  const authorize = new URL(start.res.headers.get('location') as string);
  expect(authorize.pathname).toBe('/openid/connect/authorize');
  expect(authorize.searchParams.get('client_id')).toBe(SLACK_CLIENT_ID);
  expect(authorize.searchParams.get('scope')).toBe('openid profile');
  expect(authorize.searchParams.get('redirect_uri')).toBe(
    'http://desk.example.test/console/sign-in/slack/callback',
  );
  const atSlack = await fetch(authorize, { redirect: 'manual' });
  const back = new URL(atSlack.headers.get('location') as string);
  return client.get(back.pathname + back.search);
}

test('When the sign-in page is shown with Slack live, then it offers Sign in with Slack and no made-up users', async () => {
  const page = await new ConsoleClient(app.url).get('/console/sign-in');
  expect(page.text).toContain('href="/console/sign-in/slack?next=');
  expect(page.text).not.toContain('U0CONSOLEA');
});

test('When an approver signs in with Slack, then they land where they were going and may approve', async () => {
  slack.signIn = { user: 'U0BOSS', name: 'Bo Boss' };
  const client = new ConsoleClient(app.url);
  const sku = (await createProduct(app, { onHand: 5 })).sku;
  const { number } = (await placeOrder(app, [{ sku, quantity: 1 }])) as { number: number };
  const res = await signInWithSlack(client, `/console/orders/${number}`);
  expect(res.status).toBe(303);
  expect(res.res.headers.get('location')).toBe(`/console/orders/${number}`);
  const page = await client.get(`/console/orders/${number}`);
  expect(page.text).toContain('Bo Boss');
  expect(page.text).toContain('value="approve"');
  expect((await client.post(`/console/orders/${number}/actions`, { action: 'approve' })).status).toBe(303);
  const order = (await app.api('GET', `/api/v1/orders/${number}`)).body as {
    history: { by: string; channel: string }[];
  };
  expect(order.history.at(-1)).toMatchObject({ by: 'U0BOSS', channel: 'console' });
});

test('When a member of an approvers user group signs in, then Slack is asked and they may approve', async () => {
  slack.signIn = { user: 'U0GROUPED', name: 'Gil' };
  const client = new ConsoleClient(app.url);
  await signInWithSlack(client);
  const sku = (await createProduct(app, { onHand: 5 })).sku;
  const { number } = (await placeOrder(app, [{ sku, quantity: 1 }])) as { number: number };
  expect((await client.get(`/console/orders/${number}`)).text).toContain('value="approve"');
});

test('When someone without a role signs in, then they see the order but no Approve', async () => {
  slack.signIn = { user: 'U0CLERK', name: 'Cleo' };
  const client = new ConsoleClient(app.url);
  await signInWithSlack(client);
  const sku = (await createProduct(app, { onHand: 5 })).sku;
  const { number } = (await placeOrder(app, [{ sku, quantity: 1 }])) as { number: number };
  const page = await client.get(`/console/orders/${number}`);
  expect(page.status).toBe(200);
  expect(page.text).not.toContain('value="approve"');
});

test('When the person belongs to another workspace, then sign-in is refused', async () => {
  slack.signIn = { user: 'U0GUEST', name: 'Guest', team: 'T0OTHER' };
  const client = new ConsoleClient(app.url);
  const res = await signInWithSlack(client);
  expect(res.status).toBe(401);
  expect(res.text).toContain('Only members of the workspace');
  expect(client.cookies.has('orderly_console')).toBe(false);
});

test('When the callback comes with another state, or without the cookie, then it is refused', async () => {
  slack.signIn = { user: 'U0BOSS', name: 'Bo Boss' };
  const client = new ConsoleClient(app.url);
  const start = await client.get('/console/sign-in/slack');
  const atSlack = await fetch(start.res.headers.get('location') as string, { redirect: 'manual' });
  const back = new URL(atSlack.headers.get('location') as string);
  const forged = new URLSearchParams(back.search);
  forged.set('state', 'someone-elses');
  expect((await client.get(`${back.pathname}?${forged}`)).status).toBe(401);
  const stranger = new ConsoleClient(app.url);
  expect((await stranger.get(back.pathname + back.search)).status).toBe(401);
  expect(stranger.cookies.has('orderly_console')).toBe(false);
});

test('When the ID token was minted for another sign-in (its nonce), then it is refused', async () => {
  slack.signIn = { user: 'U0BOSS', name: 'Bo Boss', nonce: 'another-sign-in' };
  const client = new ConsoleClient(app.url);
  const res = await signInWithSlack(client);
  expect(res.status).toBe(401);
  expect(res.text).toContain('did not check out');
  expect(client.cookies.has('orderly_console')).toBe(false);
});

test('When the person declines at Slack, then the sign-in page says so', async () => {
  slack.signIn = undefined;
  const res = await signInWithSlack(new ConsoleClient(app.url));
  expect(res.status).toBe(401);
  expect(res.text).toContain('Slack did not sign you in.');
});

test('When only one half of the OAuth client is given, then the configuration names the missing one', async () => {
  await expect(startTestApp('console-slack-half', { ...slackEnv(slack), SLACK_CLIENT_ID })).rejects.toThrow(
    /SLACK_CLIENT_SECRET/,
  );
});
