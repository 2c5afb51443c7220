import { type Connection, Schema } from 'mongoose';
import { isDuplicateKey } from '../src/errors.js';
import type { OrderStatus } from '../src/orders/lifecycle.js';

/**
 * The order board: one small entry per order that people still work on (pending approval, in
 * fulfillment, a return to receive) or whose last step may still have work to finish. It is what
 * the daily lists read, so they cost the same with 1,000 or 1,000,000 orders behind them.
 *
 * It is derived from the orders, never the truth: an entry is written before an order enters the
 * board and removed after it leaves, so every open order has one; `status` is a hint (the order's
 * status at version `v`, its history length) that readers check against the order itself.
 */
export interface BoardEntry {
  number: number;
  status: OrderStatus;
  /** History length of the order when the hint was written: a later hint never loses to an older. */
  v: number;
  at: Date;
}

type BoardDoc = Omit<BoardEntry, 'number'> & { _id: number };

const boardSchema = new Schema<BoardDoc>(
  {
    _id: { type: Number, required: true },
    status: { type: String, required: true },
    v: { type: Number, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
boardSchema.index({ status: 1, _id: -1 });

const toEntry = ({ _id, ...rest }: BoardDoc): BoardEntry => ({ number: _id, ...rest });

/** The `order_board` collection. */
export function createOrderBoardRepository(conn: Connection) {
  const Board = conn.model<BoardDoc>('BoardEntry', boardSchema, 'order_board');
  return {
    /** Writes the hint unless a newer one (higher `v`) is there already. */
    async put(number: number, status: BoardEntry['status'], v: number): Promise<void> {
      try {
        await Board.updateOne(
          { _id: number, v: { $lte: v } },
          { $set: { status, v, at: new Date() } },
          { upsert: true },
        );
      } catch (err) {
        // The upsert found a newer hint (v higher): it stays.
        if (!isDuplicateKey(err)) throw err;
      }
    },
    /** Removes the entry, unless a newer hint was written meanwhile. */
    async remove(number: number, v: number): Promise<void> {
      await Board.deleteOne({ _id: number, v: { $lte: v } });
    },
    /** Entries with these hinted statuses (all when none given), newest first. */
    async list(statuses?: readonly BoardEntry['status'][]): Promise<BoardEntry[]> {
      const docs = await Board.find(statuses ? { status: { $in: [...statuses] } } : {})
        .sort({ _id: -1 })
        .lean<BoardDoc[]>();
      return docs.map(toEntry);
    },
    /**
     * Up to `limit` entries after order number `after` (with these hinted statuses), lowest number
     * first: a sweep walks the board in bounded steps by key and carries on from the last number.
     */
    async page(
      after: number,
      limit: number,
      statuses?: readonly BoardEntry['status'][],
    ): Promise<BoardEntry[]> {
      const docs = await Board.find({
        _id: { $gt: after },
        ...(statuses ? { status: { $in: [...statuses] } } : {}),
      })
        .sort({ _id: 1 })
        .limit(limit)
        .lean<BoardDoc[]>();
      return docs.map(toEntry);
    },
    async insertMany(entries: BoardEntry[]): Promise<void> {
      await Board.insertMany(
        entries.map(({ number, ...rest }) => ({ _id: number, ...rest })),
        { ordered: false, lean: true },
      );
    },
    count: () => Board.estimatedDocumentCount(),
    ensureIndexes: () => Board.createIndexes(),
  };
}

export type OrderBoardRepository = ReturnType<typeof createOrderBoardRepository>;
