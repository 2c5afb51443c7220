import type { Response } from 'express';
import type { TaxDocument } from '../src/invoices/document.js';
import type { PdfRenderer } from '../src/invoices/pdf-renderer.js';

/**
 * An invoice or credit note PDF as a response, for the API routes and for the signed links staff
 * click in Slack: `invoice-N.pdf` / `credit-note-N.pdf`, shown inline. The renderer keeps recent
 * PDFs, so opening a link again costs no rendering.
 */
export async function sendDocumentPdf(res: Response, doc: TaxDocument, pdfs: PdfRenderer): Promise<void> {
  const pdf = await pdfs.pdf(doc);
  const name = `${doc.kind === 'credit_note' ? 'credit-note' : 'invoice'}-${doc.number}.pdf`;
  // Chrome's PDF viewer draws itself with inline styles that our HTML/JSON policy forbids; framing
  // stays denied by X-Frame-Options.
  res.removeHeader('Content-Security-Policy');
  res
    .type('application/pdf')
    .set('Content-Disposition', `inline; filename="${name}"`)
    // The customer's name and address: never kept by a shared cache or the browser.
    .set('Cache-Control', 'private, no-store')
    .send(pdf);
}
