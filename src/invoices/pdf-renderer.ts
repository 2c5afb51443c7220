import type { TaxDocument } from './document.js';
import { createPdfCache } from './pdf-cache.js';

/** Recent PDFs kept: a day's worth of links opened again, at a few hundred KB at most. */
const CACHE_ENTRIES = 50;
const CACHE_BYTES = 16 * 1024 * 1024;

/**
 * Invoice and credit note PDFs for the API and the signed links. An issued document is frozen, so
 * its PDF never changes: the recent ones are kept (by document and language) and served again
 * without rendering, and the fonts are parsed once, at the first PDF. pdfkit and the fonts load
 * only then (12 MB that most processes never need). Several requests for one PDF at once share
 * one rendering.
 */
export function createPdfRenderer(opts: { timezone: string }) {
  const cache = createPdfCache({ entries: CACHE_ENTRIES, bytes: CACHE_BYTES });
  const inFlight = new Map<string, Promise<Buffer>>();
  let engine: Promise<Engine> | undefined;
  let renders = 0;

  async function render(doc: TaxDocument): Promise<Buffer> {
    engine ??= loadEngine();
    const { renderDocumentPdf, fonts } = await engine.catch((err) => {
      engine = undefined;
      throw err;
    });
    const pdf = await renderDocumentPdf(doc, { timezone: opts.timezone, fonts });
    renders++;
    return pdf;
  }

  return {
    /** The document's PDF: from the cache, or rendered (once, however many ask at the same time). */
    async pdf(doc: TaxDocument): Promise<Buffer> {
      // Invoices and credit notes are numbered in their own series; the language is fixed at issue.
      const key = `${doc.kind}:${doc.number}:${doc.language}`;
      const cached = cache.get(key);
      if (cached) return cached;
      let rendering = inFlight.get(key);
      if (!rendering) {
        rendering = render(doc).finally(() => inFlight.delete(key));
        inFlight.set(key, rendering);
        cache.set(key, await rendering);
      }
      return rendering;
    },
    /** How many PDFs this process has rendered (not served from the cache). */
    renders: () => renders,
    cached: () => cache.size(),
  };
}

type Engine = Awaited<ReturnType<typeof loadEngine>>;

async function loadEngine() {
  // One after the other: both share pdf-layout.js, and Jest's ESM loader trips over a module
  // that two dynamic imports link at once.
  const { renderDocumentPdf } = await import('./pdf.js');
  const { loadPdfFonts } = await import('./pdf-fonts.js');
  return { renderDocumentPdf, fonts: await loadPdfFonts() };
}

export type PdfRenderer = ReturnType<typeof createPdfRenderer>;
