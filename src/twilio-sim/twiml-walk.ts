import { isXmlChar } from '../xml-text.js';
/**
 * The pure half of `npm run call` and of the console's phone: reads one TwiML document as Twilio
 * would (`parseTwiml`) and says what the caller hears and which request Twilio makes next
 * (`nextStep`). No network, no clock, no randomness (new SIDs come from the caller), so it is
 * unit-tested on the documents the twilio library's VoiceResponse writes. What is heard comes as
 * events (`Step.events`), which the console words in its reader's language, and as the English
 * lines `npm run call` prints (`Step.lines`).
 *
 * No XML parser is a direct dependency, so the small subset TwiML needs is read here: elements,
 * attributes, text, CDATA, comments, the XML declaration, the five predefined entities and
 * numeric character references. Anything else (a DOCTYPE, an unknown entity, a tag left open) is
 * refused, as Twilio refuses it.
 */

/** A document Twilio could not run: it would say "an application error has occurred" and hang up. */
export class TwimlError extends Error {
  override name = 'TwimlError';
}

export interface SayVerb {
  verb: 'say';
  /** The spoken text: nested SSML tags dropped, whitespace collapsed. */
  text: string;
  language?: string;
  voice?: string;
  loop?: number;
}
export interface PlayVerb {
  verb: 'play';
  url: string;
  loop?: number;
  /** `<Play digits="…">` plays keypad tones instead of a URL. */
  digits?: string;
}
export interface PauseVerb {
  verb: 'pause';
  /** Seconds; Twilio's default 1. */
  length: number;
}
/** What a `<Gather>` may hold: it plays these while listening. */
export type Prompt = SayVerb | PlayVerb | PauseVerb;

export interface GatherVerb {
  verb: 'gather';
  /** Absent: Twilio requests the current document's URL again. */
  action?: string;
  method: string;
  /** `dtmf`, `speech` or both; Twilio's default is `dtmf`. */
  input: string[];
  numDigits?: number;
  /** Default `#`; empty: no key ends the input. */
  finishOnKey: string;
  /** Seconds of silence before Twilio gives up; default 5. */
  timeout: number;
  language?: string;
  /** With true, Twilio requests the action even when nothing was heard. */
  actionOnEmptyResult: boolean;
  prompts: Prompt[];
}
export interface RedirectVerb {
  verb: 'redirect';
  url: string;
  method: string;
}
export interface DialVerb {
  verb: 'dial';
  /** Absent: the call goes on with the verbs after `<Dial>`. */
  action?: string;
  method: string;
  callerId?: string;
  /** Seconds of ringing; default 30. */
  timeout: number;
  /** `<Number>`s (or the bare number of `<Dial>+1555…</Dial>`); other nouns as `Client: alice`. */
  numbers: string[];
}
export interface RecordVerb {
  verb: 'record';
  /** Absent: Twilio requests the current document's URL with the recording. */
  action?: string;
  method: string;
  /** Seconds; default 3600. */
  maxLength: number;
  /** True when asked for, or implied by a transcribeCallback. */
  transcribe: boolean;
  transcribeCallback?: string;
  recordingStatusCallback?: string;
  playBeep: boolean;
}
export interface HangupVerb {
  verb: 'hangup';
}
export interface RejectVerb {
  verb: 'reject';
  reason: string;
}
/** A verb this walker does not simulate (`<Enqueue>`, `<Connect>`, …): the walk stops there. */
export interface OtherVerb {
  verb: 'other';
  name: string;
}
export type Verb =
  | SayVerb
  | PlayVerb
  | PauseVerb
  | GatherVerb
  | RedirectVerb
  | DialVerb
  | RecordVerb
  | HangupVerb
  | RejectVerb
  | OtherVerb;

