import { type Request, type Response, Router } from 'express';
import { toE164 } from '../../src/customers/phone.js';
import { collectAfter } from '../../src/outbox/collect.js';
import type { Deps } from '../../src/services.js';
import { type OutboxItem, outboxEntryLines } from '../../src/slack/plain-text.js';
import { newCall, SLACK_AFTER, TWILIO_WAIT_MS } from '../../src/twilio-sim/call.js';
import { locate, postAsTwilio, SANDBOX_ACCOUNT_SID, SANDBOX_DESK_NUMBER } from '../../src/twilio-sim/post.js';
import { messageBodies, SMS_PATH, smsFields, TEXTS_AFTER } from '../../src/twilio-sim/sms.js';
import { outboxDto } from '../outbox.js';
import type { ConsoleKit } from './kit.js';
import { type CallMove, callStateSchema, callTurn } from './phone-call.js';
import {
  type ConversationEntry,
  KEYS_MAX,
  MESSAGE_MAX,
  type PhoneView,
  renderPhone,
  WORDS_MAX,
} from './phone-page.js';
import { WORDS } from './phone-words.js';

/**
 * The console's phone (sandbox only): what `npm run sms` and `npm run call` do, in the
 * browser, with the same code (src/twilio-sim/). Texts and every step of a call go through
 * Orderly's own Twilio webhooks over HTTP to this server's own address, signed with the sandbox
 * token over PUBLIC_URL + path, so the signature check and everything after it run as for Twilio.
 * Below, the Slack posts they caused, read from the sandbox outbox.
 */

/** A call's step waits this long for the Slack posts it causes (the end of a call: SLACK_AFTER). */
const CALL_STEP_AFTER = { withinMs: 2_000, quietMs: 800, idleMs: 1_000 };
/** The conversation shown, and how much of it is kept per phone and how many phones. */
const CONVERSATION_SHOWN = 30;
const KEPT_PER_PHONE = 30;
const KEPT_PHONES = 200;
/** Without a last action: the latest Slack posts shown. */
const LATEST_SLACK = 5;

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const sinceOf = (raw: unknown) =>
  typeof raw === 'string' && /^\d{1,12}$/.test(raw) ? Number(raw) : undefined;

/**
 * The simulated phone's own texts and the replies in the webhook's answer: the outbox keeps only
 * what Orderly sends, so these are kept here (in this process, bounded) for the conversation.
 */
function createConversations() {
  const byPhone = new Map<string, ConversationEntry[]>();
  return {
    add(phone: string, who: ConversationEntry['who'], text: string) {
      const list = byPhone.get(phone) ?? [];
      byPhone.delete(phone);
      list.push({ at: new Date(), who, text });
      byPhone.set(phone, list.slice(-KEPT_PER_PHONE));
      const oldest = byPhone.keys().next().value;
      if (byPhone.size > KEPT_PHONES && oldest !== undefined) byPhone.delete(oldest);
    },
    of: (phone: string) => byPhone.get(phone) ?? [],
  };
}

