import { type Agenda, exponential, type Job } from 'agenda';
import { z } from 'zod';
import type { Logger } from '../src/logger.js';
import type { CustomerUpdates } from '../src/notifications/customer-updates.js';

export const SMS_CUSTOMER_UPDATE = 'sms-customer-update';
export const smsCustomerUpdateData = z.object({
  number: z.number().int().positive(),
  kind: z.enum(['placed', 'approved', 'shipped', 'delivered', 'rejected', 'cancelled']),
});

/**
 * One customer update by SMS. A job so that it is never lost: while Twilio fails it is retried
 * with exponential backoff (about 1 s, 2 s, 4 s … up to 10 minutes apart, ~1.5 hours in all);
 * after the last retry the failure is kept on the order and shown to staff.
 */
export function defineSmsCustomerUpdate(
  agenda: Agenda,
  deps: { customerUpdates: CustomerUpdates; log: Logger },
) {
  agenda.define(
    SMS_CUSTOMER_UPDATE,
    async (job: Job<unknown>) => {
      const { number, kind } = smsCustomerUpdateData.parse(job.attrs.data);
      await deps.customerUpdates.send(number, kind);
    },
    {
      backoff: exponential({ delay: 1_000, factor: 2, maxRetries: 15, maxDelay: 10 * 60_000, jitter: 0.1 }),
      removeOnComplete: true,
    },
  );
  agenda.on(`retry exhausted:${SMS_CUSTOMER_UPDATE}`, (err: Error, job: Job<unknown>) => {
    const data = smsCustomerUpdateData.safeParse(job.attrs.data);
    if (!data.success) return;
    deps.customerUpdates
      .giveUp(data.data.number, data.data.kind, err.message)
      .catch((e) => deps.log.error({ err: e }, 'could not record a failed customer update'));
  });
}
