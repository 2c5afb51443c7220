import { parseOrderNumber } from '../../src/orders/number.js';
import type { Deps } from '../../src/services.js';
import type { RenderContext } from '../../src/slack/blocks/index.js';
import type { SlackMessage } from '../../src/slack/client.js';

export const renderContext = (deps: Deps): RenderContext => ({
  currency: deps.config.currency,
  timezone: deps.config.timezone,
  documentUrl: (order, kind) => deps.invoiceLinks.url(order, Date.now(), kind),
});

/**
 * Tells one person something privately: "only visible to you" in the channel they clicked in,
 * or a direct message when they clicked on App Home or in a modal (no channel to be ephemeral in).
 */
export async function tellPrivately(
  deps: Deps,
  where: { user: string; channel?: string | undefined },
  message: SlackMessage,
): Promise<void> {
  try {
    if (where.channel) {
      // Ephemeral needs the bot in that channel; a direct message reaches the user regardless.
      const sent = await deps.slack.out.postEphemeral(where.channel, where.user, message).then(
        () => true,
        (err) => {
          deps.log.warn(
            { err, channel: where.channel },
            'slack: ephemeral refused; sending a direct message',
          );
          return false;
        },
      );
      if (sent) return;
    }
    await deps.slack.out.postMessage(where.user, message);
  } catch (err) {
    deps.log.error({ err, user: where.user }, 'slack: could not tell the user privately');
  }
}

/** Button values and modal metadata carry the order number; a tampered one is refused. */
export function orderNumberFrom(value: unknown): number | undefined {
  return parseOrderNumber(value);
}
