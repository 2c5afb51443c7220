import { Router } from 'express';
import { toE164 } from '../../src/customers/phone.js';
import { AppError } from '../../src/errors.js';
import type { Deps } from '../../src/services.js';
import { callDto } from './dto.js';
import { requireScope } from './route-scopes.js';
import { decodeCallCursor, encodeCallCursor, listCallsQuery } from './schemas.js';
import { validate } from './validate.js';

/** The call log (README, REST API: `GET /api/v1/calls?phone=&limit=&cursor=`), newest first, and one call by its CallSid. */
export function callsRouter({ calls, config }: Deps): Router {
  const router = Router();

  router.get('/', requireScope('GET /calls'), async (req, res) => {
    const query = validate(listCallsQuery, req.query, 'query');
    let phone: string | undefined;
    if (query.phone) {
      phone = toE164(query.phone, config.defaultCountry);
      if (!phone) throw new AppError('validation_error', 'Invalid query: phone is not a valid phone number.');
    }
    let after: string | undefined;
    if (query.cursor) {
      after = decodeCallCursor(query.cursor);
      if (after === undefined)
        throw new AppError('validation_error', 'Invalid query: cursor is not one we gave out.');
    }
    const page = await calls.list({
      ...(phone ? { phone } : {}),
      ...(after ? { after } : {}),
      limit: query.limit ?? 20,
    });
    res.json({
      items: page.items.map(callDto),
      next: page.next === null ? null : encodeCallCursor(page.next),
    });
  });

  router.get('/:sid', requireScope('GET /calls/{sid}'), async (req, res) => {
    const sid = String(req.params.sid ?? '');
    const call = /^[\w-]{1,64}$/.test(sid) ? await calls.get(sid) : null;
    if (!call) throw new AppError('not_found', `No call ${sid.slice(0, 64)}.`);
    res.json(callDto(call));
  });

  return router;
}
