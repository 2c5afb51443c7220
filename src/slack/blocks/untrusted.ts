/**
 * Text that customers (or shops' APIs, or staff in free-text fields) typed: names, phones,
 * addresses, notes, item names, SKUs, reasons, carriers. Rendered so that Slack shows it as typed.
 *
 * Why not `plain_text` objects: on our surfaces the customer's words share one text object with
 * our own bold labels, `<!date^…>` tokens and `<@U…>` mentions (a field is `*Customer*\nDana`, a
 * list line is `*#1001* · Dana · <date>`), and Block Kit types a whole object, never a span. So:
 *
 * 1. Every mrkdwn object we send is `verbatim: true` (`withVerbatim`, applied in `toMessage` and
 *    `toView`). Slack's text-object reference: with it, Slack "won't modify any plain-text
 *    content": no auto-linked URLs, no link-ified channel names, no parsed mentions; our own
 *    explicit `<…>` tokens still work.
 * 2. The customer's part is neutralised in place by `escapeText`, because mrkdwn has no escape
 *    character and the message's `text` (notifications, fallback) cannot be verbatim:
 *    - one line: CR, LF, tabs, U+0085, U+2028/2029 and runs of spaces become one space, so a note
 *      cannot start a line that looks like one of our fields;
 *    - control and format characters are removed (bidi overrides and isolates, zero-width
 *      characters, soft hyphens, tag characters, invisible Hangul fillers); a ZWJ that joins two
 *      emoji stays; long runs of combining marks are cut so they cannot paint over other lines;
 *    - capped in code points before escaping, so a cut never splits an entity;
 *    - formatting markers become look-alikes (the characters jsx-slack uses): `*` ∗, `_` ˍ,
 *      `~` ∼, backtick ˋ, and the full-width `＊ ＿ ｀` that Slack also reads. Slack applies `*`
 *      and `_` only at a word edge (`Super_cali_fragilistic` stays as typed), so between two
 *      letters or digits they are kept: `MUG_01`, `dana_levi@…` read exactly as typed;
 *    - `&`, `<`, `>` become entities, Slack's own rule, so nothing becomes a mention, link or date;
 *      a leading `>` (a blockquote even as `&gt;`) gets a soft hyphen in front, as jsx-slack does;
 *    - links are broken with an invisible zero-width space: after `scheme:` (`https:​//`) and
 *      before a dot that precedes a letter (`evil​.example`, `dana@example​.com`), so neither a
 *      URL, a bare domain nor an e-mail address is a link even where verbatim does not apply;
 *      `#word` and `@word` get a word joiner after the sign so they are not a channel or mention.
 */

/** Long enough for the longest note the API accepts (2000); section limits cut further. */
export const UNTRUSTED_MAX = 2000;

const LINE_BREAKS = /[\r\n\t\v\f\u0085\u2028\u2029]/g;
/** Removed outright: controls, format characters (Cf: bidi, zero-width, soft hyphen, tags, BOM),
 * lone surrogates, and the Hangul fillers that display as nothing. A ZWJ inside an emoji
 * sequence (👩‍💻) is the one format character kept. */
const INVISIBLE =
  /(?<!\p{Extended_Pictographic}[\u{FE0F}\u{1F3FB}-\u{1F3FF}]?)\u200D|\u200D(?!\p{Extended_Pictographic})|(?!\u200D)[\p{Cc}\p{Cf}\p{Cs}\u115F\u1160\u3164\uFFA0]/gu;
const MARK_RUN = /(\p{M}{6})\p{M}+/gu;

/** One line of visible text, capped: the common first step for every kind of output. */
function normalize(s: string, max: number): string {
  const line = s
    .replace(LINE_BREAKS, ' ')
    .replace(INVISIBLE, '')
    .replace(MARK_RUN, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(line);
  if (chars.length <= max) return line;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

const WORD = /[\p{L}\p{N}]/u;
const LOOKALIKE: Record<string, string> = {
  '*': '\u2217',
  '＊': '\uFE61',
  _: '\u02CD',
  '＿': '\u2E0F',
  '~': '\u223C',
  '`': '\u02CB',
  '｀': '\u02CB',
};
/** Only at a word edge can these open or close bold/italic. */
const EDGE_ONLY = new Set(['*', '＊', '_', '＿']);

function breakFormatting(s: string): string {
  return s.replace(/[*＊_＿~`｀]/g, (mark, at: number) => {
    const inWord = WORD.test(s[at - 1] ?? '') && WORD.test(s[at + 1] ?? '');
    return EDGE_ONLY.has(mark) && inWord ? mark : (LOOKALIKE[mark] ?? mark);
  });
}

/** Slack's three reserved characters, nothing more: for our own text (help, commands). */
export function escapeEntities(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const ZWSP = '\u200B';
const WORD_JOINER = '\u2060';

function breakLinks(s: string): string {
  return (
    s
      .replace(/([a-z][a-z0-9+.-]{0,30}):(?=\/\/)/gi, `$1:${ZWSP}`)
      // full-width and ideographic full stops count as dots for some link detectors
      .replace(/(?<=[\p{L}\p{N}-])(?=[.。．｡]\p{L})/gu, ZWSP)
      .replace(/(?<![\p{L}\p{N}])([@#＠＃])(?=[\p{L}\p{N}])/gu, `$1${WORD_JOINER}`)
  );
}

/** Customer text for inside mrkdwn (and a message's `text`): shown as typed, one line, inert. */
export function escapeText(s: string, max = UNTRUSTED_MAX): string {
  const inert = breakLinks(escapeEntities(breakFormatting(normalize(s, max))));
  return /^(&gt;|＞)/.test(inert) ? `\u00AD${inert}` : inert;
}

/**
 * Customer text inside our own inline code span (`/stock add SKU <qty>`): the code span already
 * turns formatting and links off, so only a backtick (which would end it) and Slack's three
 * reserved characters change, and a copied command still works.
 */
export function codeText(s: string, max = UNTRUSTED_MAX): string {
  return escapeEntities(normalize(s, max).replace(/[`｀]/g, '\u02CB'));
}

/** Customer text for a `plain_text` object or a text input's initial value: no markup applies there. */
export function plainText(s: string, max = UNTRUSTED_MAX): string {
  return normalize(s, max);
}

/** A deep copy in which every mrkdwn text object is `verbatim` (see the top of this file). */
export function withVerbatim<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withVerbatim) as T;
  if (!value || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) copy[key] = withVerbatim(v);
  if (copy.type === 'mrkdwn' && typeof copy.text === 'string') copy.verbatim = true;
  return copy as T;
}
