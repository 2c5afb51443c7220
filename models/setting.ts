import { type Connection, Schema } from 'mongoose';
import { isDuplicateKey } from '../src/errors.js';

/**
 * Values the app makes up once and every process must share, such as a generated secret. One
 * document per setting, named by its `_id`.
 */
interface SettingDoc {
  _id: string;
  value: string;
  createdAt: Date;
}

const settingSchema = new Schema<SettingDoc>(
  {
    _id: { type: String, required: true },
    value: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

/** The `settings` collection. */
export function createSettingRepository(conn: Connection) {
  const Setting = conn.model<SettingDoc>('Setting', settingSchema, 'settings');
  return {
    /**
     * The stored value of `name`; the first caller stores `initial()`. Insert-if-absent, then
     * read: when processes start together, the unique `_id` lets one insert win and all of them
     * read the winner's value.
     */
    async getOrCreate(name: string, initial: () => string): Promise<string> {
      try {
        await Setting.create({ _id: name, value: initial(), createdAt: new Date() });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const doc = await Setting.findById(name).lean<SettingDoc>();
      if (!doc) throw new Error(`setting ${name} was not stored`);
      return doc.value;
    },
    /** The stored value of `name`, or null. */
    async get(name: string): Promise<string | null> {
      return (await Setting.findById(name).lean<SettingDoc>())?.value ?? null;
    },
    /** Stores `value` under `name`, replacing what was there (a concurrent first upsert is retried). */
    async put(name: string, value: string): Promise<void> {
      const write = () =>
        Setting.updateOne(
          { _id: name },
          { $set: { value }, $setOnInsert: { createdAt: new Date() } },
          { upsert: true },
        );
      await write().catch((err) => {
        if (!isDuplicateKey(err)) throw err;
        return write();
      });
    },
  };
}

export type SettingRepository = ReturnType<typeof createSettingRepository>;
