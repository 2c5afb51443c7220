import { type Agenda, exponential } from 'agenda';
import { z } from 'zod';
import type { Logger } from '../src/logger.js';
import type { FollowUps } from '../src/notifications/follow-up.js';
import { FOLLOW_UP_JOB } from '../src/orders/lifecycle.js';

export const FOLLOW_UP = FOLLOW_UP_JOB;
const FollowUpData = z.object({ order: z.number().int().positive() });

/**
 * One per delivered order, at delivery + FOLLOW_UP_DELAY (scheduled by src/delivery/ from the
 * delivery's own write): asks the customer for a rating. Twilio down: retried with backoff; after
 * the last retry the failure is kept on the job (`/order jobs`) and told to staff (jobs/index.ts).
 */
export function defineFollowUp(agenda: Agenda, deps: { followUps: FollowUps; log: Logger }) {
  agenda.define(
    FOLLOW_UP,
    async (job) => {
      const data = FollowUpData.safeParse(job.attrs.data);
      if (!data.success) {
        deps.log.error({ data: job.attrs.data }, 'follow-up job with bad data; dropped');
        return;
      }
      await deps.followUps.send(data.data.order);
    },
    { backoff: exponential({ delay: 30_000, factor: 2, maxRetries: 8 }) },
  );
}
