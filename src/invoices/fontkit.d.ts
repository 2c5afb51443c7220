/** fontkit (pdfkit's font engine) ships no types; the one call src/invoices/pdf-fonts.ts makes. */
declare module 'fontkit' {
  /** Parses a font file. pdfkit draws with the result as it does with a file it parsed itself. */
  export function create(data: Uint8Array): { layout(text: string, features?: unknown): unknown };
}
