/**
 * SMS segment math (GSM 03.38 / 3GPP TS 23.040), so replies can be kept to a known cost.
 *
 * A message is GSM-7 when every character is in the GSM basic set or its extension table;
 * one character then costs one septet, an extension character two (ESC + char). A single SMS
 * holds 160 septets; a concatenated one loses 7 septets per part to the UDH, leaving 153.
 * Anything else is sent as UCS-2: 70 UTF-16 code units alone, 67 per part when concatenated.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';
export interface SegmentCount {
  encoding: SmsEncoding;
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
}

const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

const LIMITS: Record<SmsEncoding, { single: number; part: number }> = {
  'GSM-7': { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
};

function isGsm(text: string): boolean {
  for (const ch of text) if (!GSM_BASIC.has(ch) && !GSM_EXTENSION.has(ch)) return false;
  return true;
}

/** Cost of each character in units: code points, so a surrogate pair is one 2-unit item. */
function costs(text: string, encoding: SmsEncoding): number[] {
  const out: number[] = [];
  for (const ch of text) out.push(encoding === 'GSM-7' ? (GSM_EXTENSION.has(ch) ? 2 : 1) : ch.length);
  return out;
}

/**
 * Counts the segments `text` is sent as. An empty text is one segment: an empty SMS is still
 * one message that the carrier bills. When concatenated, a 2-unit item (an ESC sequence, or a
 * surrogate pair) is never split across parts (encoders move it to the next part), so the count
 * is exact rather than a plain ceil(units / 153).
 */
export function countSegments(text: string): SegmentCount {
  const encoding: SmsEncoding = isGsm(text) ? 'GSM-7' : 'UCS-2';
  const items = costs(text, encoding);
  const units = items.reduce((a, b) => a + b, 0);
  const { single, part } = LIMITS[encoding];
  if (units <= single) return { encoding, units, segments: 1 };
  let segments = 1;
  let used = 0;
  for (const cost of items) {
    if (used + cost > part) {
      segments++;
      used = 0;
    }
    used += cost;
  }
  return { encoding, units, segments };
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Returns `text` unchanged if it fits in `maxSegments`, else the longest start of it that fits
 * with an ellipsis appended: `...` when the result is GSM-7 (`…` is not GSM-7 and would turn the
 * whole message into UCS-2, halving its room) and `…` when it is UCS-2 anyway. So a GSM-7 text
 * whose only UCS-2 character lies in the part cut off comes back as GSM-7. It cuts between
 * graphemes, so a surrogate pair (or an emoji sequence) is never split, and at the last space
 * unless that would throw away more than a short word's worth of text (a URL, a long code).
 */
export function clampToSegments(text: string, maxSegments = 2): string {
  const max = Math.max(1, Math.floor(maxSegments));
  if (countSegments(text).segments <= max) return text;
  const pieces = Array.from(graphemes.segment(text), (s) => s.segment);
  const gsm = clampWith(pieces, '...', max);
  const ucs = clampWith(pieces, '…', max);
  return gsm.length >= ucs.length ? gsm : ucs;
}

function clampWith(pieces: string[], ellipsis: string, max: number): string {
  const gsmOnly = ellipsis === '...';
  const fits = (n: number) => {
    const c = countSegments(finish(pieces.slice(0, n).join(''), ellipsis));
    return c.segments <= max && (!gsmOnly || c.encoding === 'GSM-7');
  };
  // Fitting is monotonic in the prefix length, so binary-search the longest prefix that fits.
  let lo = 0;
  let hi = pieces.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  const prefix = pieces.slice(0, lo).join('');
  const space = prefix.search(/\s\S*$/);
  const atWord = /^\s/.test(pieces[lo] ?? '');
  const cut = !atWord && space > 0 && prefix.length - space <= 20 ? prefix.slice(0, space) : prefix;
  return finish(cut, ellipsis);
}

/** Drops trailing blanks and separators so the cut reads "word..." and not "word, ...". */
function finish(prefix: string, ellipsis: string): string {
  return prefix.replace(/[\s,;:.\-–—]+$/u, '') + ellipsis;
}
