import { readFile } from 'node:fs/promises';
import { FONT, FONT_BOLD } from './pdf-layout.js';

/** A font file as fontkit parsed it: what pdfkit itself makes of a path or a Buffer. */
export type ParsedFont = ReturnType<typeof import('fontkit').create>;

/** The documents' two fonts (DejaVu Sans and its bold), parsed once. */
export interface PdfFonts {
  body: ParsedFont;
  bold: ParsedFont;
}

/**
 * Reads and parses the fonts once per renderer. Handed a path or a Buffer, pdfkit parses the font
 * again for every document (fontkit.create on ~700 KB each, measured at 130–200 ms of a 150–400 ms
 * render); handed the parsed font it only lays out and subsets (about 20 ms a document). A parsed
 * font is safe to share: pdfkit makes each document's subset from it synchronously.
 */
export async function loadPdfFonts(): Promise<PdfFonts> {
  const fontkit = await import('fontkit');
  const [body, bold] = await Promise.all([readFile(FONT), readFile(FONT_BOLD)]);
  return { body: fontkit.create(body), bold: fontkit.create(bold) };
}
