import type { CustomerRepository } from '../../models/customer.js';
import type { CustomerDetails } from './customer.js';

export type { CustomerDetails };

/** Customers by E.164 phone: who they are, their language, whether they opted out of texts. */
export function createCustomerService({ customers }: { customers: CustomerRepository }) {
  return {
    findByPhone: (phone: string) => customers.get(phone),
    /** Finds the customer by phone or creates them; details given now win over stored ones. */
    upsertByPhone: ({ phone, ...details }: CustomerDetails & { phone: string }) =>
      customers.saveDetails(phone, details),
    /**
     * STOP / START. Recorded on the customer (created if this phone never ordered) and read again
     * at the moment each update is sent, so a queued message for a phone that opted out since is
     * not sent.
     */
    async setOptedOut(phone: string, optedOut: boolean): Promise<void> {
      await customers.setOptedOut(phone, optedOut);
    },
  };
}

export type CustomerService = ReturnType<typeof createCustomerService>;
