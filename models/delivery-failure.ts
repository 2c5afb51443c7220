import { type Connection, Schema } from 'mongoose';

/**
 * One delivery that failed for its own reasons (src/delivery/lane.ts): a message Slack or Twilio
 * refused, or one we could not build or record. Kept by lane and work key
 * (`slack:order:1042`, `slack:stock:MUG-1`, `sms:order:1042`, `calls:call:CA…`), so its count and
 * its next try survive a restart and are honoured by every process, and staff can see why it waits.
 * Removed once it goes through; one given up stays for `GIVEN_UP_KEPT_MS` to be seen.
 */
export interface DeliveryFailure {
  id: string;
  lane: string;
  key: string;
  attempts: number;
  /** The first failure of this run of failures. */
  since: Date;
  lastError: string;
  /** Not tried again before this. */
  nextAt: Date;
  /** Past the retry limit: not tried again, shown to staff until purged. */
  givenUpAt?: Date;
  /** The effects dropped at the give-up (for staff: what did not go out). */
  effects?: string[];
}

type FailureDoc = Omit<DeliveryFailure, 'id'> & { _id: string };

const failureSchema = new Schema<FailureDoc>(
  {
    _id: { type: String, required: true },
    lane: { type: String, required: true },
    key: { type: String, required: true },
    attempts: { type: Number, required: true },
    since: { type: Date, required: true },
    lastError: { type: String, required: true },
    nextAt: { type: Date, required: true },
    givenUpAt: Date,
    effects: { type: [String], default: undefined },
  },
  { versionKey: false },
);

/** Given-up deliveries are listed this long (a week), then purged by the delivery sweep. */
export const GIVEN_UP_KEPT_MS = 7 * 24 * 3600_000;
/** At most this many failures are listed for staff (the rest are counted in the logs). */
const LIST_MAX = 200;

export const failureId = (lane: string, key: string) => `${lane}:${key}`;
const toFailure = ({ _id, ...rest }: FailureDoc): DeliveryFailure => ({ id: _id, ...rest });

/**
 * The `delivery_failures` collection: only deliveries failing right now and recent give-ups, so it
 * stays small whatever the order history; every delivery reads and writes it by `_id`.
 */
export function createDeliveryFailureRepository(conn: Connection) {
  const Failure = conn.model<FailureDoc>('DeliveryFailure', failureSchema, 'delivery_failures');
  return {
    get: async (lane: string, key: string) => {
      const doc = await Failure.findById(failureId(lane, key)).lean<FailureDoc>();
      return doc ? toFailure(doc) : null;
    },
    getMany: async (ids: readonly string[]) =>
      ids.length === 0
        ? []
        : (await Failure.find({ _id: { $in: [...ids] } }).lean<FailureDoc[]>()).map(toFailure),
    /** Stores this failure as it now stands (one writer per key at a time: the lane's claim). */
    async put(f: Omit<DeliveryFailure, 'id'>): Promise<void> {
      const { givenUpAt, effects, ...fields } = f;
      await Failure.updateOne(
        { _id: failureId(f.lane, f.key) },
        givenUpAt
          ? { $set: { ...fields, givenUpAt, ...(effects ? { effects } : {}) } }
          : { $set: fields, $unset: { givenUpAt: '', effects: '' } },
        { upsert: true },
      );
    },
    /** The delivery went through: its failures are over. */
    async clear(lane: string, key: string): Promise<void> {
      await Failure.deleteOne({ _id: failureId(lane, key) });
    },
    /** Failures for staff (the collection holds only current failures and a week of give-ups). */
    list: async () =>
      (await Failure.find({}).sort({ since: 1 }).limit(LIST_MAX).lean<FailureDoc[]>()).map(toFailure),
    /** Forgets give-ups older than `before`. */
    async purgeGivenUp(before: Date): Promise<number> {
      return (await Failure.deleteMany({ givenUpAt: { $lt: before } })).deletedCount ?? 0;
    },
    ensureIndexes: () => Failure.createIndexes(),
  };
}

export type DeliveryFailureRepository = ReturnType<typeof createDeliveryFailureRepository>;
