import type { Models } from '../../models/index.js';
import type { OutboxEntry } from '../../models/outbox.js';
import type { Logger } from '../logger.js';

export type NewOutboxEntry = Omit<OutboxEntry, '_id' | 'createdAt'>;

/** Where sandbox mode sends what it cannot send: stored, and logged so a person sees it at once. */
export function createOutbox({ models, log }: { models: Models; log: Logger }) {
  const { Outbox } = models;

  async function record(entry: NewOutboxEntry): Promise<OutboxEntry> {
    const doc = await Outbox.create(entry);
    log.info(
      { door: entry.door, method: entry.method, to: entry.to, text: entry.text },
      `sandbox: ${entry.door} ${entry.method} kept in the outbox (see /outbox)`,
    );
    return doc.toObject() as OutboxEntry;
  }

  async function list(opts: { door?: OutboxEntry['door']; limit: number }): Promise<OutboxEntry[]> {
    return Outbox.find(opts.door ? { door: opts.door } : {})
      .sort({ createdAt: -1, _id: -1 })
      .limit(opts.limit)
      .lean<OutboxEntry[]>();
  }

  return { record, list };
}

export type Outbox = ReturnType<typeof createOutbox>;
