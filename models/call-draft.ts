import type { Call, CallDraft } from '../src/calls/call.js';

type Change = (
  sid: string,
  expect: Record<string, unknown>,
  update: Record<string, unknown>,
) => Promise<Call | null>;
type WithStep = (
  sid: string,
  expect: Record<string, unknown>,
  step: string,
  update: Record<string, unknown>,
) => Promise<Call | null>;

/**
 * The order a caller is saying (menu option 3), on the call's own record (`draft`): each change is
 * one update keyed by the CallSid, so whichever server process answers the next webhook reads it.
 */
export function callDrafts(get: (sid: string) => Promise<Call | null>, change: Change, withStep: WithStep) {
  return {
    /** A draft (a new one, or the old one gone) with the step that made it, e.g. `take-order`. */
    setDraft: (sid: string, step: string, draft: CallDraft | undefined) =>
      withStep(
        sid,
        {},
        step,
        draft
          ? { $set: { draft, updatedAt: new Date() } }
          : { $unset: { draft: '' }, $set: { updatedAt: new Date() } },
      ),

    /** The draft replaced, only if it is still version `rev`; null when it is not (answered already). */
    reviseDraft: (sid: string, rev: string, draft: CallDraft) =>
      change(sid, { 'draft.rev': rev }, { $set: { draft, updatedAt: new Date() } }),

    /**
     * The order placed from the draft: on the path (`placed:1042`) and among the call's orders, once
     * (a confirmation Twilio delivers twice finds it linked already).
     */
    ordered: async (sid: string, number: number) =>
      (await withStep(sid, { orders: { $ne: number } }, `placed:${number}`, {
        $addToSet: { orders: number },
        $set: { updatedAt: new Date() },
      })) ?? get(sid),
  };
}
