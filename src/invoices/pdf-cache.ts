/**
 * The most recently used PDFs, bounded both by count and by bytes: an issued document never
 * changes, so its PDF can be served again as it was; the least recently used goes first.
 */
export function createPdfCache(limits: { entries: number; bytes: number }) {
  // A Map iterates in insertion order: re-inserting on every hit keeps the oldest use first.
  const entries = new Map<string, Buffer>();
  let bytes = 0;
  return {
    get(key: string): Buffer | undefined {
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key);
        entries.set(key, hit);
      }
      return hit;
    },
    set(key: string, pdf: Buffer): void {
      // One too large for the whole cache would only push everything else out.
      if (pdf.length > limits.bytes) return;
      const old = entries.get(key);
      if (old) {
        bytes -= old.length;
        entries.delete(key);
      }
      entries.set(key, pdf);
      bytes += pdf.length;
      for (const [oldest, value] of entries) {
        if (entries.size <= limits.entries && bytes <= limits.bytes) break;
        entries.delete(oldest);
        bytes -= value.length;
      }
    },
    size: () => ({ entries: entries.size, bytes }),
  };
}

export type PdfCache = ReturnType<typeof createPdfCache>;
