import { randomBytes } from 'node:crypto';
import { type Located, locate, postAsTwilio, type TwilioEnds } from './post.js';
import {
  type CallEvent,
  type GatherVerb,
  nextStep,
  parseTwiml,
  resolveUrl,
  type Step,
  type TwilioRequest,
  TwimlError,
  type Verb,
} from './twiml-walk.js';

/**
 * A call to the voice door played as Twilio plays it: POST /twilio/voice, then every Gather
 * action, Redirect, Dial and Record action the TwiML names, each signed as Twilio signs it, and
 * the status callback when the call ends. `npm run call` walks a whole call with its inputs given
 * up front; the console's phone walks it a Gather at a time (`wait`), a person answering each.
 */

export const VOICE_PATH = '/twilio/voice';
export const STATUS_PATH = '/twilio/voice/status';
/** Twilio gives up on a webhook after 15 s. */
export const TWILIO_WAIT_MS = 15_000;
/** More requests than this in one walk: the TwiML loops, and the walker hangs up. */
export const MAX_REQUESTS = 30;
export const APPLICATION_ERROR = '[en-US] (Twilio) We are sorry, an application error has occurred. Goodbye.';
/** The pop's last update and the voicemail's post follow the call's last callbacks within this. */
export const SLACK_AFTER = { withinMs: 5_000, quietMs: 1_000, idleMs: 1_500 };

/** The fields Twilio sends with every request of one call. */
export type CallFields = Record<
  'CallSid' | 'AccountSid' | 'From' | 'To' | 'Direction' | 'ApiVersion',
  string
>;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
export const newSid = (prefix: string) => `${prefix}${hex(16)}`;
/** A CallSid as Twilio writes one. */
export const CALL_SID = /^CA[0-9a-f]{32}$/;

/** A new inbound call from `from` to `to` (a made-up AccountSid unless one is given). */
export function newCall(from: string, to: string, accountSid?: string): CallFields {
  return {
    CallSid: newSid('CA'),
    AccountSid: accountSid ?? newSid('AC'),
    From: from,
    To: to,
    Direction: 'inbound',
    ApiVersion: '2010-04-01',
  };
}

/** What happens on the wire and on the line, in order. */
export type WireEvent =
  /** A request Twilio makes (its fields beyond the call's own). */
  | { kind: 'request'; shown: string; fields: Record<string, string> }
  | { kind: 'heard'; event: CallEvent }
  | { kind: 'timeout'; shown: string; seconds: number }
  /** Not 2xx. `explain` on the first 403 of the call: the signature over `signed` was refused. */
  | { kind: 'http'; shown: string; status: number; body: string; signed: string; explain: boolean }
  | { kind: 'content type'; type: string }
  | { kind: 'unreadable'; shown: string; problem: string; body: string }
  /** What Twilio says, then hangs up, when a request fails or its TwiML cannot be read. */
  | { kind: 'application error' }
  | { kind: 'looping'; max: number }
  /** A URL outside the server's own that the walker was told not to follow. */
  | { kind: 'elsewhere'; url: string }
  /** The status callback was taken: the call is over. */
  | { kind: 'ended'; status: string }
  | { kind: 'later'; what: string };

type Later = Array<{ what: string } & TwilioRequest>;

export type WalkEnd =
  | {
      kind: 'end';
      /** The status the call ends with (Twilio's CallStatus). */
      status: 'completed' | 'busy' | 'no-answer';
      remaining: string[];
      later: Later;
    }
  | {
      kind: 'wait';
      gather: GatherVerb;
      /** The absolute URL the caller's answer goes to. */
      action: string;
      /** What silence leads to: the absolute URL requested next, or null when the call then ends. */
      silence: string | null;
      remaining: string[];
      later: Later;
    };

export interface CallWalkerOptions {
  ends: TwilioEnds;
  call: CallFields;
  /** Told of each event as it happens. */
  emit: (e: WireEvent) => void;
  /** Emit each request made (`npm run call --verbose`). */
  verbose?: boolean;
  /** Whether a URL may be requested (default: any). */
  allow?: (where: Located) => boolean;
  /** The error to throw when nothing answers at a URL at all. */
  unreachable?: (url: string, err: unknown) => Error;
}

/** Where the walk starts: a request to make, or a step already known (the caller's answer to a Gather). */
export type WalkStart = { url: string; fields: Record<string, string> } | { step: Step; documentUrl: string };

