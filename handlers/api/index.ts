import express, { Router } from 'express';
import { AppError } from '../../src/errors.js';
import type { Deps } from '../../src/services.js';
import { outboxApiRouter } from '../outbox.js';
import { requireApiKey } from './auth.js';
import { callsRouter } from './calls.js';
import { jobsRouter } from './jobs.js';
import { lateMessagesRouter } from './late.js';
import { openApiDocument } from './openapi.js';
import { ordersRouter } from './orders.js';
import { productsRouter } from './products.js';
import { limitPerApiKey } from './rate-limit.js';

/** REST API v1: API keys, a rate limit per key, JSON bodies up to 1 MB, then the resource routers. */
export function apiRouter(deps: Deps): Router {
  const router = Router();
  router.use(requireApiKey(deps.config.apiKeys));
  // After the key (the limit is per key), before the body is parsed (a refusal costs nothing).
  router.use(limitPerApiKey(deps.config.limits.apiPerMinute, deps.rateCounts, deps.log));
  router.use(express.json({ limit: '1mb', strict: true, type: ['application/json', 'application/*+json'] }));
  router.use((req, _res, next) => {
    // A body was sent but not as JSON: say so rather than report every field missing.
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (
      ['POST', 'PUT', 'PATCH'].includes(req.method) &&
      hasBody &&
      !req.is(['application/json', 'application/*+json'])
    ) {
      next(new AppError('validation_error', 'Send the body as JSON with Content-Type: application/json.'));
      return;
    }
    next();
  });
  const spec = openApiDocument(deps.config.currency);
  router.get('/openapi.json', (_req, res) => {
    res.json(spec);
  });
  router.use('/products', productsRouter(deps));
  router.use('/orders', ordersRouter(deps));
  router.use('/outbox', outboxApiRouter(deps));
  router.use('/late-messages', lateMessagesRouter(deps));
  router.use('/calls', callsRouter(deps));
  router.use('/jobs', jobsRouter(deps));
  router.use((req, _res, next) => {
    next(new AppError('not_found', `No route ${req.method} ${req.baseUrl}${req.path}.`));
  });
  return router;
}
