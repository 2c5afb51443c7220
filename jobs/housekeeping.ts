import type { Agenda } from 'agenda';
import type { Housekeeping } from '../src/housekeeping.js';

/** The job's name is kept from the first release, so the schedule stored by it is the same job. */
export const HOUSEKEEPING = 'purge-processed-requests';

/** Daily: deletes finished idempotency records and expired SMS drafts (src/housekeeping.ts). */
export function defineHousekeeping(agenda: Agenda, deps: { housekeeping: Housekeeping }) {
  agenda.define(HOUSEKEEPING, async () => {
    await deps.housekeeping.purge();
  });
}
