import type { Config } from './config.js';
import { doorOf } from './delivery/effects.js';

/**
 * Which effects (src/delivery/effects.ts) the doors can carry. A door turned off on purpose
 * (`SLACK_ENABLED=false`, `TWILIO_ENABLED=false`) records nothing for itself: its effects are
 * never written, so nothing waits, nothing is late, and no message is reported as sent. The
 * repositories apply this where effects are stored (models/index.ts), so no change can forget it.
 */
export function effectKeeper(config: Pick<Config, 'slack' | 'twilio'>): (effect: string) => boolean {
  const slackOff = config.slack.door === 'off';
  const twilioOff = config.twilio.door === 'off';
  return (effect) => {
    const door = doorOf(effect);
    return door === 'slack' ? !slackOff : door === 'twilio' ? !twilioOff : true;
  };
}
