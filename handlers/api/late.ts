import { Router } from 'express';
import type { Deps } from '../../src/services.js';
import { requireScope } from './route-scopes.js';

/**
 * `GET /api/v1/late-messages`: Slack posts, customer texts and stock alerts due for longer than
 * DELIVERY_LATE_AFTER, oldest first, with what went wrong and when they are tried next, then the
 * ones given up after failing on their own (`givenUpAt`). Here rather than only in Slack, because
 * Slack may be the thing that is down.
 */
export function lateMessagesRouter({ delivery }: Deps): Router {
  const router = Router();
  router.get('/', requireScope('GET /late-messages'), async (_req, res) => {
    res.json({ items: await delivery.late() });
  });
  return router;
}
