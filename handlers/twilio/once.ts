import type { Models } from '../../models/index.js';
import { isDuplicateKey } from '../../src/errors.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Twilio waits 15 s for a reply; a redelivery waits for the first delivery's answer at most this long. */
const WAIT_FOR_FIRST_MS = 10_000;

/**
 * Runs `work` once per key (a MessageSid): the first delivery claims the key with an insert into
 * a unique index, so even two racing deliveries have one effect. A redelivery gets the first
 * one's reply. If the work fails, the claim is dropped so a later redelivery can try again.
 */
export async function answerOnce(
  models: Models,
  key: string,
  work: () => Promise<string>,
): Promise<{ reply: string | undefined; replay: boolean }> {
  const { ProcessedRequest } = models;
  try {
    await ProcessedRequest.create({ key, state: 'claimed' });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    while (Date.now() < deadline) {
      const first = await ProcessedRequest.findOne({ key }).lean();
      if (first?.state === 'done') return { reply: first.ref || undefined, replay: true };
      if (!first) break;
      await sleep(100);
    }
    return { reply: undefined, replay: true };
  }
  try {
    const reply = await work();
    await ProcessedRequest.updateOne({ key }, { $set: { state: 'done', ref: reply } });
    return { reply, replay: false };
  } catch (err) {
    await ProcessedRequest.deleteOne({ key, state: 'claimed' });
    throw err;
  }
}
