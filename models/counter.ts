import { type Connection, Schema } from 'mongoose';

/** Named sequences (order numbers, invoice numbers): one atomic `$inc` each. */
export interface Counter {
  _id: string;
  seq: number;
}

const counterSchema = new Schema<Counter>(
  { _id: String, seq: { type: Number, required: true } },
  { versionKey: false },
);

export const counterModel = (conn: Connection) => conn.model<Counter>('Counter', counterSchema, 'counters');
export type CounterModel = ReturnType<typeof counterModel>;

/** Next value of the sequence `name`: `offset + 1` the first time, then one more each call. */
export async function nextSequence(Counter: CounterModel, name: string, offset: number): Promise<number> {
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
      if ((err as { code?: number }).code !== 11000 || attempt >= 3) throw err;
    }
  }
}
