import { Router } from 'express';
import type { Deps } from '../../src/services.js';
import { requireScope } from './route-scopes.js';

/** `GET /api/v1/jobs`: the scheduled work as `/order jobs` shows it (schedule, next and last run, failures). */
export function jobsRouter({ scheduler }: Deps): Router {
  const router = Router();
  router.get('/', requireScope('GET /jobs'), async (_req, res) => {
    res.json({ items: await scheduler.list() });
  });
  return router;
}
