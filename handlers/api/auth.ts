import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { ApiKey } from '../../src/access/scopes.js';
import { AppError } from '../../src/errors.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * `Authorization: Bearer <key>` against API_KEYS. Keys are compared as SHA-256 digests in
 * constant time, so neither their content nor their length leaks through timing.
 * The key is kept as `res.locals.apiKey` (its scopes, checked per route by `requireScope`) and its
 * name as `res.locals.apiKeyName`: it is the "who" of the order history.
 */
export function requireApiKey(keys: readonly ApiKey[]): RequestHandler {
  if (keys.length === 0) {
    // No API_KEYS, and the sandbox key is off (a door is live or PUBLIC_URL is set): closed.
    return (_req, res) => {
      res.status(503).json({
        error: { code: 'not_configured', message: 'The REST API is not configured: set API_KEYS.' },
      });
    };
  }
  const known = keys.map((k) => ({ key: k, digest: digest(k.key) }));
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (!match?.[1]) {
      next(new AppError('unauthorized', 'Send an API key as "Authorization: Bearer <key>".'));
      return;
    }
    const presented = digest(match[1]);
    let found: ApiKey | undefined;
    for (const k of known) if (timingSafeEqual(k.digest, presented)) found = k.key;
    if (!found) {
      next(new AppError('unauthorized', 'Unknown API key.'));
      return;
    }
    res.locals.apiKey = found;
    res.locals.apiKeyName = found.name;
    next();
  };
}
