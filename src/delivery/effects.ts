import type { CallSlot } from '../calls/call.js';
import {
  type Channel,
  CUSTOMER_TEXTS,
  type CustomerText,
  FOLLOW_UP_JOB,
  type JobName,
  type OrderStatus,
  STATUSES,
} from '../orders/lifecycle.js';

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
 * - `slack:pop` and `slack:voicemail` — a call's screen pop and voicemail post, kept on the call.
 * - `slack:low-stock` — a product's alert, as failure records name it (the alert itself is a flag
 *   on the product).
 * Lane keys (which order, product or call a lane works on) are formed and read in `lane.ts`.
 */
export type EffectName =
  | `slack:${number | 'invoice' | 'credit-note' | 'rating' | 'low-stock' | CallSlot}`
  | `slack:remind:${number}`
  | `sms:${CustomerText}`
  | `job:${JobName}`;

/**
 * An effect as the code reads it. This module is the only place an effect's name is formed
 * (`effectName`) or taken apart (`parseEffect`): a kind added here and not handled where effects
 * are dispatched (`laneOf`) fails to compile.
 */
export type Effect =
  /** The order's Slack messages as of history length `version`. */
  | { kind: 'slack-version'; version: number }
  /** The order's Slack messages once its invoice or credit note exists. */
  | { kind: 'slack-document'; document: 'invoice' | 'credit-note' }
  /** A rating of 1 or 2 (or its call back) for staff to see. */
  | { kind: 'slack-rating' }
  /** The n-th approval reminder. */
  | { kind: 'slack-reminder'; reminder: number }
  /** A product's low-stock alert (named in failure records; the alert itself is kept on the product). */
  | { kind: 'slack-low-stock' }
  /** One of a call's Slack messages. */
  | { kind: 'slack-call'; slot: CallSlot }
  /** The customer's text about a change. */
  | { kind: 'sms'; update: CustomerText }
  /** Timed work to schedule (Agenda, once per order). */
  | { kind: 'job'; job: JobName };

export function effectName(effect: Effect): EffectName {
  switch (effect.kind) {
    case 'slack-version':
      return `slack:${effect.version}`;
    case 'slack-document':
      return `slack:${effect.document}`;
    case 'slack-rating':
      return 'slack:rating';
    case 'slack-reminder':
      return `slack:remind:${effect.reminder}`;
    case 'slack-low-stock':
      return 'slack:low-stock';
    case 'slack-call':
      return `slack:${effect.slot}`;
    case 'sms':
      return `sms:${effect.update}`;
    case 'job':
      return `job:${effect.job}`;
  }
}

const SLACK_WORDS: Readonly<Record<string, Effect>> = {
  invoice: { kind: 'slack-document', document: 'invoice' },
  'credit-note': { kind: 'slack-document', document: 'credit-note' },
  rating: { kind: 'slack-rating' },
  'low-stock': { kind: 'slack-low-stock' },
  pop: { kind: 'slack-call', slot: 'pop' },
  voicemail: { kind: 'slack-call', slot: 'voicemail' },
};
const JOBS: readonly string[] = [FOLLOW_UP_JOB];
const POSITIVE = /^[1-9]\d{0,8}$/;

/** What a stored effect name asks for; undefined for a name this release does not know. */
export function parseEffect(name: string): Effect | undefined {
  const colon = name.indexOf(':');
  const prefix = name.slice(0, colon);
  const rest = name.slice(colon + 1);
  if (colon < 0) return undefined;
  if (prefix === 'slack') {
    if (POSITIVE.test(rest)) return { kind: 'slack-version', version: Number(rest) };
    if (rest.startsWith('remind:') && POSITIVE.test(rest.slice('remind:'.length)))
      return { kind: 'slack-reminder', reminder: Number(rest.slice('remind:'.length)) };
    return Object.hasOwn(SLACK_WORDS, rest) ? SLACK_WORDS[rest] : undefined;
  }
  if (prefix === 'sms')
    return (CUSTOMER_TEXTS as readonly string[]).includes(rest)
      ? { kind: 'sms', update: rest as CustomerText }
      : undefined;
  if (prefix === 'job') return JOBS.includes(rest) ? { kind: 'job', job: rest as JobName } : undefined;
  return undefined;
}

