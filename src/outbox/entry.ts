/**
 * Sandbox mode's record of what would have gone out: a Slack Web API call or an SMS that had no
 * credentials to go with. A person reads it at /outbox; tests and the README read it too.
 */
export interface OutboxEntry {
  /** 1, 2, 3 … in the order they were kept. */
  seq: number;
  door: 'slack' | 'sms';
  /** The API call it stands for, e.g. `chat.postMessage`, `chat.update`, `views.open`, `sms`. */
  method: string;
  /** Channel, user or phone it was addressed to. */
  to: string;
  /** The human-readable text (Slack's notification text, or the SMS body). */
  text: string;
  /** The whole request as it would have been sent. */
  payload: Record<string, unknown>;
  createdAt: Date;
}
