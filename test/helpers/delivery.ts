import { withinDeadline } from '../../src/deadline.js';
import type { TestApp } from './app.js';
import { eventually } from './eventually.js';
import type { FakeSlack } from './slack.js';

/**
 * Makes the next try of a delivery failing for its own reasons its last: waits for its failure
 * record (`<lane>:<key>`, as every process reads it), then sets it at 19 tries, due now.
 */
export async function makeNextTryTheLast(app: TestApp, id: string): Promise<void> {
  await eventually(() => app.raw('delivery_failures').findOne({ _id: id as never }), Boolean, {
    what: `the failure record ${id}`,
    ms: 20_000,
  });
  await app
    .raw('delivery_failures')
    .updateOne({ _id: id as never }, { $set: { attempts: 19, nextAt: new Date() } });
}

/** Waits for the staff notice of a give-up that names `what`. */
export function staffToldOfGiveUp(slack: FakeSlack, what: string) {
  return slack.waitFor(
    (calls) =>
      calls.find(
        (c) => c.method === 'chat.postMessage' && String(c.body.text).includes(`Gave up delivering ${what}`),
      ),
    `staff told of the give-up of ${what}`,
  );
}

/**
 * Waits until nothing more is coming from what happened so far: the doors' work after their
 * answers is done (Slack's listeners after the acknowledgement, late texts) and no delivery is
 * queued or running (work waiting on a timer, a backoff or a reply window, is not waited for).
 * Tests wait for it before checking that nothing more was sent, never for a fixed time.
 */
export async function settled(app: TestApp, ms = 20_000): Promise<void> {
  const settling = (async () => {
    do {
      await app.deps.carryOn.idle();
      await app.deps.delivery.quiet();
    } while (app.deps.carryOn.size() > 0);
  })();
  if ((await withinDeadline(settling, ms)) === 'late')
    throw new Error(
      `not settled within ${ms} ms: ${app.deps.carryOn.size()} carried on after answering, ` +
        `${app.deps.delivery.pending()} deliveries pending`,
    );
}
