import { type Connection, Schema } from 'mongoose';
import { type Call, type CallSlot, type CallStatus, callStatusRank } from '../src/calls/call.js';
import type { Language } from '../src/customers/customer.js';
import { isDuplicateKey } from '../src/errors.js';
import { callDrafts } from './call-draft.js';
import { createCallLists } from './call-lists.js';
import { slackSlots } from './slack-slots.js';

type CallDoc = Omit<Call, 'sid'> & { _id: string; statusRank: number };

const callSchema = new Schema<CallDoc>(
  {
    _id: { type: String, required: true },
    from: { type: String, required: true },
    to: { type: String, required: true },
    customer: { type: Schema.Types.Mixed },
    language: { type: String, required: true },
    startedAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    status: { type: String, required: true },
    statusRank: { type: Number, required: true },
    endedAt: Date,
    duration: Number,
    path: { type: [String], default: [] },
    pathSteps: Number,
    statusHeard: Boolean,
    orders: { type: [Number], default: [] },
    agent: { type: Schema.Types.Mixed },
    voicemail: { type: Schema.Types.Mixed },
    slack: { type: Schema.Types.Mixed },
    effects: { type: [String], default: [] },
    draft: { type: Schema.Types.Mixed },
  },
  { versionKey: false },
);
// The log without a phone, newest first (a MongoDB index; FerretDB reads the collection).
callSchema.index({ startedAt: -1 });

const AFTER = { returnDocument: 'after', lean: true } as const;

/**
 * The menu steps a call keeps: the latest 50. A caller who loops in the menu for an hour would
 * otherwise grow the record (and its screen pop) step by step; `pathSteps` still counts them all.
 */
export const KEEP_PATH = 50;

/**
 * Adds a step to the path, keeping the latest KEEP_PATH. `$slice` does that on MongoDB; FerretDB
 * v1 ignores it (it reads only `$each`), so `withStep` trims what is over afterwards.
 */
const pushStep = (step: string) => ({
  $push: { path: { $each: [step], $slice: -KEEP_PATH } },
  $inc: { pathSteps: 1 },
});

function toCall(doc: CallDoc | null): Call | null {
  if (!doc) return null;
  const { _id, statusRank: _rank, ...rest } = doc;
  const path = rest.path ?? [];
  return {
    sid: _id,
    ...rest,
    path,
    // A call begun before steps were counted: at least the steps it holds.
    pathSteps: Math.max(rest.pathSteps ?? 0, path.length),
    orders: rest.orders ?? [],
    effects: rest.effects ?? [],
  };
}

/** What the first webhook of a call knows. */
export interface NewCall {
  sid: string;
  from: string;
  to: string;
  customer?: { phone: string; name?: string };
  language: Language;
  status: CallStatus;
}

/**
 * The `calls` collection (one record per CallSid, every write by key), with `phone_calls` (the
 * calls of each phone, for the log by phone and the screen pop's count) and `calls_due` (calls with
 * Slack messages due). Webhooks of one call may be redelivered or come out of order: the record is
 * created by whichever comes first, and the status only moves forward.
 */