/** The lane that delivers an effect; every kind has one (a new kind must be placed here). */
export function laneOf(effect: Effect): 'slack' | 'sms' | 'jobs' | 'calls' {
  switch (effect.kind) {
    case 'slack-version':
    case 'slack-document':
    case 'slack-rating':
    case 'slack-reminder':
    case 'slack-low-stock':
      return 'slack';
    case 'slack-call':
      return 'calls';
    case 'sms':
      return 'sms';
    case 'job':
      return 'jobs';
  }
}

export const slackEffect = (version: number | 'invoice' | 'credit-note'): EffectName =>
  effectName(
    typeof version === 'number'
      ? { kind: 'slack-version', version }
      : { kind: 'slack-document', document: version },
  );
export const smsEffect = (kind: CustomerText): EffectName => effectName({ kind: 'sms', update: kind });
export const jobEffect = (job: JobName): EffectName => effectName({ kind: 'job', job });
export const ratingEffect = (): EffectName => effectName({ kind: 'slack-rating' });
export const reminderEffect = (reminder: number): EffectName =>
  effectName({ kind: 'slack-reminder', reminder });
export const lowStockEffect = (): EffectName => effectName({ kind: 'slack-low-stock' });
export const callEffect = (slot: CallSlot): EffectName => effectName({ kind: 'slack-call', slot });

/**
 * A new order: its approval request, and the "placed" text. By SMS that text is the reply to
 * CONFIRM, which settles it (customerUpdates.recordReply); it is texted only if the reply was lost.
 */
export const placementEffects = (_channel: Channel): EffectName[] => [slackEffect(1), smsEffect('placed')];

/** A lifecycle move to `to`, the order's history then `version` long. */
export function transitionEffects(to: OrderStatus, version: number): EffectName[] {
  const { text, jobs = [] } = STATUSES[to];
  // Timed work is scheduled with the move itself, never found by polling later.
  return [slackEffect(version), ...(text ? [smsEffect(text)] : []), ...jobs.map(jobEffect)];
}

export type LaneName = ReturnType<typeof laneOf>;

/**
 * The lane of a stored effect name. A name this release does not know (written by a newer one)
 * goes by its prefix, so its lane still settles or drops it rather than leaving it due forever.
 */
export function laneOfName(name: string): LaneName | undefined {
  const effect = parseEffect(name);
  if (effect) return laneOf(effect);
  if (name.startsWith('slack:')) return 'slack';
  if (name.startsWith('sms:')) return 'sms';
  if (name.startsWith('job:')) return 'jobs';
  return undefined;
}

/**
 * The door an effect goes out through: Slack for every Slack message, Twilio for texts and for
 * the follow-up (its only work is a text asking for a rating). Unknown names go by their prefix.
 */
export function doorOf(name: string): 'slack' | 'twilio' | undefined {
  const effect = parseEffect(name);
  if (!effect) return name.startsWith('slack:') ? 'slack' : name.startsWith('sms:') ? 'twilio' : undefined;
  if (effect.kind === 'sms' || effect.kind === 'job') return 'twilio';
  return 'slack';
}

/** An order's Slack card lane: its posts and their versions, the rating, the reminders. */
export const isSlackEffect = (name: string) => laneOfName(name) === 'slack';
export const isJobEffect = (name: string) => laneOfName(name) === 'jobs';
export const smsKindOf = (name: string): CustomerText | undefined => {
  const effect = parseEffect(name);
  return effect?.kind === 'sms' ? effect.update : undefined;
};
/** A reminder's effect (the sweep re-posts the reminder itself, not only the card). */
export const isReminderEffect = (name: string) => parseEffect(name)?.kind === 'slack-reminder';

/** Customer texts go out in the order the customer would expect them (the lifecycle's). */
export const SMS_ORDER: readonly CustomerText[] = CUSTOMER_TEXTS;

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
