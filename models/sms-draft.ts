import { type Connection, Schema, type Types } from 'mongoose';

/**
 * An order a customer texted (`ORDER 2 MUG-BLUE`) and has not confirmed yet. One per phone: a new
 * ORDER replaces it. Nothing is reserved until CONFIRM places it through the order service.
 */
export interface SmsDraft {
  _id: Types.ObjectId;
  phone: string;
  items: { sku: string; quantity: number }[];
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

const smsDraftSchema = new Schema<SmsDraft>(
  {
    phone: { type: String, required: true, unique: true },
    items: {
      type: [new Schema({ sku: String, quantity: Number }, { _id: false })],
      required: true,
    },
    expiresAt: { type: Date, required: true },
  },
  { timestamps: true, versionKey: false },
);
// No TTL index (FerretDB v1 has none): CONFIRM checks `expiresAt`, housekeeping deletes old ones.
smsDraftSchema.index({ expiresAt: 1 });

export const smsDraftModel = (conn: Connection) =>
  conn.model<SmsDraft>('SmsDraft', smsDraftSchema, 'sms_drafts');
