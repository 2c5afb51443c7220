/** A phone call to the desk as the domain sees it; the repository is models/call.ts. */
import type { Language } from '../customers/customer.js';

/** Twilio's call statuses, in the order a call moves through them. A status never moves back. */
export const CALL_STATUSES = [
  'queued',
  'initiated',
  'ringing',
  'in-progress',
  'completed',
  'busy',
  'no-answer',
  'failed',
  'canceled',
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
/** How far along a status is: the last five are all final (rank 4). */
export const callStatusRank = (s: CallStatus): number => Math.min(CALL_STATUSES.indexOf(s), 4);

/** What came of the call, from the caller's side: the one word staff look for in the log. */
export type CallOutcome = 'in_progress' | 'ordered' | 'status_heard' | 'connected' | 'voicemail' | 'hung_up';

/** A Slack message that follows a call (the screen pop, the voicemail). */
export interface CallSlackRef {
  channel: string;
  ts: string;
  /** What the message shows now (one word), so an update is only sent when it changed. */
  shown: string;
}
export type CallSlot = 'pop' | 'voicemail';

/** A product offered in a draft's question, by its place in the list (key 1 is the first). */
export interface CallDraftOption {
  sku: string;
  name: string;
}

/**
 * An order being taken by voice (menu option 3), kept on the call between webhooks: several server
 * processes may answer one call's webhooks, so it is never held in memory.
 */
export interface CallDraft {
  /** The lines understood so far. */
  items: { sku: string; quantity: number }[];
  /** Phrases that fit several products, asked one at a time by keypad: the first is being asked. */
  questions: { phrase: string; quantity: number; options: CallDraftOption[] }[];
  /**
   * This version of the draft, in the URL of the question or read-back made from it: an answer
   * Twilio delivers twice is taken once, by the version it answered.
   */
  rev: string;
}

/** One phone call to our number, keyed by Twilio's CallSid. */
export interface Call {
  sid: string;
  /** The caller's number (E.164 when it could be read; Twilio says "anonymous" for a hidden one). */
  from: string;
  to: string;
  /** The customer whose phone is calling, when there is one. */
  customer?: { phone: string; name?: string };
  language: Language;
  startedAt: Date;
  updatedAt: Date;
  /** Twilio's CallStatus, only ever moving forward. */
  status: CallStatus;
  endedAt?: Date;
  /** Seconds, from Twilio's final status callback. */
  duration?: number;
  /**
   * The menu steps the caller took, in order, e.g. ["menu", "status", "order:1042", "agent"]: the
   * latest KEEP_PATH of them (models/call.ts), so a caller looping in the menu cannot grow the record.
   */
  path: string[];
  /** How many steps the caller took in all (more than `path.length` once the oldest were dropped). */
  pathSteps?: number;
  /** The caller heard an order's status (kept apart from `path`, whose oldest steps may be dropped). */
  statusHeard?: boolean;
  /** Orders read out to the caller, or logged from the call's screen pop. */
  orders: number[];
  /** The hand-off to a person: the number dialled and how it went (Twilio's DialCallStatus). */
  agent?: { number: string; dialedAt: Date; status?: string; duration?: number };
  /** The caller's voicemail: Twilio's recording, and its transcription once it arrives. */
  voicemail?: {
    recordingSid: string;
    url: string;
    duration?: number;
    transcription?: string;
    transcriptionStatus?: string;
  };
  /** The Slack messages about this call (screen pop, voicemail) and their posters' claims. */
  slack?: Partial<Record<CallSlot, CallSlackRef>> & Partial<Record<`${CallSlot}ClaimedAt`, Date>>;
  /** Slack messages that must be posted or brought up to date: `slack:pop`, `slack:voicemail`. */
  effects: string[];
  /**
   * The order the caller is saying (menu option 3). Kept once placed: a confirmation Twilio
   * delivers again finds it, and places nothing new (the order is keyed by the CallSid).
   */
  draft?: CallDraft;
}

/** The outcome, from what the call record says happened (most telling first). */
export function outcomeOf(
  call: Pick<Call, 'voicemail' | 'agent' | 'path' | 'statusHeard' | 'endedAt' | 'status'>,
): CallOutcome {
  if (call.voicemail) return 'voicemail';
  if (call.agent?.status === 'completed' || call.agent?.status === 'answered') return 'connected';
  // An order said on the call and placed (menu option 3): its step is `placed:<number>`.
  if (call.path.some((p) => p.startsWith('placed:'))) return 'ordered';
  if (call.statusHeard || call.path.some((p) => p.startsWith('heard:'))) return 'status_heard';
  if (call.endedAt || callStatusRank(call.status) >= 4) return 'hung_up';
  return 'in_progress';
}
