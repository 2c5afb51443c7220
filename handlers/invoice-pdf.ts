import type { Response } from 'express';
import type { Config } from '../src/config.js';
import type { TaxDocument } from '../src/invoices/document.js';

/**
 * An invoice or credit note PDF as a response, for the API routes and for the signed links staff
 * click in Slack: `invoice-N.pdf` / `credit-note-N.pdf`, shown inline.
 */
export async function sendDocumentPdf(
  res: Response,
  doc: TaxDocument,
  config: Pick<Config, 'timezone'>,
): Promise<void> {
  // Loaded on the first document: pdfkit and its fonts are 12 MB that most processes never need.
  const { renderDocumentPdf } = await import('../src/invoices/pdf.js');
  const pdf = await renderDocumentPdf(doc, { timezone: config.timezone });
  const name = `${doc.kind === 'credit_note' ? 'credit-note' : 'invoice'}-${doc.number}.pdf`;
  // Chrome's PDF viewer draws itself with inline styles that our HTML/JSON policy forbids; framing
  // stays denied by X-Frame-Options.
  res.removeHeader('Content-Security-Policy');
  res
    .type('application/pdf')
    .set('Content-Disposition', `inline; filename="${name}"`)
    .set('Cache-Control', 'private, no-store')
    .send(pdf);
}
