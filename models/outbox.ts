import { type Connection, Schema } from 'mongoose';
import type { OutboxEntry } from '../src/outbox/entry.js';
import type { CounterRepository } from './counter.js';

/** The outbox keeps the latest this many entries: a ring of slots, so it never grows. */
export const OUTBOX_KEEP = 1000;

type OutboxDoc = OutboxEntry & { _id: number };

const outboxSchema = new Schema<OutboxDoc>(
  {
    _id: { type: Number, required: true },
    seq: { type: Number, required: true },
    door: { type: String, enum: ['slack', 'sms'], required: true },
    method: { type: String, required: true },
    to: { type: String, required: true },
    text: { type: String, default: '' },
    payload: { type: Schema.Types.Mixed, default: {} },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);

/** The `outbox` collection: slot `seq % OUTBOX_KEEP` holds entry `seq`, so old entries are overwritten. */
export function createOutboxRepository(conn: Connection, counters: CounterRepository) {
  const Outbox = conn.model<OutboxDoc>('OutboxEntry', outboxSchema, 'outbox');
  return {
    async record(entry: Omit<OutboxEntry, 'seq' | 'createdAt'>): Promise<OutboxEntry> {
      const seq = await counters.next('outbox', 0);
      const stored: OutboxEntry = { ...entry, seq, createdAt: new Date() };
      await Outbox.replaceOne({ _id: seq % OUTBOX_KEEP }, stored, { upsert: true });
      return stored;
    },
    /** Newest first (at most OUTBOX_KEEP entries are kept). */
    async list(opts: { door?: OutboxEntry['door']; limit: number }): Promise<OutboxEntry[]> {
      const docs = await Outbox.find(opts.door ? { door: opts.door } : {})
        .sort({ seq: -1 })
        .limit(opts.limit)
        .lean<OutboxDoc[]>();
      return docs.map(({ _id, ...rest }) => rest);
    },
    ensureIndexes: () => Outbox.createIndexes(),
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