// ---------------------------------------------------------------------------------------------
// XML, the subset TwiML uses

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: Array<XmlElement | string>;
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Replaces entity and character references; a bare `&` or an unknown entity is an error. */
function decodeEntities(raw: string): string {
  return raw.replace(
    /&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][\w.-]*)?(;?)/g,
    (whole, ref: string, semi: string) => {
      if (!ref || !semi) throw new TwimlError(`a bare "&" in "${raw}" (write &amp;)`);
      if (ref.startsWith('#')) {
        const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
        if (!isXmlChar(code)) throw new TwimlError(`${whole} is not a character XML can carry`);
        return String.fromCodePoint(code);
      }
      const char = PREDEFINED[ref];
      if (char === undefined) throw new TwimlError(`unknown entity ${whole}`);
      return char;
    },
  );
}

const NAME = /[A-Za-z_:][-\w.:]*/y;
const SPACE = /[ \t\n]*/y;

function parseXml(source: string): XmlElement {
  // XML reads every line ending as \n; a byte order mark is not content.
  const xml = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const fail = (problem: string): never => {
    const line = xml.slice(0, i).split('\n').length;
    throw new TwimlError(`${problem} (line ${line}, offset ${i})`);
  };
  const skipSpace = () => {
    SPACE.lastIndex = i;
    SPACE.exec(xml);
    i = SPACE.lastIndex;
  };
  const readName = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(xml);
    if (!m) return fail('a tag or attribute name was expected');
    i = NAME.lastIndex;
    return m[0];
  };
  const addText = (text: string) => {
    const parent = stack.at(-1);
    if (parent) parent.children.push(text);
    else if (text.trim() !== '') fail('text outside the root element');
  };

  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (lt !== i) {
      const end = lt < 0 ? xml.length : lt;
      addText(decodeEntities(xml.slice(i, end)));
      i = end;
      continue;
    }
    if (xml.startsWith('<?', i)) {
      const end = xml.indexOf('?>', i);
      if (end < 0) fail('an unclosed <?…?>');
      i = end + 2;
    } else if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end < 0) fail('an unclosed comment');
      i = end + 3;
    } else if (xml.startsWith('<![CDATA[', i)) {
      const end = xml.indexOf(']]>', i);
      if (end < 0) fail('an unclosed CDATA section');
      if (!stack.length) fail('CDATA outside the root element');
      addText(xml.slice(i + 9, end));
      i = end + 3;
    } else if (xml.startsWith('<!', i)) {
      fail('a DOCTYPE or other declaration (TwiML has none)');
    } else if (xml.startsWith('</', i)) {
      i += 2;
      const name = readName();
      skipSpace();
      if (xml[i] !== '>') fail(`</${name} is not closed with ">"`);
      i += 1;
      const open = stack.pop();
      if (!open) fail(`</${name}> closes nothing`);
      else if (open.name !== name) fail(`</${name}> closes <${open.name}>`);
    } else {
      i += 1;
      const element: XmlElement = { name: readName(), attrs: {}, children: [] };
      let selfClosing = false;
      for (;;) {
        const before = i;
        skipSpace();
        if (xml.startsWith('/>', i)) {
          selfClosing = true;
          i += 2;
          break;
        }
        if (xml[i] === '>') {
          i += 1;
          break;
        }
        if (i === before) fail(`<${element.name}>: a space was expected before an attribute`);
        const attr = readName();
        skipSpace();
        if (xml[i] !== '=') fail(`<${element.name} ${attr}>: "=" was expected`);
        i += 1;
        skipSpace();
        const quote = xml[i];
        if (quote !== '"' && quote !== "'")
          return fail(`<${element.name} ${attr}=…>: a quoted value was expected`);
        const end = xml.indexOf(quote, i + 1);
        if (end < 0) fail(`<${element.name} ${attr}=…>: the value is never closed`);
        const raw = xml.slice(i + 1, end);
        if (raw.includes('<')) fail(`<${element.name} ${attr}=…>: "<" inside a value`);
        if (Object.hasOwn(element.attrs, attr)) fail(`<${element.name}> has ${attr} twice`);
        // Attribute values read literal tabs and line breaks as spaces (XML's normalisation).
        element.attrs[attr] = decodeEntities(raw.replace(/[\t\n]/g, ' '));
        i = end + 1;
      }
      const parent = stack.at(-1);
      if (parent) parent.children.push(element);
      else if (root) fail(`a second root element <${element.name}>`);
      else root = element;
      if (!selfClosing) stack.push(element);
    }
  }
  const open = stack.at(-1);
  if (open) fail(`<${open.name}> is never closed`);
  if (!root) return fail('no element at all');
  return root;
}

