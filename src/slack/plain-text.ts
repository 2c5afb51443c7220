/**
 * Slack messages as plain text for a terminal: what `npm run slack`, `npm run sms` and
 * `npm run call` print of Orderly's answers and of what it kept in the sandbox outbox, and what the
 * console's phone shows of the Slack posts a text or a call caused. A person
 * reads these lines (and the README's walkthrough test matches them), so they say what Slack would
 * show: Block Kit blocks in order, mrkdwn markers dropped, Slack's escapes undone, nothing cut.
 */

interface TextObject {
  type?: string;
  text?: string;
}
type Block = Record<string, unknown> & { type?: string };

/** The shortcodes Orderly's own messages use; Slack shows them as these emoji. */
const EMOJI: Record<string, string> = {
  alarm_clock: '⏰',
  bulb: '💡',
  gear: '⚙️',
  grey_question: '❔',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  information_source: 'ℹ️',
  mailbox_with_mail: '📬',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  speaker: '🔈',
  telephone_receiver: '📞',
  truck: '🚚',
  warning: '⚠️',
  white_check_mark: '✅',
  x: '❌',
};

const emoji = (s: string) => s.replace(/:([a-z0-9_+-]+):/g, (all, name: string) => EMOJI[name] ?? all);

/** Slack's three escapes, in one pass so `&amp;lt;` stays `&lt;`. */
export const unescapeEntities = (s: string) =>
  s.replace(/&(lt|gt|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&' })[e] as string);

/**
 * The invisible characters Orderly puts into customers' text so Slack makes no link or mention of
 * it (zero-width space, word joiner, soft hyphen; see src/slack/blocks/untrusted.ts). A customer's
 * own are removed before that, so these are all ours: a terminal shows the text without them.
 */
const INSERTED = /[\u200B\u2060\u00AD]/g;

/** `*bold*`, `_italic_` and `~strike~` at word edges, as Slack applies them; the markers go. */
const MARKERS = ['\\*', '_', '~'].map(
  (q) =>
    new RegExp(`(^|[^\\p{L}\\p{N}${q}])${q}(?=\\S)([^${q}\\n]*?\\S)${q}(?=[^\\p{L}\\p{N}${q}]|$)`, 'gmu'),
);
const dropMarkers = (s: string) => MARKERS.reduce((out, re) => out.replace(re, '$1$2'), s);

/** One `<…>` token: a mention, a channel, a date, a special mention or a link. */
function token(inner: string): string {
  const [target = '', ...rest] = inner.split('|');
  const label = rest.length ? unescapeEntities(rest.join('|')) : undefined;
  if (target.startsWith('@')) return `@${target.slice(1)}`;
  if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
  if (target.startsWith('!date^')) return label ?? target;
  if (target.startsWith('!subteam^')) return label ?? `@${target.slice('!subteam^'.length)}`;
  if (target.startsWith('!')) return label ?? `@${target.slice(1)}`;
  const url = unescapeEntities(target);
  return label === undefined || label === url ? url : `${label} (${url})`;
}

/** A mrkdwn string as the words Slack shows. */
export function mrkdwnToPlain(s: string): string {
  const parts = s.split(/(<[^<>\n]*>)/);
  return parts
    .map((part, i) => (i % 2 ? token(part.slice(1, -1)) : emoji(unescapeEntities(dropMarkers(part)))))
    .join('')
    .replace(INSERTED, '');
}

/** A text object (plain_text or mrkdwn). */
export function textOf(t: TextObject | string | undefined): string {
  if (t === undefined) return '';
  if (typeof t === 'string') return mrkdwnToPlain(t);
  const text = t.text ?? '';
  return t.type === 'plain_text' ? emoji(text).replace(INSERTED, '') : mrkdwnToPlain(text);
}

/** `*Label*\nvalue` (a field, a section) as `Label: value`, or `Label:` over indented lines. */
function labelled(t: TextObject | undefined): string[] {
  const raw = t?.text ?? '';
  const m = t?.type === 'plain_text' ? null : /^\*([^*\n]+)\*\n([\s\S]+)$/.exec(raw);
  if (!m) return textOf(t).split('\n');
  const label = mrkdwnToPlain(m[1] as string);
  const lines = mrkdwnToPlain(m[2] as string).split('\n');
  if (lines.length === 1) return [`${label}: ${lines[0]}`];
  return [`${label}:`, ...lines.map((l) => `  ${l}`)];
}

/** An interactive element as a person sees it: `[Approve]`, `[Choose a channel ▾]`. */
function element(e: Record<string, unknown>): string {
  const type = String(e.type ?? '');
  if (type === 'button') return `[${textOf(e.text as TextObject)}]`;
  if (type === 'image') return `(image: ${String(e.alt_text ?? '')})`;
  if (type === 'mrkdwn' || type === 'plain_text') return textOf(e as TextObject);
  const shown =
    textOf((e.initial_option as { text?: TextObject } | undefined)?.text) ||
    textOf(e.placeholder as TextObject) ||
    String(e.initial_value ?? '');
  if (type.endsWith('_select') || type === 'overflow') return `[${shown || 'choose'} ▾]`;
  return `[${shown || '_____'}]`;
}

/** One block as lines. */
function blockLines(b: Block): string[] {
  switch (b.type) {
    case 'header':
      return [textOf(b.text as TextObject)];
    case 'section': {
      const lines = b.text ? labelled(b.text as TextObject) : [];
      for (const f of (b.fields as TextObject[] | undefined) ?? []) lines.push(...labelled(f));
      if (b.accessory) lines.push(element(b.accessory as Record<string, unknown>));
      return lines;
    }
    case 'context':
      return ((b.elements as Record<string, unknown>[] | undefined) ?? [])
        .map(element)
        .join('  ')
        .split('\n');
    case 'actions':
      return [((b.elements as Record<string, unknown>[] | undefined) ?? []).map(element).join(' ')];
    case 'divider':
      return ['---'];
    case 'image':
      return [`(image: ${String(b.alt_text ?? '')})`];
    case 'input': {
      const e = (b.element ?? {}) as Record<string, unknown>;
      const label = `${textOf(b.label as TextObject)}${b.optional ? ' (optional)' : ''}`;
      const lines = [`${label}: ${element(e)}`];
      if (b.hint) lines.push(`  (${textOf(b.hint as TextObject)})`);
      return lines;
    }
    case 'rich_text':
      return [richText(b)];
    default:
      return [`(${String(b.type)} block)`];
  }
}

function richText(node: unknown): string {
  if (!node || typeof node !== 'object') return '';
  const n = node as { text?: string; elements?: unknown[]; type?: string; user_id?: string; url?: string };
  if (n.type === 'user') return `@${n.user_id}`;
  if (n.type === 'link') return n.text ? `${n.text} (${n.url})` : String(n.url);
  if (typeof n.text === 'string') return n.text;
  return (n.elements ?? []).map(richText).join('');
}

/** A message (`text` + `blocks`, as posted or answered) as lines: the blocks, else the text. */
export function messageLines(m: { text?: string; blocks?: unknown }): string[] {
  const blocks = Array.isArray(m.blocks) ? (m.blocks as Block[]) : [];
  if (!blocks.length) return mrkdwnToPlain(m.text ?? '').split('\n');
  return blocks.flatMap(blockLines);
}

/** A modal or Home view: its title, its blocks, its buttons. */
export function viewLines(view: Record<string, unknown>): string[] {
  const buttons = [view.submit, view.close]
    .filter(Boolean)
    .map((t) => `[${textOf(t as TextObject)}]`)
    .join(' ');
  return [...((view.blocks as Block[] | undefined) ?? []).flatMap(blockLines), ...(buttons ? [buttons] : [])];
}

/** What the outbox's API returns for one entry (`GET /api/v1/outbox`). */
export interface OutboxItem {
  id: string;
  door: 'slack' | 'sms';
  method: string;
  to: string;
  text: string;
  payload: Record<string, unknown>;
}

const place = (to: string) => (/^[UW][A-Z0-9]{2,}$/.test(to) ? `@${to}` : `#${to}`);

/** `first` then the rest indented: one entry of the outbox as a person would read it. */
function headed(head: string, lines: string[]): string[] {
  const [first = '', ...rest] = lines;
  return [`${head} ${first}`.trimEnd(), ...rest.map((l) => `  ${l}`)];
}

/** One outbox entry: who Orderly told what, as lines. */
export function outboxEntryLines(e: OutboxItem): string[] {
  const p = e.payload ?? {};
  if (e.door === 'sms') return headed(`texted ${e.to}:`, e.text.split('\n'));
  const message = () => messageLines({ text: e.text, blocks: p.blocks });
  switch (e.method) {
    case 'chat.postMessage': {
      if (/^[UW][A-Z0-9]{2,}$/.test(e.to)) return headed(`told @${e.to} in a direct message:`, message());
      const where = p.thread_ts ? `replied in a thread in ${place(e.to)}:` : `posted to ${place(e.to)}:`;
      return headed(where, message());
    }
    case 'chat.update':
      return headed(`updated ${place(e.to)}:`, message());
    case 'chat.postEphemeral': {
      const user = String(p.user ?? e.to.split('/')[1] ?? '');
      const channel = String(p.channel ?? e.to.split('/')[0] ?? '');
      return headed(`told @${user} privately in ${place(channel)}:`, message());
    }
    case 'views.open':
    case 'views.update': {
      const view = (p.view ?? {}) as Record<string, unknown>;
      const title = textOf(view.title as TextObject) || e.text;
      const verb = e.method === 'views.open' ? 'opened the form' : 'updated the form';
      return [`${verb} “${title}”:`, ...viewLines(view).map((l) => `  ${l}`)];
    }
    case 'views.publish':
      return [`updated the Home tab of @${e.to}`];
    case 'files.uploadV2':
      return [
        `uploaded ${String(p.filename ?? 'a file')} (“${String(p.title ?? '')}”) to ${place(e.to)}${
          p.thread_ts ? ' in a thread' : ''
        }${p.initial_comment ? `: ${mrkdwnToPlain(String(p.initial_comment))}` : ''}`,
      ];
    default:
      return headed(`${e.method} ${e.to}:`, message());
  }
}
