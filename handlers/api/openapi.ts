import { z } from 'zod';
import { ORDER_ACTIONS, ORDER_STATUSES } from '../../src/orders/lifecycle.js';
import { outboxQuery } from '../outbox.js';
import {
  actionBody,
  createProductBody,
  invoiceQuery,
  listOrdersQuery,
  placeOrderBody,
  stockBody,
} from './schemas.js';

/**
 * OpenAPI 3.1 description of the REST API, generated from the same zod schemas that validate
 * requests, so it cannot drift from what the server accepts. Served at GET /api/v1/openapi.json.
 */

const schema = (s: z.ZodType) => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
  return rest;
};
const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const ok = (ref: string, description = 'OK') => ({ description, content: json(ref) });
const error = (description: string) => ({ description, content: json('Error') });
const errors = {
  400: error('validation_error'),
  401: error('unauthorized'),
  429: error('rate_limited: over API_RATE_LIMIT requests a minute for this key; Retry-After says when'),
};
const numberParam = {
  name: 'number',
  in: 'path',
  required: true,
  schema: { type: 'integer', minimum: 1001 },
  description: 'The order number, e.g. 1001 (shown as #1001)',
};
const skuParam = { name: 'sku', in: 'path', required: true, schema: { type: 'string' } };

const queryParameters = (query: z.ZodType) =>
  Object.entries((schema(query).properties ?? {}) as Record<string, Record<string, unknown>>).map(
    ([name, s]) => ({ name, in: 'query', required: false, schema: s }),
  );

export function openApiDocument(currency: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Orderly REST API',
      version: '1',
      description: `Orders from every channel in one lifecycle. Money is in minor units of ${currency}.`,
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    paths: {
      '/products': {
        get: { summary: 'All products', responses: { 200: ok('ProductList'), ...errors } },
        post: {
          summary: 'Create a product',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schema(createProductBody) } },
          },
          responses: { 201: ok('Product', 'Created'), ...errors, 409: error('conflict: SKU exists') },
        },
      },
      '/products/{sku}': {
        get: {
          summary: 'One product',
          parameters: [skuParam],
          responses: { 200: ok('Product'), ...errors, 404: error('not_found') },
        },
      },
      '/products/{sku}/stock': {
        post: {
          summary: 'Set or add stock',
          parameters: [skuParam],
          requestBody: { required: true, content: { 'application/json': { schema: schema(stockBody) } } },
          responses: { 200: ok('Product'), ...errors, 404: error('not_found'), 409: error('conflict') },
        },
      },
      '/orders': {
        get: {
          summary: 'Orders, newest first',
          parameters: queryParameters(listOrdersQuery),
          responses: { 200: ok('OrderPage'), ...errors },
        },
        post: {
          summary: 'Place an order (idempotent on channel + externalId)',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schema(placeOrderBody) } },
          },
          responses: {
            201: ok('Order', 'Placed'),
            200: ok('Order', 'The existing order with this channel and externalId'),
            ...errors,
            409: error('insufficient_stock (details.items lists each short SKU)'),
            413: error('payload_too_large'),
          },
        },
      },
      '/orders/{number}': {
        get: {
          summary: 'One order',
          parameters: [numberParam],
          responses: { 200: ok('Order'), ...errors, 404: error('not_found') },
        },
      },
      '/orders/{number}/actions': {
        post: {
          summary: 'Apply a lifecycle action',
          parameters: [numberParam],
          requestBody: { required: true, content: { 'application/json': { schema: schema(actionBody) } } },
          responses: {
            200: ok('Order'),
            ...errors,
            404: error('not_found'),
            409: error('invalid_transition'),
          },
        },
      },
      '/orders/{number}/invoice': {
        get: {
          summary:
            'The invoice, once issued at pack: JSON, or PDF with ?format=pdf or Accept: application/pdf',
          parameters: [numberParam, ...queryParameters(invoiceQuery)],
          responses: {
            200: {
              description: 'The invoice',
              content: { 'application/json': { schema: { type: 'object' } }, 'application/pdf': {} },
            },
            ...errors,
            404: error('not_found: no such order, or not packed yet'),
          },
        },
      },
      '/late-messages': {
        get: {
          summary:
            'Slack posts, customer texts and stock alerts due for longer than DELIVERY_LATE_AFTER, oldest first (still being retried)',
          responses: {
            200: {
              description: '{items: [{order?, sku?, effect, since, attempts?, lastError?}]}',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
            ...errors,
          },
        },
      },
      '/outbox': {
        get: {
          summary: 'Sandbox mode: the Slack calls and SMS that would have been sent, newest first',
          parameters: queryParameters(outboxQuery),
          responses: {
            200: {
              description: '{items: [{id, door, method, to, text, payload, createdAt}]}',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
            ...errors,
          },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A key from API_KEYS' } },
      schemas: {
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
            price: { type: 'integer' },
            currency: { type: 'string' },
            onHand: { type: 'integer' },
            reserved: { type: 'integer' },
            available: { type: 'integer' },
            lowStockThreshold: { type: 'integer' },
          },
        },
        ProductList: {
          type: 'object',
          properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Product' } } },
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
            rating: { type: ['object', 'null'] },
            customerUpdateFailures: { type: 'array', items: { type: 'object' } },
            history: { type: 'array', items: { type: 'object' } },
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
      },
    },
  };
}
