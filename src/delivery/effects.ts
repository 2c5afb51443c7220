import { SMS_UPDATE_KINDS, type SmsUpdateKind } from '../../models/sms-message.js';
import type { Channel, OrderStatus } from '../orders/lifecycle.js';

/**
 * The effects an order's change calls for, by name. They are written on the order in the same
 * atomic update as the change (`orders.transition`, `orders.insert`, `orders.attachInvoice`), so
 * no crash can store the change without them, and removed by name once delivered
 * (src/delivery/service.ts). Each name says what to do, and a repeated delivery does no harm:
 * - `slack:<v>` — the order's Slack messages must show it as of history length `v` (or later);
 *   `slack:invoice` likewise once its invoice exists. Distinct names, so a change made while an
 *   older one is being delivered is never settled by that older delivery.
 * - `sms:<kind>` — the customer's text about the change, at most once (`sms_messages` keyed
 *   `<order>:<kind>`).
 * - `job:<name>` — timed work to schedule (Agenda, once per order): `job:follow-up` on delivery.
 * - `slack:rating` (a rating of 1 or 2 for staff to call back) and `slack:remind:<n>` (the n-th
 *   approval reminder) — written by the rating and the reminder sweep.
 */
export type EffectName =
  | `slack:${number | 'invoice' | 'credit-note' | 'rating'}`
  | `slack:remind:${number}`
  | `sms:${SmsUpdateKind}`
  | `job:${string}`;

/** The job that asks a customer for a rating, FOLLOW_UP_DELAY after delivery. */
export const FOLLOW_UP_JOB = 'follow-up';

/** The statuses a customer hears about (SPEC: placed, approved, shipped, delivered, rejected, cancelled). */
export const UPDATE_ON: Partial<Record<OrderStatus, SmsUpdateKind>> = {
  approved: 'approved',
  shipped: 'shipped',
  delivered: 'delivered',
  rejected: 'rejected',
  cancelled: 'cancelled',
};

export const slackEffect = (version: number | 'invoice' | 'credit-note'): EffectName => `slack:${version}`;
export const smsEffect = (kind: SmsUpdateKind): EffectName => `sms:${kind}`;

/**
 * A new order: its approval request, and the "placed" text. By SMS that text is the reply to
 * CONFIRM, which settles it (customerUpdates.recordReply); it is texted only if the reply was lost.
 */
export const placementEffects = (_channel: Channel): EffectName[] => [slackEffect(1), smsEffect('placed')];

/** A lifecycle move to `to`, the order's history then `version` long. */
export function transitionEffects(to: OrderStatus, version: number): EffectName[] {
  const kind = UPDATE_ON[to];
  const effects: EffectName[] = kind ? [slackEffect(version), smsEffect(kind)] : [slackEffect(version)];
  // Scheduled with the delivery itself, never found by polling later.
  if (to === 'delivered') effects.push(`job:${FOLLOW_UP_JOB}`);
  return effects;
}

export const isJobEffect = (name: string) => name.startsWith('job:');

export const isSlackEffect = (name: string) => name.startsWith('slack:');
export const smsKindOf = (name: string): SmsUpdateKind | undefined =>
  name.startsWith('sms:') ? (name.slice(4) as SmsUpdateKind) : undefined;

/** Customer texts go out in the order the customer would expect them (the lifecycle's). */
export const SMS_ORDER: readonly SmsUpdateKind[] = SMS_UPDATE_KINDS;

/** An effect asked for and not delivered yet, as staff see it (`/order late`, the API). */
export interface LateEffect {
  order?: number;
  sku?: string;
  /** A call's screen pop or voicemail post (its CallSid). */
  call?: string;
  effect: string;
  /** When the change that asked for it happened. */
  since: Date;
  /** What went wrong so far, if it was tried (this process's outage, or the failure record). */
  attempts?: number;
  lastError?: string;
  /** Failing for its own reasons: not tried again before this. */
  nextAttemptAt?: Date;
  /** Past the retry limit: dropped, and listed for staff to act on. */
  givenUpAt?: Date;
}