export function createCallRepository(
  conn: Connection,
  opts: { keepEffect?: (effect: string) => boolean } = {},
) {
  const Call = conn.model<CallDoc>('Call', callSchema, 'calls');
  const lists = createCallLists(conn);

  const get = async (sid: string) => toCall(await Call.findById(sid).lean<CallDoc>());
  const change = async (sid: string, expect: Record<string, unknown>, update: Record<string, unknown>) =>
    toCall(await Call.findOneAndUpdate({ _id: sid, ...expect }, update, AFTER));

  /**
   * A change that adds a menu step. Where `$slice` was ignored, the path over KEEP_PATH is cut
   * back with a compare-and-set on the step count: a step taken meanwhile has cut it for itself.
   */
  async function withStep(
    sid: string,
    expect: Record<string, unknown>,
    step: string,
    update: Record<string, unknown>,
  ): Promise<Call | null> {
    const doc = await Call.findOneAndUpdate({ _id: sid, ...expect }, { ...update, ...pushStep(step) }, AFTER);
    if (!doc || doc.path.length <= KEEP_PATH) return toCall(doc);
    const path = doc.path.slice(-KEEP_PATH);
    const pathSteps = Math.max(doc.pathSteps ?? 0, doc.path.length);
    await Call.updateOne({ _id: sid, pathSteps: doc.pathSteps }, { $set: { path, pathSteps } });
    return toCall({ ...doc, path, pathSteps });
  }

  /** A change that asks for Slack messages: listed as due first, then written with the change. */
  async function changeWithEffects(
    sid: string,
    expect: Record<string, unknown>,
    update: Record<string, unknown>,
    asked: readonly string[],
    step?: string,
  ): Promise<Call | null> {
    // Slack turned off on purpose: the call is logged, and no screen pop or voicemail post is due.
    const effects = opts.keepEffect ? asked.filter(opts.keepEffect) : asked;
    if (effects.length > 0) await lists.markDue(sid);
    const $addToSet = effects.length > 0 ? { effects: { $each: effects } } : undefined;
    const full = { ...update, ...($addToSet ? { $addToSet } : {}) };
    return step === undefined ? change(sid, expect, full) : withStep(sid, expect, step, full);
  }

  return {
    get,
    async getMany(sids: readonly string[]): Promise<Call[]> {
      if (sids.length === 0) return [];
      const docs = await Call.find({ _id: { $in: [...sids] } }).lean<CallDoc[]>();
      const bySid = new Map(docs.map((d) => [d._id, toCall(d) as Call]));
      return sids.map((s) => bySid.get(s)).filter((c): c is Call => Boolean(c));
    },

    /**
     * The call's record, created by its first webhook (a redelivery, or a status callback that came
     * first, finds it). `created` is false when it existed.
     */
    async start(call: NewCall): Promise<{ call: Call; created: boolean }> {
      const now = new Date();
      const doc = {
        from: call.from,
        to: call.to,
        ...(call.customer ? { customer: call.customer } : {}),
        language: call.language,
        startedAt: now,
        updatedAt: now,
        status: call.status,
        statusRank: callStatusRank(call.status),
        path: [],
        pathSteps: 0,
        orders: [],
        effects: [],
      };
      try {
        await Call.create({ _id: call.sid, ...doc });
        await lists.fileByPhone(call.from, call.sid);
        return { call: { sid: call.sid, ...doc }, created: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const existing = await get(call.sid);
        if (!existing) throw err;
        return { call: existing, created: false };
      }
    },

    /** A step the caller took in the menu (`status`, `heard:1042`, `agent`, `lang:he`…). */
    step: (sid: string, step: string, set: Record<string, unknown> = {}) =>
      withStep(sid, {}, step, { $set: { updatedAt: new Date(), ...set } }),

    /** An order was read out to the caller: the step, and the order linked to the call. */
    heard: (sid: string, number: number) =>
      withStep(sid, {}, `heard:${number}`, {
        $addToSet: { orders: number },
        $set: { updatedAt: new Date(), statusHeard: true },
      }),

    /** Links an order to the call (logged from its screen pop). */
    linkOrder: (sid: string, number: number) =>
      change(sid, {}, { $addToSet: { orders: number }, $set: { updatedAt: new Date() } }),

    /** The caller is being connected to a person, with the effects asked for (the screen pop). */
    dialed: (sid: string, agentNumber: string, effects: readonly string[]) =>
      changeWithEffects(
        sid,
        { agent: { $exists: false } },
        { $set: { agent: { number: agentNumber, dialedAt: new Date() }, updatedAt: new Date() } },
        effects,
      ),

    /** How the hand-off went (Twilio's DialCallStatus), with the effects asked for. */
    dialEnded: (sid: string, status: string, duration: number | undefined, effects: readonly string[]) =>
      changeWithEffects(
        sid,
        { agent: { $exists: true } },
        {
          $set: {
            'agent.status': status,
            ...(duration !== undefined ? { 'agent.duration': duration } : {}),
            updatedAt: new Date(),
          },
        },
        effects,
      ),

    /**
     * The caller left a voicemail (once per call: a redelivery changes nothing), with the effects
     * the caller asks for, given the call as it was.
     */
    async recorded(
      sid: string,
      voicemail: { recordingSid: string; url: string; duration?: number },
      effectsFor: (current: Call) => readonly string[],
    ): Promise<Call | null> {
      const current = await get(sid);
      if (!current || current.voicemail) return current;
      const effects = effectsFor(current);
      return (
        (await changeWithEffects(
          sid,
          { voicemail: { $exists: false } },
          { $set: { voicemail, updatedAt: new Date() } },
          effects,
          'voicemail',
        )) ?? get(sid)
      );
    },

    /** Twilio's transcription of the voicemail (only onto the recording it belongs to). */
    transcribed: (
      sid: string,
      recordingSid: string,
      text: string | undefined,
      status: string,
      effects: readonly string[],
    ) =>
      changeWithEffects(
        sid,
        { 'voicemail.recordingSid': recordingSid },
        {
          $set: {
            'voicemail.transcriptionStatus': status,
            ...(text !== undefined ? { 'voicemail.transcription': text } : {}),
            updatedAt: new Date(),
          },
        },
        effects,
      ),

    /**
     * Twilio's call status, only ever forward (a callback redelivered or overtaken by a later one
     * changes nothing), with the effects the caller asks for given the call as it was (none for a
     * call first heard of here, in `fields.language`). Returns the call when this status moved it,
     * null when it was old news.
     */
    async status(
      sid: string,
      status: CallStatus,
      fields: { duration?: number; from: string; to: string; language: Language },
      effectsFor: (current: Call | null, final: boolean) => readonly string[],
    ): Promise<Call | null> {
      const rank = callStatusRank(status);
      const final = rank >= 4;
      const now = new Date();
      const current = await get(sid);
      if (!current) {
        // A status callback for a call whose first webhook never reached us (or is still coming).
        try {
          await Call.create({
            _id: sid,
            from: fields.from,
            to: fields.to,
            language: fields.language,
            startedAt: now,
            updatedAt: now,
            status,
            statusRank: rank,
            ...(final ? { endedAt: now } : {}),
            ...(fields.duration !== undefined ? { duration: fields.duration } : {}),
            path: [],
            pathSteps: 0,
            orders: [],
            effects: [],
          });
          await lists.fileByPhone(fields.from, sid);
          return get(sid);
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
      }
      const effects = effectsFor(current, final);
      return changeWithEffects(
        sid,
        { statusRank: { $lt: rank } },
        {
          $set: {
            status,
            statusRank: rank,
            updatedAt: now,
            ...(final ? { endedAt: now } : {}),
            ...(fields.duration !== undefined ? { duration: fields.duration } : {}),
          },
        },
        effects,
      );
    },

    /**
     * Removes the effects delivered, only if the call is still as it was rendered (`updatedAt`):
     * a change made meanwhile asks for the same effect names, so it must not be settled unseen.
     * Null when it changed; a call with no effects left leaves the due list.
     */
    async settleEffects(sid: string, names: string[], renderedAt: Date): Promise<Call | null> {
      const after = await change(sid, { updatedAt: renderedAt }, { $pullAll: { effects: names } });
      if (after && after.effects.length === 0) await lists.clearDue(sid);
      return after;
    },
    listDue: lists.listDue,
    /** The calls from this phone, newest first (its latest KEEP_SIDS). */
    sidsOf: lists.sidsOf,
    /** How many calls came from this phone, in all. */
    callCountOf: lists.countOf,
    /** The newest calls of the whole log (a MongoDB index serves it; FerretDB reads the collection). */
    async recent(limit: number, before?: Date): Promise<Call[]> {
      const docs = await Call.find(before ? { startedAt: { $lt: before } } : {})
        .sort({ startedAt: -1 })
        .limit(limit)
        .lean<CallDoc[]>();
      return docs.map((d) => toCall(d) as Call);
    },

    ...slackSlots<string, Call, CallSlot>(Call, change),
    ...callDrafts(get, change, withStep),

    async ensureIndexes(): Promise<void> {
      await Call.createIndexes();
      await lists.ensureIndexes();
    },
  };
}

export type CallRepository = ReturnType<typeof createCallRepository>;
