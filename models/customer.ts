import { type Connection, Schema, type Types } from 'mongoose';

export type Language = 'en' | 'he';

export interface Customer {
  _id: Types.ObjectId;
  /** E.164, the customer's identity across SMS, voice and orders. */
  phone: string;
  name?: string;
  email?: string;
  language?: Language;
  optedOut: boolean;
  optedOutAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export const customerSchema = new Schema<Customer>(
  {
    phone: { type: String, required: true, unique: true },
    name: String,
    email: String,
    language: { type: String, enum: ['en', 'he'] },
    optedOut: { type: Boolean, required: true, default: false },
    optedOutAt: Date,
  },
  { timestamps: true, versionKey: false },
);
customerSchema.index({ name: 1 });

export const customerModel = (conn: Connection) =>
  conn.model<Customer>('Customer', customerSchema, 'customers');
export type CustomerModel = ReturnType<typeof customerModel>;
