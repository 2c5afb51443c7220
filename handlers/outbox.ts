import { createHash } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import type { OutboxEntry } from '../src/outbox/entry.js';
import type { Deps } from '../src/services.js';
import { requireScope } from './api/route-scopes.js';
import { validate } from './api/validate.js';

export const outboxQuery = z.strictObject({
  door: z.enum(['slack', 'sms']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** An outbox entry as the API and the console's phone show it. */
export const outboxDto = (e: OutboxEntry) => ({
  id: String(e.seq),
  door: e.door,
  method: e.method,
  to: e.to,
  text: e.text,
  payload: e.payload,
  createdAt: e.createdAt,
});

/**
 * `GET /api/v1/outbox`: sandbox messages as JSON, behind the API key like the rest of /api/v1,
 * for keys with the `admin` scope (it holds customers' texts). Once a door is live it is not
 * there (404): the keys are the shops' and tills', not staff's. Nor when no door is in sandbox
 * mode (both turned off): then nothing is ever kept.
 */
export function outboxApiRouter({ outbox, config }: Deps): Router {
  const router = Router();
  if (!config.outbox.api) return router;
  router.get('/', requireScope('GET /outbox'), async (req, res) => {
    const q = validate(outboxQuery, req.query, 'query');
    const entries = await outbox.list({ limit: q.limit, ...(q.door ? { door: q.door } : {}) });
    res.json({ items: entries.map(outboxDto) });
  });
  return router;
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** The page's only style, allowed by its hash in the Content-Security-Policy (src/http.ts). */
const STYLE =
  'body{font:14px system-ui;margin:2em}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:6px;vertical-align:top;text-align:left}pre{white-space:pre-wrap;margin:0}img{max-width:100%;height:auto;display:block;margin:6px 0}';
export const OUTBOX_STYLE_SOURCE = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/**
 * A file kept by the sandbox's `files.uploadV2` (the digest's chart): shown as an image (a `data:`
 * URL, which the page's Content-Security-Policy allows for images only), and left out of the
 * payload shown below it.
 */
function keptImage(payload: Record<string, unknown>): { img: string; payload: Record<string, unknown> } {
  const { data_base64: data, ...rest } = payload;
  if (typeof data !== 'string' || !/^[A-Za-z0-9+/]+=*$/.test(data)) return { img: '', payload };
  const alt = escapeHtml(String(payload.title ?? payload.filename ?? 'file'));
  const img = String(payload.filename ?? '').endsWith('.png')
    ? `<img alt="${alt}" src="data:image/png;base64,${data}">`
    : '';
  return { img, payload: { ...rest, data_base64: `(${rest.bytes ?? '?'} bytes)` } };
}

/**
 * `GET /outbox`: the page a person opens while trying Orderly without Slack or Twilio accounts.
 * Messages hold customer data and the page asks for no key, so it exists only in pure sandbox
 * mode (`config.outbox.page`): never in production, never once a door is live.
 */
export function outboxPageRouter(deps: Deps): Router {
  const router = Router();
  if (!deps.config.outbox.page) return router;
  router.get('/outbox', async (_req, res) => {
    const entries = await deps.outbox.list({ limit: 200 });
    const rows = entries
      .map((e) => {
        const blocks =
          (e.payload as { blocks?: unknown; view?: unknown }).blocks ??
          (e.payload as { view?: unknown }).view;
        const builder = blocks
          ? ` <a href="https://app.slack.com/block-kit-builder#${encodeURIComponent(JSON.stringify(Array.isArray(blocks) ? { blocks } : blocks))}">preview</a>`
          : '';
        const file = keptImage(e.payload);
        return `<tr><td>${escapeHtml(e.createdAt.toISOString().replace('T', ' ').slice(0, 19))}</td><td>${e.door}</td><td>${escapeHtml(e.method)}</td><td>${escapeHtml(e.to)}</td><td><pre>${escapeHtml(e.text)}</pre>${file.img}${builder}<details><summary>payload</summary><pre>${escapeHtml(JSON.stringify(file.payload, null, 2))}</pre></details></td></tr>`;
      })
      .join('\n');
    res
      .type('html')
      .send(`<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>Orderly outbox</title><style>${STYLE}</style></head>
<body><h1>Outbox</h1><p>Sandbox mode: what Orderly would have sent to Slack and by SMS, newest first (refreshes every 5 s). JSON: <code>GET /api/v1/outbox</code> with the API key (<code>Authorization: Bearer orderly-sandbox-key</code>).</p>
<table><tr><th>when (UTC)</th><th>door</th><th>call</th><th>to</th><th>message</th></tr>${rows || '<tr><td colspan="5">Nothing yet.</td></tr>'}</table></body></html>`);
  });
  return router;
}
