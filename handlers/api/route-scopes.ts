import type { RequestHandler, Response } from 'express';
import { type ApiKey, hasScope, mayPlaceOn, SCOPE_MEANING, type Scope } from '../../src/access/scopes.js';
import { AppError } from '../../src/errors.js';
import type { Channel } from '../../src/orders/lifecycle.js';

/**
 * Which scope each REST operation needs: the one table that the routers enforce (`requireScope`)
 * and the OpenAPI document describes, so the two cannot drift. Keyed as the OpenAPI paths are.
 * `GET /openapi.json` is not here: any key may read what the API offers.
 */
export const ROUTE_SCOPES = {
  'GET /products': 'read',
  'POST /products': 'stock',
  'GET /products/{sku}': 'read',
  'PATCH /products/{sku}': 'stock',
  'POST /products/{sku}/stock': 'stock',
  'GET /orders': 'read',
  'POST /orders': 'place',
  'GET /orders/{number}': 'read',
  'POST /orders/{number}/actions': 'act',
  'GET /orders/{number}/invoice': 'read',
  'GET /orders/{number}/credit-note': 'read',
  'GET /calls': 'read',
  'GET /calls/{sid}': 'read',
  'GET /jobs': 'admin',
  'GET /late-messages': 'admin',
  'GET /outbox': 'admin',
} as const satisfies Record<string, Scope>;

export type ApiOperation = keyof typeof ROUTE_SCOPES;

/** The key `requireApiKey` found for this request. */
export const apiKeyOf = (res: Response): ApiKey => res.locals.apiKey as ApiKey;

/**
 * Refuses the operation (403 `forbidden`, before anything is read or changed) unless the key has
 * the scope the table gives it.
 */
export function requireScope(operation: ApiOperation): RequestHandler {
  const scope: Scope = ROUTE_SCOPES[operation];
  return (_req, res, next) => {
    const key = apiKeyOf(res);
    if (hasScope(key, scope)) {
      next();
      return;
    }
    next(
      new AppError(
        'forbidden',
        `The API key "${key.name}" may not do this: ${operation} needs the "${scope}" scope (${SCOPE_MEANING[scope]}).`,
        { details: { scope } },
      ),
    );
  };
}

/** Refuses (403 `forbidden`) a placement on another channel than the one the key is bound to. */
export function checkPlacementChannel(res: Response, channel: Channel): void {
  const key = apiKeyOf(res);
  if (mayPlaceOn(key, channel)) return;
  throw new AppError(
    'forbidden',
    `The API key "${key.name}" places orders on channel "${key.channel}" only, not "${channel}".`,
    { details: { channel: key.channel } },
  );
}
