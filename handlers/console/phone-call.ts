import { z } from 'zod';
import { isE164 } from '../../src/customers/phone.js';
import type { Logger } from '../../src/logger.js';
import {
  CALL_SID,
  type CallFields,
  createCallWalker,
  newSid,
  VOICE_PATH,
  type WalkStart,
  type WireEvent,
} from '../../src/twilio-sim/call.js';
import { type Located, locate, type TwilioEnds } from '../../src/twilio-sim/post.js';
import { type GatherVerb, nextStep } from '../../src/twilio-sim/twiml-walk.js';
import type { CallState, CallView } from './phone-page.js';

/**
 * The phone page's calls, a Gather at a time: the page keeps the call's state (CallSid, caller,
 * start, the Gather waiting and where silence leads) in the answer forms' hidden fields, and each
 * answer is checked again here before anything is posted: only this server's /twilio/voice paths
 * are ever requested.
 */

/** A path (and query) under /twilio/voice, as the voice door writes its actions; no `..`, no host. */
const VOICE_URL = /^\/twilio\/voice(?:\/[\w-]+)*(?:\?[\w=&%.+-]*)?$/;
const DAY_MS = 24 * 60 * 60 * 1000;

export const callStateSchema = z.object({
  sid: z.string().regex(CALL_SID),
  from: z.string().refine(isE164),
  started: z.coerce
    .number()
    .int()
    .refine((t) => t <= Date.now() && t > Date.now() - DAY_MS),
  action: z.string().max(500).regex(VOICE_URL),
  input: z.string().regex(/^(?:dtmf|speech)(?: (?:dtmf|speech))?$/),
  digits: z
    .string()
    .regex(/^\d{0,2}$/)
    .transform((s) => (s ? Number(s) : undefined)),
  finish: z.string().regex(/^[\d*#]?$/),
  silence: z.union([z.literal(''), z.string().max(500).regex(VOICE_URL)]),
});

/** What the caller does at a waiting Gather. */
export type CallMove = { keys: string } | { words: string } | { silence: true } | { hangup: true } | 'start';

/** Only this server's own voice paths are requested (and offered to the next form). */
const ourVoicePath = (where: Located) => where.ours && VOICE_URL.test(where.shown);

/** One failure on the call, in the log: what was requested and what came back. */
function logFailure(log: Logger, sid: string, e: WireEvent): void {
  const what = {
    timeout: 'did not answer in time',
    http: 'answered with an error status',
    unreadable: 'answered TwiML that Twilio could not read',
    looping: 'kept redirecting (the walk stopped)',
    elsewhere: 'named a URL outside this server (not followed)',
  } as Partial<Record<WireEvent['kind'], string>>;
  const said = what[e.kind];
  if (!said) return;
  const hint =
    e.kind === 'http' && e.status === 403
      ? `; the signature over ${e.signed} was refused: PUBLIC_URL must be this server's own address`
      : '';
  log.warn({ call: sid, event: e }, `console phone: the voice webhook ${said}${hint}`);
}

export interface CallTurn {
  view: CallView;
  /** Whether the call is over (its status callback was sent). */
  ended: boolean;
}

/** Starts a call, or takes the caller's move at the Gather `state` waits at; walks on until the next Gather or the end. */
export async function callTurn(opts: {
  ends: TwilioEnds;
  call: CallFields;
  started: number;
  state?: CallState;
  move: CallMove;
  log: Logger;
}): Promise<CallTurn> {
  const { ends, call, state, move, log } = opts;
  const events: WireEvent[] = [];
  const walker = createCallWalker({
    ends,
    call,
    emit: (e) => {
      events.push(e);
      logFailure(log, call.CallSid, e);
    },
    allow: ourVoicePath,
  });
  const url = (path: string) => `${ends.signedBase}${path}`;
  const listens = state?.input.split(' ') ?? [];
  const heard = (answer: { silence: true } | { hangup: true }) =>
    events.push({ kind: 'heard', event: { kind: 'listen', input: listens, answer } });

  let start: WalkStart | undefined;
  if (move === 'start') start = { url: url(VOICE_PATH), fields: { ...call, CallStatus: 'ringing' } };
  else if (state && ('keys' in move || 'words' in move)) {
    const gather: GatherVerb = {
      verb: 'gather',
      action: url(state.action),
      method: 'POST',
      input: listens,
      ...(state.digits !== undefined ? { numDigits: state.digits } : {}),
      finishOnKey: state.finish,
      timeout: 5,
      actionOnEmptyResult: false,
      prompts: [],
    };
    const step = nextStep([gather], {
      inputs: ['keys' in move ? move.keys : move.words],
      hangup: false,
      wait: true,
      callSid: call.CallSid,
      accountSid: call.AccountSid,
      from: call.From,
      newSid,
    });
    start = { step, documentUrl: url(state.action) };
  } else if (state && 'silence' in move) {
    heard(move);
    if (state.silence) start = { url: url(state.silence), fields: { ...call, CallStatus: 'in-progress' } };
    else events.push({ kind: 'heard', event: { kind: 'end' } });
  } else {
    heard({ hangup: true });
    events.push({ kind: 'heard', event: { kind: 'end' } });
  }

  const walked = start ? await walker.walk(start, [], { wait: true }) : undefined;
  if (walked?.kind === 'wait') {
    const action = locate(ends, walked.action);
    const silence = walked.silence ? locate(ends, walked.silence) : undefined;
    if (ourVoicePath(action)) {
      if (walked.later.length) await walker.postLater(walked.later, 'in-progress');
      const waiting: CallState = {
        sid: call.CallSid,
        from: call.From,
        started: opts.started,
        action: action.shown,
        input: walked.gather.input.filter((i) => i === 'dtmf' || i === 'speech').join(' ') || 'dtmf',
        ...(walked.gather.numDigits !== undefined && walked.gather.numDigits < 100
          ? { digits: walked.gather.numDigits }
          : {}),
        finish: /^[\d*#]?$/.test(walked.gather.finishOnKey) ? walked.gather.finishOnKey : '',
        silence: silence && ourVoicePath(silence) ? silence.shown : '',
      };
      return { view: { sid: call.CallSid, from: call.From, events, waiting }, ended: false };
    }
    events.push({ kind: 'elsewhere', url: action.shown });
    logFailure(log, call.CallSid, events.at(-1) as WireEvent);
  }
  // Busy or unanswered only when the call's very first answer rejects it; later the call was answered.
  const status = move === 'start' && walked?.kind === 'end' ? walked.status : 'completed';
  const seconds = Math.max(1, Math.round((Date.now() - opts.started) / 1000));
  await walker.hangUp(status, walked?.later ?? [], seconds);
  return { view: { sid: call.CallSid, from: call.From, events }, ended: true };
}
