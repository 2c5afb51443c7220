import { type Connection, Schema } from 'mongoose';

/**
 * Inbound ids already claimed (an order's channel+externalId, an SMS MessageSid, a Slack retry):
 * the first insert into the unique `key` wins, so a redelivery has its effect once.
 */
export interface ProcessedRequest {
  key: string;
  /** What the first delivery produced (e.g. the order id), so a replay can answer the same. */
  ref?: string;
  state: 'claimed' | 'done';
  /** When the current claimant took it; a stale claim can be taken over. */
  claimedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

const processedRequestSchema = new Schema<ProcessedRequest>(
  {
    key: { type: String, required: true, unique: true },
    ref: String,
    state: { type: String, required: true, default: 'claimed' },
    claimedAt: { type: Date, required: true, default: () => new Date() },
  },
  { timestamps: true, versionKey: false },
);
// No TTL index: FerretDB v1 has none. The housekeeping job deletes old records instead.
processedRequestSchema.index({ createdAt: 1 });

export const processedRequestModel = (conn: Connection) =>
  conn.model<ProcessedRequest>('ProcessedRequest', processedRequestSchema, 'processed_requests');
export type ProcessedRequestModel = ReturnType<typeof processedRequestModel>;
