import { type Connection, Schema } from 'mongoose';
import type { Customer, CustomerDetails } from '../src/customers/customer.js';
import { isDuplicateKey } from '../src/errors.js';

type CustomerDoc = Omit<Customer, 'phone'> & { _id: string };

const customerSchema = new Schema<CustomerDoc>(
  {
    _id: { type: String, required: true },
    name: String,
    email: String,
    language: { type: String, enum: ['en', 'he'] },
    optedOut: { type: Boolean, required: true, default: false },
    optedOutAt: Date,
    orders: { type: [Number], default: [] },
  },
  { timestamps: true, versionKey: false },
);

function toCustomer(doc: CustomerDoc | null): Customer | null {
  if (!doc) return null;
  const { _id, ...rest } = doc;
  return { phone: _id, ...rest, orders: rest.orders ?? [] };
}

const detailsSet = (d: CustomerDetails) => ({
  ...(d.name ? { name: d.name } : {}),
  ...(d.email ? { email: d.email } : {}),
  ...(d.language ? { language: d.language } : {}),
});

/** The `customers` collection, keyed by E.164 phone. */
export function createCustomerRepository(conn: Connection) {
  const Customer = conn.model<CustomerDoc>('Customer', customerSchema, 'customers');

  /** One upsert by phone; two first contacts from one phone at once meet on `_id`, so retry. */
  async function upsert(phone: string, update: Record<string, unknown>, onInsert: Record<string, unknown>) {
    for (let attempt = 0; ; attempt++) {
      try {
        const doc = await Customer.findOneAndUpdate(
          { _id: phone },
          { ...update, $setOnInsert: onInsert },
          { upsert: true, returnDocument: 'after', lean: true },
        );
        return toCustomer(doc as CustomerDoc) as Customer;
      } catch (err) {
        if (!isDuplicateKey(err) || attempt >= 2) throw err;
      }
    }
  }

  return {
    get: async (phone: string) => toCustomer(await Customer.findById(phone).lean<CustomerDoc>()),
    /** Finds or creates the customer; details given now win over stored ones. */
    saveDetails: (phone: string, details: CustomerDetails) =>
      upsert(phone, { $set: detailsSet(details) }, { optedOut: false, orders: [] }),
    /** The same, and adds an order to the customer's list: placement's one customer write. */
    addOrder: (phone: string, details: CustomerDetails, orderNumber: number) =>
      upsert(phone, { $set: detailsSet(details), $push: { orders: orderNumber } }, { optedOut: false }),
    /** Takes back an order number whose order was never stored (its placement failed). */
    async removeOrder(phone: string, orderNumber: number): Promise<void> {
      await Customer.updateOne({ _id: phone }, { $pull: { orders: orderNumber } });
    },
    /** STOP / START, recorded even for a phone that never ordered. */
    setOptedOut: (phone: string, optedOut: boolean) =>
      upsert(
        phone,
        optedOut
          ? { $set: { optedOut: true, optedOutAt: new Date() } }
          : { $set: { optedOut: false }, $unset: { optedOutAt: '' } },
        { orders: [] },
      ),
    async insertMany(customers: Customer[]): Promise<void> {
      await Customer.insertMany(
        customers.map(({ phone, ...rest }) => ({ _id: phone, ...rest })),
        { ordered: false, lean: true },
      );
    },
    count: () => Customer.estimatedDocumentCount(),
    ensureIndexes: () => Customer.createIndexes(),
  };
}

export type CustomerRepository = ReturnType<typeof createCustomerRepository>;
