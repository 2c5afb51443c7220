import type { WireEvent } from '../../src/twilio-sim/call.js';
import type { Answer, CallEvent, Prompt } from '../../src/twilio-sim/twiml-walk.js';
import { type Html, html } from './html.js';
import { formatTime, layout, type PageContext } from './pages.js';
import { type PhoneWords, WORDS } from './phone-words.js';

/** The phone page (handlers/console/phone.ts): plain forms, and what came of the last one. */

export const MESSAGE_MAX = 1600;
export const KEYS_MAX = 32;
export const WORDS_MAX = 200;

/** One text of a conversation, oldest first. */
export interface ConversationEntry {
  at: Date;
  /** `phone`: the simulated customer; `reply`: Orderly's answer in the webhook; `text`: a text Orderly sent. */
  who: 'phone' | 'reply' | 'text';
  text: string;
}

/** A call waiting at a Gather: what the answer forms carry in hidden fields. */
export interface CallState {
  sid: string;
  from: string;
  started: number;
  /** The Gather's action, a path and query under /twilio/voice. */
  action: string;
  /** What the Gather listens to (`dtmf`, `speech`), space-separated. */
  input: string;
  digits?: number;
  finish: string;
  /** Where silence leads (a path under /twilio/voice), or '' when the call then ends. */
  silence: string;
}

export interface CallView {
  sid: string;
  from: string;
  events: WireEvent[];
  waiting?: CallState;
}

type FieldError<F extends string> = { field: F; message: string };

export interface PhoneView {
  from: string;
  doorOff: boolean;
  text?: {
    message?: string;
    error?: FieldError<'from' | 'message'>;
    sent?: { texted: number; refused?: number };
  };
  /** The phone whose conversation is shown (a valid number only), oldest first. */
  conversationWith?: string;
  conversation: ConversationEntry[];
  call?: CallView;
  callError?: FieldError<'from' | 'keys' | 'words' | 'call'>;
  /** Slack posts as plain-text lines; `since`: only those after the page's last action. */
  slack: { since?: number; posts: string[][] };
}

const langOf = (p: Prompt) => (p.verb === 'say' && p.language ? p.language : undefined);

function listening(w: PhoneWords, e: Extract<CallEvent, { kind: 'listen' }>, answer: Answer): string {
  if ('keys' in answer) return w.youPress(answer.keys);
  if ('words' in answer) return w.youSay(answer.words);
  if ('silence' in answer) return w.youStaySilent;
  if ('hangup' in answer) return w.youHangUp;
  const parts = e.input.map((i) => (i === 'dtmf' ? w.keypad(e.numDigits) : i === 'speech' ? w.speech : i));
  return w.listening(parts.length ? parts.join(w.or) : w.nothing);
}

function heardItem(w: PhoneWords, e: CallEvent): Html {
  switch (e.kind) {
    case 'prompt': {
      const p = e.prompt;
      if (p.verb === 'say') {
        const lang = langOf(p);
        return html`<li class="phone-say" dir="auto"><q${lang ? html` lang="${lang}"` : ''}>${p.text}</q></li>`;
      }
      if (p.verb === 'play')
        return html`<li class="phone-note">${p.digits !== undefined ? w.tones(p.digits) : w.plays}</li>`;
      return html`<li class="phone-note">${w.pause(p.length)}</li>`;
    }
    case 'listen':
      return html`<li class="${'waiting' in e.answer ? 'phone-listen' : 'phone-you'}">${listening(w, e, e.answer)}</li>`;
    case 'note':
      return html`<li class="phone-note" lang="en" dir="ltr">${e.text}</li>`;
    case 'dial':
      return html`<li class="phone-note">${w.dial(e.numbers.join(', '), e.timeout)}</li>`;
    case 'record':
      return html`<li class="phone-note">${w.record(e.maxLength, e.seconds)}</li>`;
    case 'rejected':
      return html`<li class="phone-note">${w.rejected(e.reason)}</li>`;
    case 'unsupported':
      return html`<li class="phone-note error">${w.unsupported(e.name)}</li>`;
    case 'end':
      return html`<li class="phone-note">${w.callEnds}</li>`;
  }
}

