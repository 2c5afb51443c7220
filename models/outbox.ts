import { type Connection, Schema, type Types } from 'mongoose';

/**
 * Sandbox mode's record of what would have gone out: a Slack Web API call or an SMS that had no
 * credentials to go with. A person reads it at /outbox; tests and the README read it too.
 */
export interface OutboxEntry {
  _id: Types.ObjectId;
  door: 'slack' | 'sms';
  /** The API call it stands for, e.g. `chat.postMessage`, `chat.update`, `views.open`, `sms`. */
  method: string;
  /** Channel, user or phone it was addressed to. */
  to: string;
  /** The human-readable text (Slack's notification text, or the SMS body). */
  text: string;
  /** The whole request as it would have been sent. */
  payload: Record<string, unknown>;
  createdAt: Date;
}

const outboxSchema = new Schema<OutboxEntry>(
  {
    door: { type: String, enum: ['slack', 'sms'], required: true },
    method: { type: String, required: true },
    to: { type: String, required: true },
    text: { type: String, default: '' },
    payload: { type: Schema.Types.Mixed, default: {} },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false, minimize: false },
);
outboxSchema.index({ door: 1, createdAt: -1 });
outboxSchema.index({ createdAt: -1 });

export const outboxModel = (conn: Connection) =>
  conn.model<OutboxEntry>('OutboxEntry', outboxSchema, 'outbox');