/**
 * The text of an element and its descendants. A nested (SSML) element is its own word, as the
 * library writes `Order<say-as …>1042</say-as>is shipped` without spaces; a `<break/>` is a space.
 */
function textOf(element: XmlElement): string {
  // \0 marks a tag's edge (XML text cannot hold it): a space, unless punctuation follows.
  return element.children.map((c) => (typeof c === 'string' ? c : `\0${textOf(c)}\0`)).join('');
}
const spoken = (element: XmlElement) =>
  textOf(element)
    .replace(/\0+(?=[,.;:!?])/g, '')
    .replace(/[\s\0]+/g, ' ')
    .trim();

// ---------------------------------------------------------------------------------------------
// TwiML

function integer(element: XmlElement, attr: string): number | undefined {
  const value = element.attrs[attr];
  if (value === undefined) return undefined;
  if (!/^\s*\d+\s*$/.test(value))
    throw new TwimlError(`<${element.name} ${attr}="${value}"> is not a number`);
  return Number(value);
}
function boolean(element: XmlElement, attr: string, fallback: boolean): boolean {
  const value = element.attrs[attr];
  if (value === undefined) return fallback;
  if (value !== 'true' && value !== 'false')
    throw new TwimlError(`<${element.name} ${attr}="${value}"> is neither true nor false`);
  return value === 'true';
}
const method = (element: XmlElement) => (element.attrs.method ?? 'POST').toUpperCase();
const elements = (element: XmlElement): XmlElement[] => {
  for (const child of element.children) {
    if (typeof child === 'string' && child.trim() !== '')
      throw new TwimlError(`text "${child.trim()}" directly inside <${element.name}>`);
  }
  return element.children.filter((c): c is XmlElement => typeof c !== 'string');
};
/** Only set keys, so a parsed verb compares equal to a literal without `undefined`s. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function prompt(element: XmlElement): Prompt | undefined {
  switch (element.name) {
    case 'Say':
      return defined<SayVerb>({
        verb: 'say',
        text: spoken(element),
        language: element.attrs.language,
        voice: element.attrs.voice,
        loop: integer(element, 'loop'),
      });
    case 'Play':
      return defined<PlayVerb>({
        verb: 'play',
        url: spoken(element),
        loop: integer(element, 'loop'),
        digits: element.attrs.digits,
      });
    case 'Pause':
      return { verb: 'pause', length: integer(element, 'length') ?? 1 };
    default:
      return undefined;
  }
}

function verb(element: XmlElement): Verb {
  const simple = prompt(element);
  if (simple) return simple;
  const a = element.attrs;
  switch (element.name) {
    case 'Gather': {
      const prompts = elements(element).map((child) => {
        const p = prompt(child);
        if (!p) throw new TwimlError(`<Gather> cannot hold <${child.name}> (only Say, Play, Pause)`);
        return p;
      });
      return defined<GatherVerb>({
        verb: 'gather',
        action: a.action,
        method: method(element),
        input: (a.input ?? 'dtmf').split(/\s+/).filter(Boolean),
        numDigits: integer(element, 'numDigits'),
        finishOnKey: a.finishOnKey ?? '#',
        timeout: integer(element, 'timeout') ?? 5,
        language: a.language,
        actionOnEmptyResult: boolean(element, 'actionOnEmptyResult', false),
        prompts,
      });
    }
    case 'Redirect': {
      const url = spoken(element);
      if (!url) throw new TwimlError('<Redirect> without a URL');
      return { verb: 'redirect', url, method: method(element) };
    }
    case 'Dial': {
      const nouns = element.children.filter((c): c is XmlElement => typeof c !== 'string');
      const numbers = nouns.length
        ? nouns.map((n) => (n.name === 'Number' ? spoken(n) : `${n.name}: ${spoken(n)}`))
        : [spoken(element)].filter(Boolean);
      if (!numbers.length) throw new TwimlError('<Dial> with nobody to dial');
      return defined<DialVerb>({
        verb: 'dial',
        action: a.action,
        method: method(element),
        callerId: a.callerId,
        timeout: integer(element, 'timeout') ?? 30,
        numbers,
      });
    }
    case 'Record':
      return defined<RecordVerb>({
        verb: 'record',
        action: a.action,
        method: method(element),
        maxLength: integer(element, 'maxLength') ?? 3600,
        transcribe: boolean(element, 'transcribe', false) || a.transcribeCallback !== undefined,
        transcribeCallback: a.transcribeCallback,
        recordingStatusCallback: a.recordingStatusCallback,
        playBeep: boolean(element, 'playBeep', true),
      });
    case 'Hangup':
      return { verb: 'hangup' };
    case 'Reject':
      return { verb: 'reject', reason: a.reason ?? 'rejected' };
    default:
      return { verb: 'other', name: element.name };
  }
}

/** The verbs of one TwiML document, in document order. Throws TwimlError when Twilio could not run it. */
export function parseTwiml(xml: string): Verb[] {
  const root = parseXml(xml);
  if (root.name !== 'Response') throw new TwimlError(`the root element is <${root.name}>, not <Response>`);
  return elements(root).map(verb);
}

