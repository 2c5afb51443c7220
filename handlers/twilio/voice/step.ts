import type express from 'express';
import type { Request, RequestHandler } from 'express';
import { type Desk, MAX_TRIES } from '../../../src/calls/ivr.js';
import type { Language } from '../../../src/customers/customer.js';
import { toE164 } from '../../../src/customers/phone.js';
import { withinDeadline } from '../../../src/deadline.js';
import { AppError } from '../../../src/errors.js';
import type { Deps } from '../../../src/services.js';
import { createOrderTwiml } from './order-twiml.js';
import { createVoiceTwiml, VOICE_BUDGET_MS, type VoiceResponse } from './twiml.js';

/** The caller's language and the tries so far, from the step's query (which Twilio signs). */
export const langOf = (req: Request): Language => (req.query.lang === 'he' ? 'he' : 'en');
export const triesOf = (req: Request): number => {
  const n = Number(req.query.try);
  return Number.isInteger(n) && n >= 0 && n <= MAX_TRIES ? n : 0;
};

/** The version of the order draft a question or read-back was made from (see CallDraft `rev`). */
export const revOf = (req: Request): string =>
  typeof req.query.rev === 'string' ? req.query.rev.slice(0, 40) : '';

/** One form field, given once (Twilio never repeats one: an array is refused). */
export const field = (req: Request, name: string): string | undefined => {
  const v = (req.body as Record<string, unknown>)[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new AppError('validation_error', `${name} must be given once.`);
  return v.slice(0, 2000);
};

/** What every step of the menu shares: the services, the database within budget, the TwiML. */
export type VoiceStep = ReturnType<typeof createVoiceStep>;
/** A step of the menu: one route's handler, given what the steps share. */
export type StepHandler = (step: VoiceStep) => RequestHandler;

export function createVoiceStep(deps: Deps) {
  const { calls, config, log } = deps;

  /**
   * The database's part of a step, within the budget: undefined (and logged) when the database
   * is down, slow or failing, so the caller hears the fallback instead of Twilio's error message.
   */
  async function fromDb<T>(what: string, sid: string, work: () => Promise<T>): Promise<T | undefined> {
    if (!deps.health.up()) {
      log.warn({ call: sid, what }, 'voice: database unreachable; answering without it');
      return undefined;
    }
    const running = work();
    try {
      const result = await withinDeadline(running, VOICE_BUDGET_MS);
      if (result !== 'late') return result;
      log.warn({ call: sid, what }, 'voice: database too slow; answering without it (the work carries on)');
      running.catch((err) => log.error({ err, call: sid, what }, 'voice: the slow work failed'));
      return undefined;
    } catch (err) {
      log.error({ err, call: sid, what }, 'voice: database work failed; answering without it');
      return undefined;
    }
  }

  /** The call's fields every webhook carries; the caller's number as E.164 when it is one. */
  function callOf(req: Request): { sid: string; from: string; to: string } {
    const sid = field(req, 'CallSid');
    if (!sid) throw new AppError('validation_error', 'CallSid is required.');
    const raw = field(req, 'From') ?? '';
    const from = (raw && (toE164(raw, config.defaultCountry) ?? raw)) || 'anonymous';
    return { sid, from, to: field(req, 'To') ?? config.twilio.phoneNumber ?? '' };
  }

  /** Callbacks nobody listens to: refused at once while the database is away (Twilio's log shows it). */
  function needsDatabase(): void {
    if (!deps.health.up())
      throw new AppError('database_unavailable', 'The database is unreachable; nothing was changed.');
  }

  const send = (res: express.Response, twiml: VoiceResponse) => {
    res.type('text/xml').send(twiml.toString());
  };

  /** Who can take the call now: the agent line and the business hours, as of this moment. */
  const desk = (): Desk => ({
    ...(config.twilio.agentNumber ? { agentNumber: config.twilio.agentNumber } : {}),
    businessHours: config.businessHours,
    timezone: config.timezone,
    now: new Date(),
  });

  return {
    calls,
    config,
    log,
    /** Option 3: the order reader over the catalogue, and the stock and prices for the read-back. */
    orderWords: deps.orderWords,
    inventory: deps.inventory,
    fromDb,
    callOf,
    needsDatabase,
    send,
    desk,
    ...createVoiceTwiml(config),
    ...createOrderTwiml(),
  };
}
