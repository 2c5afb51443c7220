import { type Connection, Schema, type Types } from 'mongoose';

export type SmsUpdateKind = 'placed' | 'approved' | 'shipped' | 'delivered' | 'rejected' | 'cancelled';

/**
 * One customer update by SMS and what became of it. `key` (`<order>:<kind>`) makes each update
 * one record however often its job runs; `sid` is Twilio's id, matched by status callbacks.
 */
export interface SmsMessage {
  _id: Types.ObjectId;
  key: string;
  orderNumber: number;
  kind: SmsUpdateKind;
  to: string;
  body?: string;
  /** Absent until Twilio (or the outbox) accepted it. */
  sid?: string;
  /** `pending` (not sent yet), `skipped_opted_out`, `failed` (given up), or Twilio's status. */
  status: string;
  attempts: number;
  lastError?: string;
  errorCode?: string;
  createdAt: Date;
  updatedAt: Date;
}

const smsMessageSchema = new Schema<SmsMessage>(
  {
    key: { type: String, required: true, unique: true },
    orderNumber: { type: Number, required: true, index: true },
    kind: { type: String, required: true },
    to: { type: String, required: true },
    body: String,
    sid: { type: String, unique: true, sparse: true },
    status: { type: String, required: true, default: 'pending' },
    attempts: { type: Number, required: true, default: 0 },
    lastError: String,
    errorCode: String,
  },
  { timestamps: true, versionKey: false },
);

export const smsMessageModel = (conn: Connection) =>
  conn.model<SmsMessage>('SmsMessage', smsMessageSchema, 'sms_messages');
