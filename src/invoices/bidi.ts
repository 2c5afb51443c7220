import bidiModule from 'bidi-js';

// bidi-js is CommonJS: at run time the default import is its factory; its types say a namespace.
const bidiFactory = ((bidiModule as unknown as { default?: unknown }).default ?? bidiModule) as () => {
  getEmbeddingLevels(text: string): object;
  getReorderedString(text: string, levels: object): string;
};
const bidi = bidiFactory();
export const RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;

/**
 * PDF text is drawn left to right in the order given, so a Hebrew (or Arabic) name must be put
 * in visual order first: the Unicode Bidirectional Algorithm (bidi-js) mirrors brackets and
 * reverses each right-to-left run, leaving numbers and Latin text readable.
 */
export function visualOrder(text: string): string {
  if (!RTL.test(text)) return text;
  return bidi.getReorderedString(text, bidi.getEmbeddingLevels(text));
}

/**
 * The words of a line, left to right as they are to be drawn, each as the PDF font layout wants
 * it. pdfkit's font engine (fontkit) reverses any run whose first letter is right-to-left, so a
 * right-to-left word is handed over in logical order and comes out right; the order of the
 * words themselves comes from the bidi algorithm.
 */
export function drawableWords(text: string): string[] {
  return visualOrder(text)
    .split(' ')
    .map((word) => (RTL.test(word) ? [...word].reverse().join('') : word));
}
