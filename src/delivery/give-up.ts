import type { OrderRepository } from '../../models/order.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { escapeText, notice } from '../slack/blocks/index.js';
import type { SlackOut } from '../slack/client.js';
import { slackChannels } from '../slack/sync.js';
import { orderOfKey } from './lane.js';

/** What went wrong with a delivery given up (src/delivery/lane.ts). */
export interface GivenUp {
  attempts: number;
  lastError: string;
}

/**
 * What happens to a delivery given up after failing on its own too often: its effects of that
 * lane are dropped (settled), so the order leaves the board once nothing else keeps it there and a
 * later change is new work; staff are told in the approvals channel (directly, not through the
 * lane), and `/order late` lists it with its reason from its failure record.
 */
export function createGiveUps(deps: {
  orderRecords: Pick<OrderRepository, 'get'>;
  settle(number: number, names: string[]): Promise<void>;
  slackOut: SlackOut;
  config: Config;
  log: Logger;
}) {
  /** `what` is ours (untrusted parts escaped by the caller); the error is shown escaped. */
  async function tellStaff(what: string, failure: GivenUp): Promise<void> {
    const text = `:warning: Gave up delivering ${what} after ${failure.attempts} tries: ${escapeText(failure.lastError, 300)}. See \`/order late\`.`;
    await deps.slackOut
      .postMessage(slackChannels(deps.config).approvals, notice(text))
      .catch((err) => deps.log.error({ err, what }, 'could not tell staff about a delivery given up'));
  }

  /** Drops the order's effects that `mine` says belong to the lane; returns their names. */
  async function dropOrderEffects(
    lane: string,
    key: string,
    failure: GivenUp,
    mine: (effect: string) => boolean,
  ): Promise<string[]> {
    const number = orderOfKey(key);
    if (number === undefined) return [];
    const due = ((await deps.orderRecords.get(number))?.effects ?? []).filter(mine);
    if (due.length) await deps.settle(number, due);
    await tellStaff(`order #${number}: ${due.join(', ') || lane}`, failure);
    return due;
  }

  return { tellStaff, dropOrderEffects };
}
