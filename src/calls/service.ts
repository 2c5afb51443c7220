import { randomBytes } from 'node:crypto';
import type { CallRepository } from '../../models/call.js';
import type { OrderRepository } from '../../models/order.js';
import type { Config } from '../config.js';
import type { Customer, Language } from '../customers/customer.js';
import { isE164 } from '../customers/phone.js';
import type { CustomerService } from '../customers/service.js';
import { callEffect, doorOf } from '../delivery/effects.js';
import { RetryLater } from '../delivery/retry.js';
import { isAppError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';
import { OPEN_STATUSES } from '../orders/lifecycle.js';
import type { Order } from '../orders/order.js';
import type { OrderService } from '../orders/service.js';
import { type CallCard, callPop, popShown, voicemailMessage, voicemailShown } from '../slack/blocks/call.js';
import type { RenderContext } from '../slack/blocks/index.js';
import type { SlackOut } from '../slack/client.js';
import { createSlotPoster, type Surface } from '../slack/slots.js';
import { slackChannels } from '../slack/sync.js';
import { type Call, type CallDraft, type CallSlot, type CallStatus, outcomeOf } from './call.js';

const OPEN: ReadonlySet<string> = new Set(OPEN_STATUSES);
/** How many recent orders are looked at for a caller (the card shows open ones and the last rating). */
const RECENT = 10;

/** A new version of a draft's `rev`: what the question or read-back made from it answers to. */
const newRev = () => randomBytes(6).toString('hex');

/** What came of placing the order said on a call. */
export type VoicePlacement =
  | { placed: Order; created: boolean }
  /** Lines asking for more than is available now. */
  | { short: { sku: string; available: number }[] }
  /** Products gone from the catalogue since the order was said. */
  | { unknown: string[] };

/** Whether a call has a screen pop to keep up to date: posted already, or a person was dialed. */
const hasPop = (call: Call) => Boolean(call.slack?.pop || call.agent);

export const isOpenOrder = (o: Pick<Order, 'status'>) => OPEN.has(o.status);

/**
 * The voice door's work: the call log (one record per CallSid, see models/call.ts), which orders a
 * caller may hear, the hand-off to a person with its screen pop in SLACK_CHANNEL_CALLS, and the
 * voicemail. Every change that calls for a Slack message records it on the call in the same write
 * (`effects`), and the delivery lanes post it (`deliverSlack`), so a crash loses none.
 */
export function createCallService(deps: {
  calls: CallRepository;
  orderRecords: Pick<OrderRepository, 'linkCall'>;
  orders: Pick<OrderService, 'ownedBy' | 'recentOf' | 'place'>;
  customers: Pick<CustomerService, 'findByPhone'>;
  slackOut: SlackOut;
  config: Config;
  log: Logger;
  /** Where a change that asked for Slack messages is announced (delivery listens). */
  events: EventBus;
}) {
  const { calls, orderRecords, orders, customers, config, log } = deps;
  const ctx: RenderContext = {
    currency: config.currency,
    timezone: config.timezone,
    ...(config.console.open ? { consoleUrl: (path: string) => `${config.publicUrl}${path}` } : {}),
  };
  const channel = slackChannels(config).calls;

  /** Runs the change and, when it asked for Slack messages, says so (delivery posts them). */
  const kicked = async (work: Promise<Call | null>) => {
    const call = await work;
    if (call?.effects.length) deps.events.emit('call.effects_added', { call });
    return call;
  };

  /** The first webhook of a call: its record (created once), the customer, their language. */
  async function begin(input: {
    sid: string;
    from: string;
    to: string;
    status: CallStatus;
  }): Promise<{ call: Call; customer: Customer | null; created: boolean }> {
    const customer = isE164(input.from) ? await customers.findByPhone(input.from) : null;
    const language: Language = customer?.language ?? config.defaultLanguage;
    const { call, created } = await calls.start({
      ...input,
      language,
      ...(customer
        ? { customer: { phone: customer.phone, ...(customer.name ? { name: customer.name } : {}) } }
        : {}),
    });
    if (created) log.info({ call: input.sid, from: input.from, known: Boolean(customer) }, 'call started');
    return { call, customer, created };
  }

  /**
   * What option 1 reads out without asking: the caller's latest order, or their two most recent
   * open ones when they have more than one open. Nothing for a number that never ordered.
   */
  async function ordersToRead(phone: string): Promise<Order[]> {
    if (!isE164(phone)) return [];
    const customer = await customers.findByPhone(phone);
    if (!customer || customer.orders.length === 0) return [];
    const recent = await orders.recentOf(phone, RECENT, customer);
    const open = recent.filter(isOpenOrder);
    return open.length > 1 ? open.slice(0, 2) : recent.slice(0, 1);
  }

  /** The order if it is the caller's; undefined otherwise, exactly as for a number that does not exist. */
  const owned = (number: number, phone: string) => orders.ownedBy(number, phone);

  /** Orders were read out: on the call's path and log, and the call on each order. */
  async function heard(sid: string, read: Order[]): Promise<void> {
    for (const order of read) {
      await calls.heard(sid, order.number);
      await orderRecords.linkCall(order.number, { sid, at: new Date(), why: 'status' });
    }
  }

  /** An order logged by the agent from the call's screen pop: linked both ways. */
  async function orderLogged(sid: string, number: number): Promise<void> {
    const call = await calls.linkOrder(sid, number);
    if (!call) return;
    await orderRecords.linkCall(number, { sid, at: new Date(), why: 'logged' });
  }

  /**
   * The order said on the call (menu option 3), placed as any order is, by the channel `voice` and
   * keyed by the CallSid: a confirmation Twilio delivers twice places one order, and the order's
   * "placed" text follows as for any order. Linked both ways: the call's path says
   * `placed:<number>`, and the order lists the call (`placed`), each once however often the
   * confirmation comes. Stock taken meanwhile, or a product gone, comes back for the caller to hear;
   * anything else throws.
   */
  async function placeOrder(
    call: Pick<Call, 'sid' | 'from' | 'customer'>,
    items: CallDraft['items'],
    language: Language,
  ): Promise<VoicePlacement> {
    try {
      const { order, created } = await orders.place(
        {
          channel: 'voice',
          externalId: call.sid,
          customer: { name: call.customer?.name ?? call.from, phone: call.from, language },
          items: items.map((i) => ({ sku: i.sku, quantity: i.quantity })),
        },
        { by: call.from, channel: 'voice' },
      );
      await calls.ordered(call.sid, order.number);
      await orderRecords.linkCall(order.number, { sid: call.sid, at: new Date(), why: 'placed' });
      if (created)
        log.info({ call: call.sid, order: order.number, from: call.from }, 'order placed by voice');
      return { placed: order, created };
    } catch (err) {
      if (isAppError(err) && err.code === 'insufficient_stock') {
        const lines =
          (err.details as { items?: { sku: string; available: number }[] } | undefined)?.items ?? [];
        log.info(
          { call: call.sid, short: lines },
          'voice order not placed: stock taken since it was read back',
        );
        return { short: lines.map((l) => ({ sku: l.sku, available: l.available })) };
      }
      const details = isAppError(err) && err.code === 'validation_error' ? err.details : undefined;
      const unknown = Array.isArray(details)
        ? details.flatMap((d: { sku?: string }) => (d.sku ? [d.sku] : []))
        : [];
      if (unknown.length > 0) {
        log.info({ call: call.sid, unknown }, 'voice order not placed: a product left the catalogue');
        return { unknown };
      }
      throw err;
    }
  }

  /** What staff see about the caller: who, their open orders, their last rating, how often they called. */
  async function card(call: Call): Promise<CallCard> {
    const phone = call.customer?.phone ?? call.from;
    const customer = isE164(phone) ? await customers.findByPhone(phone) : null;
    const recent = customer?.orders.length ? await orders.recentOf(phone, RECENT, customer) : [];
    const rated = recent.find((o) => o.rating?.score);
    return {
      call,
      ...(customer
        ? {
            customer: {
              phone: customer.phone,
              ...(customer.name ? { name: customer.name } : {}),
              ...(customer.language ? { language: customer.language } : {}),
            },
          }
        : {}),
      openOrders: recent
        .filter(isOpenOrder)
        .map((o) => ({ number: o.number, status: o.status, total: o.total, currency: o.currency })),
      ...(rated?.rating ? { lastRating: { order: rated.number, score: rated.rating.score } } : {}),
      callsCount: await calls.callCountOf(call.from),
    };
  }

  const slot = (s: string) => s as CallSlot;
  const { show } = createSlotPoster<Call>({
    out: deps.slackOut,
    log,
    store: {
      ref: (c, s) => c.slack?.[slot(s)],
      claimedAt: (c, s) => c.slack?.[`${slot(s)}ClaimedAt`],
      claim: (c, s, at, staleBefore) => calls.claimSlackSlot(c.sid, slot(s), at, staleBefore),
      release: (c, s, at, staleSince) => calls.releaseSlackSlot(c.sid, slot(s), at, staleSince),
      store: (c, s, ref) => calls.storeSlackRef(c.sid, slot(s), { ...ref, shown: ref.shown ?? '?' }),
      markShown: (c, s, ts, shown) => calls.markSlackShown(c.sid, slot(s), ts, shown),
      forget: (c, s, ts) => calls.forgetSlackRef(c.sid, slot(s), ts),
      reload: async (c) => (await calls.get(c.sid)) ?? c,
      tag: (c, s) => ({ call: c.sid, slot: s }),
      label: (c) => ({ call: c.sid }),
    },
  });

  /**
   * Brings the call's Slack messages up to date: the screen pop (once the caller asked for a
   * person) and the voicemail (once there is one). Throws while Slack should be tried again.
   */
  async function deliverSlack(sid: string): Promise<void> {
    // Rendered from one reading of the call; if it changed meanwhile, once more from the next.
    for (let round = 0; round < 5; round++) {
      const call = await calls.get(sid);
      const due = (call?.effects ?? []).filter((e) => doorOf(e) === 'slack');
      if (!call || due.length === 0) return;
      await showCall(call, due);
      if (await calls.settleEffects(sid, due, call.updatedAt)) return;
    }
    throw new RetryLater(`call ${sid} keeps changing`, 1_000);
  }

  async function showCall(call: Call, due: string[]): Promise<void> {
    const about = await card(call);
    const surfaces: (Surface<Call> & { slot: CallSlot })[] = [
      {
        slot: 'pop',
        channel,
        worthPosting: (c) => Boolean(c.agent),
        shown: popShown,
        render: (c) => callPop({ ...about, call: c }, ctx),
      },
      {
        slot: 'voicemail',
        channel,
        worthPosting: (c) => Boolean(c.voicemail),
        shown: voicemailShown,
        render: (c) => voicemailMessage({ ...about, call: c }, ctx),
      },
    ];
    for (const surface of surfaces) {
      if (due.includes(callEffect(surface.slot))) await show(surface, call);
    }
  }

  return {
    begin,
    ordersToRead,
    owned,
    heard,
    orderLogged,
    card,
    deliverSlack,
    get: calls.get,
    /** A step of the menu on the call's path (`status`, `agent`, `lang:he`, `not-found`…). */
    step: (sid: string, step: string, set: Record<string, unknown> = {}) => calls.step(sid, step, set),
    /** The caller begins an order by voice (option 3), or starts it over: a step, any draft gone. */
    startOrder: (sid: string, step: 'take-order' | 'order-over') => calls.setDraft(sid, step, undefined),
    /** The order said, as understood: its lines and the questions to ask about it, in a new draft. */
    async draftOrder(sid: string, said: Omit<CallDraft, 'rev'>): Promise<CallDraft | undefined> {
      return (await calls.setDraft(sid, 'order-said', { ...said, rev: newRev() }))?.draft;
    },
    /**
     * An answer to the draft's question, taken only by the draft as it was asked (`rev`): when it
     * was answered already (Twilio delivered the key twice), the draft as it is now.
     */
    async answerDraft(
      sid: string,
      rev: string,
      next: Omit<CallDraft, 'rev'>,
    ): Promise<CallDraft | undefined> {
      const revised = await calls.reviseDraft(sid, rev, { ...next, rev: newRev() });
      return (revised ?? (await calls.get(sid)))?.draft;
    },
    placeOrder,
    /** The caller switched language: spoken from now on, and kept on the call. */
    setLanguage: (sid: string, language: Language) => calls.step(sid, `lang:${language}`, { language }),
    /** The caller is being connected to TWILIO_AGENT_NUMBER: the screen pop goes out now. */
    connecting: (sid: string, agentNumber: string) =>
      kicked(calls.dialed(sid, agentNumber, [callEffect('pop')])),
    /** How the hand-off went: the screen pop shows it. */
    dialEnded: (sid: string, status: string, duration?: number) =>
      kicked(calls.dialEnded(sid, status, duration, [callEffect('pop')])),
    /** A voicemail: its post, and the screen pop updated if there is one (or a person was dialed). */
    recorded: (sid: string, voicemail: { recordingSid: string; url: string; duration?: number }) =>
      kicked(
        calls.recorded(sid, voicemail, (current) =>
          hasPop(current) ? [callEffect('voicemail'), callEffect('pop')] : [callEffect('voicemail')],
        ),
      ),
    transcribed: (sid: string, recordingSid: string, text: string | undefined, status: string) =>
      kicked(calls.transcribed(sid, recordingSid, text, status, [callEffect('voicemail')])),
    /** Twilio's status callback: forward only; a final one ends the call and updates its pop. */
    async statusChanged(
      sid: string,
      status: CallStatus,
      fields: { duration?: number; from: string; to: string },
    ): Promise<Call | null> {
      // A final status updates the screen pop, if there is one (or a person was dialed).
      const call = await kicked(
        calls.status(sid, status, { ...fields, language: config.defaultLanguage }, (current, final) =>
          final && current && hasPop(current) ? [callEffect('pop')] : [],
        ),
      );
      if (call?.endedAt && call.status === status) {
        log.info({ call: sid, status, duration: call.duration, outcome: outcomeOf(call) }, 'call ended');
      }
      return call;
    },
    /** The call log: by phone (newest first, a read by key), or the whole log. */
    async list(query: {
      phone?: string;
      limit: number;
      after?: string;
    }): Promise<{ items: Call[]; next: string | null }> {
      if (query.phone) {
        const sids = await calls.sidsOf(query.phone);
        const start = query.after ? sids.indexOf(query.after) + 1 : 0;
        if (query.after && start === 0) return { items: [], next: null };
        const page = sids.slice(start, start + query.limit);
        const items = await calls.getMany(page);
        const more = start + query.limit < sids.length;
        return { items, next: more ? (page[page.length - 1] ?? null) : null };
      }
      const before = query.after ? await calls.get(query.after) : undefined;
      if (query.after && !before) return { items: [], next: null };
      const items = await calls.recent(query.limit + 1, before?.startedAt);
      const page = items.slice(0, query.limit);
      return { items: page, next: items.length > query.limit ? (page[page.length - 1]?.sid ?? null) : null };
    },
    /** Calls with Slack messages due (the delivery sweep). */
    due: () => calls.listDue(),
  };
}

export type CallService = ReturnType<typeof createCallService>;
