import { z } from 'zod';
import { ORDER_ACTIONS, ORDER_STATUSES } from '../../src/orders/lifecycle.js';

/**
 * Building blocks of the OpenAPI document (see openapi.ts): helpers that turn the request zod
 * schemas into JSON Schema, shared responses and parameters, and the `components.schemas` objects.
 */

export const schema = (s: z.ZodType) => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
  return rest;
};
export const json = (ref: string) => ({
  'application/json': { schema: { $ref: `#/components/schemas/${ref}` } },
});
export const ok = (ref: string, description = 'OK') => ({ description, content: json(ref) });
export const error = (description: string) => ({ description, content: json('Error') });
export const errors = {
  400: error('validation_error'),
  401: error('unauthorized'),
  429: error('rate_limited: over API_RATE_LIMIT requests a minute for this key; Retry-After says when'),
};
export const numberParam = {
  name: 'number',
  in: 'path',
  required: true,
  schema: { type: 'integer', minimum: 1001 },
  description: 'The order number, e.g. 1001 (shown as #1001)',
};
export const skuParam = { name: 'sku', in: 'path', required: true, schema: { type: 'string' } };

export const queryParameters = (query: z.ZodType) =>
  Object.entries((schema(query).properties ?? {}) as Record<string, Record<string, unknown>>).map(
    ([name, s]) => ({ name, in: 'query', required: false, schema: s }),
  );

/** The `components.schemas` of the document; a fresh object on every call. */
export const componentSchemas = () => ({
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
      },
    },
  },
  Product: {
    type: 'object',
    properties: {
      sku: { type: 'string' },
      name: { type: 'string' },
      aliases: {
        type: 'array',
        items: { type: 'string' },
        description: 'Other names customers use for it, in any language; [] when it has none.',
      },
      price: { type: 'integer' },
      currency: { type: 'string' },
      onHand: { type: 'integer' },
      reserved: { type: 'integer' },
      available: { type: 'integer' },
      lowStockThreshold: { type: 'integer' },
      leadTimeDays: {
        type: 'integer',
        minimum: 0,
        maximum: 365,
        description: 'Days from ordering more to having it in stock (default 7).',
      },
    },
  },
  ProductPage: {
    type: 'object',
    properties: {
      items: { type: 'array', items: { $ref: '#/components/schemas/Product' } },
      next: {
        type: ['string', 'null'],
        description: 'Pass as `cursor` for the next page (by SKU); null on the last.',
      },
    },
  },
  Order: {
    type: 'object',
    properties: {
      number: { type: 'integer' },
      status: { enum: [...ORDER_STATUSES] },
      allowedActions: { type: 'array', items: { enum: [...ORDER_ACTIONS] } },
      channel: { type: 'string' },
      externalId: { type: ['string', 'null'] },
      customer: { type: 'object' },
      items: { type: 'array', items: { type: 'object' } },
      total: { type: 'integer' },
      currency: { type: 'string' },
      shipment: { type: ['object', 'null'] },
      invoice: { type: ['object', 'null'] },
      creditNote: { type: ['object', 'null'], description: 'Issued when a return is received' },
      rating: { type: ['object', 'null'] },
      customerUpdateFailures: { type: 'array', items: { type: 'object' } },
      calls: {
        type: 'array',
        description:
          'Calls that concerned the order: its status was read out (`status`), it was logged during the call (`logged`), or the caller placed it by voice (`placed`)',
        items: {
          type: 'object',
          properties: {
            sid: { type: 'string' },
            at: { type: 'string', format: 'date-time' },
            why: { enum: ['status', 'logged', 'placed'] },
            url: { type: 'string' },
          },
        },
      },
      history: { type: 'array', items: { type: 'object' } },
    },
  },
  Call: {
    type: 'object',
    properties: {
      sid: { type: 'string', description: 'Twilio CallSid' },
      from: { type: 'string', description: 'The caller, E.164 (or "anonymous")' },
      customer: { type: ['object', 'null'] },
      language: { enum: ['en', 'he'] },
      startedAt: { type: 'string', format: 'date-time' },
      endedAt: { type: ['string', 'null'], format: 'date-time' },
      duration: { type: ['integer', 'null'], description: 'Seconds, from Twilio' },
      status: { type: 'string', description: 'Twilio CallStatus; only ever moves forward' },
      path: {
        type: 'array',
        items: { type: 'string' },
        description:
          'The latest 50 menu steps: status, heard:<order>, not-found:<number>, take-order, order-said, order-over, placed:<order>, order-no-number, agent, voicemail, lang:<en|he>, gave-up',
      },
      outcome: { enum: ['in_progress', 'ordered', 'status_heard', 'connected', 'voicemail', 'hung_up'] },
      orders: { type: 'array', items: { type: 'integer' } },
      agent: { type: ['object', 'null'] },
      voicemail: { type: ['object', 'null'] },
    },
  },
  CallPage: {
    type: 'object',
    properties: {
      items: { type: 'array', items: { $ref: '#/components/schemas/Call' } },
      next: {
        type: ['string', 'null'],
        description: 'Pass as `cursor` for the next page; null on the last.',
      },
    },
  },
  OrderPage: {
    type: 'object',
    properties: {
      items: { type: 'array', items: { $ref: '#/components/schemas/Order' } },
      next: {
        type: ['string', 'null'],
        description:
          'Pass as `cursor` for the next page; null on the last. With `channel`, `q` or a status nobody works on any more, one page looks through at most the next 2,000 orders, so it can hold fewer than `limit` while `next` is set: keep following it.',
      },
    },
  },
});
