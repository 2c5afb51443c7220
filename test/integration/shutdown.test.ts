import { MongoClient } from 'mongodb';
import { ACTIONS } from '../../src/slack/blocks/ids.js';
import { startTestApp, testDatabaseUri } from '../helpers/app.js';
import { createProduct, placeOrder } from '../helpers/builders.js';
import { eventually } from '../helpers/eventually.js';
import { clickButton, FakeSlack, slackEnv } from '../helpers/slack.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

/**
 * A shutdown (a deploy, a rolling restart) while a door is still working after it answered: a
 * Slack click is acknowledged at once and worked on after, so the HTTP server has nothing left to
 * wait for. The work is finished before the database is closed, not cut off half-way. The
 * database is slowed at the network edge so that the work is still running when the stop begins.
 */
test('When the server stops while a Slack click is still being worked on after its acknowledgement, then the work finishes before the database closes', async () => {
  const slack = await new FakeSlack().start();
  const target = new URL(testDatabaseUri());
  const proxy = await new TcpProxy().start({ host: target.hostname, port: Number(target.port) });
  const app = await startTestApp('shutdown', slackEnv(slack, { SLACK_APPROVER_IDS: 'UAPPROVER1' }), {
    jobs: true,
    uri: proxy.uriFor(testDatabaseUri()),
  });
  let stopped = false;
  try {
    const sku = (await createProduct(app, { onHand: 10 })).sku;
    const order = await placeOrder(app, [{ sku, quantity: 1 }]);
    const ts = (
      await eventually(
        async () => (await app.deps.orders.get(order.number)).slack,
        (s) => s?.approval?.ts,
        { what: 'the approval message' },
      )
    )?.approval?.ts as string;
    await app.deps.delivery.idle();

    // From the click's first read of the order on, every database command waits 400 ms.
    proxy.slowFrom('orders', 400);
    const click = await clickButton(app.url, ACTIONS.approve, String(order.number), {
      user: 'UAPPROVER1',
      messageTs: ts,
    });
    expect(click.status).toBe(200);
    expect(app.deps.carryOn.size()).toBeGreaterThan(0);
    await app.stop();
    stopped = true;
    proxy.fast();

    const client = await new MongoClient(testDatabaseUri()).connect();
    try {
      const stored = await client
        .db(app.dbName)
        .collection('orders')
        .findOne({ _id: order.number as never });
      expect(stored?.status).toBe('approved');
    } finally {
      await client.db(app.dbName).dropDatabase();
      await client.close();
    }
  } finally {
    proxy.fast();
    if (!stopped) await app.close();
    await proxy.stop();
    await slack.stop();
  }
}, 60_000);