export function eventItem(w: PhoneWords, e: WireEvent): Html | '' {
  const error = (text: string, detail?: string) =>
    html`<li class="phone-note error">${text}${detail ? html`<br><code dir="ltr">${detail.trim().slice(0, 500)}</code>` : ''}</li>`;
  switch (e.kind) {
    case 'heard':
      return heardItem(w, e.event);
    case 'request':
      return '';
    case 'timeout':
      return error(w.timeout(e.shown, e.seconds));
    case 'http':
      return error(`${w.httpError(e.shown, e.status)}${e.explain ? ` — ${w.signatureRefused}` : ''}`, e.body);
    case 'content type':
      return error(w.contentType(e.type));
    case 'unreadable':
      return error(w.unreadable(e.shown, e.problem), e.body);
    case 'application error':
      return error(w.applicationError);
    case 'looping':
      return error(w.looping(e.max));
    case 'elsewhere':
      return error(w.elsewhere(e.url));
    case 'ended':
      return html`<li class="phone-note">${w.callStatus(e.status)}</li>`;
    case 'later':
      return html`<li class="phone-note">${w.later(e.what)}</li>`;
  }
}

const csrf = (ctx: PageContext) => html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
const invalid = (on: boolean, id: string) =>
  on
    ? html` aria-invalid="true" aria-describedby="${id}-error ${id}-help"`
    : html` aria-describedby="${id}-help"`;
const errorFor = (id: string, error?: { message: string }) =>
  error ? html`<p class="error" id="${id}-error" role="alert">${error.message}</p>` : '';

function fromField(w: PhoneWords, id: string, value: string, error?: FieldError<string>): Html {
  const bad = error?.field === 'from';
  return html`<label for="${id}">${w.from}</label>
    <input id="${id}" name="from" type="tel" inputmode="tel" autocomplete="off" dir="ltr" required maxlength="32" value="${value}"${invalid(bad, id)}>
    <p class="help" id="${id}-help">${w.fromHelp}</p>${errorFor(id, bad ? error : undefined)}`;
}

function textSection(ctx: PageContext, w: PhoneWords, view: PhoneView): Html {
  const t = view.text;
  const bad = t?.error?.field === 'message';
  const sent = t?.sent;
  const whoWord = { phone: w.fromPhone, reply: w.reply, text: w.texted };
  const chatItem = (m: ConversationEntry) =>
    html`<li class="phone-msg phone-by-${m.who}"><span class="phone-who">${whoWord[m.who]} · ${formatTime(m.at, ctx)}</span>
      <span class="phone-body" dir="auto">${m.text}</span></li>`;
  return html`<section class="phone-box" aria-labelledby="text-h"><h2 id="text-h">${w.textTitle}</h2>
    <form method="post" action="/console/phone/text" class="phone-form">
      ${csrf(ctx)}${fromField(w, 'text-from', view.from, t?.error)}
      <label for="text-message">${w.message}</label>
      <textarea id="text-message" name="message" rows="2" required maxlength="${MESSAGE_MAX}" dir="auto"${invalid(bad, 'text-message')}${(sent && !sent.refused) || bad ? html` autofocus` : ''}>${t?.message ?? ''}</textarea>
      <p class="help" id="text-message-help">${w.messageHelp}</p>${errorFor('text-message', bad ? t?.error : undefined)}
      <button type="submit">${w.send}</button>
    </form>
    ${sent?.refused ? html`<p class="error" role="alert">${w.refused(sent.refused)}</p>` : sent ? html`<p class="notice" role="status">${w.replied(sent.texted)}</p>` : ''}
    ${
      view.conversationWith
        ? html`<h3>${w.conversation(view.conversationWith)}</h3>${
            view.conversation.length
              ? html`<ol class="phone-chat">${view.conversation.map(chatItem)}</ol>`
              : html`<p class="empty">${w.noConversation}</p>`
          }`
        : ''
    }
  </section>`;
}

function stateFields(s: CallState): Html {
  return html`<input type="hidden" name="sid" value="${s.sid}"><input type="hidden" name="from" value="${s.from}">
    <input type="hidden" name="started" value="${s.started}"><input type="hidden" name="action" value="${s.action}">
    <input type="hidden" name="input" value="${s.input}"><input type="hidden" name="digits" value="${s.digits ?? ''}">
    <input type="hidden" name="finish" value="${s.finish}"><input type="hidden" name="silence" value="${s.silence}">`;
}

