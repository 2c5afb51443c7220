/**
 * What XML 1.0 can carry (its `Char` production): TwiML replies and quoted customer text must hold
 * nothing else, or building the reply fails. One definition for the SMS grammar, the API schemas
 * and the Twilio door.
 */
export const isXmlChar = (c: number) =>
  c === 0x9 ||
  c === 0xa ||
  c === 0xd ||
  (c >= 0x20 && c <= 0xd7ff) ||
  (c >= 0xe000 && c <= 0xfffd) ||
  c > 0xffff;

/** Whether every character of `s` can be carried (iterating by code point: a lone surrogate cannot). */
export function isXmlText(s: string): boolean {
  for (const ch of s) if (!isXmlChar(ch.codePointAt(0) ?? 0)) return false;
  return true;
}

/** `s` without the characters XML cannot carry. */
export function xmlText(s: string): string {
  let out = '';
  for (const ch of s) if (isXmlChar(ch.codePointAt(0) ?? 0)) out += ch;
  return out;
}
