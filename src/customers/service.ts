import type { Customer, Language } from '../../models/customer.js';
import type { Models } from '../../models/index.js';
import { isDuplicateKey } from '../errors.js';

export interface CustomerDetails {
  phone: string;
  name?: string;
  email?: string;
  language?: Language;
}

export function createCustomerService({ models }: { models: Models }) {
  const { Customer } = models;

  /** One upsert by phone; two first contacts from one phone at once hit the unique index, so retry. */
  async function upsert(
    phone: string,
    update: { $set?: Partial<Customer>; $unset?: Record<string, ''> },
    onInsert: Partial<Customer> = { optedOut: false },
  ): Promise<Customer> {
    for (let attempt = 0; ; attempt++) {
      try {
        const doc = await Customer.findOneAndUpdate(
          { phone },
          { ...update, $setOnInsert: { phone, ...onInsert } },
          { upsert: true, returnDocument: 'after', lean: true },
        );
        return doc as Customer;
      } catch (err) {
        if (!isDuplicateKey(err) || attempt >= 2) throw err;
      }
    }
  }

  /** Finds the customer by E.164 phone or creates them; details given now win over stored ones. */
  async function upsertByPhone(details: CustomerDetails): Promise<Customer> {
    const set: Partial<Customer> = {};
    if (details.name) set.name = details.name;
    if (details.email) set.email = details.email;
    if (details.language) set.language = details.language;
    return upsert(details.phone, { $set: set });
  }

  const findByPhone = (phone: string) => Customer.findOne({ phone }).lean<Customer>();

  /**
   * STOP / START. Recorded on the customer (created if this phone never ordered) and read again
   * at the moment each update is sent, so a queued message for a phone that opted out since is
   * not sent.
   */
  async function setOptedOut(phone: string, optedOut: boolean): Promise<void> {
    await upsert(
      phone,
      optedOut
        ? { $set: { optedOut: true, optedOutAt: new Date() } }
        : { $set: { optedOut: false }, $unset: { optedOutAt: '' } },
      {},
    );
  }

  return {
    findByPhone,
    upsertByPhone,
    setOptedOut,
  };
}

export type CustomerService = ReturnType<typeof createCustomerService>;
