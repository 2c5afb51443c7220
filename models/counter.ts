import { type Connection, Schema } from 'mongoose';
import { isDuplicateKey } from '../src/errors.js';

/** Named sequences (order numbers, invoice numbers, the outbox): one atomic `$inc` each. */
interface CounterDoc {
  _id: string;
  seq: number;
}

const counterSchema = new Schema<CounterDoc>(
  { _id: String, seq: { type: Number, required: true } },
  { versionKey: false },
);

/** The `counters` collection. */
export function createCounterRepository(conn: Connection) {
  const Counter = conn.model<CounterDoc>('Counter', counterSchema, 'counters');
  return {
    /** Next value of the sequence `name`: `offset + 1` the first time, then one more each call. */
    async next(name: string, offset: number): Promise<number> {
      for (let attempt = 0; ; attempt++) {
        try {
          const doc = await Counter.findOneAndUpdate(
            { _id: name },
            { $inc: { seq: 1 } },
            { upsert: true, returnDocument: 'after', lean: true },
          );
          if (!doc) throw new Error(`counter ${name} was not returned`);
          return offset + doc.seq;
        } catch (err) {
          // Two first-ever upserts can race on _id; the loser simply increments the winner's doc.
          if (!isDuplicateKey(err) || attempt >= 3) throw err;
        }
      }
    },
    /** The last value handed out (`offset` if none yet). */
    async current(name: string, offset: number): Promise<number> {
      const doc = await Counter.findById(name).lean<CounterDoc>();
      return offset + (doc?.seq ?? 0);
    },
    /** Moves a sequence forward to at least `seq` (bulk loads and migrations). */
    async raiseTo(name: string, seq: number): Promise<void> {
      await Counter.updateOne({ _id: name }, { $max: { seq } }, { upsert: true });
    },
  };
}

export type CounterRepository = ReturnType<typeof createCounterRepository>;