export function phonePage(deps: Deps, kit: ConsoleKit): Router {
  const router = Router();
  const { config, outbox } = deps;
  // Sandbox only, as the menu entry: with a door live (or the published secrets refused) it is not there.
  if (!(config.console.sandboxUsers && config.outbox.api)) return router;
  const token = config.twilio.webhookToken;
  const desk = config.twilio.phoneNumber ?? SANDBOX_DESK_NUMBER;
  const conversations = createConversations();
  /** A phone in international form (spaces and dashes allowed), as E.164; undefined otherwise. */
  const phoneOf = (raw: string) => (/^\s*\+/.test(raw) ? toE164(raw, config.defaultCountry) : undefined);

  /** Where this server listens: the address the page's own request came in on. */
  const endsOf = (req: Request) => {
    const address = req.socket.localAddress ?? '127.0.0.1';
    const host = address.includes(':') ? `[${address}]` : address;
    return {
      signedBase: config.publicUrl,
      fetchBase: `http://${host}:${req.socket.localPort}`,
      token: token ?? '',
    };
  };
  const newestSeq = async () => (await outbox.list({ limit: 1 }))[0]?.seq ?? 0;
  const collect = (since: number, match: (e: OutboxItem) => boolean, within: typeof CALL_STEP_AFTER) =>
    collectAfter(async () => (await outbox.list({ limit: 100 })).map(outboxDto), since, { ...within, match });

  async function conversation(phone: string): Promise<ConversationEntry[]> {
    const texts = (await outbox.list({ door: 'sms', limit: 200 }))
      .filter((e) => e.to === phone)
      .map((e): ConversationEntry => ({ at: e.createdAt, who: 'text', text: e.text }));
    return [...conversations.of(phone), ...texts]
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .slice(-CONVERSATION_SHOWN);
  }
  async function slackPosts(since: number | undefined): Promise<string[][]> {
    const entries = await outbox.list({ door: 'slack', limit: since === undefined ? LATEST_SLACK : 50 });
    return entries
      .filter((e) => since === undefined || e.seq > since)
      .reverse()
      .map((e) => outboxEntryLines(outboxDto(e)));
  }
  async function show(
    req: Request,
    res: Response,
    status: number,
    view: Partial<PhoneView> & { from: string },
    since?: number,
  ) {
    const phone = phoneOf(view.from);
    const page: PhoneView = {
      doorOff: !token,
      ...(phone ? { conversationWith: phone } : {}),
      conversation: phone ? await conversation(phone) : [],
      slack: { ...(since !== undefined ? { since } : {}), posts: await slackPosts(since) },
      ...view,
    };
    const query = new URLSearchParams({
      ...(phone ? { from: phone } : {}),
      ...(since !== undefined ? { since: String(since) } : {}),
    }).toString();
    kit.send(
      res,
      status,
      renderPhone(kit.ctxOf(req, res), page, `/console/phone${query ? `?${query}` : ''}`),
    );
  }

  router.get('/console/phone', kit.signedIn, async (req, res) => {
    const from = phoneOf(str(req.query.from)) ?? '';
    await show(req, res, 200, { from }, sinceOf(req.query.since));
  });

  router.post('/console/phone/text', kit.form, kit.signedIn, kit.checked, async (req, res) => {
    const w = WORDS[kit.ctxOf(req, res).lang];
    const raw = str(req.body?.from).trim();
    const message = str(req.body?.message).trim();
    const from = phoneOf(raw);
    const refuse = (field: 'from' | 'message', text: string) =>
      show(req, res, 400, { from: from ?? raw, text: { message, error: { field, message: text } } });
    if (!from) return refuse('from', w.badFrom);
    if (!message) return refuse('message', w.noMessage);
    if (message.length > MESSAGE_MAX) return refuse('message', w.longMessage(MESSAGE_MAX));
    if (!token) return show(req, res, 409, { from });

    const since = await newestSeq();
    conversations.add(from, 'phone', message);
    const where = locate(endsOf(req), `${config.publicUrl}${SMS_PATH}`);
    const answer = await postAsTwilio(where, token, smsFields(from, desk, message), TWILIO_WAIT_MS);
    if (!answer.ok) {
      req.log.warn(
        { status: answer.status, signed: where.signed, answer: answer.body.slice(0, 300) },
        `console phone: the SMS webhook refused the simulated text${answer.status === 403 ? ' (signature: PUBLIC_URL must be this server’s own address)' : ''}`,
      );
      return show(req, res, 502, { from, text: { sent: { texted: 0, refused: answer.status } } }, since);
    }
    for (const reply of messageBodies(answer.body)) conversations.add(from, 'reply', reply);
    const after = await collect(since, (e) => (e.door === 'sms' && e.to === from) || e.door === 'slack', {
      ...TEXTS_AFTER,
      idleMs: TEXTS_AFTER.withinMs,
    });
    const texted = after.filter((e) => e.door === 'sms').length;
    await show(req, res, 200, { from, text: { sent: { texted } } }, since);
  });

  router.post('/console/phone/call', kit.form, kit.signedIn, kit.checked, async (req, res) => {
    const w = WORDS[kit.ctxOf(req, res).lang];
    const body = (req.body ?? {}) as Record<string, unknown>;
    const step = str(body.do);
    if (step === 'start') {
      const raw = str(body.from).trim();
      const from = phoneOf(raw);
      if (!from) return show(req, res, 400, { from: raw, callError: { field: 'from', message: w.badFrom } });
      if (!token) return show(req, res, 409, { from });
      const since = await newestSeq();
      const turn = await callTurn({
        ends: endsOf(req),
        call: newCall(from, desk, config.twilio.accountSid ?? SANDBOX_ACCOUNT_SID),
        started: Date.now(),
        move: 'start',
        log: req.log,
      });
      await collect(since, (e) => e.door === 'slack', turn.ended ? SLACK_AFTER : CALL_STEP_AFTER);
      return show(req, res, 200, { from, call: turn.view }, since);
    }
    const parsed = callStateSchema.safeParse(body);
    if (!parsed.success || !['keys', 'words', 'silence', 'hangup'].includes(step) || !token) {
      req.log.warn(
        { step, issues: parsed.error?.issues.slice(0, 3) },
        'console phone: call form refused (state missing or changed)',
      );
      return show(req, res, 400, { from: '', callError: { field: 'call', message: w.badCall } });
    }
    const state = parsed.data;
    let move: CallMove;
    if (step === 'keys' || step === 'words') {
      const given = str(body[step]).trim();
      const ok =
        step === 'keys'
          ? new RegExp(`^[\\d*#]{1,${KEYS_MAX}}$`).test(given)
          : given.length > 0 && given.length <= WORDS_MAX;
      if (!ok) {
        const call = { sid: state.sid, from: state.from, events: [], waiting: state };
        const message = step === 'keys' ? w.badKeys : w.badWords;
        return show(req, res, 400, { from: state.from, call, callError: { field: step, message } });
      }
      move = step === 'keys' ? { keys: given } : { words: given };
    } else move = step === 'silence' ? { silence: true } : { hangup: true };
    const since = await newestSeq();
    const call = {
      ...newCall(state.from, desk, config.twilio.accountSid ?? SANDBOX_ACCOUNT_SID),
      CallSid: state.sid,
    };
    const turn = await callTurn({
      ends: endsOf(req),
      call,
      started: state.started,
      state,
      move,
      log: req.log,
    });
    await collect(since, (e) => e.door === 'slack', turn.ended ? SLACK_AFTER : CALL_STEP_AFTER);
    await show(req, res, 200, { from: state.from, call: turn.view }, since);
  });
  return router;
}
