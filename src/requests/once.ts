import type { ProcessedRequestRepository } from '../../models/processed-request.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Twilio waits 15 s for a reply; a redelivery waits for the first delivery's answer at most this long. */
const WAIT_FOR_FIRST_MS = 10_000;

/**
 * Runs `work` once per key (an SMS MessageSid): the first delivery claims the key with an insert
 * into a unique `_id`, so even two racing deliveries have one effect. A redelivery gets the first
 * one's reply. If the work fails, the claim is dropped so a later redelivery can try again.
 */
export function createOnce({ processedRequests }: { processedRequests: ProcessedRequestRepository }) {
  async function answerOnce(
    key: string,
    work: () => Promise<string>,
  ): Promise<{ reply: string | undefined; replay: boolean }> {
    if (!(await processedRequests.claim(key))) {
      const deadline = Date.now() + WAIT_FOR_FIRST_MS;
      while (Date.now() < deadline) {
        const first = await processedRequests.get(key);
        if (first?.state === 'done') return { reply: first.ref || undefined, replay: true };
        if (!first) break;
        await sleep(100);
      }
      return { reply: undefined, replay: true };
    }
    try {
      const reply = await work();
      await processedRequests.finish(key, reply);
      return { reply, replay: false };
    } catch (err) {
      await processedRequests.drop(key);
      throw err;
    }
  }
  return { answerOnce };
}

export type Once = ReturnType<typeof createOnce>;
