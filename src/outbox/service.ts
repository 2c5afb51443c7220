import type { OutboxRepository } from '../../models/outbox.js';
import type { Logger } from '../logger.js';
import type { OutboxEntry } from './entry.js';

export type NewOutboxEntry = Omit<OutboxEntry, 'seq' | 'createdAt'>;

/** Where sandbox mode sends what it cannot send: stored, and logged so a person sees it at once. */
export function createOutbox({ outbox, log }: { outbox: OutboxRepository; log: Logger }) {
  async function record(entry: NewOutboxEntry): Promise<OutboxEntry> {
    const stored = await outbox.record(entry);
    log.info(
      { door: entry.door, method: entry.method, to: entry.to, text: entry.text },
      `sandbox: ${entry.door} ${entry.method} kept in the outbox (see /outbox)`,
    );
    return stored;
  }
  return { record, list: outbox.list };
}

export type Outbox = ReturnType<typeof createOutbox>;