/**
 * Where a URL in TwiML points, read against the URL of the document it came in (RFC 3986, as
 * Twilio reads it): `/twilio/voice/menu?x=1` keeps the host, `menu` replaces the last segment,
 * an empty target is the document itself. `current` may be absolute or a path (then so is the
 * result). The fragment is dropped: it is never sent.
 */
export function resolveUrl(current: string, target: string): string {
  const absolute = /^[A-Za-z][A-Za-z\d+.-]*:/.test(current);
  const placeholder = 'http://relative.invalid';
  const url = new URL(target.trim(), absolute ? current : new URL(current, placeholder));
  url.hash = '';
  if (absolute || url.origin !== placeholder) return url.href;
  return `${url.pathname}${url.search}`;
}

// ---------------------------------------------------------------------------------------------
// One turn of the call

/** Where the walk stands when a document arrives. */
export interface Turn {
  /** What the caller still means to key or say, in order: digits are keyed, anything else said. */
  inputs: readonly string[];
  /** Hang up once the inputs are used instead of staying silent. */
  hangup: boolean;
  /**
   * Once the inputs are used, stop at the next Gather and wait for the caller's answer (the
   * console's phone, where a person answers each Gather in turn) instead of staying silent.
   */
  wait?: boolean;
  /** The call's own fields, for the recording URL and the callbacks. */
  callSid: string;
  accountSid: string;
  from: string;
  /** A fresh SID with this prefix (`RE` + 32 hex, `TR` + 32 hex). */
  newSid: (prefix: 'RE' | 'TR') => string;
}

/** A request Twilio makes: `url` as written in the TwiML (resolve it against the document's URL). */
export interface TwilioRequest {
  url: string;
  method: string;
  /** The fields this request adds to the call's own (CallSid, From, To, …). */
  fields: Record<string, string>;
}

export type Next =
  | ({ kind: 'request' } & TwilioRequest)
  | {
      kind: 'end';
      why: 'hangup' | 'end of document' | 'caller hung up' | 'rejected' | 'not simulated';
      /** `<Reject reason>`: as the call's first verb, the call ends `busy` (busy) or `no-answer`. */
      rejected?: string;
    }
  /**
   * (Only with `turn.wait`.) A Gather listens and the caller has not answered yet: the answer goes
   * to `gather.action`; `silence` is what the rest of the document does if they say nothing.
   */
  | { kind: 'wait'; gather: GatherVerb; silence: Step };

/** How the caller answered a Gather, or that they have not yet. */
export type Answer =
  | { keys: string }
  | { words: string }
  | { silence: true }
  | { hangup: true }
  | { waiting: true };