function answerForms(ctx: PageContext, w: PhoneWords, s: CallState, error?: FieldError<string>): Html {
  const keysBad = error?.field === 'keys';
  const wordsBad = error?.field === 'words';
  const listens = s.input.split(' ');
  // The answer is what comes next: its field has the focus (the one in error, if any).
  const focus = wordsBad || !listens.includes('dtmf') ? 'words' : 'keys';
  return html`<div class="phone-answer" role="group" aria-labelledby="answer-h"><h3 id="answer-h">${w.answerTitle}</h3>
    ${
      listens.includes('dtmf')
        ? html`<form method="post" action="/console/phone/call" class="phone-form">
      ${csrf(ctx)}${stateFields(s)}<input type="hidden" name="do" value="keys">
      <label for="call-keys">${w.keys}</label>
      <input id="call-keys" name="keys" inputmode="numeric" autocomplete="off" dir="ltr" required maxlength="${KEYS_MAX}" pattern="[0-9*#]+"${invalid(keysBad, 'call-keys')}${focus === 'keys' ? html` autofocus` : ''}>
      <p class="help" id="call-keys-help">${w.keysHelp}</p>${errorFor('call-keys', keysBad ? error : undefined)}
      <button type="submit">${w.press}</button>
    </form>`
        : ''
    }
    ${
      listens.includes('speech')
        ? html`<form method="post" action="/console/phone/call" class="phone-form">
      ${csrf(ctx)}${stateFields(s)}<input type="hidden" name="do" value="words">
      <label for="call-words">${w.words}</label>
      <input id="call-words" name="words" autocomplete="off" dir="auto" required maxlength="${WORDS_MAX}"${invalid(wordsBad, 'call-words')}${focus === 'words' ? html` autofocus` : ''}>
      <p class="help" id="call-words-help">${w.wordsHelp}</p>${errorFor('call-words', wordsBad ? error : undefined)}
      <button type="submit">${w.say}</button>
    </form>`
        : ''
    }
    <form method="post" action="/console/phone/call" class="phone-form phone-end">
      ${csrf(ctx)}${stateFields(s)}
      <button type="submit" name="do" value="silence">${w.silent}</button>
      <button type="submit" name="do" value="hangup">${w.hangUp}</button>
    </form>
  </div>`;
}

function callSection(ctx: PageContext, w: PhoneWords, view: PhoneView): Html {
  const call = view.call;
  const error = view.callError;
  const start = html`<form method="post" action="/console/phone/call" class="phone-form">
      ${csrf(ctx)}<input type="hidden" name="do" value="start">${fromField(w, 'call-from', view.from, error)}
      <button type="submit">${call && !call.waiting ? w.callAgain : w.call}</button>
    </form>`;
  return html`<section class="phone-box" aria-labelledby="call-h"><h2 id="call-h">${w.callTitle}</h2>
    ${error?.field === 'call' ? html`<p class="error" role="alert">${error.message}</p>` : ''}
    ${call?.waiting ? '' : start}
    ${
      call
        ? html`<h3 dir="auto">${w.callFrom(call.from, call.sid)}</h3>
      ${call.events.length ? html`<ol class="phone-heard" aria-label="${w.heard}">${call.events.map((e) => eventItem(w, e))}</ol>` : ''}
      ${call.waiting ? answerForms(ctx, w, call.waiting, error) : html`<p class="notice" role="status">${w.ended}</p>`}`
        : ''
    }
  </section>`;
}

function slackSection(w: PhoneWords, view: PhoneView, lookAgain: string): Html {
  const { since, posts } = view.slack;
  return html`<section class="phone-box phone-slack" aria-labelledby="slack-h"><h2 id="slack-h">${w.slackTitle}</h2>
    <p class="help">${since === undefined ? w.slackLatest : w.slackSince} <a href="${lookAgain}">${w.lookAgain}</a></p>
    ${
      posts.length
        ? html`<ol class="phone-posts">${posts.map((lines) => html`<li dir="auto">${lines.join('\n')}</li>`)}</ol>`
        : html`<p class="empty">${w.noSlack}</p>`
    }
  </section>`;
}

export function renderPhone(ctx: PageContext, view: PhoneView, lookAgain: string): string {
  const w = WORDS[ctx.lang];
  const body = view.doorOff
    ? html`<h1>${w.title}</h1><p class="error">${w.doorOff}</p>`
    : html`<h1>${w.title}</h1><p class="help">${w.intro}</p>
    <div class="phone">${textSection(ctx, w, view)}${callSection(ctx, w, view)}</div>
    ${slackSection(w, view, lookAgain)}`;
  return layout(ctx, w.title, body);
}
