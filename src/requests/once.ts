import type { ProcessedRequestRepository } from '../../models/processed-request.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Twilio waits 15 s for a reply; a redelivery waits for the first delivery's answer at most this long. */
const WAIT_FOR_FIRST_MS = 10_000;
/**
 * A claim this old belongs to a delivery that died (its request cannot still be running: the
 * server ends every request after 30 s). A redelivery takes it over, as placement does.
 */
export const STALE_CLAIM_MS = 60_000;

/**
 * Runs `work` once per key (an SMS MessageSid): the first delivery claims the key with an insert
 * into a unique `_id`, so even two racing deliveries have one effect. A redelivery gets the first
 * one's reply. If the work fails, the claim is dropped so a later redelivery can try again; if
 * the process dies with the claim held, a redelivery after STALE_CLAIM_MS takes it over (the work
 * itself is safe to repeat: an order placed by SMS is keyed by the MessageSid).
 */
export function createOnce({ processedRequests }: { processedRequests: ProcessedRequestRepository }) {
  async function answerOnce(
    key: string,
    work: () => Promise<{ text: string; order?: number; repeat?: boolean }>,
  ): Promise<{ reply: string | undefined; replay: boolean; order?: number; repeat?: boolean }> {
    if (!(await processedRequests.claim(key)) && !(await takeOverStale(key))) {
      const deadline = Date.now() + WAIT_FOR_FIRST_MS;
      while (Date.now() < deadline) {
        const first = await processedRequests.get(key);
        if (first?.state === 'done') {
          return {
            reply: first.ref || undefined,
            replay: true,
            ...(first.order ? { order: first.order } : {}),
          };
        }
        if (!first) break;
        await sleep(100);
      }
      return { reply: undefined, replay: true };
    }
    try {
      const { text, order, repeat } = await work();
      await processedRequests.finish(key, text, order);
      return { reply: text, replay: false, ...(order ? { order } : {}), ...(repeat ? { repeat } : {}) };
    } catch (err) {
      await processedRequests.drop(key);
      throw err;
    }
  }
  /** True when the key's claim was left by a crashed delivery and is now ours. */
  async function takeOverStale(key: string): Promise<boolean> {
    const held = await processedRequests.get(key);
    if (held?.state !== 'claimed' || Date.now() - held.claimedAt.getTime() < STALE_CLAIM_MS) return false;
    return processedRequests.takeOver(key, held.claimedAt);
  }

  return { answerOnce };
}

export type Once = ReturnType<typeof createOnce>;
