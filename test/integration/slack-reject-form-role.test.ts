import { ACTIONS, INPUTS, VIEWS } from '../../src/slack/blocks/ids.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, placeOrder } from '../helpers/builders.js';
import { clickButton, FakeSlack, slackEnv, submitView } from '../helpers/slack.js';

/**
 * The reject form checks the approver list again when it is submitted: it may have been opened
 * by an approver (or before the list changed) and submitted by someone who may not reject.
 */
let fake: FakeSlack;
let app: TestApp;
beforeAll(async () => {
  fake = await new FakeSlack().start();
  app = await startTestApp('slackrejectrole', slackEnv(fake, { SLACK_APPROVER_IDS: 'UAPPROVER1' }));
});
afterAll(async () => {
  await app.close();
  await fake.stop();
});

test('When someone who is not an approver submits a reject form, then the form shows the refusal and the order stays pending with its stock held', async () => {
  const p = await createProduct(app, { onHand: 5 });
  const order = await placeOrder(app, [{ sku: p.sku, quantity: 2 }]);
  await clickButton(app.url, ACTIONS.reject, String(order.number), { user: 'UAPPROVER1' });
  const modal = await fake.waitFor(
    (calls) =>
      calls.find(
        (c) =>
          c.method === 'views.open' &&
          c.body.view?.callback_id === VIEWS.reject &&
          c.body.view.private_metadata.includes(String(order.number)),
      ),
    'the reject form',
  );

  const res = await submitView(
    app.url,
    VIEWS.reject,
    { [INPUTS.reason]: 'Not in stock' },
    { user: 'UINTRUDER1', privateMetadata: modal.body.view.private_metadata },
  );
  expect(res.status).toBe(200);
  expect(res.body.response_action).toBe('errors');
  expect(res.body.errors[INPUTS.reason]).toMatch(/only approvers/i);
  const after = (await app.api('GET', `/api/v1/orders/${order.number}`)).body;
  expect(after.status).toBe('pending_approval');
  expect(after.history).toHaveLength(1);
  expect((await app.api('GET', `/api/v1/products/${p.sku}`)).body).toMatchObject({ reserved: 2 });
});
