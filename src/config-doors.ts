import type { Env } from './config-env.js';
import { ConfigError } from './config-error.js';

/**
 * How each door (Slack, Twilio) runs, where the server listens, and whether the published sandbox
 * secrets are accepted: the rules between variables that keep production from starting half
 * configured (README, Security).
 */

/**
 * The sandbox secrets are published in the README: they may open a door only on a machine where
 * nothing is live (no Slack or Twilio credentials) and that says it is not public (no PUBLIC_URL),
 * unless ALLOW_SANDBOX_SECRETS says otherwise. Never in production.
 */
export function sandboxSecretsAllowed(e: Env, anyDoorLive: boolean): boolean {
  if (e.NODE_ENV === 'production') {
    if (e.ALLOW_SANDBOX_SECRETS === true) {
      throw new ConfigError('ALLOW_SANDBOX_SECRETS', 'cannot be true in production');
    }
    return false;
  }
  // A published secret next to a live door would open the sandbox door of a server that holds
  // real customers' orders: refused rather than quietly ignored.
  if (e.ALLOW_SANDBOX_SECRETS === true && anyDoorLive) {
    throw new ConfigError(
      'ALLOW_SANDBOX_SECRETS',
      'cannot be true while Slack or Twilio is live (its credentials are set): the sandbox secrets are published',
    );
  }
  return e.ALLOW_SANDBOX_SECRETS ?? (!anyDoorLive && e.PUBLIC_URL === undefined);
}

export type Door = 'live' | 'sandbox' | 'off';

export const SLACK_DOOR = {
  name: 'Slack',
  enabled: 'SLACK_ENABLED',
  credentials: ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'],
} as const;
export const TWILIO_DOOR = {
  name: 'Twilio',
  enabled: 'TWILIO_ENABLED',
  credentials: ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'],
} as const;

/**
 * A door is live (its credentials set), off on purpose (`<DOOR>_ENABLED=false`), or, outside
 * production only, in sandbox mode (the outbox). Production never guesses: a door that is neither
 * live nor off stops the start, since a sandbox door there would keep staff's posts or customers'
 * texts in an outbox nobody reads while reporting them sent. Credentials together with `=false`
 * contradict each other and are refused too, so one setting never means two things.
 */
export function doorOf(e: Env, door: typeof SLACK_DOOR | typeof TWILIO_DOOR, configured: boolean): Door {
  const given = door.credentials.filter((name) => e[name] !== undefined);
  if (e[door.enabled] === false) {
    if (configured) {
      throw new ConfigError(
        door.enabled,
        `is false but ${given.join(' and ')} ${given.length > 1 ? 'are' : 'is'} set: unset ${given.length > 1 ? 'them' : 'it'} to run without ${door.name}, or remove ${door.enabled}=false`,
      );
    }
    return 'off';
  }
  if (configured) return 'live';
  if (e.NODE_ENV === 'production') {
    throw new ConfigError(
      door.credentials.join(' and '),
      `are not set: set them, or ${door.enabled}=false to run without ${door.name} (NODE_ENV=production has no sandbox)`,
    );
  }
  return 'sandbox';
}

/** HOST, else loopback only while a published secret opens anything, else every interface. */
export function listenHost(
  e: Env,
  sandboxSecrets: boolean,
): { host: string | undefined; localOnly: boolean } {
  if (e.HOST !== undefined) return { host: e.HOST, localOnly: false };
  return sandboxSecrets ? { host: '127.0.0.1', localOnly: true } : { host: undefined, localOnly: false };
}
