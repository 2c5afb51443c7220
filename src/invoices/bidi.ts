import bidiModule from 'bidi-js';

// bidi-js is CommonJS: at run time the default import is its factory; its types say a namespace.
interface EmbeddingLevels {
  levels: Uint8Array;
  paragraphs: { start: number; end: number; level: number }[];
}
const bidiFactory = ((bidiModule as unknown as { default?: unknown }).default ?? bidiModule) as () => {
  getEmbeddingLevels(text: string, direction?: 'ltr' | 'rtl' | 'auto'): EmbeddingLevels;
  getReorderedString(text: string, levels: EmbeddingLevels): string;
  getReorderedIndices(text: string, levels: EmbeddingLevels): number[];
  getMirroredCharacter(char: string): string | null;
};
const bidi = bidiFactory();
export const RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;

/** The Unicode bidi marks, embeddings and isolates: they steer the algorithm and are never drawn. */
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const BIDI_CONTROLS = new RegExp(BIDI_CONTROL.source, 'g');
/** Right-to-left letters, or a mark that makes what follows right to left (Intl's Hebrew amounts start with one). */
const RTL_OR_MARK = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF\u200F\u202B\u202E\u2067]/;

/**
 * Wraps text that is put inside a sentence of the other direction (a phone number, SKU or tax ID
 * after a Hebrew label) as a first-strong isolate, so its own direction holds and its digits and
 * punctuation do not join the sentence around it ("+972 50…" would otherwise come out "…50 972+").
 */
export const isolate = (text: string) => `\u2068${text}\u2069`;

/** The first character of a script other than Common/Inherited: what fontkit picks the direction by. */
const SCRIPTED = /[^\p{Script=Common}\p{Script=Inherited}\p{Script=Unknown}]/u;

/** Whether fontkit lays `text` out right to left, i.e. reverses its glyphs (see `drawableRuns`). */
function fontkitReverses(text: string): boolean {
  const first = SCRIPTED.exec(text)?.[0];
  return first !== undefined && RTL.test(first);
}

/**
 * One line of text (one bidi paragraph, its direction from its first strong letter) as the runs to
 * draw left to right, one after another, each handed to pdfkit whole (with `features` set, so pdfkit
 * does not cut it at spaces).
 *
 * The bidi algorithm gives the visual order: brackets mirrored, right-to-left runs reversed,
 * numbers and Latin text left as they read. fontkit, which lays out each string pdfkit hands it,
 * reverses the glyphs of any string whose first letter is of a right-to-left script; such a run is
 * therefore handed over reversed once more (logical order), and fontkit's reversal makes it visual.
 * The runs split where the direction changes, so no run mixes the two and each comes out as drawn.
 * Bidi marks (Intl's currency format puts U+200F in Hebrew amounts) steer the algorithm and are dropped.
 */
export function drawableRuns(text: string): string[] {
  if (!RTL_OR_MARK.test(text)) {
    const plain = text.replace(BIDI_CONTROLS, '');
    return plain ? [plain] : [];
  }
  const levels = bidi.getEmbeddingLevels(text, 'auto');
  const runs: string[] = [];
  let run = '';
  let odd: boolean | undefined;
  for (const i of bidi.getReorderedIndices(text, levels)) {
    const char = text[i] as string;
    if (BIDI_CONTROL.test(char)) continue;
    const rtl = ((levels.levels[i] ?? 0) & 1) === 1;
    if (odd !== undefined && rtl !== odd) {
      runs.push(run);
      run = '';
    }
    odd = rtl;
    run += rtl ? (bidi.getMirroredCharacter(char) ?? char) : char;
  }
  if (run) runs.push(run);
  return runs.map((r) => (fontkitReverses(r) ? [...r].reverse().join('') : r));
}
