import { transitionEffects } from '../../src/delivery/effects.js';
import {
  ACTIONS,
  BOARD_STATUSES,
  FINAL_STATUSES,
  FULFILLMENT_STATUSES,
  type INVENTORY_AFTER,
  INVOICED_STATUSES,
  OPEN_STATUSES,
  ORDER_ACTIONS,
  ORDER_STATUSES,
  RESERVING_STATUSES,
  STATUSES,
} from '../../src/orders/lifecycle.js';

/**
 * The one table of what a change causes (`ACTIONS`, `STATUSES`), read back as the rest of the code
 * sees it. The type checks below are part of `npm test` (its typecheck): a table that leaves out an
 * action, a status or a stock effect does not compile.
 */

// @ts-expect-error: every action must say where it goes.
const _missingAction: typeof ACTIONS = { approve: ACTIONS.approve };
// @ts-expect-error: every status must say what reaching it causes.
const _missingStatus: typeof STATUSES = { approved: STATUSES.approved };
// @ts-expect-error: every stock effect must leave an inventory state.
const _missingState: typeof INVENTORY_AFTER = { release: 'released' };

test('When the table is read, then documents are issued at pack (invoice) and at the received return (credit note) only', () => {
  const issuing = ORDER_ACTIONS.flatMap((a) => (ACTIONS[a].issues ? [[a, ACTIONS[a].issues]] : []));
  expect(issuing).toEqual([
    ['pack', 'invoice'],
    ['receive_return', 'credit-note'],
  ]);
});

test('When the table is read, then stock is released by reject and cancel, committed by ship and restocked by the received return', () => {
  const stock = ORDER_ACTIONS.flatMap((a) => (ACTIONS[a].stock ? [[a, ACTIONS[a].stock]] : []));
  expect(stock).toEqual([
    ['reject', 'release'],
    ['cancel', 'release'],
    ['ship', 'commit'],
    ['receive_return', 'restock'],
  ]);
});

test('When the groups are read, then each is the statuses written out here, in the lifecycle’s order', () => {
  expect(OPEN_STATUSES).toEqual(['pending_approval', 'approved', 'picking', 'packed', 'shipped']);
  expect(FULFILLMENT_STATUSES).toEqual(['approved', 'picking', 'packed']);
  expect(RESERVING_STATUSES).toEqual(['pending_approval', 'approved', 'picking', 'packed']);
  expect(BOARD_STATUSES).toEqual(['pending_approval', 'approved', 'picking', 'packed', 'return_requested']);
  expect(FINAL_STATUSES).toEqual(['rejected', 'cancelled', 'returned']);
  expect(INVOICED_STATUSES).toEqual(['packed', 'shipped', 'delivered', 'return_requested', 'returned']);
});

test('When an order reaches delivered, then the follow-up is asked for with its text, from the table', () => {
  expect(transitionEffects('delivered', 6)).toEqual(['slack:6', 'sms:delivered', 'job:follow-up']);
  // No move reaches pending_approval: its "placed" text is the placement's own.
  expect(STATUSES.pending_approval.text).toBeUndefined();
  for (const status of ORDER_STATUSES) expect(STATUSES[status].groups).toBeDefined();
});