/** One thing that happens on the call, in order: what is heard, what the caller does, what Twilio does. */
export type CallEvent =
  | { kind: 'prompt'; prompt: Prompt }
  | { kind: 'listen'; input: string[]; numDigits?: number; answer: Answer }
  /** Something about the TwiML worth knowing (a method Twilio would not use, a Gather deaf to the input). */
  | { kind: 'note'; text: string }
  | { kind: 'dial'; numbers: string[]; callerId: string; timeout: number }
  | { kind: 'record'; maxLength: number; beep: boolean; seconds: number }
  | { kind: 'rejected'; reason: string }
  | { kind: 'unsupported'; name: string }
  | { kind: 'end' };

export interface Step {
  /** What happens, in order. */
  events: CallEvent[];
  /** The same, one English line each (what `npm run call` prints). */
  lines: string[];
  /** How many of `turn.inputs` this document used. */
  used: number;
  next: Next;
  /** Requests Twilio makes on its own later (recording status, transcription), in that order. */
  later: Array<{ what: string } & TwilioRequest>;
}

/** A keypad entry: digits, `*` and `#`. Anything else is speech. */
export const isKeypad = (input: string) => /^[\d*#]+$/.test(input);

export const TRANSCRIPTION_TEXT = 'Hi, this is a test voicemail from the command line.';
export const RECORDING_SECONDS = 7;

function promptLine(p: Prompt): string {
  const times = p.verb !== 'pause' && p.loop !== undefined && p.loop !== 1 ? ` (×${p.loop || '∞'})` : '';
  switch (p.verb) {
    case 'say':
      return `[${p.language ?? 'en-US'}] ${p.text}${times}`;
    case 'play':
      return p.digits !== undefined ? `(plays the tones ${p.digits})${times}` : `(plays ${p.url})${times}`;
    case 'pause':
      return `(pause ${p.length} s)`;
  }
}

const listensFor = (input: string[]) =>
  input
    .map((i) => (i === 'dtmf' ? 'keypad' : i))
    .join(' or ')
    .trim() || 'nothing';

function answerWords(answer: Answer): string {
  if ('keys' in answer) return ` (you: ${answer.keys})`;
  if ('words' in answer) return ` (you: “${answer.words}”)`;
  if ('silence' in answer) return ' (silence)';
  if ('hangup' in answer) return ' (you hang up)';
  return '';
}

/** One event as the English lines `npm run call` prints. */
export function eventLines(e: CallEvent): string[] {
  switch (e.kind) {
    case 'prompt':
      return [promptLine(e.prompt)];
    case 'listen':
      return [`… waiting for ${listensFor(e.input)}${answerWords(e.answer)}`];
    case 'note':
      return [e.text];
    case 'dial':
      return [
        `(dialling ${e.numbers.join(', ')} with caller ID ${e.callerId})`,
        `(no answer after ${e.timeout} s)`,
      ];
    case 'record':
      return [
        `(records a voicemail of up to ${e.maxLength} s${e.beep ? ', after a beep' : ''})`,
        `(you leave a message of ${e.seconds} s)`,
      ];
    case 'rejected':
      return [`(the call is rejected: ${e.reason})`];
    case 'unsupported':
      return [`(<${e.name}> is not simulated by this walker)`];
    case 'end':
      return ['(the call ends)'];
  }
}

/**
 * Runs one document as Twilio would, for a caller who keys or says `turn.inputs` in order: what
 * is heard, and the next request or the end of the call (or, with `turn.wait`, the Gather that
 * waits for the caller).
 */
export function nextStep(verbs: readonly Verb[], turn: Turn): Step {
  const events: CallEvent[] = [];
  const later: Step['later'] = [];
  let used = 0;
  const done = (next: Next): Step => ({ events, lines: events.flatMap(eventLines), used, next, later });
  const ends = (why: Extract<Next, { kind: 'end' }>['why'], rejected?: string): Step => {
    events.push({ kind: 'end' });
    return done(defined({ kind: 'end', why, rejected }));
  };
  const request = (url: string, method: string, fields: Record<string, string>): Step => {
    if (method !== 'POST')
      events.push({ kind: 'note', text: `(note: method="${method}"; this walker always POSTs)` });
    return done({ kind: 'request', url, method: 'POST', fields });
  };
  const listen = (v: GatherVerb, answer: Answer) =>
    events.push(defined<CallEvent>({ kind: 'listen', input: v.input, numDigits: v.numDigits, answer }));

  for (const [index, v] of verbs.entries()) {
    switch (v.verb) {
      case 'say':
      case 'play':
      case 'pause':
        events.push({ kind: 'prompt', prompt: v });
        break;
      case 'gather': {
        for (const p of v.prompts) events.push({ kind: 'prompt', prompt: p });
        const input = turn.inputs[used];
        if (input === undefined) {
          if (turn.hangup) {
            listen(v, { hangup: true });
            return ends('caller hung up');
          }
          if (turn.wait) {
            listen(v, { waiting: true });
            const silence = v.actionOnEmptyResult
              ? nextStep([{ verb: 'redirect', url: v.action ?? '', method: v.method }], {
                  ...turn,
                  inputs: [],
                })
              : nextStep(verbs.slice(index + 1), { ...turn, inputs: [], wait: false });
            return done({ kind: 'wait', gather: v, silence });
          }
          listen(v, { silence: true });
          if (v.actionOnEmptyResult) return request(v.action ?? '', v.method, {});
          break;
        }
        used += 1;
        if (isKeypad(input)) {
          let digits = v.finishOnKey && input.endsWith(v.finishOnKey) ? input.slice(0, -1) : input;
          listen(v, { keys: input });
          if (!v.input.includes('dtmf'))
            events.push({
              kind: 'note',
              text: `(note: this Gather does not listen to the keypad (input="${v.input.join(' ')}"))`,
            });
          if (v.numDigits !== undefined && digits.length > v.numDigits) {
            digits = digits.slice(0, v.numDigits);
            events.push({
              kind: 'note',
              text: `(note: numDigits="${v.numDigits}": Twilio takes only ${digits})`,
            });
          }
          return request(v.action ?? '', v.method, { Digits: digits });
        }
        listen(v, { words: input });
        if (!v.input.includes('speech'))
          events.push({
            kind: 'note',
            text: `(note: this Gather does not listen for speech (input="${v.input.join(' ')}"))`,
          });
        return request(v.action ?? '', v.method, { SpeechResult: input, Confidence: '0.9' });
      }
      case 'redirect':
        return request(v.url, v.method, {});
      case 'dial': {
        events.push({
          kind: 'dial',
          numbers: v.numbers,
          callerId: v.callerId ?? turn.from,
          timeout: v.timeout,
        });
        if (v.action !== undefined)
          return request(v.action, v.method, { DialCallStatus: 'no-answer', DialCallDuration: '0' });
        break;
      }
      case 'record': {
        events.push({ kind: 'record', maxLength: v.maxLength, beep: v.playBeep, seconds: RECORDING_SECONDS });
        const recordingSid = turn.newSid('RE');
        const recordingUrl = `https://api.twilio.com/2010-04-01/Accounts/${turn.accountSid}/Recordings/${recordingSid}`;
        const recording = {
          RecordingUrl: recordingUrl,
          RecordingSid: recordingSid,
          RecordingDuration: String(RECORDING_SECONDS),
        };
        if (v.recordingStatusCallback !== undefined)
          later.push({
            what: 'the recording is ready',
            url: v.recordingStatusCallback,
            method: 'POST',
            fields: {
              ...recording,
              RecordingStatus: 'completed',
              RecordingChannels: '1',
              RecordingSource: 'RecordVerb',
            },
          });
        if (v.transcribeCallback !== undefined)
          later.push({
            what: 'the transcription is ready',
            url: v.transcribeCallback,
            method: 'POST',
            fields: {
              TranscriptionSid: turn.newSid('TR'),
              TranscriptionText: TRANSCRIPTION_TEXT,
              TranscriptionStatus: 'completed',
              RecordingSid: recordingSid,
              RecordingUrl: recordingUrl,
              CallSid: turn.callSid,
            },
          });
        return request(v.action ?? '', v.method, recording);
      }
      case 'hangup':
        return ends('hangup');
      case 'reject':
        events.push({ kind: 'rejected', reason: v.reason });
        return ends('rejected', v.reason);
      case 'other':
        events.push({ kind: 'unsupported', name: v.name });
        return ends('not simulated');
    }
  }
  return ends('end of document');
}