export function createCallWalker(opts: CallWalkerOptions) {
  const { ends, call, emit } = opts;
  const started = Date.now();
  let failed = false;
  let requests = 0;
  let explained403 = false;

  /** One signed POST; undefined (after saying why) when it is not answered with 2xx in time. */
  async function post(url: string, fields: Record<string, string>) {
    const where = locate(ends, url);
    if (opts.allow && !opts.allow(where)) {
      failed = true;
      emit({ kind: 'elsewhere', url: where.shown });
      return undefined;
    }
    requests += 1;
    if (opts.verbose) {
      const own = Object.entries(fields).filter(([k]) => !(k in call) || k === 'CallStatus');
      emit({ kind: 'request', shown: where.shown, fields: Object.fromEntries(own) });
    }
    let answer: Awaited<ReturnType<typeof postAsTwilio>>;
    try {
      answer = await postAsTwilio(where, ends.token, fields, TWILIO_WAIT_MS);
    } catch (err) {
      if (err instanceof Error && err.name === 'TimeoutError') {
        failed = true;
        emit({ kind: 'timeout', shown: where.shown, seconds: TWILIO_WAIT_MS / 1000 });
        return undefined;
      }
      throw (
        opts.unreachable?.(where.fetched, err) ??
        new Error(`could not reach ${where.fetched}`, { cause: err })
      );
    }
    if (!answer.ok) {
      failed = true;
      const explain = answer.status === 403 && !explained403;
      if (explain) explained403 = true;
      emit({
        kind: 'http',
        shown: where.shown,
        status: answer.status,
        body: answer.body,
        signed: where.signed,
        explain,
      });
      return undefined;
    }
    return answer;
  }

  /** Posts `start` (or takes its step) and follows the TwiML until the call ends or, with `wait`, a Gather waits. */
  async function walk(
    start: WalkStart,
    inputs: readonly string[],
    how: { hangup?: boolean; wait?: boolean } = {},
  ): Promise<WalkEnd> {
    let remaining = [...inputs];
    const later: Later = [];
    let pending = 'url' in start ? start : undefined;
    let step = 'step' in start ? start.step : undefined;
    let documentUrl = 'step' in start ? start.documentUrl : '';
    const end = (status: Extract<WalkEnd, { kind: 'end' }>['status'] = 'completed'): WalkEnd => ({
      kind: 'end',
      status,
      remaining,
      later,
    });
    for (;;) {
      if (!step && pending) {
        if (requests >= MAX_REQUESTS) {
          failed = true;
          emit({ kind: 'looping', max: MAX_REQUESTS });
          return end();
        }
        const answer = await post(pending.url, pending.fields);
        if (!answer) {
          emit({ kind: 'application error' });
          return end();
        }
        if (!/xml/i.test(answer.type)) emit({ kind: 'content type', type: answer.type });
        let verbs: Verb[];
        try {
          verbs = parseTwiml(answer.body);
        } catch (err) {
          if (!(err instanceof TwimlError)) throw err;
          failed = true;
          emit({
            kind: 'unreadable',
            shown: locate(ends, pending.url).shown,
            problem: err.message,
            body: answer.body,
          });
          emit({ kind: 'application error' });
          return end();
        }
        documentUrl = pending.url;
        step = nextStep(verbs, {
          inputs: remaining,
          hangup: how.hangup ?? false,
          ...(how.wait ? { wait: true } : {}),
          callSid: call.CallSid,
          accountSid: call.AccountSid,
          from: call.From,
          newSid: (prefix) => newSid(prefix),
        });
      }
      if (!step) return end();
      for (const event of step.events) emit({ kind: 'heard', event });
      remaining = remaining.slice(step.used);
      for (const callback of step.later)
        later.push({ ...callback, url: resolveUrl(documentUrl, callback.url) });
      const next = step.next;
      if (next.kind === 'end') {
        // A <Reject> that answers the call's first request: Twilio never picks up.
        if (next.rejected !== undefined && requests === 1)
          return end(next.rejected === 'busy' ? 'busy' : 'no-answer');
        return end();
      }
      if (next.kind === 'wait') {
        const silence = next.silence.next;
        return {
          kind: 'wait',
          gather: next.gather,
          action: resolveUrl(documentUrl, next.gather.action ?? ''),
          silence: silence.kind === 'request' ? resolveUrl(documentUrl, silence.url) : null,
          remaining,
          later,
        };
      }
      pending = {
        url: resolveUrl(documentUrl, next.url),
        fields: { ...call, CallStatus: 'in-progress', ...next.fields },
      };
      step = undefined;
    }
  }

  /** Requests Twilio makes on its own after the call (the recording, its transcription). */
  async function postLater(later: Later, status: string): Promise<void> {
    for (const callback of later) {
      emit({ kind: 'later', what: callback.what });
      await post(callback.url, { ...call, CallStatus: status, ...callback.fields });
    }
  }

  /** The call is over: the status callback (with its duration when it was answered), then what comes later. */
  async function hangUp(status: string, later: Later, seconds?: number): Promise<void> {
    const duration = seconds ?? Math.max(1, Math.round((Date.now() - started) / 1000));
    const ok = await post(`${ends.signedBase}${STATUS_PATH}`, {
      ...call,
      CallStatus: status,
      CallDuration: String(status === 'completed' ? duration : 0),
    });
    if (ok) emit({ kind: 'ended', status });
    await postLater(later, status);
  }

  return {
    walk,
    hangUp,
    postLater,
    /** Whether any request failed (not 2xx, no answer in time, unreadable TwiML, a loop). */
    get failed() {
      return failed;
    },
  };
}

export type CallWalker = ReturnType<typeof createCallWalker>;
